"""The public rate limit's counters (gonghui.core.ratelimit): exact under concurrency across
processes, a fixed window that ends when it says, cheap when over the limit, failing open."""

import logging
import os
import subprocess
import sys
import textwrap
import time
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from gonghui.core import ratelimit
from gonghui.core.models import RateCounter


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(1_800_000_000.0)
    monkeypatch.setattr(ratelimit, "clock", fake)
    return fake


# --- the window ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_window_reopens_exactly_at_its_end_while_the_client_keeps_retrying(clock):
    # given a limit of 3 per 60 s, used up at the window's first second
    start = clock.now
    assert [ratelimit.hit_over_limit("k", 3, 60) for _ in range(3)] == [False] * 3
    # when the client keeps retrying every half second until just before the end
    while clock.now < start + 59.5:
        clock.now += 0.5
        assert ratelimit.hit_over_limit("k", 3, 60) is True
    clock.now = start + 59.999
    assert ratelimit.hit_over_limit("k", 3, 60) is True
    # then the window ends when it said: the next hit opens a new one, with the full limit
    clock.now = start + 60
    assert [ratelimit.hit_over_limit("k", 3, 60) for _ in range(4)] == [False] * 3 + [True]
    # and the new window ends 60 s after its own first hit, retries notwithstanding
    clock.now = start + 119.9
    assert ratelimit.hit_over_limit("k", 3, 60) is True
    clock.now = start + 120
    assert ratelimit.hit_over_limit("k", 3, 60) is False


@pytest.mark.django_db
def test_the_window_opens_at_a_key_s_first_hit_and_keys_count_apart(clock):
    assert ratelimit.hit_over_limit("a", 1, 60) is False
    clock.now += 30
    assert ratelimit.hit_over_limit("b", 1, 60) is False
    assert ratelimit.hit_over_limit("a", 1, 60) is True
    clock.now += 30  # a's window ended, b's is half-way
    assert ratelimit.hit_over_limit("a", 1, 60) is False
    assert ratelimit.hit_over_limit("b", 1, 60) is True


@pytest.mark.django_db
def test_at_limit_reads_without_counting(clock):
    assert ratelimit.at_limit("ok", 2) is False
    ratelimit.hit_over_limit("ok", 2, 3600)
    assert ratelimit.at_limit("ok", 2) is False
    ratelimit.hit_over_limit("ok", 2, 3600)
    assert ratelimit.at_limit("ok", 2) is True
    assert RateCounter.objects.get(key="ok").hits == 2
    clock.now += 3600
    assert ratelimit.at_limit("ok", 2) is False


# --- cost over the limit ------------------------------------------------------------------------


def _counter_statements(captured) -> int:
    """Statements on the counter table (in a test, each also comes in a savepoint)."""
    return sum("core_ratecounter" in query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db
def test_hits_over_the_limit_cost_no_query_until_the_window_ends(clock):
    for _ in range(2):
        ratelimit.hit_over_limit("flood", 2, 60)
    with CaptureQueriesContext(connection) as captured:
        assert ratelimit.hit_over_limit("flood", 2, 60) is True
    assert _counter_statements(captured) == 1
    # a flood of rejected hits is answered from the process's memory: no query at all
    with CaptureQueriesContext(connection) as captured:
        for _ in range(500):
            assert ratelimit.hit_over_limit("flood", 2, 60) is True
        assert ratelimit.at_limit("flood", 2) is True
    assert captured.captured_queries == []
    clock.now += 60
    with CaptureQueriesContext(connection) as captured:
        assert ratelimit.hit_over_limit("flood", 2, 60) is False
    assert _counter_statements(captured) == 1


@pytest.mark.django_db
def test_a_long_window_is_remembered_only_for_a_minute_then_asked_again(clock):
    ratelimit.hit_over_limit("day", 1, 86400)
    assert ratelimit.hit_over_limit("day", 1, 86400) is True
    clock.now += ratelimit.BLOCK_MEMO_SECONDS
    with CaptureQueriesContext(connection) as captured:
        assert ratelimit.hit_over_limit("day", 1, 86400) is True
    assert _counter_statements(captured) == 1


@pytest.mark.django_db
def test_counters_whose_window_ended_are_deleted_now_and_then(clock):
    ratelimit.hit_over_limit("old", 5, 60)
    ratelimit.hit_over_limit("long", 5, 3600)
    clock.now += ratelimit.CLEANUP_EVERY_SECONDS
    ratelimit.hit_over_limit("new", 5, 60)
    assert set(RateCounter.objects.values_list("key", flat=True)) == {"long", "new"}


# --- failing open -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_missing_counter_table_lets_hits_through_logs_once_and_spares_the_transaction(
    clock, caplog
):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_ratecounter RENAME TO core_ratecounter_gone")
    caplog.set_level(logging.ERROR, logger="gonghui.core.ratelimit")
    with transaction.atomic():
        assert [ratelimit.hit_over_limit("x", 1, 60) for _ in range(3)] == [False] * 3
        assert ratelimit.at_limit("x", 1) is False
        # the caller's transaction is still usable (PostgreSQL aborts it on an error)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    failures = [r for r in caplog.records if "Rate-limit counter unavailable" in r.message]
    assert len(failures) == 1
    clock.now += ratelimit.ERROR_LOG_EVERY_SECONDS
    ratelimit.hit_over_limit("x", 1, 60)
    assert len([r for r in caplog.records if "unavailable" in r.message]) == 2


# --- allow-list ---------------------------------------------------------------------------------


@override_settings(RATELIMIT_ALLOW=["10.9.0.0/16", "192.0.2.7", "2001:db8::/32", "bogus"])
def test_the_allow_list_takes_addresses_and_networks():
    assert ratelimit.ip_allowed("10.9.200.1")
    assert ratelimit.ip_allowed("192.0.2.7")
    assert ratelimit.ip_allowed("2001:db8::1")
    assert not ratelimit.ip_allowed("10.8.0.1")
    assert not ratelimit.ip_allowed("192.0.2.8")
    assert not ratelimit.ip_allowed("not an ip")
    assert not ratelimit.ip_allowed(None)


def test_nothing_is_allowed_by_default():
    assert settings.RATELIMIT_ALLOW == []
    assert not ratelimit.ip_allowed("127.0.0.1")


# --- exact under concurrency --------------------------------------------------------------------

_BURST = textwrap.dedent(
    """
    import os, sys, threading, time
    import django
    django.setup()
    from django.db import connection
    from gonghui.core import ratelimit

    key, limit, threads, hits, start_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    passed = []
    barrier = threading.Barrier(threads)

    def fire():
        connection.ensure_connection()
        barrier.wait()
        time.sleep(max(0.0, start_at - time.time()))
        passed.append(sum(not ratelimit.hit_over_limit(key, limit, 60) for _ in range(hits)))
        connection.close()

    workers = [threading.Thread(target=fire) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(sum(passed))
    """
)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT']}/{db['NAME']}"
    )


@pytest.mark.postgresql_only
@pytest.mark.django_db
def test_a_burst_from_several_processes_passes_exactly_the_limit(tmp_path):
    # given 4 worker processes of 4 threads each (as gunicorn runs them), and a limit of 120
    key, limit, processes, threads, hits = f"burst-{uuid.uuid4().hex}", 120, 4, 4, 15
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "GONGHUI_DATABASE_URL": _database_url(),
        "GONGHUI_VAR_DIR": str(tmp_path),
        "GONGHUI_DB_CONN_MAX_AGE": "0",
    }
    start_at = time.time() + 8  # every process has set Django up by then
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _BURST, key, str(limit), str(threads), str(hits), str(start_at)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    try:
        # when they fire 240 hits at once
        outputs = [child.communicate(timeout=120) for child in children]
        assert all(child.returncode == 0 for child in children), outputs
        # then exactly 120 pass, whichever process served them
        assert sum(int(out) for out, _ in outputs) == limit
        with connection.cursor() as cursor:  # committed by the other processes: visible here
            cursor.execute('SELECT hits FROM core_ratecounter WHERE "key" = %s', [key])
            assert cursor.fetchone()[0] > limit
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
        # the children committed their row: remove it outside this test's transaction
        with psycopg.connect(_database_url(), autocommit=True) as other:
            other.execute('DELETE FROM core_ratecounter WHERE "key" = %s', [key])


# That `migrate` alone creates the counter and cache tables in a fresh database is asserted by
# core/tests/test_db_roles.py's end-to-end migrate (one full migrate in a subprocess, not two).
