"""Demo seeder stub."""


def seed(*, seed: int) -> str:
    return "nothing yet"
