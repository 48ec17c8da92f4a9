"""Demo data of hardship assistance: archives first, then programmes (with their grants and
visits), then monitoring (facts, one run and its alerts). Each seeder is idempotent."""

from gonghui.assistance.archives.demo import seed as archives_seed
from gonghui.assistance.monitoring.demo import seed as monitoring_seed
from gonghui.assistance.programmes.demo import seed as programmes_seed


def seed(*, seed: int) -> str:
    return "; ".join(
        f"{name}: {seeder(seed=seed)}"
        for name, seeder in (
            ("archives", archives_seed),
            ("programmes", programmes_seed),
            ("monitoring", monitoring_seed),
        )
    )
