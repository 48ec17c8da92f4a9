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

Under pytest-xdist only one worker migrates: the first to set up its test database
migrates it and keeps a copy (PostgreSQL: a database created from it as a template;
SQLite: a copy of the file), and the other workers start from that copy. A migrate
renders the models' state hundreds of times (~40 s of CPU on a quiet machine); the copy
takes a second. See `_copy_the_first_migrated_database`.

Registered from gonghui/conftest.py. pytest-django imports the settings before
any conftest, so the settings are patched in `pytest_configure`, which runs before
pytest-django creates the test database. Loaded early with
`-p gonghui.core.testing.db_plugin` (as the Makefile does), the module-level
defaults below also reach the settings import, so not even the generated keys
land in ./var.
"""

import atexit
import fcntl
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

    And make it cheaper: a DELETE per table instead of one TRUNCATE of every table. TRUNCATE
    gives each of the ~170 tables (and their indexes) new files, ~0.2–2 s a flush, whereas
    the transactional tests leave most tables empty or nearly so. In replica mode the foreign
    key checks (triggers too) do not fire either, so the order does not matter; the flush
    empties every table, so none is left referring to a deleted row. A flush that resets the
    sequences or cascades to other tables keeps Django's TRUNCATE.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "_gonghui_replica", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables:
            return []
        if reset_sequences or allow_cascade:
            statements = original(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        else:
            statements = [f"DELETE FROM {self.quote_name(table)};" for table in tables]
        # execute_sql_flush runs the list in one transaction: SET LOCAL ends with it.
        return ["SET LOCAL session_replication_role = replica", *statements]

    sql_flush._gonghui_replica = True
    DatabaseOperations.sql_flush = sql_flush


# --- one migrate per run under xdist -------------------------------------------------------

TEMPLATE_NAME = "test_gonghui_template"  # PostgreSQL; on SQLite a file of that name in _TMP


def _template_marker(alias: str) -> Path:
    """Written by the worker that migrated, once its copy exists: the copy's name."""
    return _TMP / f"test-db-template-{alias}.name"


def _template_save(creation, test_name: str) -> str:
    connection = creation.connection
    if connection.vendor == "postgresql":
        # CREATE DATABASE … TEMPLATE needs no one else connected to the source.
        connection.close()
        quote = connection.ops.quote_name
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(TEMPLATE_NAME)}")
            cursor.execute(f"CREATE DATABASE {quote(TEMPLATE_NAME)} TEMPLATE {quote(test_name)}")
        return TEMPLATE_NAME
    template = str(_TMP / f"{TEMPLATE_NAME}.sqlite3")
    _sqlite_copy(test_name, template)
    return template


def _template_copy(creation, template: str, test_name: str) -> None:
    connection = creation.connection
    connection.close()
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
            cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")
    else:
        _sqlite_copy(template, test_name)


def _sqlite_copy(source: str, target: str) -> None:
    """SQLite's online backup: a consistent copy whatever the source's WAL holds."""
    import sqlite3

    for path in (target, f"{target}-wal", f"{target}-shm"):
        Path(path).unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _copy_the_first_migrated_database() -> None:
    """Under xdist, every worker creates its own test database (pytest-django); make only the
    first one migrate. The workers take a lock in the run's shared temporary directory: the
    first migrates as usual (Django's create_test_db) and saves a copy, the others copy it and
    then do what create_test_db does after its migrate. --reuse-db and in-memory SQLite go the
    usual way. The PostgreSQL template is dropped by the controller (`_drop_template`)."""
    from django.core.management import call_command
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.create_test_db
    if getattr(original, "_gonghui_template", False):
        return

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        from django.conf import settings

        alias = self.connection.alias
        test_name = self._get_test_db_name()
        if (
            keepdb
            or self.connection.vendor not in {"postgresql", "sqlite"}
            or (self.connection.vendor == "sqlite" and self.is_in_memory_db(test_name))
        ):
            return original(self, verbosity, autoclobber, serialize, keepdb)
        marker = _template_marker(alias)
        with open(_TMP / f"test-db-template-{alias}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not marker.exists():
                name = original(self, verbosity, autoclobber, serialize, keepdb)
                marker.write_text(_template_save(self, name))
                self.connection.ensure_connection()
                return name
        if verbosity >= 1:
            self.log(f"Copying the migrated test database for alias {alias!r}...")
        _template_copy(self, marker.read_text(), test_name)
        # The rest of create_test_db, after its migrate.
        settings.DATABASES[alias]["NAME"] = test_name
        self.connection.settings_dict["NAME"] = test_name
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        call_command("createcachetable", database=alias)
        self.connection.ensure_connection()
        return test_name

    create_test_db._gonghui_template = True
    BaseDatabaseCreation.create_test_db = create_test_db


def _drop_template() -> None:
    """The controller, at the end of an xdist run on PostgreSQL (the workers have dropped their
    own databases): drop the template, which outlives the run on an external server."""
    if not _template_marker("default").exists():
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    try:
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(TEMPLATE_NAME)}")
    except Exception as exc:  # a leftover template is not worth failing the run for
        print(f"gonghui test database: could not drop {TEMPLATE_NAME}: {exc}")


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
    if _is_xdist_worker():
        _copy_the_first_migrated_database()
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
    if not _is_xdist_worker() and config.stash.get(_kind_key, None) == "postgres":
        _drop_template()
    _stop_cluster()
    if _TMP_OWNED and not _is_xdist_worker():
        shutil.rmtree(_TMP, ignore_errors=True)
