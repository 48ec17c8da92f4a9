"""Pytest plugin: pick the test database and keep tests away from ./var.

`GONGHUI_TEST_DB` chooses the database:

- `postgres` (default): a throwaway PostgreSQL cluster (initdb + pg_ctl, see
  pgcluster.py) is started once per pytest run and stopped at its end. Under
  pytest-xdist the controller starts it and the workers share it through the
  environment (each worker gets its own test database, test_gonghui_gwN).
  `GONGHUI_TEST_DATABASE_URL=postgres://...` uses an existing server instead.
- `sqlite`: a SQLite file in the run's temporary directory (a file rather than
  memory, so transactional tests and threads behave as in production).

Test settings on top: the fast MD5 password hasher, the immediate task backend,
and VAR_DIR/MEDIA_ROOT/STATIC_ROOT in a temporary directory.

Registered from gonghui/conftest.py. pytest-django imports the settings before
any conftest, so the settings are patched in `pytest_configure`, which runs before
pytest-django creates the test database. Loaded early with
`-p gonghui.core.testing.db_plugin` (as the Makefile does), the module-level
defaults below also reach the settings import, so not even the generated keys
land in ./var.
"""

import atexit
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

TEST_DB_ENV = "GONGHUI_TEST_DB"
EXTERNAL_URL_ENV = "GONGHUI_TEST_DATABASE_URL"
_SHARED_URL_ENV = "_GONGHUI_TEST_PG_URL"  # controller → xdist workers
_TMP_ENV = "_GONGHUI_TEST_TMPDIR"  # controller → xdist workers
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"


def _is_xdist_worker() -> bool:
    return "PYTEST_XDIST_WORKER" in os.environ


def _session_tmp() -> tuple[Path, bool]:
    """(directory, owned): one temp dir per run, shared with xdist workers."""
    inherited = os.environ.get(_TMP_ENV)
    if inherited and Path(inherited).is_dir():
        return Path(inherited), False
    path = Path(tempfile.mkdtemp(prefix="gonghui-test-"))
    os.environ[_TMP_ENV] = str(path)
    return path, True


_TMP, _TMP_OWNED = _session_tmp()
# Effective only when this module is imported before the settings (-p): then
# settings.py itself never creates var/ or its key files.
os.environ.setdefault("GONGHUI_VAR_DIR", str(_TMP / "var"))
os.environ.setdefault("GONGHUI_MEDIA_ROOT", str(_TMP / "media"))
os.environ.setdefault("GONGHUI_TASK_BACKEND", IMMEDIATE_TASKS)


def selected_db_kind() -> str:
    kind = os.environ.get(TEST_DB_ENV, "postgres").strip().lower() or "postgres"
    if kind in {"pg", "postgresql"}:
        kind = "postgres"
    if kind not in {"postgres", "sqlite"}:
        raise pytest.UsageError(f"{TEST_DB_ENV} must be 'postgres' or 'sqlite', not {kind!r}")
    return kind


class _State:
    cluster = None  # the Cluster this process started, if any


def _stop_cluster() -> None:
    cluster, _State.cluster = _State.cluster, None
    if cluster is not None:
        cluster.stop()


def _postgres_url() -> str:
    external = os.environ.get(EXTERNAL_URL_ENV)
    if external:
        return external
    shared = os.environ.get(_SHARED_URL_ENV)
    if shared and _is_xdist_worker():
        return shared
    from gonghui.core.testing.pgcluster import start_cluster

    _State.cluster = start_cluster()
    atexit.register(_stop_cluster)  # a crash between configure and unconfigure
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # `timeout`, CI cancellation: unwind like Ctrl-C so unconfigure stops the cluster.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    os.environ[_SHARED_URL_ENV] = _State.cluster.url  # inherited by xdist workers
    return _State.cluster.url


def _database_settings(kind: str) -> dict:
    import dj_database_url

    if kind == "postgres":
        db = dj_database_url.parse(_postgres_url(), conn_max_age=0)
        db["TEST"] = {"NAME": "test_gonghui"}
        return db
    db = dj_database_url.parse(f"sqlite:///{_TMP / 'gonghui.sqlite3'}", conn_max_age=0)
    db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # pytest-django appends _gwN under xdist, so workers never share the file.
    db["TEST"] = {"NAME": str(_TMP / "test_gonghui.sqlite3")}
    return db


def _point_django_at(db: dict) -> None:
    from django.conf import settings
    from django.db import connections

    # Replace the contents in place: django.db.connections may already hold this dict.
    default = settings.DATABASES["default"]
    default.clear()
    default.update(db)
    connections.__dict__.pop("settings", None)
    # Loading the models already built a wrapper for the configured engine (Options asks
    # connection.ops for the maximum name length). Nothing has connected yet; drop the
    # wrapper so the next use builds one for the test engine.
    for conn in connections.all(initialized_only=True):
        conn.close()
        del connections[conn.alias]


def _apply_test_settings() -> None:
    from asgiref.local import Local
    from django.conf import settings
    from django.contrib.auth import hashers
    from django_tasks import task_backends

    var_dir = _TMP / "var"
    media = _TMP / "media"
    var_dir.mkdir(parents=True, exist_ok=True)
    media.mkdir(parents=True, exist_ok=True)
    settings.VAR_DIR = var_dir
    settings.MEDIA_ROOT = media
    settings.STATIC_ROOT = var_dir / "static"
    # Static files from the apps' folders, whatever GONGHUI_DEBUG says (no collectstatic).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.PASSWORD_HASHERS = FAST_HASHERS
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_TASKS, "QUEUES": ["default"]}}
    # Isolated per test process; production's database cache outlives test flushes.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Forget any backend built from the settings as they were imported.
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


def _flush_in_replica_mode() -> None:
    """Let the flush between transactional tests empty the audit log on PostgreSQL.

    The audit table refuses TRUNCATE (audit/migrations/0004); triggers do not fire in a
    session in replica mode, which only a superuser (the throwaway cluster's `postgres`)
    can enter. Production has no flush, and its app role no such power.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "_gonghui_replica", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        # execute_sql_flush runs the list in one transaction: SET LOCAL ends with it.
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else []

    sql_flush._gonghui_replica = True
    DatabaseOperations.sql_flush = sql_flush


_kind_key = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("help", False) or config.getoption("version", 0):
        return
    kind = selected_db_kind()
    _point_django_at(_database_settings(kind))
    _apply_test_settings()
    if kind == "postgres":
        _flush_in_replica_mode()
    config.stash[_kind_key] = kind


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="deselect the tests that use no test database (make test runs them once, in the "
        "PostgreSQL run, and passes this to the SQLite run)",
    )


# Fixtures through which a test reaches the test database.
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "live_server"})


def uses_test_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    return not _DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On SQLite, tests of PostgreSQL-only features are deselected, so nothing is skipped; with
    --database-tests-only, so are the tests that would only repeat what the PostgreSQL run did."""
    if config.stash.get(_kind_key, None) != "sqlite":
        return
    database_only = config.getoption("database_tests_only")
    kept = [
        item
        for item in items
        if item.get_closest_marker("postgresql_only") is None
        and (not database_only or uses_test_database(item))
    ]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    kind = config.stash.get(_kind_key, None)
    if kind is None:
        return None
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f"port {db.get('PORT')}" if kind == "postgres" else db["TEST"]["NAME"]
    return f"gonghui test database: {kind} ({where}); tmp {_TMP}"


def pytest_unconfigure(config: pytest.Config) -> None:
    _stop_cluster()
    if _TMP_OWNED and not _is_xdist_worker():
        shutil.rmtree(_TMP, ignore_errors=True)
