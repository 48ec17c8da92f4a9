"""Rights benchmark (issue 17): the daily reminder run set-based vs row by row, an employer's
rights file and a season's progress by township, at county scale on PostgreSQL.

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; a county tree (bench/scope.py: 5,000 orgs, 20 townships) and 200,000 employers
   (bench/scope.py's loader; 80% of the active ones marked as having a union);
   COPY-loaded: 150,000 collective contracts on unionised employers (ends spread from a year
   ago to three years ahead, 10% signed and not filed, some with the renewal requested),
   50,000 bargaining offers (sent over the last 200 days, a third replied, a few closed),
   20,000 wage findings (70% open) with their 一函两书 steps (40% a 提示函, a third of
   those escalated to a 意见书, some issued, some past their deadline); one county and one
   township staff user per township (so every reminder gets an assignee);
2. the daily reminder run through the app's own service (`reminders_run`): one INSERT …
   SELECT for all clocks (the assignee dealt in SQL, no row through Python); repeated
   `--repeat` times from the same state (reminders deleted in between), median and spread;
   side by side, the same run through the portable path (`_insert_rows`: each clock's rows
   read into Python and bulk-inserted, as before), median of `--repeat`;
3. the same run again with nothing new: it must open nothing — its time;
4. the same clocks evaluated row by row through the ORM (per employer: its contracts,
   offers, findings with their notices, each with an exists() for an open reminder) on a
   sample of `--sample` employers, timed and EXTRAPOLATED to all employers (evaluation
   only: it does not even write the reminders);
5. an employer's rights file (`employer_file`, the staff page's selector) for `--files`
   random employers as the county user: median and p95;
6. a season opened over the county (`season_open`, which proposes the target list), and
   its progress by township (`season_progress`) as the county user: median of `--repeat`;
7. prints the side-by-side table and the machine's load average (the machine is shared).

Run:  .venv/bin/python bench/rights.py | tee bench/out/rights_run.txt
      .venv/bin/python bench/rights.py --employers 20000 --contracts 15000 --offers 5000 \
          --findings 2000 --sample 1000          (a tenth, for development)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
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

from monitoring import copy_rows  # noqa: E402
from scope import build_tree, load_enterprises, load_orgs  # noqa: E402

T0 = time.perf_counter()
ON = datetime.date(2026, 3, 2)
STAMP = "2025-01-01 00:00+08"
KINDS = ["comprehensive"] * 6 + ["wage"] * 3 + ["female", "safety"]


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", flush=True)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def contract_rows(n: int, employers: list[tuple[int, int, int | None]], rng: random.Random):
    for i in range(n):
        enterprise, org, anchor = rng.choice(employers)
        end_on = ON + days(rng.randint(-365, 3 * 365))
        years = rng.choice((1, 2, 3))
        start_on = end_on - days(365 * years - 1)
        signed_on = start_on - days(rng.randint(0, 20))
        status = rng.choices(("signed", "filed", "effective", "terminated"), (10, 5, 80, 5))[0]
        filed = status != "signed"
        present = rng.randint(40, 60)
        yield {
            "id": i + 1,
            "created_at": STAMP,
            "updated_at": STAMP,
            "org_id": org,
            "org_anchor_id": anchor,
            "title": f"集体合同{i + 1}",
            "kind": rng.choice(KINDS),
            "enterprise_id": enterprise,
            "union_party": "工会",
            "employer_party": "企业",
            "workers_covered": rng.randint(10, 800),
            "start_on": start_on,
            "end_on": end_on,
            "signed_on": signed_on,
            "congress_on": signed_on - days(3),
            "congress_total": 60,
            "congress_present": present,
            "congress_for": present - rng.randint(0, 10),
            "filing_due": signed_on + days(10),
            "filed_on": signed_on + days(5) if filed else None,
            "department": "县人力资源和社会保障局" if filed else "",
            "review_due": signed_on + days(20) if filed else None,
            "review_result": "approved" if status == "effective" else "",
            "effective_on": signed_on + days(20) if status == "effective" else None,
            "status": status,
            "terminated_on": end_on - days(30) if status == "terminated" else None,
            "renewal_requested_on": end_on - days(40) if rng.random() < 0.05 else None,
        }


def offer_rows(n: int, employers, rng: random.Random):
    for i in range(n):
        enterprise, org, anchor = rng.choice(employers)
        sent_on = ON - days(rng.randint(0, 200))
        replied = rng.random() < 0.33
        closed = rng.random() < 0.05
        yield {
            "id": i + 1,
            "created_at": STAMP,
            "updated_at": STAMP,
            "org_id": org,
            "org_anchor_id": anchor,
            "enterprise_id": enterprise,
            "direction": "sent" if rng.random() < 0.95 else "received",
            "subject": "工资集体协商",
            "sent_on": sent_on,
            "reply_due": sent_on + days(20),
            "replied_on": sent_on + days(rng.randint(1, 19)) if replied else None,
            "reply": "accepted" if replied else "",
            "outcome": "refused" if closed else "open",
            "outcome_on": sent_on + days(30) if closed else None,
        }


def finding_rows(n: int, employers, rng: random.Random, notices: list[dict]):
    for i in range(n):
        pk = i + 1
        enterprise, org, anchor = rng.choice(employers)
        found_on = ON - days(rng.randint(0, 300))
        resolved = rng.random() < 0.3
        owed = Decimal(rng.randint(1, 300) * 1000)
        if rng.random() < 0.4:
            issued = found_on + days(5)
            status = "resolved" if resolved else rng.choice(("issued", "replied", "escalated"))
            notices.append({
                "finding_id": pk, "org_id": org, "org_anchor_id": anchor, "step": "prompt",
                "status": status, "issued_on": issued, "deadline": issued + days(15),
            })  # fmt: skip
            if status == "escalated":
                issued = issued + days(20)
                notices.append({
                    "finding_id": pk, "org_id": org, "org_anchor_id": anchor, "step": "opinion",
                    "status": rng.choice(("issued", "replied")), "issued_on": issued,
                    "deadline": issued + days(15),
                })  # fmt: skip
        yield {
            "id": pk,
            "created_at": STAMP,
            "updated_at": STAMP,
            "org_id": org,
            "org_anchor_id": anchor,
            "enterprise_id": enterprise,
            "item_code": "on_time",
            "description": "未按时足额支付工资",
            "amount_owed": owed,
            "workers_affected": rng.randint(1, 60),
            "found_on": found_on,
            "status": "resolved" if resolved else "open",
            "resolved_on": found_on + days(30) if resolved else None,
            "amount_recovered": owed if resolved else Decimal(0),
        }


def notice_rows(notices: list[dict]):
    for i, notice in enumerate(notices):
        yield {
            "id": i + 1,
            "created_at": STAMP,
            "updated_at": STAMP,
            "number": f"工函〔2026〕{i + 1}号",
            "recipient": "某单位",
            "body": "（正文）",
            "days": 15,
            "created_at_date": notice["issued_on"],
            **notice,
        }


def row_by_row(enterprise_ids: list[int], on: datetime.date) -> int:
    """The clocks of `reminders_run`, one employer at a time through the ORM."""
    from gonghui.rights.models import (
        BargainingOffer,
        CollectiveContract,
        LegalAidCase,
        Reminder,
        WageFinding,
    )
    from gonghui.rights.shared import add_months

    due = 0
    for pk in enterprise_ids:
        for contract in CollectiveContract.objects.filter(enterprise_id=pk):
            live = contract.status in ("signed", "filed", "effective")
            expiring = (
                live
                and on <= contract.end_on <= add_months(on, 3)
                and contract.renewal_requested_on is None
            )
            filing = contract.status == "signed" and contract.filing_due < on
            for kind, hit in (("contract_expiring", expiring), ("filing_overdue", filing)):
                if hit and not Reminder.objects.filter(kind=kind, contract=contract).exists():
                    due += 1
        for offer in BargainingOffer.objects.filter(enterprise_id=pk):
            late = (
                offer.direction == "sent"
                and offer.outcome == "open"
                and offer.replied_on is None
                and offer.reply_due < on
            )
            if late and not Reminder.objects.filter(kind="reply_overdue", offer=offer).exists():
                due += 1
        for finding in WageFinding.objects.filter(enterprise_id=pk):
            if finding.status != "open":
                continue
            for notice in finding.notices.all():
                late = (
                    notice.status in ("issued", "replied")
                    and notice.step in ("prompt", "opinion")
                    and notice.deadline is not None
                    and notice.deadline < on
                )
                if late and not Reminder.objects.filter(kind="notice_due", notice=notice).exists():
                    due += 1
        for case in LegalAidCase.objects.filter(enterprise_id=pk, status="assigned"):
            late = case.deadline is not None and case.deadline < on
            if late and not Reminder.objects.filter(kind="case_overdue", case=case).exists():
                due += 1
    return due


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gonghui.orgs.models import Org
    from gonghui.rights.bargaining.selectors import season_progress
    from gonghui.rights.bargaining.services import season_open
    from gonghui.rights.employers.selectors import employer_file
    from gonghui.rights.models import (
        BargainingOffer,
        CollectiveContract,
        Reminder,
        WageFinding,
        WageNotice,
    )
    from gonghui.rights.reminders.services import reminders_run
    from gonghui.testing.fixtures import make_user

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        tree = build_tree(args.orgs, args.townships, rng)
        load_orgs(raw, tree)
        load_enterprises(raw, tree, args.employers, rng)
        # Most employers of the county's list have a union (the loader gives one only to
        # those covered by an enterprise union): 80%, without touching their covering org.
        cursor.execute(
            "UPDATE orgs_enterprise SET has_union = true "
            "WHERE status = 'active' AND abs(hashint8(id # 97)) % 5 <> 0"
        )
        cursor.execute(
            "SELECT e.id, e.org_id, e.org_anchor_id FROM orgs_enterprise e "
            "WHERE e.has_union AND e.status = 'active' ORDER BY e.id"
        )
        unionised = cursor.fetchall()
        cursor.execute("SELECT id, org_id, org_anchor_id FROM orgs_enterprise ORDER BY id")
        everyone = cursor.fetchall()
        log(
            f"{len(tree['kind']):,} orgs, {args.employers:,} employers ({len(unionised):,} with a union)"
        )
        copy_rows(raw, CollectiveContract, contract_rows(args.contracts, unionised, rng), {})
        copy_rows(raw, BargainingOffer, offer_rows(args.offers, unionised, rng), {})
        notices: list[dict] = []
        copy_rows(raw, WageFinding, finding_rows(args.findings, everyone, rng, notices), {})
        copy_rows(raw, WageNotice, notice_rows(notices), {})
        log(
            f"COPY {args.contracts:,} contracts, {args.offers:,} offers, "
            f"{args.findings:,} findings, {len(notices):,} notices"
        )
        for table in ("rights_collectivecontract", "rights_bargainingoffer",
                      "rights_wagefinding", "rights_wagenotice"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("VACUUM (ANALYZE)")
    county = Org.objects.get(pk=1)
    county_user = make_user("bench_county", "county_staff", county)
    for town in Org.objects.filter(level=5).order_by("id"):
        make_user(f"bench_t{town.pk}", "township_staff", town)
    log("data ready; VACUUM ANALYZE done")

    load = os.getloadavg()
    full_times = []
    for attempt in range(args.repeat):
        if attempt:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM rights_reminder")
                cursor.execute("VACUUM (ANALYZE) rights_reminder")
        started = time.perf_counter()
        first = reminders_run(on=ON, trigger="scheduled")
        full_times.append(time.perf_counter() - started)
        log(
            f"full run {attempt + 1}: {full_times[-1]:.2f}s, opened {first.opened:,} {first.counts}"
        )
    full_s = sorted(full_times)[len(full_times) // 2]
    spread = f"{min(full_times):.2f}–{max(full_times):.2f}"
    # Side by side: the portable path (rows read per clock, bulk-inserted) from the same state.
    from gonghui.rights.reminders import services as reminder_services

    set_based = reminder_services._insert_sql
    portable_times = []
    try:
        reminder_services._insert_sql = reminder_services._insert_rows
        for _ in range(args.repeat):
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM rights_reminder")
                cursor.execute("VACUUM (ANALYZE) rights_reminder")
            started = time.perf_counter()
            portable = reminders_run(on=ON, trigger="scheduled")
            portable_times.append(time.perf_counter() - started)
            log(f"portable run: {portable_times[-1]:.2f}s, opened {portable.opened:,}")
            assert portable.opened == first.opened, "both paths open the same reminders"
    finally:
        reminder_services._insert_sql = set_based
    portable_s = sorted(portable_times)[len(portable_times) // 2]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) rights_reminder")
    started = time.perf_counter()
    second = reminders_run(on=ON, trigger="scheduled")
    rerun_s = time.perf_counter() - started
    log(f"re-run with nothing new: {rerun_s:.2f}s, opened {second.opened}")
    assert second.opened == 0, "a re-run must open nothing"

    # Row by row, evaluated against a state with no reminders, like the first full run.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM rights_reminder")
    sample = random.Random(7).sample([e for e, _, _ in everyone], min(args.sample, len(everyone)))
    started = time.perf_counter()
    due = row_by_row(sample, ON)
    sample_s = time.perf_counter() - started
    extrapolated = sample_s * len(everyone) / len(sample)
    log(
        f"row by row: {len(sample):,} employers in {sample_s:.1f}s ({due:,} due) → {extrapolated:,.0f}s"
    )

    picks = random.Random(11).sample([e for e, _, _ in unionised], min(args.files, len(unionised)))
    file_ms = []
    for pk in picks:
        started = time.perf_counter()
        employer_file(county_user, pk)
        file_ms.append((time.perf_counter() - started) * 1000)
    file_ms.sort()
    started = time.perf_counter()
    season = season_open(actor=county_user, org=county, name="基准冬春季要约行动",
                         kind="winter_spring", year=2026, starts_on=ON,
                         ends_on=ON + days(90))  # fmt: skip
    open_s = time.perf_counter() - started
    progress_ms = timed(lambda: season_progress(county_user, season), args.repeat)
    targets = season.targets.count()
    load_after = os.getloadavg()

    def median(values: list[float]) -> float:
        return values[len(values) // 2]

    print()
    print(f"rights at {args.employers:,} employers, {args.contracts:,} contracts, "
          f"{args.offers:,} offers, {args.findings:,} findings, {len(notices):,} notices")  # fmt: skip
    print(f"  daily reminder run (set-based):          {full_s:8.2f} s   {first.opened:,} opened"
          f"   (median of {len(full_times)}: {spread} s)   target ≤ 5 s")  # fmt: skip
    print(f"  same run, rows through Python (before):  {portable_s:8.2f} s   "
          f"({full_s and portable_s / full_s:.1f}x the set-based run)")  # fmt: skip
    print(f"  re-run, nothing new:                     {rerun_s:8.2f} s   {second.opened} opened"
          "   target ≤ 1 s")  # fmt: skip
    print(f"  row by row through the ORM (extrapol.):  {extrapolated:8.0f} s   "
          f"(measured {sample_s:.1f} s on {len(sample):,} employers)")  # fmt: skip
    print(
        f"  set-based speed-up:                      {extrapolated / full_s:8.0f} x   target ≥ 30 x"
    )
    print(f"  employer rights file, median / p95:      {median(file_ms):8.1f} / "
          f"{file_ms[int(len(file_ms) * 0.95)]:.1f} ms ({len(file_ms)} employers)   target ≤ 50 ms")  # fmt: skip
    print(f"  season opened (target list proposed):    {open_s:8.2f} s   {targets:,} targets")
    print(
        f"  season progress by township, median:     {median(progress_ms):8.1f} ms   target ≤ 200 ms"
    )
    print(f"  load average before / after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} / "
          f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} on {os.cpu_count()} cores")  # fmt: skip
    assert Reminder.objects.count() == 0
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--contracts", type=int, default=150_000)
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=5_000, help="employers row by row")
    parser.add_argument("--files", type=int, default=200, help="employer files to time")
    parser.add_argument("--orgs", type=int, default=5_000)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="runs to time (median)")
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-rights-"))
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
