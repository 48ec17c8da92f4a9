"""Dashboard benchmark: the county dashboard (uncached and cached), a 40-target plan broken
down to 20 townships, and the annual statistical return of a county's grassroots unions, each
beside the per-org loop way of computing it (issue 20, "Speed and scale").

Targets: the county dashboard with all its tiles ≤ 300 ms median uncached and ≤ 30 ms cached;
the progress of a 40-target plan broken down to 20 townships ≤ 500 ms and one query per
measure; the annual return for a county with 10,000 grassroots unions, all logic checks
included, ≤ 10 s.

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; a province-sized county tree (bench/scope.py's generator: --orgs orgs under
   --townships township-level unions; ~90% of them grassroots unions, level 6), its employers
   (scope.py's loader; 80% of the active ones with a union, economic types spread), members
   (bench/member_list.py's COPY loader, joins 2003 → mid-2026), hardship archives
   (bench/monitoring.py's rows) and collective contracts, offers, wage findings and notices
   (bench/rights.py's rows), then VACUUM ANALYZE. Only measures registered on this branch are
   read: a module that registers none (assistance, sites on this branch) costs nothing here;
   its tiles show 待接入 exactly as in production;
2. **dashboard**: the page's own context builder (`dashboard.views._dashboard_context`: the
   county's tiles, the 20 townships' ranking, the county's plan and its pace) for the county
   staff user as of 2026-06-17, interleaved run by run: uncached (cache time 0), cached (the
   same request again: figures read from the database cache under the unchanged data mark),
   uncached right after one member was edited (its township's tallies are recounted first),
   and the per-org loop (each tile's measure evaluated org by org for the county and each
   township, from the records). The first read after the bulk load builds the metric tallies
   (gonghui.core.tallies) and is timed on its own. Query counts are printed; the cached and
   uncached figures must be equal, and equal to the per-org loop's;
3. **plan**: a 40-target county plan bound to the registered count measures, each target
   broken down to the 20 townships (840 targets), `plan_progress` timed with its queries
   counted (one per (measure, period), plus a fixed few), beside the per-target loop (one
   evaluation per target); the actual values must be equal;
4. **annual return**: for the county: `return_create` (the snapshot), `returns_issue` (a
   pre-filled 基层工会调查表 for every grassroots union, set-based) and `grassroots_status`
   (the 缺报清单 with every union's logic checks), timed together; `--repeat` times from the
   same state; beside the per-org loop: each union's table snapshotted on its own (one
   evaluation per measure per union) and checked, on a sample of --sample unions, timed and
   EXTRAPOLATED; the sample's values must equal the issued tables';
5. prints the side-by-side table and the load average (the machine is shared: CPU time and
   query counts hold up, the clock does not).

Run:  .venv/bin/python bench/dashboard.py | tee bench/out/dashboard_run.txt      (full scale)
      .venv/bin/python bench/dashboard.py --orgs 3000 --members 50000 --employers 10000 \\
          --archives 5000 --contracts 2000 --offers 500 --findings 300 --sample 50 --runs 5
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from monitoring import archive_rows, copy_rows  # noqa: E402
from rights import contract_rows, finding_rows, notice_rows, offer_rows  # noqa: E402
from scope import build_tree, load_enterprises, load_orgs  # noqa: E402

T0 = time.perf_counter()
# Mid-month: the members' tallies hold whole months, the 17 days of June come from the records.
AS_OF = datetime.date(2026, 6, 17)
YEAR = 2026
TARGET_DASH_MS, TARGET_CACHED_MS, TARGET_PLAN_MS, TARGET_RETURN_S = 300, 30, 500, 10


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", flush=True)


def timed(fn):
    """(result, wall seconds, CPU seconds of this process, queries run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The log keeps at most 9,000 queries across captures: once full, a capture counts 0.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return result, wall, cpu, len(queries)


def load(args, rng) -> None:
    from django.core.management import call_command
    from django.db import connection
    from member_list import load_members

    from gonghui.assistance.models import HardshipArchive
    from gonghui.core.crypto import encrypt
    from gonghui.rights.models import BargainingOffer, CollectiveContract, WageFinding, WageNotice

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        tree = build_tree(args.orgs, args.townships, rng)
        load_orgs(raw, tree)
        cursor.execute("UPDATE orgs_org SET division_code = '339901' WHERE id = 1")
        load_enterprises(raw, tree, args.employers, rng)
        cursor.execute(
            "UPDATE orgs_enterprise SET has_union = true "
            "WHERE status = 'active' AND abs(hashint8(id # 97)) % 5 <> 0"
        )
        cursor.execute(
            "UPDATE orgs_enterprise SET employee_count = 5 + abs(hashint8(id)) % 400, "
            "economic_type = (ARRAY['private','private','private','state','collective',"
            "'foreign','hmt','individual'])[1 + abs(hashint8(id # 13)) % 8]"
        )
        cursor.execute(
            "SELECT id, org_id, org_anchor_id FROM orgs_enterprise "
            "WHERE has_union AND status = 'active' ORDER BY id"
        )
        unionised = cursor.fetchall()
        cursor.execute("SELECT id, org_id, org_anchor_id FROM orgs_enterprise ORDER BY id")
        everyone = cursor.fetchall()
        log(
            f"{len(tree['kind']):,} orgs, {args.employers:,} employers; COPY {args.members:,} members"
        )
        load_members(raw, tree, args.members, rng)
        log(f"COPY {args.archives:,} archives and the rights records")
        copy_rows(
            raw,
            HardshipArchive,
            archive_rows(args.archives, tree, rng, encrypt("339901198001010015")),
            {},
        )
        copy_rows(raw, CollectiveContract, contract_rows(args.contracts, unionised, rng), {})
        copy_rows(raw, BargainingOffer, offer_rows(args.offers, unionised, rng), {})
        notices: list[dict] = []
        copy_rows(raw, WageFinding, finding_rows(args.findings, everyone, rng, notices), {})
        copy_rows(raw, WageNotice, notice_rows(notices), {})
        for table in ("members_member", "assistance_hardshiparchive", "rights_collectivecontract",
                      "rights_bargainingoffer", "rights_wagefinding", "rights_wagenotice",
                      "orgs_enterprise", "orgs_org"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cursor.execute("VACUUM (ANALYZE)")


def count_codes() -> list[str]:
    """The registered count measures the plan binds its targets to (rates left out: their
    shares do not add up), ordered for a stable mix."""
    from gonghui.core import metrics

    return [m.code for m in metrics.measures() if not m.is_ratio]


def make_plan(county, townships, n_targets: int):
    from gonghui.plans.models import Basis
    from gonghui.plans.targets.services import plan_create, target_create, target_split

    plan = plan_create(actor=None, org=county, year=YEAR, title="基准年度工作计划")
    codes = count_codes()
    preferred = [c for c in codes if c.split(".")[0] in {"members", "orgs", "rights", "workforce"}]
    codes = preferred or codes
    for n in range(n_targets):
        code = codes[n % len(codes)]
        basis = Basis.PERIOD if n % 2 == 0 else Basis.STOCK
        target = target_create(
            actor=None,
            plan=plan,
            org=county,
            name=f"目标{n + 1}：{code}",
            measure_code=code,
            value=Decimal(10 * len(townships)),
            basis=basis,
        )
        target_split(actor=None, target=target, shares={t: 10 for t in townships})
    return plan


def dashboard_loop(user, county, townships, as_of):
    """The dashboard's tiles and ranking the per-org way: each tile's measure evaluated for
    one org at a time (the county, then each township)."""
    from gonghui.core import metrics
    from gonghui.dashboard.selectors import _period
    from gonghui.dashboard.tiles import GROUPS

    found = {}
    for _k, _n, tiles in GROUPS:
        for tile in tiles:
            try:
                metrics.measure_get(tile.code)
            except metrics.MetricError:
                continue
            period = _period(tile, as_of)
            for org in (county, *townships):
                found[(tile.code, org.pk)] = metrics.evaluate(tile.code, orgs=[org], period=period)[
                    org.pk
                ]
    return found


def plan_loop(plan, as_of):
    """Each target's actual value evaluated on its own (one evaluation per target)."""
    from gonghui.core import metrics
    from gonghui.plans.models import Target
    from gonghui.plans.targets.selectors import _period

    actual = {}
    for target in Target.objects.filter(plan=plan).select_related("org"):
        figure = metrics.evaluate(
            target.measure_code, orgs=[target.org], period=_period(target, as_of)
        )
        actual[target.pk] = figure[target.org_id].value
    return actual


def flat_rows(rows):
    return {r.target.pk: r.progress.actual for row in rows for r in (row, *row.shares)}


def board_figures(context):
    board = context["board"]
    tiles = {t.tile.code: t.figure for _k, _n, ts in board.groups for t in ts}
    return tiles, [(o.pk, f) for o, f in board.ranking], flat_rows(context["targets"])


def profile(top: int, request, plan_run) -> int:
    """Where an uncached dashboard and a plan's progress spend their time: the slowest
    statements of one run each, with the database's plan of the slowest."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from gonghui.dashboard.views import _dashboard_context

    with override_settings(GONGHUI_DASHBOARD_CACHE_SECONDS=0):
        _dashboard_context(request())  # warm: scope lookups, caches of the app
        for label, fn in (("dashboard, uncached", lambda: _dashboard_context(request())),
                          ("plan progress", plan_run)):  # fmt: skip
            with CaptureQueriesContext(connection) as queries:
                wall = time.perf_counter()
                fn()
                wall = time.perf_counter() - wall
            ranked = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
            spent = sum(float(q["time"]) for q in ranked)
            print(f"\n{label}: {wall * 1000:.0f} ms, {len(ranked)} queries, "
                  f"{spent * 1000:.0f} ms in them; the slowest {top}:")  # fmt: skip
            for q in ranked[:top]:
                print(f"  {float(q['time']) * 1000:8.1f} ms  {q['sql'][:400]}")
            with connection.cursor() as cursor:
                for q in ranked[:3]:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    print("\n".join(f"    {row[0]}" for row in cursor.fetchall()))
    return 0


def run(args) -> int:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import RequestFactory, override_settings

    from gonghui.dashboard.returns.items import run_checks
    from gonghui.dashboard.returns.models import AnnualReturn
    from gonghui.dashboard.returns.selectors import grassroots_status
    from gonghui.dashboard.returns.services import return_create, returns_issue, snapshot
    from gonghui.dashboard.views import _dashboard_context
    from gonghui.members.models import Member
    from gonghui.orgs.models import Org, OrgLevel
    from gonghui.plans.targets.selectors import plan_progress
    from gonghui.testing.fixtures import make_user

    rng = random.Random(args.seed)
    load(args, rng)
    county = Org.objects.get(pk=1)
    townships = list(Org.objects.filter(parent=county).order_by("code", "id"))
    user = make_user("bench_county", "county_staff", county)
    log(f"making a {args.targets}-target plan broken down to {len(townships)} townships")
    plan = make_plan(county, townships, args.targets)
    n_grassroots = Org.objects.filter(level=OrgLevel.GRASSROOTS, status="active").count()
    log(
        f"data ready: {n_grassroots:,} grassroots unions; measures read: {len(count_codes())} counts"
    )
    load_avg = os.getloadavg()

    def request():
        r = RequestFactory().get("/dashboard/", {"as_of": AS_OF.isoformat()})
        r.user = user
        return r

    if args.profile:
        return profile(args.profile, request, lambda: plan_progress(user, plan, as_of=AS_OF))

    # --- 2. the county dashboard ---------------------------------------------------------
    cache.clear()
    uncached, cached, looped = [], [], []
    reference = None
    with override_settings(GONGHUI_DASHBOARD_CACHE_SECONDS=600):
        # The first read after the bulk load builds the tallies (gonghui.core.tallies); then
        # they are kept by the tables' triggers and recounted township by township.
        _ctx, *first = timed(lambda: _dashboard_context(request()))
    log(f"first dashboard after the load (tallies built): {first[0]:.2f} s")
    members = list(Member.objects.order_by("id").values_list("id", flat=True)[:5000])
    after_write = []
    for attempt in range(args.runs):
        # A member edited (any write marks its township): its tallies are recounted first.
        Member.objects.filter(pk=rng.choice(members)).update(is_migrant_worker=attempt % 2 == 0)
        cache.clear()  # a write outside the services does not move the data mark
        with override_settings(GONGHUI_DASHBOARD_CACHE_SECONDS=0):
            _ctx, *w = timed(lambda: _dashboard_context(request()))
        after_write.append(w)
        with override_settings(GONGHUI_DASHBOARD_CACHE_SECONDS=600):
            _dashboard_context(request())  # the cache filled again
        with override_settings(GONGHUI_DASHBOARD_CACHE_SECONDS=0):
            ctx, *u = timed(lambda: _dashboard_context(request()))
        uncached.append(u)
        figures = board_figures(ctx)
        with override_settings(GONGHUI_DASHBOARD_CACHE_SECONDS=600):
            ctx, *c = timed(lambda: _dashboard_context(request()))
        cached.append(c)
        if board_figures(ctx) != figures:
            print("FAIL: cached figures differ from the uncached ones")
            return 1
        if attempt < max(1, args.runs // 3):
            _r, *lp = timed(lambda: dashboard_loop(user, county, townships, AS_OF))
            looped.append(lp)
        reference = figures
    with override_settings(GONGHUI_DASHBOARD_CACHE_SECONDS=0):
        reference = board_figures(_dashboard_context(request()))
    tiles, ranking, _targets = reference
    loop = dashboard_loop(user, county, townships, AS_OF)
    for code, figure in tiles.items():
        if loop[(code, county.pk)].value != figure.value:
            print(
                f"FAIL: tile {code}: per-org loop {loop[(code, county.pk)].value} ≠ {figure.value}"
            )
            return 1
    log(f"dashboard: {args.runs} interleaved runs")

    # --- 3. the plan's progress ------------------------------------------------------------
    plan_runs, plan_loops = [], []
    for attempt in range(args.runs):
        rows, *p = timed(lambda: plan_progress(user, plan, as_of=AS_OF))
        plan_runs.append(p)
        if attempt < max(1, args.runs // 3):
            actual, *lp = timed(lambda: plan_loop(plan, AS_OF))
            plan_loops.append(lp)
    mine = flat_rows(rows)
    if any(actual[pk] != value for pk, value in mine.items()):
        print("FAIL: plan progress differs from the per-target loop")
        return 1
    groups = {(t.target.measure_code, t.target.basis) for row in rows for t in (row, *row.shares)}
    log(f"plan: {len(mine)} targets, {len(groups)} (measure, period) groups")

    # --- 4. the annual return ---------------------------------------------------------------
    return_runs = []
    for attempt in range(args.repeat):
        AnnualReturn.objects.all().delete()

        def whole():
            annual = return_create(actor=None, org=county, year=YEAR)
            issued = returns_issue(actor=None, annual=annual)
            status = grassroots_status(annual, show="all")
            return annual, issued, status

        (annual, issued, status), *r = timed(whole)
        return_runs.append(r)
        failing = sum(1 for row in status.rows if row.failures)
        log(f"return run {attempt + 1}: {r[0]:.2f} s, {issued:,} tables issued, "
            f"{failing:,} unions failing a check, {r[2]:,} queries")  # fmt: skip
    grassroots = list(Org.objects.filter(level=OrgLevel.GRASSROOTS, status="active"))
    sample = rng.sample(grassroots, min(args.sample, len(grassroots)))

    def per_org():
        found = {}
        for org in sample:
            values, _sources = snapshot(org, YEAR)
            run_checks(values)
            found[org.pk] = values
        return found

    sampled, *loop_r = timed(per_org)
    issued_values = dict(
        AnnualReturn.objects.filter(org__in=sample, year=YEAR).values_list("org_id", "values")
    )
    mismatches = [pk for pk, values in sampled.items() if issued_values.get(pk) != values]
    extrapolate = len(grassroots) / max(1, len(sample))

    # --- 5. the table ---------------------------------------------------------------------------
    def med(runs, i):
        return statistics.median(r[i] for r in runs)

    def spread(runs, i):
        return f"{min(r[i] for r in runs) * 1000:.0f}–{max(r[i] for r in runs) * 1000:.0f}"

    print()
    print(f"County dashboard, plan and annual return ({args.orgs:,} orgs, {n_grassroots:,} "
          f"grassroots unions, {len(townships)} townships, {args.members:,} members, "
          f"{args.employers:,} employers, {args.archives:,} archives, "
          f"{args.contracts:,} contracts)")  # fmt: skip
    print(f"  {'':48} {'wall ms':>9} {'CPU ms':>8} {'queries':>8}   (median; wall range)")
    for label, runs in (
        ("dashboard, uncached (all tiles + plan pace)", uncached),
        ("dashboard, uncached, one member just edited", after_write),
        ("dashboard, cached", cached),
        ("dashboard, per-org loop (tiles only)", looped),
        (f"plan progress, {len(mine)} targets", plan_runs),
        ("plan progress, per-target loop", plan_loops),
    ):
        print(f"  {label:48} {med(runs, 0) * 1000:>9.1f} {med(runs, 1) * 1000:>8.1f} "
              f"{med(runs, 2):>8.0f}   {spread(runs, 0)}, n={len(runs)}")  # fmt: skip
    ret_wall = med(return_runs, 0)
    print(f"  {'annual return: create + issue + checks':48} {ret_wall * 1000:>9.0f} "
          f"{med(return_runs, 1) * 1000:>8.0f} {med(return_runs, 2):>8.0f}   "
          f"{spread(return_runs, 0)}, n={len(return_runs)}")  # fmt: skip
    print(f"  {f'annual return, per-org loop on {len(sample)} unions':48} {loop_r[0] * 1000:>9.0f} "
          f"{loop_r[1] * 1000:>8.0f} {loop_r[2]:>8}")  # fmt: skip
    print(f"  {'annual return, per-org loop EXTRAPOLATED':48} "
          f"{loop_r[0] * extrapolate * 1000:>9.0f} {loop_r[1] * extrapolate * 1000:>8.0f} "
          f"{loop_r[2] * extrapolate:>8.0f}")  # fmt: skip
    print()
    dash_ms, cached_ms = med(uncached, 0) * 1000, med(cached, 0) * 1000
    plan_ms, plan_q = med(plan_runs, 0) * 1000, med(plan_runs, 2)
    print(f"  ratio dashboard per-org loop ÷ uncached: {med(looped, 0) / med(uncached, 0):.1f}×; "
          f"uncached ÷ cached: {med(uncached, 0) / med(cached, 0):.1f}×")  # fmt: skip
    print(f"  ratio plan per-target loop ÷ plan_progress: {med(plan_loops, 0) / med(plan_runs, 0):.1f}× "
          f"({med(plan_loops, 2):.0f} vs {plan_q:.0f} queries for {len(groups)} (measure, period) groups)")  # fmt: skip
    print(
        f"  ratio return per-org loop (extrapolated) ÷ set-based: {loop_r[0] * extrapolate / ret_wall:.1f}×"
    )
    print(f"  targets: dashboard ≤ {TARGET_DASH_MS} ms → {'met' if dash_ms <= TARGET_DASH_MS else 'NOT met'}; "
          f"cached ≤ {TARGET_CACHED_MS} ms → {'met' if cached_ms <= TARGET_CACHED_MS else 'NOT met'}; "
          f"plan ≤ {TARGET_PLAN_MS} ms → {'met' if plan_ms <= TARGET_PLAN_MS else 'NOT met'}; "
          f"return ≤ {TARGET_RETURN_S} s → {'met' if ret_wall <= TARGET_RETURN_S else 'NOT met'}")  # fmt: skip
    print(f"  tallies: built by the first read after the bulk load in {first[0]:.2f} s; then kept "
          f"by the tables' triggers, a written township recounted before the next read")  # fmt: skip
    print(f"  checks: cached = uncached figures; tiles = per-org loop; plan = per-target loop; "
          f"return sample {len(sample) - len(mismatches)}/{len(sample)} unions equal")  # fmt: skip
    print(
        f"  load average at start: {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f} (shared machine)"
    )
    return 1 if mismatches else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--archives", type=int, default=200_000)
    parser.add_argument("--contracts", type=int, default=150_000)
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--targets", type=int, default=40)
    parser.add_argument("--sample", type=int, default=300, help="unions in the per-org loop")
    parser.add_argument("--runs", type=int, default=15, help="dashboard and plan runs (median)")
    parser.add_argument("--repeat", type=int, default=3, help="annual return runs (median)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N",
        help="only profile: the N slowest statements of one uncached dashboard and plan run",
    )  # fmt: skip
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-dashboard-"))
    log("starting a throwaway PostgreSQL cluster")
    cluster = start_cluster(extra_conf={"maintenance_work_mem": "'256MB'", "autovacuum": "off"})
    try:
        os.environ["GONGHUI_DATABASE_URL"] = cluster.url
        os.environ["GONGHUI_VAR_DIR"] = str(var_dir)
        os.environ["GONGHUI_DEBUG"] = "0"
        os.environ["GONGHUI_DB_CONN_MAX_AGE"] = "0"
        os.environ["GONGHUI_LOG_LEVEL"] = "WARNING"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
        return run(args)
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        cluster.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        log("cluster stopped and removed")


if __name__ == "__main__":
    sys.exit(main())
