"""Demo annual plan of the fictional 青禾县总工会: targets from the seed's kind of work report,
each counted from a registered measure (targets/tests/test_demo.py holds every code to the
registry, so none shows 指标未接入), manual ones in every status with evidence, and shares
to townships."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.core import metrics
from gonghui.orgs.models import Org, OrgLevel
from gonghui.plans.targets.models import AnnualPlan, Basis, ManualStatus, Target
from gonghui.plans.targets.services import (
    plan_create,
    target_create,
    target_manual_report,
    target_split,
)

COUNTY_CODE = "339901"

# (name, measure code, comparator, value); value None → manual target.
COUNTED = [
    ("新发展会员", "members.joined", "gte", 3000),
    ("新就业形态劳动者入会", "members.new_employment_form", "gte", 800),
    ("农民工会员", "members.migrant_workers", "gte", 1500),
    ("在册会员总数", "members.active", "gte", 12000),
    ("网上入会申请受理", "members.join_applications", "gte", 300),
    ("基层工会组建", "orgs.grassroots_unions", "gte", 180),
    ("已建会单位", "orgs.enterprises_with_union", "gte", 150),
    ("建会率", "orgs.union_coverage_rate", "gte", 90),
    ("新就业形态会员占比", "members.new_employment_form_share", "gte", 8),
    ("劳动和技能竞赛", "workforce.competitions.held", "gte", 25),
    ("师徒结对", "workforce.mentorships.signed", "gte", 300),
    ("五小创新成果", "workforce.innovations.submitted", "gte", 120),
    ("在档困难职工家庭每季度走访率", "assistance.visits.on_time_rate", "gte", 90),
    ("集体合同覆盖率", "rights.contracts.coverage_rate", "gte", 85),
    ("集体合同建制单位", "rights.contracts.employers_covered", "gte", 200),
    ("一函两书督促整改", "rights.notices.resolved", "gte", 20),
    ("职工就业帮扶(90 天内就业)", "outreach.registrations.employed_90d", "gte", 200),
    ("服务站点开放", "sites.stations.open", "gte", 30),
    ("送温暖慰问金", "assistance.aid.paid", "gte", 1500000),
    ("协商要约逾期未答复", "rights.offers.overdue", "lte", 0),
    ("女职工会员", "members.female", "gte", 5000),
    ("签订集体合同", "rights.contracts.signed", "gte", 60),
    ("劳动法律监督检查", "rights.supervision.inspections", "gte", 40),
    ("法律援助结案", "rights.legal_aid.closed", "gte", 30),
    ("拖欠工资问题整改", "rights.wage_findings.resolved", "gte", 20),
    ("服务大篷车进乡镇", "outreach.stops.held", "gte", 24),
    ("新建服务阵地", "sites.stations.built", "gte", 10),
    ("新建劳模工匠创新工作室", "workforce.studios.new", "gte", 5),
    ("职工合理化建议采纳", "workforce.innovations.suggestions_adopted", "gte", 100),
    ("班组长培训", "workforce.team_trainings.held", "gte", 12),
    ("帮扶困难职工家庭", "assistance.aid.households", "gte", 300),
    ("待处置的困难职工预警", "assistance.alerts.open", "lte", 5),
]
MANUAL = [
    (
        "召开县总工会全委会议",
        ManualStatus.DONE,
        "3 月 12 日召开十届三次全委会议",
        "青工发〔2026〕5 号",
    ),
    ("开展劳模工匠进企业宣讲", ManualStatus.IN_PROGRESS, "已宣讲 6 场，覆盖 12 家企业", ""),
    ("完成县职工服务中心提升改造", ManualStatus.AT_RISK, "设计方案待审，施工尚未招标", ""),
    ("建立产改工作联席会议制度", ManualStatus.DONE, "联席会议制度已印发", "青产改办〔2026〕1 号"),
    ("推进工会数字化平台建设", ManualStatus.IN_PROGRESS, "平台一期已上线试运行", ""),
    ("开展职工书屋示范点创建", ManualStatus.NOT_STARTED, "", ""),
    ("组织职工疗休养", ManualStatus.IN_PROGRESS, "首批 120 名一线职工已完成疗休养", ""),
    ("完成年度工会经费审查", ManualStatus.NOT_STARTED, "", ""),
]
STOCK = {
    "members.active",
    "members.migrant_workers",
    "members.new_employment_form",
    "members.new_employment_form_share",
    "orgs.grassroots_unions",
    "orgs.enterprises_with_union",
    "sites.stations.open",
    "rights.contracts.employers_covered",
    "rights.offers.overdue",
    "members.female",
    "assistance.alerts.open",
}
SPLIT = ("members.joined", "orgs.grassroots_unions", "orgs.union_coverage_rate")


def _shares(total: int, townships: list[Org], rng: random.Random) -> dict:
    weights = [rng.randint(5, 15) for _ in townships]
    scale = sum(weights)
    shares = [total * w // scale for w in weights]
    shares[0] += total - sum(shares)
    return {org: Decimal(v) for org, v in zip(townships, shares, strict=True)}


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return "skipped: the demo county is missing"
    year = timezone.localdate().year
    if AnnualPlan.objects.filter(org=county, year=year).exists():
        return "plan exists"
    rng = random.Random(seed * 31 + 20)
    plan = plan_create(
        actor=None,
        org=county,
        year=year,
        title="县总工会年度重点工作目标",
        source_document=f"青禾县总工会 {year} 年工作报告",
        note="按县总工会全委会议审议通过的工作报告分解。",
    )
    townships = list(Org.objects.filter(parent=county, level=OrgLevel.TOWNSHIP).order_by("code"))
    targets = 0
    for name, code, comparator, value in COUNTED:
        target = target_create(
            actor=None,
            plan=plan,
            org=county,
            name=name,
            measure_code=code,
            comparator=comparator,
            value=value,
            basis=Basis.STOCK if code in STOCK else Basis.PERIOD,
            lead_unit="县总工会组织部" if code.startswith(("members", "orgs")) else "县总工会",
            allow_unregistered=True,
        )
        targets += 1
        if code in SPLIT and townships and code in {m.code for m in metrics.measures()}:
            if metrics.measure_get(code).is_ratio:
                shares = {org: Decimal(rng.choice([85, 88, 90, 92, 95])) for org in townships}
            else:
                shares = _shares(value, townships, rng)
            targets += len(target_split(actor=None, target=target, shares=shares))
    recorded = dt.date(year, 1, 1) + dt.timedelta(
        days=min(150, timezone.localdate().timetuple().tm_yday - 1)
    )
    for name, status, text, document in MANUAL:
        target = target_create(
            actor=None, plan=plan, org=county, name=name, lead_unit="县总工会办公室"
        )
        targets += 1
        if text:
            target_manual_report(
                actor=None,
                target=target,
                manual_status=status,
                text=text,
                document=document,
                recorded_on=recorded,
            )
    # A township's own plan (a township sees the county's shares and its own).
    if townships:
        first = townships[0]
        own = plan_create(actor=None, org=first, year=year, title=f"{first.name}工会年度工作目标")
        target_create(
            actor=None,
            plan=own,
            org=first,
            name="新发展会员",
            measure_code="members.joined",
            value=Target.objects.filter(parent__plan=plan, org=first, measure_code="members.joined")
            .values_list("value", flat=True)
            .first()
            or 200,
        )
        targets += 1
    return f"1 county plan, {targets} targets"
