"""A studio's yearly appraisal against its county's standards, computed from what it logged.

Each standard item scores either from an appraiser's mark (basis `manual`) or from the
studio's records of the year: quarterly reports filed, outcomes achieved, members on the
roll, the year's funds, the site's area. A logged-basis item scores
max × min(1, logged ÷ target), rounded to one decimal, and lists its evidence (the records
it counted). The result: 优秀 at 90% of the full marks or more, 合格 at 60% or more.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from gonghui.workforce.choices import AppraisalResult
from gonghui.workforce.studios.models import (
    InnovationStudio,
    StandardBasis,
    StandardItem,
)

EXCELLENT_SHARE = Decimal("0.90")
PASS_SHARE = Decimal("0.60")

# The county's checklist when its admins have not set one (DESIGN §4: 标志, 场所, 设施, 参与,
# 制度, 经费, 台帐, 成效): code, name, requirement, max score, basis, target.
DEFAULT_ITEMS = (
    ("sign", "标志", "有统一标识、牌匾", 10, StandardBasis.MANUAL, 0),
    ("site", "场所", "有固定场所，面积不少于 50 平方米", 10, StandardBasis.SITE, 50),
    ("facilities", "设施", "有开展创新活动的设备设施", 15, StandardBasis.MANUAL, 0),
    ("participation", "参与", "成员不少于 10 人", 15, StandardBasis.MEMBERS, 10),
    ("rules", "制度", "有工作制度、计划和目标", 10, StandardBasis.MANUAL, 0),
    ("funds", "经费", "年度经费不少于 5 万元", 10, StandardBasis.FUNDS, 50000),
    ("ledger", "台帐", "按季度报送活动报告(全年 4 次)", 10, StandardBasis.REPORTS, 4),
    ("results", "成效", "年度取得创新成果不少于 3 项", 20, StandardBasis.OUTCOMES, 3),
)


@dataclass
class ItemScore:
    code: str
    name: str
    max: int
    basis: str
    score: Decimal
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "max": self.max,
            "basis": self.basis,
            "score": str(self.score),
            "evidence": self.evidence,
        }


@dataclass
class Appraisal:
    items: list[ItemScore]
    total: Decimal
    max_total: Decimal
    result: str
    missing_manual: list[str]

    @property
    def result_label(self) -> str:
        return AppraisalResult(self.result).label


def _share(logged: Decimal, target: Decimal) -> Decimal:
    if target <= 0:
        return Decimal(1) if logged > 0 else Decimal(0)
    return min(Decimal(1), logged / target)


def _points(maximum: int, share: Decimal) -> Decimal:
    return (Decimal(maximum) * share).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def appraisal_compute(
    studio: InnovationStudio, year: int, items: list[StandardItem], manual: dict[str, Decimal]
) -> Appraisal:
    """The appraisal of `studio` for `year` (reads its records; writes nothing)."""
    year_end = datetime.date(year, 12, 31)
    reports = list(studio.reports.filter(year=year).order_by("quarter"))
    outcomes = list(studio.outcomes.filter(achieved_on__year=year).order_by("achieved_on"))
    members = [
        m
        for m in studio.members.select_related("member")
        if m.joined_on <= year_end and (m.left_on is None or m.left_on > year_end)
    ]
    scored, missing = [], []
    for item in items:
        target = Decimal(item.target)
        evidence: list[str] = []
        if item.basis == StandardBasis.MANUAL:
            value = manual.get(item.code)
            if value is None:
                missing.append(item.name)
                score = Decimal(0)
            else:
                score = Decimal(value).quantize(Decimal("0.1"))
                evidence.append("评审打分")
        elif item.basis == StandardBasis.REPORTS:
            evidence = [
                f"{r.year} 年第 {r.quarter} 季度报告({r.submitted_on:%Y-%m-%d} 报送)：开展活动 {r.activities} 次"
                for r in reports
            ]
            score = _points(item.max_score, _share(Decimal(len(reports)), target))
        elif item.basis == StandardBasis.OUTCOMES:
            count = sum(o.quantity for o in outcomes)
            evidence = [
                f"{o.get_kind_display()}：{o.title}({o.achieved_on:%Y-%m-%d}，{o.quantity} 项)"
                for o in outcomes
            ]
            score = _points(item.max_score, _share(Decimal(count), target))
        elif item.basis == StandardBasis.MEMBERS:
            evidence = [f"{len(members)} 名成员：" + "、".join(m.member.name for m in members[:20])]
            score = _points(item.max_score, _share(Decimal(len(members)), target))
        elif item.basis == StandardBasis.FUNDS:
            evidence = [f"年度经费 {studio.funds:,.2f} 元"]
            score = _points(item.max_score, _share(studio.funds, target))
        else:  # site area
            evidence = [f"场所 {studio.site or '未填写'}，面积 {studio.area_m2} 平方米"]
            score = _points(item.max_score, _share(Decimal(studio.area_m2), target))
        scored.append(ItemScore(item.code, item.name, item.max_score, item.basis, score, evidence))
    total = sum((s.score for s in scored), Decimal(0))
    max_total = Decimal(sum(s.max for s in scored))
    if max_total and total >= max_total * EXCELLENT_SHARE:
        result = AppraisalResult.EXCELLENT
    elif max_total and total >= max_total * PASS_SHARE:
        result = AppraisalResult.PASS
    else:
        result = AppraisalResult.FAIL
    return Appraisal(scored, total, max_total, result, missing)
