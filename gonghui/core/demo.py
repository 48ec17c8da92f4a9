"""Synthetic demo data. Each app contributes a seeder; `gonghui seed-demo` runs them in order.

Seeders are deterministic for a given seed and idempotent: running twice changes nothing.
Every name, number and phone here is generated; none belongs to a real person.
"""

from importlib import import_module
from importlib.util import find_spec

DEMO_PASSWORD = "Demo@Gonghui2026"


def demo_seeders() -> list[str]:
    """The dotted paths of the seeders, apps in INSTALLED_APPS order (an app's data may refer
    to the apps before it). An app lists its seeders in its AppConfig's `demo_seeders`, or
    has a `demo.py` with `seed(*, seed)`; core names none of them."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui.") or config.name == "gonghui.core":
            continue
        listed = getattr(config, "demo_seeders", None)
        if listed is not None:
            found.extend(listed)
        elif find_spec(f"{config.name}.demo") is not None:
            found.append(f"{config.name}.demo.seed")
    return found


def run_seeders(*, seed: int, stdout=None) -> None:
    for dotted in demo_seeders():
        module_path, func_name = dotted.rsplit(".", 1)
        seeder = getattr(import_module(module_path), func_name)
        summary = seeder(seed=seed)
        if stdout is not None:
            stdout.write(f"{dotted}: {summary}")
