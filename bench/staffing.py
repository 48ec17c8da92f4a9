"""Staffing benchmark: the appraisal of 2,000 social workers over a quarter, set-based vs a
per-worker ORM loop (issue 19).

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; an org tree of province size (bench/scope.py's generator: 60,000 orgs under
   2,000 township-level unions, one root); 1,000,000 members
   (bench/member_list.py's COPY loader, joins spread 2003 → mid-2026, skewed to recent years);
   100,000 join applications COPY-loaded (70% reviewed: approved or rejected, reviewed over
   2025–2026); 200,000 hardship archives (bench/monitoring.py's COPY loader, every status)
   with their quarterly visits (2025 Q3 → 2026 Q2, each archived/exited/watched household
   visited in a quarter with probability 0.85); 100,000 monitoring alerts on archives (75%
   closed 0–25 days after opening against a 15-day deadline, 25% open; opened over
   2025-07 → 2026-06); 2,000 social workers COPY-loaded, each serving a different
   township-level union (`--at any`: any township or grassroots org, so subtrees nest);
2. the county's rules are the defaults (`pay.models.DEFAULT_TARGETS`): every measure they name
   is registered (joins reviewed, members joined, visits, alerts closed on time, transfers
   decided, caravan follow-ups, legal-aid cases accepted, activities held); the last four
   read empty tables here (one query each, set-based and in the loop alike);
3. **set-based**: the app's own `appraisals.services.appraisals_open` for all 2,000 workers
   and 2026 Q1 (one grouped query per measure for every org at once, the evidence and
   computed score of each worker, the appraisals bulk-inserted, one audit event each written
   in bulk by `audit_record_many`; its queries counted). Repeated `--repeat` times from the
   same state (the appraisals deleted in between); the evaluation alone
   (`appraisals.services.measure_lines`) is timed as well, and per measure:
   `core.metrics.evaluate` grouped by anchor (the app: every worker's org is its own anchor)
   beside the path roll-up it did before (written out in the bench: the same anchor
   filter, grouped by org path, rolled up in Python; the figures must be equal), wall and
   client CPU time and queries;
4. **row loop**: the same measures evaluated worker by worker through the ORM (per worker
   and measure: the measure's records in the worker's subtree and the period, `.count()`)
   on a sample of `--sample` workers, timed and EXTRAPOLATED to all workers; the sample's
   counts are checked against the set-based evidence (they must be equal);
5. the audit writes alone, side by side and rolled back: one `audit_record` per appraisal
   (the writer before `audit_record_many` existed) against one `audit_record_many`;
6. prints the side-by-side table and the load average (the machine is shared);
   `--profile` adds a cProfile of one `appraisals_open` (top functions by own time).

Run:  .venv/bin/python bench/staffing.py | tee bench/out/staffing_run.txt   (~5-6 min)
      .venv/bin/python bench/staffing.py --members 50000 --joins 10000 --archives 10000 \
          --alerts 5000 --workers 300 --townships 300 --orgs 6000 --sample 60 --repeat 2
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from monitoring import archive_rows, copy_rows  # noqa: E402
from scope import build_tree, load_orgs  # noqa: E402

T0 = time.perf_counter()
YEAR, QUARTER = 2026, 1


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", flush=True)


def join_rows(n: int, tree: dict, rng: random.Random, id_cipher: str, phone_cipher: str):
    orgs = [i + 1 for i, lv in enumerate(tree["level"]) if lv >= 5]
    base = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)
    for i in range(n):
        pk = i + 1
        org = rng.choice(orgs)
        status = rng.choices(("approved", "rejected", "pending"), (60, 10, 30))[0]
        submitted = base + datetime.timedelta(minutes=rng.randint(0, 560 * 24 * 60))
        reviewed = submitted + datetime.timedelta(days=rng.randint(0, 10))
        yield {
            "id": pk,
            "created_at": submitted.isoformat(),
            "updated_at": submitted.isoformat(),
            "org_id": org,
            "org_anchor_id": tree["anchor"][org - 1] or None,
            "path": "employer_union",
            "name": f"申请人{pk}",
            "gender": "male" if pk % 2 else "female",
            "birth_date": "1990-01-01",
            "id_number": id_cipher,
            "id_number_hash": hashlib.blake2b(f"j{pk}".encode(), digest_size=32).hexdigest(),
            "phone": phone_cipher,
            "phone_hash": hashlib.blake2b(f"p{pk}".encode(), digest_size=32).hexdigest(),
            "employment_form": "standard",
            "status": status,
            "reviewed_at": reviewed.isoformat() if status != "pending" else None,
        }


def worker_rows(n: int, tree: dict, rng: random.Random, phone_cipher: str, at: str):
    """n workers, each at a different org: the township-level unions (as in the field), or
    any org at township or grassroots level (`--at any`)."""
    top = 5 if at == "township" else 6
    orgs = [i + 1 for i, lv in enumerate(tree["level"]) if 5 <= lv <= top]
    if len(orgs) < n:
        raise SystemExit(f"only {len(orgs)} orgs to place {n} workers: raise --townships")
    chosen = rng.sample(orgs, n)
    for i, org in enumerate(chosen):
        yield {
            "id": i + 1,
            "created_at": "2025-01-01 00:00+08",
            "updated_at": "2025-01-01 00:00+08",
            "org_id": org,
            "org_anchor_id": tree["anchor"][org - 1] or None,
            "name": f"社工{i + 1}",
            "phone": phone_cipher,
            "education": "bachelor",
            "certificates": ["assistant"],
            "agency": "基准人力公司",
            "hired_on": "2022-01-01",
            "contract_start": "2025-01-01",
            "contract_end": "2027-12-31",
            "band_since": "2024-01-01",
            "user_id": None,
            "post_id": None,
        }


VISITED_QUARTERS = ((2025, 3), (2025, 4), (2026, 1), (2026, 2))


def visit_rows(archives: list[tuple[int, int, str]], anchors: list, rng: random.Random):
    """Each archived, exited or watched household visited in a quarter with probability 0.85
    (2025 Q3 → 2026 Q2), on a day drawn inside the quarter; `org` = the archive's org."""
    pk = 0
    for archive_id, org, status in archives:
        if status not in ("archived", "exited", "watched"):
            continue
        for year, quarter in VISITED_QUARTERS:
            if rng.random() >= 0.85:
                continue
            pk += 1
            first = datetime.date(year, 3 * quarter - 2, 1)
            day = first + datetime.timedelta(days=rng.randint(0, 89))
            yield {
                "id": pk,
                "created_at": f"{day.isoformat()} 10:00+08",
                "updated_at": f"{day.isoformat()} 10:00+08",
                "org_id": org,
                "org_anchor_id": anchors[org - 1] or None,
                "archive_id": archive_id,
                "visited_on": day,
                "year": year,
                "quarter": quarter,
                "visitor_names": "基准测试走访组",
                "findings": "家庭情况稳定",
                "recorded_at": f"{day.isoformat()} 18:00+08",
            }


def alert_rows(n: int, archives: list[tuple[int, int, str]], anchors: list, rules: dict,
               rng: random.Random):  # fmt: skip
    """n alerts on archives: 25% open (one per archive, so one open alert per rule and
    archive), 75% closed 0–25 days after opening against a 15-day deadline."""
    n_open = n // 4
    open_archives = rng.sample(range(len(archives)), n_open)
    start = datetime.date(2025, 7, 1)
    for i in range(n):
        is_open = i < n_open
        archive_id, org, _status = archives[
            open_archives[i] if is_open else rng.randrange(len(archives))
        ]
        code = rng.choice(list(rules))
        opened = start + datetime.timedelta(days=rng.randint(0, 364))
        row = {
            "id": i + 1,
            "created_at": f"{opened.isoformat()} 02:00+08",
            "updated_at": f"{opened.isoformat()} 02:00+08",
            "org_id": org,
            "org_anchor_id": anchors[org - 1] or None,
            "rule_code": code,
            "rule_id": rules[code],
            "archive_id": archive_id,
            "risk": rng.choice(("low", "medium", "high")),
            "facts": {},
            "status": "open" if is_open else "closed",
            "opened_on": opened,
            "deadline": opened + datetime.timedelta(days=15),
        }
        if not is_open:
            closed = opened + datetime.timedelta(days=rng.randint(0, 25))
            row.update(
                outcome="helped",
                close_reason="已走访核实并实施帮扶",
                closed_at=f"{closed.isoformat()} {rng.randint(8, 20):02d}:30+08",
            )
        yield row


def row_loop(workers, scheme, period) -> dict[int, dict[str, int]]:
    """The same measures, worker by worker through the ORM: one count per worker and measure."""
    from gonghui.core import metrics

    found: dict[int, dict[str, int]] = {}
    for worker in workers:
        counts = {}
        for target in scheme.targets:
            try:
                measure = metrics.measure_get(target["measure"])
            except metrics.MetricError:
                continue
            records = measure.records().filter(org__path__startswith=worker.org.path)
            records = metrics._in_period(records, measure.date_field, period)
            counts[measure.code] = records.count()
        found[worker.pk] = counts
    return found


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from member_list import load_members

    from gonghui.assistance.models import Alert, HardshipArchive, MonitoringRule, Visit
    from gonghui.core import metrics
    from gonghui.core.crypto import encrypt
    from gonghui.members.models import JoinApplication
    from gonghui.staffing.appraisals import services as appraisals_services
    from gonghui.staffing.models import Appraisal, SocialWorker
    from gonghui.staffing.pay import selectors as pay_selectors

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    id_cipher = encrypt("339901199001010011")
    phone_cipher = encrypt("13800000000")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        tree = build_tree(args.orgs, args.townships, rng)
        load_orgs(raw, tree)
        log(f"loaded {len(tree['kind']):,} orgs; COPY {args.members:,} members")
        load_members(raw, tree, args.members, rng)
        log(f"COPY {args.joins:,} join applications")
        copy_rows(
            raw, JoinApplication, join_rows(args.joins, tree, rng, id_cipher, phone_cipher), {}
        )
        log(f"COPY {args.archives:,} hardship archives")
        archive_cipher = encrypt("339901198001010015")
        copy_rows(raw, HardshipArchive, archive_rows(args.archives, tree, rng, archive_cipher), {})
        cursor.execute("SELECT id, org_id, status FROM assistance_hardshiparchive ORDER BY id")
        archives = cursor.fetchall()
        n_visits = copy_rows(raw, Visit, visit_rows(archives, tree["anchor"], rng), {})
        log(f"COPY {n_visits:,} visits; {args.alerts:,} alerts")
        rules = dict(MonitoringRule.objects.filter(is_current=True).values_list("code", "id"))
        copy_rows(raw, Alert, alert_rows(args.alerts, archives, tree["anchor"], rules, rng), {})
        log(f"COPY {args.workers:,} social workers")
        copy_rows(
            raw, SocialWorker, worker_rows(args.workers, tree, rng, phone_cipher, args.at), {}
        )
        for table in ("members_member", "members_joinapplication", "staffing_socialworker",
                      "assistance_hardshiparchive", "assistance_visit", "assistance_alert"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("VACUUM (ANALYZE)")
    workers = list(SocialWorker.objects.select_related("org").order_by("id"))
    scheme = pay_selectors.scheme_for(workers[0].org)
    known = {m.code for m in metrics.measures()}
    registered = [t["measure"] for t in scheme.targets if t["measure"] in known]
    missing = [t["measure"] for t in scheme.targets if t["measure"] not in known]
    if missing:
        raise SystemExit(f"the default rules name measures not registered: {missing}")
    log(f"data ready; measures read: {', '.join(registered)}")

    start, end = appraisals_services.period_of("quarter", YEAR, QUARTER)
    period = metrics.Period(start, end)
    load = os.getloadavg()

    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from gonghui.audit.models import AuditAction
    from gonghui.audit.services import audit_record, audit_record_many

    eval_times, full_times, cpu_times, query_counts = [], [], [], []
    # One untimed evaluation first: the first reads of the tables after loading are cold.
    appraisals_services.measure_lines(
        scheme, list({w.org_id: w.org for w in workers}.values()), period
    )
    for attempt in range(args.repeat):
        Appraisal.objects.all().delete()
        orgs = list({w.org_id: w.org for w in workers}.values())
        t = time.perf_counter()
        appraisals_services.measure_lines(scheme, orgs, period)
        eval_times.append(time.perf_counter() - t)
        t, c = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            opened = appraisals_services.appraisals_open(
                actor=None, workers=workers, kind="quarter", year=YEAR, quarter=QUARTER
            )
        full_times.append(time.perf_counter() - t)
        cpu_times.append(time.process_time() - c)
        query_counts.append(len(queries))
        log(f"set-based run {attempt + 1}: {full_times[-1]:.2f} s ({len(opened)} appraisals)")

    # The audit writes alone, before and after the bulk writer (rolled back each time).
    detail = {"what": "staffing_appraisal", "appraisal_kind": "quarter"}
    single_times, bulk_times = [], []
    for _ in range(args.repeat):
        for times, write in (
            (
                single_times,
                lambda: [
                    audit_record(action=AuditAction.CREATED, obj=a, detail=detail) for a in opened
                ],
            ),
            (
                bulk_times,
                lambda: audit_record_many(
                    action=AuditAction.CREATED, objects=opened, detail_of=lambda a: detail
                ),
            ),
        ):
            with transaction.atomic():
                t = time.perf_counter()
                write()
                times.append(time.perf_counter() - t)
                transaction.set_rollback(True)

    # Per measure: grouped by anchor (what the app does now: every worker's org is its own
    # anchor) beside the path roll-up (what it did before: the same anchor filter, grouped
    # by the records' org path and rolled up in Python); the figures must be equal.
    from gonghui.orgs.models import Org

    orgs = list(Org.objects.filter(pk__in=sorted({w.org_id for w in workers})))

    def by_anchor(code):
        return {pk: f.value for pk, f in metrics.evaluate(code, orgs=orgs, period=period).items()}

    def by_path(code):
        measure = metrics.measure_get(code)
        records = measure.records()
        if measure.date_field is not None:
            records = metrics._in_period(records, measure.date_field, period)
        rows = (
            records.filter(org_anchor_id__in=[org.pk for org in orgs])
            .order_by()
            .values_list("org__path")
            .annotate(value=measure.aggregate())
        )
        totals = dict.fromkeys((org.pk for org in orgs), 0)
        for path, value in rows:
            for org_id in metrics._ids_on_path(path):
                if org_id in totals and value:
                    totals[org_id] += value
        return totals

    per_measure = []
    for code in registered:
        row = {"code": code}
        for variant, evaluate in (("anchor", by_anchor), ("path", by_path)):
            walls, cpus = [], []
            for _ in range(args.repeat):
                t, c = time.perf_counter(), time.process_time()
                with CaptureQueriesContext(connection) as queries:
                    figures = evaluate(code)
                walls.append(time.perf_counter() - t)
                cpus.append(time.process_time() - c)
            row[variant] = (statistics.median(walls), statistics.median(cpus), len(queries))
            row[f"{variant}_figures"] = figures
        row["equal"] = row["anchor_figures"] == row["path_figures"]
        row["total"] = sum(v or 0 for v in row["anchor_figures"].values())
        per_measure.append(row)
        log(f"  {code}: anchor {row['anchor'][0]:.3f} s, path {row['path'][0]:.3f} s, "
            f"equal {row['equal']}")  # fmt: skip

    profile_text = ""
    if args.profile:
        import cProfile
        import io
        import pstats

        Appraisal.objects.all().delete()
        profiler = cProfile.Profile()
        profiler.enable()
        appraisals_services.appraisals_open(
            actor=None, workers=workers, kind="quarter", year=YEAR, quarter=QUARTER
        )
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
        stats.print_stats(15)
        stats.print_callers(5)
        profile_text = out.getvalue()

    sample = rng.sample(workers, min(args.sample, len(workers)))
    t = time.perf_counter()
    looped = row_loop(sample, scheme, period)
    loop_time = time.perf_counter() - t
    extrapolated = loop_time * len(workers) / len(sample)
    log(f"row loop on {len(sample)} workers: {loop_time:.2f} s")

    evidence = {
        a.worker_id: {line["measure"]: line["count"] for line in a.evidence}
        for a in Appraisal.objects.filter(worker__in=sample)
    }
    mismatches = [pk for pk, counts in looped.items() if evidence.get(pk) != counts]
    total_counted = sum(sum(c.values()) for c in evidence.values())

    full = statistics.median(full_times)
    ev = statistics.median(eval_times)
    print()
    print(f"Appraisal of {len(workers):,} workers, {YEAR} Q{QUARTER} "
          f"({args.members:,} members, {args.joins:,} join applications, {args.archives:,} "
          f"archives with {n_visits:,} visits, {args.alerts:,} alerts, {args.orgs:,} orgs)")  # fmt: skip
    print(f"  measures read ({len(registered)}): {', '.join(registered)}")
    print(
        f"  {'per measure (core.metrics.evaluate)':44} {'anchor s':>9} {'CPU':>6} {'path s':>8} {'CPU':>6}  queries  equal  counted"
    )
    for row in per_measure:
        (aw, ac, aq), (pw, pc, pq) = row["anchor"], row["path"]
        print(f"  {row['code']:44} {aw:>9.3f} {ac:>6.3f} {pw:>8.3f} {pc:>6.3f}  {aq:>3}/{pq:<3}  {'yes' if row['equal'] else 'NO':>5}  {row['total']:>7,}")  # fmt: skip
    anchor_sum = sum(r["anchor"][0] for r in per_measure)
    path_sum = sum(r["path"][0] for r in per_measure)
    print(f"  {'all measures (before: path roll-up)':44} {anchor_sum:>9.3f} {'':>6} {path_sum:>8.3f}   ({path_sum / anchor_sum:.1f}× faster by anchor)")  # fmt: skip
    print(f"  {'':44} {'seconds':>10}")
    print(
        f"  {'set-based: evaluation (measure_lines)':44} {ev:>10.2f}   median of {args.repeat}, {min(eval_times):.2f}–{max(eval_times):.2f}"
    )
    print(
        f"  {'set-based: appraisals_open (incl. writes)':44} {full:>10.2f}   median of {args.repeat}, {min(full_times):.2f}–{max(full_times):.2f}; CPU {statistics.median(cpu_times):.2f}"
    )
    print(f"  {'  its queries (whole pass)':44} {statistics.median(query_counts):>10.0f}")
    single, bulk = statistics.median(single_times), statistics.median(bulk_times)
    print(f"  {f'audit writes: audit_record × {len(opened):,} (before)':44} {single:>10.2f}")
    print(
        f"  {'audit writes: audit_record_many (now)':44} {bulk:>10.2f}   {single / bulk:.1f}× faster"
    )
    print(f"  {f'row loop on a sample of {len(sample)}':44} {loop_time:>10.2f}")
    print(f"  {'row loop, EXTRAPOLATED to all workers':44} {extrapolated:>10.2f}")
    print(
        f"  {'ratio: row loop (extrapolated) ÷ set-based':44} {extrapolated / full:>10.1f}×  (evaluation only: {extrapolated / ev:.1f}×)"
    )
    print(
        f"  target: set-based ≤ 10 s → {'met' if full <= 10 else 'NOT met'}; ≥ 30× → {'met' if extrapolated / full >= 30 else 'NOT met'}"
    )
    print(f"  sample check: {len(sample) - len(mismatches)}/{len(sample)} workers' counts equal "
          f"(records counted in the sample: {total_counted:,})")  # fmt: skip
    print(f"  load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (shared machine)")
    if profile_text:
        print("\ncProfile of one appraisals_open (client side; SQL time shows as execute):")
        print(profile_text)
    unequal = [r["code"] for r in per_measure if not r["equal"]]
    if unequal:
        print(f"  anchor and path figures differ for: {', '.join(unequal)}")
    return 1 if mismatches or unequal else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--joins", type=int, default=100_000)
    parser.add_argument("--archives", type=int, default=200_000)
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--orgs", type=int, default=60_000)
    parser.add_argument("--townships", type=int, default=2_000)
    parser.add_argument("--at", choices=("township", "any"), default="township")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--repeat", type=int, default=3, help="set-based runs to time (median)")
    parser.add_argument("--profile", action="store_true", help="cProfile one appraisals_open")
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-staffing-"))
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
