"""Demo data of the plans app: each sub-domain's seeder."""

from gonghui.plans.reform.demo import seed as seed_reform
from gonghui.plans.targets.demo import seed as seed_targets


def seed(*, seed: int) -> str:
    return f"targets: {seed_targets(seed=seed)}; reform: {seed_reform(seed=seed)}"
