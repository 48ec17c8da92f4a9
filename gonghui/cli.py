"""The `gonghui` console script: Django's management entry point."""

import os
import sys

# Commands that create, replace or dump the tables connect as the owner role when one is
# configured (GONGHUI_MIGRATE_DATABASE_URL, docs/deployment.md "Database roles").
OWNER_COMMANDS = frozenset({"migrate", "createcachetable", "grant_db_roles", "backup", "restore"})


def connect_as_owner(argv: list[str]) -> bool:
    return len(argv) > 1 and argv[1] in OWNER_COMMANDS


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    if connect_as_owner(sys.argv):
        os.environ.setdefault("GONGHUI_DB_CONNECT_AS", "owner")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
