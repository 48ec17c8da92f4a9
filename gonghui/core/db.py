"""Database helpers for the hottest statements (the public nearest query, the rate limits).

`prepared_cursor()`: on PostgreSQL a cursor whose statements are sent with server-side
parameters and prepared once per connection (psycopg names and caches them; with persistent
connections, CONN_MAX_AGE, every later execution skips parsing and planning). Django keeps
its connections at client-side binding with psycopg's automatic preparation off (so that
transaction-mode poolers keep working); this opts single, fixed statements in. Elsewhere
(SQLite) it is a plain cursor. Queries still go through Django's cursor wrapper, so they are
logged in DEBUG and counted by assertNumQueries.

Only for fixed SQL text with %s / %(name)s placeholders whose result has no timestamp
columns (the cursor skips Django's per-cursor time-zone loader). Behind PgBouncer in
transaction mode, prepared statements need PgBouncer ≥ 1.21 with `max_prepared_statements`
set, or GONGHUI_PG_PREPARED=0 (settings.PG_PREPARED_STATEMENTS; see docs/deployment.md).
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import connections
from django.db.backends.utils import CursorWrapper

_preparing_cursor_class = None


def _preparing_cursor(raw_connection):
    global _preparing_cursor_class
    if _preparing_cursor_class is None:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparingCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(query, params, prepare=True, binary=binary)

            def _send_query_prepared(self, name, pgq, *, binary=None):
                # Django's query log (DEBUG, assertNumQueries) reads the statement from
                # _query, which psycopg sets only for unprepared executions.
                self._query = pgq
                return super()._send_query_prepared(name, pgq, binary=binary)

        _preparing_cursor_class = PreparingCursor
    return _preparing_cursor_class(raw_connection)


# Django opens its connections with prepare_threshold=None, which turns preparation off
# altogether. Its own cursors bind parameters client-side and are never prepared whatever
# the threshold, so a threshold no query reaches means "only when asked", i.e. here.
_ONLY_WHEN_ASKED = 1 << 30


@contextlib.contextmanager
def prepared_cursor(using: str = "default") -> Iterator[CursorWrapper]:
    """A cursor that prepares its statements on PostgreSQL; a plain cursor elsewhere (and on
    PostgreSQL with settings.PG_PREPARED_STATEMENTS off: server-side binding, unprepared)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None and getattr(settings, "PG_PREPARED_STATEMENTS", True):
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(_preparing_cursor(raw))
    with cursor:
        yield cursor
