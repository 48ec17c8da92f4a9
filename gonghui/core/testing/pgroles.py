"""Test helpers: run the app under another database role, or against another database.

The default connection's settings dict is shared by every thread's connection (the import
pipeline's writer thread included), so changing it in place and closing the connection makes
all later queries connect with the new settings. Only for transactional tests: the other role
must see committed data, and the test's own flush has to run as the superuser again.
"""

import contextlib
import uuid

from django.db import connection, connections


def close_all() -> None:
    for conn in connections.all(initialized_only=True):
        conn.close()


@contextlib.contextmanager
def switched_database(**overrides):
    """Every connection of the default alias uses `overrides` (USER, NAME, PORT, …) inside."""
    settings_dict = connection.settings_dict
    saved = {key: settings_dict.get(key) for key in overrides}
    close_all()
    settings_dict.update(overrides)
    try:
        yield
    finally:
        close_all()
        settings_dict.update(saved)


def superuser_execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextlib.contextmanager
def login_role(prefix: str = "gh_app"):
    """A fresh LOGIN role of the throwaway cluster (roles are cluster-wide: unique names)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    superuser_execute(f'CREATE ROLE "{name}" LOGIN')
    try:
        yield name
    finally:
        close_all()
        superuser_execute(f'DROP OWNED BY "{name}"', f'DROP ROLE "{name}"')
