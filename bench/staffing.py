"""Staffing benchmark: the appraisal of 2,000 social workers over a quarter, set-based vs a
per-worker ORM loop (issue 19).

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; an org tree of province size (bench/scope.py's generator: 60,000 orgs under
   2,000 township-level unions, one root); 1,000,000 members
   (bench/member_list.py's COPY loader, joins spread 2003 → mid-2026, skewed to recent years);
   100,000 join applications COPY-loaded (70% reviewed: approved or rejected, reviewed over
   2025–2026); 2,000 social workers COPY-loaded, each serving a different township-level
   union (`--at any`: any township or grassroots org, so subtrees nest);
2. the county's rules with the default targets (DEFAULT_TARGETS). Only the measures that
   are registered on this branch are read (members.joins_reviewed, members.joined); the
   others (assistance visits/alerts, outreach, rights) are skipped by the app exactly as in
   production until their modules register them — so the hardship archives and alerts of
   the issue's scenario are not loaded: nothing would read them;
3. **set-based**: the app's own `appraisals.services.appraisals_open` for all 2,000 workers and 2026 Q1
   (one grouped query per measure for every org at once, the evidence and computed score of
   each worker, the appraisals bulk-inserted, one audit event each written in bulk by
   `audit_record_many`; its queries are counted). Repeated `--repeat`
   times from the same state (the appraisals deleted in between); the evaluation alone
   (`appraisals.services.measure_lines`) is timed as well;
4. **row loop**: the same measures evaluated worker by worker through the ORM (per worker
   and measure: the measure's records in the worker's subtree and the period, `.count()`)
   on a sample of `--sample` workers, timed and EXTRAPOLATED to all workers; the sample's
   counts are checked against the set-based evidence (they must be equal);
5. the audit writes alone, side by side and rolled back: one `audit_record` per appraisal
   (the writer before `audit_record_many` existed) against one `audit_record_many`;
6. prints the side-by-side table and the load average (the machine is shared).

Run:  .venv/bin/python bench/staffing.py | tee bench/out/staffing_run.txt   (~3-4 min)
      .venv/bin/python bench/staffing.py --members 200000 --workers 500 --sample 100
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

from monitoring import copy_rows  # noqa: E402
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
        log(f"COPY {args.workers:,} social workers")
        copy_rows(
            raw, SocialWorker, worker_rows(args.workers, tree, rng, phone_cipher, args.at), {}
        )
        for table in ("members_member", "members_joinapplication", "staffing_socialworker"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("VACUUM (ANALYZE)")
    workers = list(SocialWorker.objects.select_related("org").order_by("id"))
    scheme = pay_selectors.scheme_for(workers[0].org)
    registered = [
        t["measure"] for t in scheme.targets if t["measure"] in {m.code for m in metrics.measures()}
    ]
    log(f"data ready; measures read: {', '.join(registered)} (others not registered: skipped)")

    start, end = appraisals_services.period_of("quarter", YEAR, QUARTER)
    period = metrics.Period(start, end)
    load = os.getloadavg()

    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from gonghui.audit.models import AuditAction
    from gonghui.audit.services import audit_record, audit_record_many

    eval_times, full_times, cpu_times, query_counts = [], [], [], []
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
          f"({args.members:,} members, {args.joins:,} join applications, {args.orgs:,} orgs)")  # fmt: skip
    print(f"  measures read: {', '.join(registered)}")
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
    return 1 if mismatches else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--joins", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--orgs", type=int, default=60_000)
    parser.add_argument("--townships", type=int, default=2_000)
    parser.add_argument("--at", choices=("township", "any"), default="township")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--repeat", type=int, default=3, help="set-based runs to time (median)")
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
