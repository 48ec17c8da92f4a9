"""Monitoring demo data: facts on demo households and members (entered by staff, pushed by API
and imported from department lists), one completed scheduled run, and its alerts — some still
open (a few overdue), some closed with each outcome. Every rule fires: schooling costs for
members the union does not help yet, near-line households (rejected applications with income
just above the entry line, seeded by gonghui.assistance.demo, and exited households).

Runs after the archive seeder (gonghui.assistance.demo). Dated around 2026-06-30 like it, so
the data does not depend on the day it is seeded. Idempotent: a county that already has a
monitoring run dated that day is left alone.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.assistance.archives.demo import COUNTY_CODE, TODAY
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import Alert, HardshipArchive, MonitoringRun
from gonghui.assistance.monitoring import services
from gonghui.assistance.monitoring.definitions import (
    AlertOutcome,
    CareKind,
    DisasterKind,
    FactSource,
)
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org, OrgLevel

REASONS = {
    AlertOutcome.ARCHIVED: "入户核实后已纳入困难职工档案，按相对困难帮扶。",
    AlertOutcome.HELPED: "已发放临时生活救助金，并联系社区跟踪回访。",
    AlertOutcome.NO_ACTION: "经入户核实，家庭已有稳定收入，相关支出已有其他渠道解决，暂不需帮扶。",
}


def _day(rng, low, high) -> datetime.date:
    return TODAY - datetime.timedelta(days=rng.randint(low, high))


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE, level=OrgLevel.COUNTY).first()
    if county is None:
        return "no demo county; 0 alerts"
    if MonitoringRun.objects.filter(county=county, on=TODAY).exists():
        return "monitoring already seeded (+0)"
    rng = random.Random(seed + 44)
    archives = list(
        HardshipArchive.objects.filter(org__path__startswith=county.path)
        .exclude(status=ArchiveStatus.REJECTED)
        .order_by("id")
    )
    members = list(
        Member.objects.filter(
            org__path__startswith=county.path,
            status=MemberStatus.ACTIVE,
            hardship_archives__isnull=True,
        ).order_by("id")[:400]
    )
    if not archives:
        return "no demo archives; 0 alerts"
    facts = 0
    with transaction.atomic():
        exited = [a for a in archives if a.status in (ArchiveStatus.EXITED, ArchiveStatus.WATCHED)]
        for archive in rng.sample(exited, min(8, len(exited))):
            services.medical_expense_record(
                actor=None,
                id_number=archive.id_number,
                occurred_on=_day(rng, 5, 200),
                care=CareKind.INPATIENT,
                self_paid=Decimal(rng.randrange(5000, 30000, 100)),
                note="住院结算单(演示)",
            )
            facts += 1
        for target in rng.sample(archives, min(10, len(archives))) + members[:6]:
            services.medical_expense_record(
                actor=None,
                id_number=target.id_number,
                occurred_on=_day(rng, 1, 25),
                care=CareKind.OUTPATIENT,
                self_paid=Decimal(rng.randrange(200, 1500, 10)),
            )
            facts += 1
        for target in rng.sample(archives, min(6, len(archives))) + members[6:9]:
            services.disaster_event_record(
                actor=None,
                id_number=target.id_number,
                occurred_on=_day(rng, 1, 25),
                kind=rng.choice([DisasterKind.FLOOD, DisasterKind.TYPHOON, DisasterKind.FIRE]),
                loss=Decimal(rng.randrange(2000, 40000, 500)),
                note="受灾名单(演示)",
            )
            facts += 1
        for target in rng.sample(archives, min(8, len(archives))) + members[9:14]:
            services.job_loss_record(
                actor=None,
                id_number=target.id_number,
                lost_on=_day(rng, 1, 50),
                employer_name="某制造企业(演示)",
                reason="企业减员",
            )
            facts += 1
        facts += _schooling(rng, members[14:26], archives)
    run = services.monitoring_run(actor=None, county=county, on=TODAY, trigger="scheduled")
    closed = _close_some(rng, run)
    return f"{facts} facts, 1 run, {run.opened} alerts (+{run.opened}), {closed} closed"


STAGES = [
    ("undergraduate", "长川大学"),
    ("college", "长川职业技术学院"),
    ("senior", "青禾县第一中学"),
]
SOURCES = [FactSource.IMPORT, FactSource.MANUAL, FactSource.API]


def _schooling(rng, members, archives) -> int:
    """Non-compulsory schooling costs for members who hold no archive (half of them reach the
    10,000 line within the year, from one or two children) and for a few households."""
    count = 0
    for i, member in enumerate(members):
        children = 2 if i % 3 == 0 else 1
        for child in range(children):
            stage, school = STAGES[(i + child) % len(STAGES)]
            amount = Decimal(rng.randrange(3000, 8000, 100) if i % 3 == 2 else 5200 + 900 * i)
            services.schooling_expense_record(
                actor=None,
                id_number=member.id_number,
                paid_on=_day(rng, 20, 300),
                stage=stage,
                amount=amount,
                student_name=f"{member.name[0]}{'一二三'[child]}(演示)",
                school=school,
                note="教育部门缴费名单(演示)",
                source=SOURCES[i % len(SOURCES)],
            )
            count += 1
    for archive in rng.sample(archives, min(3, len(archives))):
        services.schooling_expense_record(
            actor=None,
            id_number=archive.id_number,
            paid_on=_day(rng, 20, 200),
            stage="undergraduate",
            amount=Decimal(rng.randrange(10000, 16000, 100)),
            student_name=f"{archive.name[0]}同学(演示)",
            school="长川大学",
            source=FactSource.IMPORT,
        )
        count += 1
    return count


def _close_some(rng, run) -> int:
    alerts = list(Alert.objects.filter(run=run).order_by("id"))
    rng.shuffle(alerts)
    outcomes = list(AlertOutcome.values)
    chosen = alerts[: len(alerts) // 3]
    with transaction.atomic():
        for i, alert in enumerate(chosen):
            outcome = outcomes[i % len(outcomes)]
            services.alert_close(
                actor=alert.assigned_to, alert=alert, outcome=outcome, reason=REASONS[outcome]
            )
            # Most were dealt with within their deadline; a few late (as they would be).
            days = 2 if i % 5 else 20
            closed_at = timezone.make_aware(
                datetime.datetime.combine(
                    alert.opened_on + datetime.timedelta(days=days), datetime.time(10)
                )
            )
            Alert.objects.filter(pk=alert.pk).update(closed_at=closed_at)
    return len(chosen)
