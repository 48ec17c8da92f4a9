"""Which database role each `gonghui` command connects as (docs/deployment.md, "Database roles")."""

import os
import subprocess
import sys


def _settings_of(env: dict, *argv: str) -> list[str]:
    code = (
        "import os, sys; sys.argv = ['gonghui', *sys.argv[1:]];"
        "from gonghui.cli import connect_as_owner;"
        "connect_as_owner(sys.argv) and os.environ.setdefault('GONGHUI_DB_CONNECT_AS', 'owner');"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'gonghui.settings';"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['USER'], settings.DATABASE_APP_ROLE or '-')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *argv],
        env={k: v for k, v in {**os.environ, **env}.items() if not k.startswith("GONGHUI_DB_")},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def test_schema_commands_connect_as_the_owner_and_the_rest_as_the_app_role(tmp_path):
    env = {
        "GONGHUI_VAR_DIR": str(tmp_path),
        "GONGHUI_DATABASE_URL": "postgres://gonghui_app:a@db:5432/gonghui",
        "GONGHUI_MIGRATE_DATABASE_URL": "postgres://gonghui_owner:o@db:5432/gonghui",
    }
    for command in ("migrate", "createcachetable", "grant_db_roles", "backup", "restore"):
        assert _settings_of(env, command) == ["gonghui_owner", "gonghui_app"], command
    for command in ("runserver", "db_worker", "check_db_roles", "rotate-data-key", "shell"):
        assert _settings_of(env, command) == ["gonghui_app", "gonghui_app"], command
    # without an owner URL everything connects as the one role, and nothing is granted
    single = {**env, "GONGHUI_MIGRATE_DATABASE_URL": ""}
    assert _settings_of(single, "migrate") == ["gonghui_app", "-"]
