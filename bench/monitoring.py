"""Monitoring benchmark: a full run of all rules at county scale, set-based vs row by row (issue 4).

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; a county tree (bench/scope.py: 5,000 orgs, 20 townships), 1,000,000 members
   (bench/member_list.py's COPY loader), 200,000 hardship archives COPY-loaded in every status
   (5% applied … 60% archived, 15% exited, 12% watched, 3% rejected) with incomes drawn around
   the county's 低保 line (950 yuan), schooling costs, review dates spread ±1 year, exit and
   watch dates; facts COPY-loaded: 150,000 medical expenses (60% on archives, 40% on members;
   70% outpatient; lognormal amounts), 5,000 disaster events, 10,000 job-loss reports and
   20,000 schooling costs (non-compulsory stages, lognormal around 4,000) over the last 400
   days; a county staff user and one township staff user per township (so every
   alert gets an assignee);
2. a full monitoring run through the app's own service (`monitoring_run`): all 7 rules, one
   SQL query each, the new alerts COPY'd into a temporary table and inserted with one
   INSERT … SELECT … ON CONFLICT DO NOTHING; prints time, alerts opened per rule. Repeated
   `--repeat` times from the same state (the alerts deleted in between): the machine is
   shared, so the table shows the median and the spread;
3. the same run again with no new facts: it must open nothing (de-duplication) — its time;
4. the same rules evaluated row by row through the ORM (per target: fetch it, its open alerts,
   aggregate its facts, check each rule) on a sample of 50,000 targets in the proportion of
   archives to members, timed and EXTRAPOLATED to all 1,200,000 targets (evaluation only: the
   row-by-row figure does not even include writing alerts);
5. prints the side-by-side table and the machine's load average (the machine is shared).

Run:  .venv/bin/python bench/monitoring.py | tee bench/out/monitoring_run.txt   (~4-5 min)
      .venv/bin/python bench/monitoring.py --members 200000 --archives 40000 --sample 10000
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scope import build_tree, load_orgs  # noqa: E402

T0 = time.perf_counter()
NULL = "\\N"
ON = datetime.date(2026, 6, 30)
STANDARD = Decimal("950")
STATUSES = [
    ("applied", 5), ("grassroots_checked", 2), ("visited", 2), ("approved", 1),
    ("archived", 60), ("exited", 15), ("watched", 12), ("rejected", 3),
]  # fmt: skip
CAUSES = ["serious_illness", "unemployed", "lost_work_ability", "child_schooling", "accident",
          "natural_disaster", "laid_off", "other"]  # fmt: skip


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", flush=True)


def copy_rows(cursor, model, rows, fixed: dict) -> int:
    """COPY dicts into the model's table; unnamed columns get NULL / default / ''."""
    fields = list(model._meta.concrete_fields)
    columns = [f.column for f in fields]

    def value(field, row):
        key = field.attname
        if key in row:
            v = row[key]
        elif key in fixed:
            v = fixed[key]
        elif field.null:
            return NULL
        elif field.has_default():
            v = field.get_default()
        else:
            v = ""
        if v is None:
            return NULL
        if isinstance(v, bool):
            return "t" if v else "f"
        if isinstance(v, (dict, list)):
            import json

            return json.dumps(v, ensure_ascii=False).replace("\\", "\\\\")
        return str(v)

    n = 0
    buf: list[str] = []
    with cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            buf.append("\t".join(value(f, row) for f in fields) + "\n")
            n += 1
            if len(buf) >= 20_000:
                copy.write("".join(buf).encode())
                buf.clear()
        if buf:
            copy.write("".join(buf).encode())
    return n


def archive_rows(n: int, tree: dict, rng: random.Random, id_cipher: str):
    orgs = [i + 1 for i, lv in enumerate(tree["level"]) if lv >= 5]
    statuses = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES], k=n)
    stamp = "2025-01-01 00:00+08"
    for i in range(n):
        pk = i + 1
        org = rng.choice(orgs)
        status = statuses[i]
        size = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
        if status in ("exited", "watched"):
            # recovered households: most well above the line, one in ten slipping back near it
            per_capita = rng.uniform(1100, 1600) if rng.random() < 0.1 else rng.uniform(1950, 4000)
        elif status == "rejected":
            per_capita = rng.uniform(2000, 5000)
        else:
            per_capita = rng.uniform(300, 1850)
        # about 6% of households pay 10,000 or more a year for schooling
        schooling = Decimal(
            rng.choices((0, 2000, 5000, 8000, 12000, 15000), (60, 14, 12, 8, 4, 2))[0]
        )
        medical = Decimal(int(rng.lognormvariate(7.5, 1.0)))
        income = Decimal(int(per_capita * 12 * size)) + schooling + medical
        net = (income - schooling - medical) / 12 / size
        category = "deep" if net < STANDARD else "relative" if net < 2 * STANDARD else "none"
        applied = ON - datetime.timedelta(days=rng.randint(60, 2000))
        row = {
            "id": pk,
            "created_at": stamp,
            "updated_at": stamp,
            "org_id": org,
            "org_anchor_id": tree["anchor"][org - 1] or None,
            "name": f"困难职工{pk}",
            "id_number": id_cipher,
            "id_number_hash": hashlib.blake2b(f"a{pk}".encode(), digest_size=32).hexdigest(),
            "id_last4": f"{pk % 10000:04d}",
            "gender": "male" if pk % 2 else "female",
            "birth_date": datetime.date(1960, 1, 1) + datetime.timedelta(days=pk % 12000),
            "hukou_type": "urban" if pk % 3 else "rural",
            "is_migrant_worker": pk % 4 == 0,
            "household_size": size,
            "annual_income": income,
            "medical_expense": medical,
            "schooling_expense": schooling,
            "disability_expense": Decimal(0),
            "main_cause": CAUSES[pk % len(CAUSES)],
            "category": category,
            "category_explanation": "基准测试数据",
            "category_assessed_on": applied,
            "status": status,
            "applied_on": applied,
            "version": 1,
            "relapse_count": 0,
        }
        if status in ("archived", "exited", "watched"):
            row["archive_number"] = f"339901{pk:010d}"
            row["archived_on"] = applied + datetime.timedelta(days=30)
            row["approved_on"] = applied + datetime.timedelta(days=25)
            # most re-checks on time; about 8% past due by up to 200 days
            late = rng.random() < 0.08
            row["next_review_due"] = ON + datetime.timedelta(
                days=rng.randint(-200, -1) if late else rng.randint(0, 330)
            )
        if status in ("exited", "watched"):
            exited = ON - datetime.timedelta(days=rng.randint(30, 900))
            row["exited_on"] = exited
            row["watch_until"] = exited + datetime.timedelta(days=730)
        yield row


def fact_rows(kind: str, n: int, n_archives: int, n_members: int, rng: random.Random,
              archive_orgs: list[int], member_orgs: list[int], anchors: list):  # fmt: skip
    stamp = "2025-06-01 00:00+08"
    for i in range(n):
        on_archive = rng.random() < 0.6
        if on_archive:
            target = rng.randint(1, n_archives)
            org = archive_orgs[target - 1]
        else:
            target = rng.randint(1, n_members)
            org = member_orgs[target - 1]
        day = ON - datetime.timedelta(days=rng.randint(0, 400))
        row = {
            "id": i + 1,
            "created_at": stamp,
            "updated_at": stamp,
            "org_id": org,
            "org_anchor_id": anchors[org - 1] or None,
            "archive_id": target if on_archive else None,
            "member_id": None if on_archive else target,
            "source": "manual",
        }
        if kind == "medical":
            outpatient = rng.random() < 0.7
            row.update(
                occurred_on=day,
                care="outpatient" if outpatient else "inpatient",
                self_paid=Decimal(int(rng.lognormvariate(5.3 if outpatient else 8.6, 1.0)) + 1),
            )
        elif kind == "schooling":
            row.update(
                paid_on=day,
                stage=rng.choice(("senior", "vocational", "college", "undergraduate")),
                amount=Decimal(int(rng.lognormvariate(8.2, 0.5)) + 1),
            )
        elif kind == "disaster":
            row.update(
                occurred_on=day,
                kind=rng.choice(("flood", "typhoon", "fire", "traffic", "work_injury")),
                loss=Decimal(int(rng.lognormvariate(8.5, 1.2))),
                id_number_hash=hashlib.blake2b(f"d{i}".encode(), digest_size=32).hexdigest(),
            )
        else:
            row.update(lost_on=day, employer_name="某企业", reason="裁员")
        yield row


def row_by_row(sample_archives: list[int], sample_members: list[int]) -> dict:
    """The same seven rules, one target at a time through the ORM (evaluation only)."""
    from django.db.models import Count, Q, Sum

    from gonghui.assistance.models import (
        Alert,
        DisasterEvent,
        HardshipArchive,
        JobLossReport,
        MedicalExpense,
        SchoolingExpense,
    )

    exited = ("exited", "watched")
    year, month = ON - datetime.timedelta(days=365), ON - datetime.timedelta(days=30)
    d30, d60 = ON - datetime.timedelta(days=30), ON - datetime.timedelta(days=60)
    fired = 0

    def facts_of(**target):
        med = MedicalExpense.objects.filter(occurred_on__gt=year, occurred_on__lte=ON, **target)
        totals = med.aggregate(
            inp=Sum("self_paid", filter=Q(care="inpatient")),
            out=Sum("self_paid", filter=Q(care="outpatient", occurred_on__gt=month)),
        )
        disaster = DisasterEvent.objects.filter(
            occurred_on__gt=d30, occurred_on__lte=ON, **target
        ).aggregate(n=Count("id"), loss=Sum("loss"))
        job = JobLossReport.objects.filter(lost_on__gt=d60, lost_on__lte=ON, **target).exists()
        school = SchoolingExpense.objects.filter(
            paid_on__gt=year, paid_on__lte=ON, **target
        ).aggregate(total=Sum("amount"))["total"]
        return totals, disaster, job, school or 0

    for pk in sample_archives:
        a = HardshipArchive.objects.get(pk=pk)
        open_codes = set(
            Alert.objects.filter(archive=a, status="open").values_list("rule_code", flat=True)
        )
        hits = set()
        net = a.annual_income - a.medical_expense - a.schooling_expense - a.disability_expense
        # outside help (exited, or rejected with no later archive: every bench person has
        # one), at or above the entry line (2 x 低保) by at most 20%
        entry = 2 * STANDARD * 12 * a.household_size
        if (a.status in exited or a.status == "rejected") and entry <= net <= entry * Decimal(
            "1.2"
        ):
            hits.add("income_near_line")
        if a.status == "rejected":
            fired += len(hits - open_codes)
            continue
        totals, disaster, job, school = facts_of(archive=a)
        line = 5000 if a.status in exited else 20000
        if (totals["inp"] or 0) >= line or (totals["out"] or 0) >= 500:
            hits.add("medical_cost")
        if a.schooling_expense >= 10000 or school >= 10000:
            hits.add("schooling_cost")
        if disaster["n"]:
            hits.add("disaster")
        if job:
            hits.add("job_loss")
        if a.status == "archived" and a.next_review_due and a.next_review_due < ON:
            hits.add("review_overdue")
        if a.status in exited and a.exited_on and (a.watch_until is None or a.watch_until >= ON):
            after = {"archive": a}
            if (
                MedicalExpense.objects.filter(occurred_on__gte=a.exited_on, **after).exists()
                or DisasterEvent.objects.filter(occurred_on__gte=a.exited_on, **after).exists()
                or JobLossReport.objects.filter(lost_on__gte=a.exited_on, **after).exists()
            ):
                hits.add("exited_adverse")
        fired += len(hits - open_codes)
    from gonghui.members.models import Member

    for pk in sample_members:
        m = Member.objects.get(pk=pk)
        open_codes = set(
            Alert.objects.filter(member=m, status="open").values_list("rule_code", flat=True)
        )
        hits = set()
        totals, disaster, job, school = facts_of(member=m)
        if (totals["inp"] or 0) >= 20000 or (totals["out"] or 0) >= 500:
            hits.add("medical_cost")
        if school >= 10000:
            hits.add("schooling_cost")
        if disaster["n"]:
            hits.add("disaster")
        if job:
            hits.add("job_loss")
        fired += len(hits - open_codes)
    return {"fired": fired}


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from member_list import load_members

    from gonghui.assistance.models import (
        Alert,
        DisasterEvent,
        HardshipArchive,
        JobLossReport,
        MedicalExpense,
        SchoolingExpense,
    )
    from gonghui.assistance.monitoring.services import monitoring_run
    from gonghui.assistance.standards.services import standard_set
    from gonghui.core.crypto import encrypt
    from gonghui.orgs.models import Org
    from gonghui.testing.fixtures import make_user

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        tree = build_tree(args.orgs, args.townships, rng)
        load_orgs(raw, tree)
        cursor.execute("UPDATE orgs_org SET division_code = '339901' WHERE id = 1")
        log(f"loaded {len(tree['kind']):,} orgs; COPY {args.members:,} members")
        load_members(raw, tree, args.members, rng)
        cursor.execute("SELECT id, org_id FROM members_member ORDER BY id")
        member_orgs = [org for _, org in cursor.fetchall()]
        log(f"COPY {args.archives:,} archives")
        id_cipher = encrypt("339901198001010015")
        copy_rows(raw, HardshipArchive, archive_rows(args.archives, tree, rng, id_cipher), {})
        cursor.execute("SELECT org_id FROM assistance_hardshiparchive ORDER BY id")
        archive_orgs = [r[0] for r in cursor.fetchall()]
        anchors = tree["anchor"]
        for model, kind, n in (
            (MedicalExpense, "medical", args.medical),
            (DisasterEvent, "disaster", args.disasters),
            (JobLossReport, "job", args.job_losses),
            (SchoolingExpense, "schooling", args.schooling),
        ):
            copy_rows(
                raw,
                model,
                fact_rows(
                    kind, n, args.archives, args.members, rng, archive_orgs, member_orgs, anchors
                ),
                {},
            )
            log(f"COPY {n:,} {model._meta.db_table}")
        for table in ("assistance_hardshiparchive", "members_member", "assistance_medicalexpense",
                      "assistance_disasterevent", "assistance_joblossreport",
                      "assistance_schoolingexpense"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("VACUUM (ANALYZE)")
    county = Org.objects.get(pk=1)
    standard_set(actor=None, county=county, year=2026, monthly_amount=STANDARD,
                 effective_from=datetime.date(2026, 1, 1))  # fmt: skip
    make_user("bench_county", "county_staff", county)
    for town in Org.objects.filter(level=5).order_by("id"):
        make_user(f"bench_t{town.pk}", "township_staff", town)
    log("data ready; VACUUM ANALYZE done")

    load = os.getloadavg()
    full_times = []
    for attempt in range(args.repeat):
        if attempt:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM assistance_alert")
                cursor.execute("VACUUM (ANALYZE) assistance_alert")
        started = time.perf_counter()
        first = monitoring_run(on=ON, trigger="scheduled")
        full_times.append(time.perf_counter() - started)
        log(f"full run {attempt + 1}: {full_times[-1]:.2f}s, opened {first.opened:,} alerts")
        for code, c in first.counts.items():
            log(f"  {code:18s} fired {c['fired']:7,}  opened {c['opened']:7,}  {c['ms']:6,} ms")
    full_s = sorted(full_times)[len(full_times) // 2]
    spread = f"{min(full_times):.2f}–{max(full_times):.2f}"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) assistance_alert")
    started = time.perf_counter()
    second = monitoring_run(on=ON, trigger="scheduled")
    rerun_s = time.perf_counter() - started
    log(f"re-run with no new facts: {rerun_s:.2f}s, opened {second.opened}")
    assert second.opened == 0, "a re-run must open nothing"
    assert Alert.objects.count() == first.opened

    n_targets = args.archives + args.members
    sample_archives = round(args.sample * args.archives / n_targets)
    sample_members = args.sample - sample_archives
    rng2 = random.Random(7)
    a_ids = rng2.sample(range(1, args.archives + 1), sample_archives)
    m_ids = rng2.sample(range(1, args.members + 1), sample_members)
    # Evaluated against a state with no open alerts, like the first full run.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE kept AS SELECT * FROM assistance_alert")
        cursor.execute("DELETE FROM assistance_alert")
    started = time.perf_counter()
    result = row_by_row(a_ids, m_ids)
    sample_s = time.perf_counter() - started
    extrapolated = sample_s * n_targets / args.sample
    log(
        f"row by row (ORM): {args.sample:,} targets in {sample_s:.1f}s "
        f"({result['fired']:,} would fire) → extrapolated to {n_targets:,}: {extrapolated:,.0f}s"
    )
    load_after = os.getloadavg()
    print()
    print(f"monitoring at {args.members:,} members + {args.archives:,} archives "
          f"({args.medical:,} medical, {args.disasters:,} disaster, {args.job_losses:,} job-loss, "
          f"{args.schooling:,} schooling facts)")  # fmt: skip
    print(
        f"  full run, all 7 rules (set-based):      {full_s:8.2f} s   {first.opened:,} alerts opened"
        f"   (median of {len(full_times)}: {spread} s)"
    )
    print(f"  re-run, no new facts (dedupe):          {rerun_s:8.2f} s   {second.opened} opened")
    print(f"  row by row through the ORM (extrapol.): {extrapolated:8.0f} s   "
          f"(measured {sample_s:.1f} s on {args.sample:,} targets)")  # fmt: skip
    print(f"  set-based speed-up:                     {extrapolated / full_s:8.0f} x")
    print(f"  load average before / after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} / "
          f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} on {os.cpu_count()} cores")  # fmt: skip
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--archives", type=int, default=200_000)
    parser.add_argument("--medical", type=int, default=150_000)
    parser.add_argument("--disasters", type=int, default=5_000)
    parser.add_argument("--job-losses", dest="job_losses", type=int, default=10_000)
    parser.add_argument("--schooling", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=50_000)
    parser.add_argument("--orgs", type=int, default=5_000)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="full runs to time (median)")
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-monitoring-"))
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
