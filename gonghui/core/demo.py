"""Synthetic demo data. Each app contributes a seeder; `gonghui seed-demo` runs them in order.

Seeders are deterministic for a given seed and idempotent: running twice changes nothing.
Every name, number and phone here is generated; none belongs to a real person.
"""

from importlib import import_module

DEMO_SEEDERS = [
    "gonghui.orgs.demo.seed",
    "gonghui.accounts.demo.seed",
    "gonghui.members.demo.seed",
    "gonghui.members.demo_join.seed",
    "gonghui.members.demo_transfers.seed",
    "gonghui.sites.demo.seed",
    "gonghui.assistance.demo.seed",
    "gonghui.assistance.demo_programmes.seed",
    "gonghui.assistance.demo_monitoring.seed",
    "gonghui.workforce.demo.seed",
]
DEMO_PASSWORD = "Demo@Gonghui2026"


def run_seeders(*, seed: int, stdout=None) -> None:
    for dotted in DEMO_SEEDERS:
        module_path, func_name = dotted.rsplit(".", 1)
        seeder = getattr(import_module(module_path), func_name)
        summary = seeder(seed=seed)
        if stdout is not None:
            stdout.write(f"{dotted}: {summary}")
