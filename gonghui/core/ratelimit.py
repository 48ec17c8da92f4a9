"""Fixed-window hit counters for the rate limits of the public pages and API.

Each counter is one row of `core_ratecounter` (RateCounter), shared by every web process on
every machine through the database. A hit is one statement, atomic on PostgreSQL and SQLite
alike::

    INSERT … ON CONFLICT (key) DO UPDATE SET hits = hits + 1 (or 1 in a new window) RETURNING

so concurrent hits are counted exactly: of a burst against a limit of N, exactly N pass,
whichever worker process serves them. Why the database rather than Django's cache: the
deployment has no shared cache server, and Django's database cache is not atomic (its
`incr` is a read and a write; a burst let 146 requests through a limit of 120) and costs
several writes per hit (~125 ms per 429 when measured).

The window is fixed: it opens at the first hit of a key and ends `window_seconds` later,
whatever happens meanwhile; the first hit at or after its end opens the next window. A
client that keeps retrying while blocked is let in again exactly when the window ends (the
cache's TTL used to move with every retry, so a busy office behind one address stayed
blocked).

Costs: one prepared statement on an UNLOGGED table (no WAL) per counted hit. A key found
over its limit is remembered in the process until its window ends (at most
BLOCK_MEMO_SECONDS), so further hits in that window answer without a query: a flood of
rejected requests costs microseconds each, not database writes. (Exact: within a fixed
window a key over its limit stays over.)

Logging: a key reaching its limit is logged once per window (a warning naming the key and
when the window ends); Django's own line per 429 answer is filtered out (settings.LOGGING,
NotRateLimitedFilter).

Fails open: when the counter cannot be written (missing table, database trouble) the hit is
let through and an error is logged (at most once a minute per process), so a broken counter
never turns public pages into server errors.

Inside a transaction a hit is written in a savepoint and rolled back with the transaction:
callers that must count refused attempts count them before opening their transaction.

Settings: RATELIMIT_ALLOW (env GONGHUI_RATELIMIT_ALLOW) lists addresses or networks exempt
from the per-IP limits that consult `ip_allowed` (the public sites/portal limit).
"""

import contextlib
import functools
import ipaddress
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from gonghui.core.db import prepared_cursor

logger = logging.getLogger(__name__)

# The time source, in seconds (tests replace it to control the clock).
clock = time.time

BLOCK_MEMO_SECONDS = 60
BLOCK_MEMO_MAX = 20_000
CLEANUP_EVERY_SECONDS = 300
ERROR_LOG_EVERY_SECONDS = 60

_TABLE = "core_ratecounter"
_HIT_SQL = (
    f'INSERT INTO {_TABLE} ("key", hits, window_end_ms) VALUES (%s, 1, %s) '
    'ON CONFLICT ("key") DO UPDATE SET '
    f"hits = CASE WHEN {_TABLE}.window_end_ms <= %s THEN 1 ELSE {_TABLE}.hits + 1 END, "
    f"window_end_ms = CASE WHEN {_TABLE}.window_end_ms <= %s "
    f"THEN excluded.window_end_ms ELSE {_TABLE}.window_end_ms END "
    "RETURNING hits, window_end_ms"
)
_COUNT_SQL = f'SELECT hits FROM {_TABLE} WHERE "key" = %s AND window_end_ms > %s'
_CLEANUP_SQL = f"DELETE FROM {_TABLE} WHERE window_end_ms <= %s"

# key → Unix ms until which the key is known to be over its limit (this process only).
_blocked: dict[str, int] = {}
_state = {"cleanup_ms": 0, "error_logged_ms": None}


def _now_ms() -> int:
    return int(clock() * 1000)


def hit_over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in its window; True when this hit is over `limit`."""
    now_ms = _now_ms()
    if _known_blocked(key, now_ms):
        return True
    try:
        with _statement() as cursor:
            end_ms = now_ms + int(window_seconds * 1000)
            cursor.execute(_HIT_SQL, [key, end_ms, now_ms, now_ms])
            hits, window_end_ms = cursor.fetchone()
            _maybe_cleanup(cursor, now_ms)
    except DatabaseError as exc:
        _log_failure(exc, now_ms)
        return False
    if hits > limit:
        if hits == limit + 1:  # once per key and window, whichever process sees it
            logger.warning(
                "Rate limit reached: %s (%d per %d s) until %s",
                key,
                limit,
                window_seconds,
                time.strftime("%H:%M:%S", time.localtime(window_end_ms / 1000)),
            )
        _remember_blocked(key, min(window_end_ms, now_ms + BLOCK_MEMO_SECONDS * 1000), now_ms)
        return True
    return False


def at_limit(key: str, limit: int) -> bool:
    """True when `key` has already been counted `limit` times in its window (no new hit)."""
    now_ms = _now_ms()
    if _known_blocked(key, now_ms):
        return True
    try:
        with _statement() as cursor:
            cursor.execute(_COUNT_SQL, [key, now_ms])
            row = cursor.fetchone()
    except DatabaseError as exc:
        _log_failure(exc, now_ms)
        return False
    return row is not None and row[0] >= limit


def ip_allowed(ip: str | None) -> bool:
    """True when `ip` is in settings.RATELIMIT_ALLOW (addresses or networks)."""
    if not ip:
        return False
    networks = _allowed_networks(tuple(getattr(settings, "RATELIMIT_ALLOW", ())))
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in networks)


def reset_process_state() -> None:
    """Forget what this process remembers (blocked keys, when it last cleaned up or logged);
    for tests, and after counters were reset by hand."""
    _blocked.clear()
    _state.update(cleanup_ms=0, error_logged_ms=None)


class NotRateLimitedFilter(logging.Filter):
    """For the django.request logger (settings.LOGGING): drop its line for each 429 answer.
    A flood of rejected requests would otherwise write a log line apiece; the limit being
    reached is logged once per key and window instead (hit_over_limit)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 429


# --- internals ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _allowed_networks(entries: tuple[str, ...]) -> tuple:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            logger.error("GONGHUI_RATELIMIT_ALLOW: %r is not an address or network", entry)
    return tuple(networks)


@contextlib.contextmanager
def _statement():
    """A prepared cursor, in a savepoint when a transaction is open (a failed statement must
    not abort the caller's transaction on PostgreSQL)."""
    if connection.in_atomic_block:
        with transaction.atomic(), prepared_cursor() as cursor:
            yield cursor
    else:
        with prepared_cursor() as cursor:
            yield cursor


def _known_blocked(key: str, now_ms: int) -> bool:
    until = _blocked.get(key)
    if until is None:
        return False
    if now_ms < until:
        return True
    _blocked.pop(key, None)
    return False


def _remember_blocked(key: str, until_ms: int, now_ms: int) -> None:
    if len(_blocked) >= BLOCK_MEMO_MAX:
        for stale in [k for k, until in _blocked.items() if until <= now_ms]:
            _blocked.pop(stale, None)
        if len(_blocked) >= BLOCK_MEMO_MAX:
            _blocked.clear()
    _blocked[key] = until_ms


def _maybe_cleanup(cursor, now_ms: int) -> None:
    """Now and then (per process), delete the counters whose window has ended."""
    if now_ms - _state["cleanup_ms"] < CLEANUP_EVERY_SECONDS * 1000:
        return
    _state["cleanup_ms"] = now_ms
    cursor.execute(_CLEANUP_SQL, [now_ms])


def _log_failure(exc: Exception, now_ms: int) -> None:
    last = _state["error_logged_ms"]
    if last is not None and now_ms - last < ERROR_LOG_EVERY_SECONDS * 1000:
        return
    _state["error_logged_ms"] = now_ms
    logger.error(
        "Rate-limit counter unavailable, request let through (run `gonghui migrate`?): %s",
        exc,
    )
