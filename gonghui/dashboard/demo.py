"""Demo data of the dashboard app: the annual statistical returns."""

from gonghui.dashboard.returns.demo import seed as seed_returns


def seed(*, seed: int) -> str:
    return f"returns: {seed_returns(seed=seed)}"
