"""Rights statistics by township and year, read from the metric registry (so the page and
the export never count differently from the measures plans and the dashboard read)."""

from dataclasses import dataclass, field
from decimal import Decimal

from gonghui.core.metrics import Period, evaluate, measure_get
from gonghui.core.modules import Action
from gonghui.core.scope import scope_roots
from gonghui.orgs.models import Org, OrgLevel, OrgStatus, township_q
from gonghui.rights.shared import MODULE

# The report's columns: (measure code, short header).
COLUMNS = [
    ("rights.contracts.signed", "签订合同(份)"),
    ("rights.contracts.in_force", "生效合同(份)"),
    ("rights.contracts.coverage_rate", "建制率(%)"),
    ("rights.contracts.workers_covered", "覆盖职工(人)"),
    ("rights.offers.sent", "发出要约(份)"),
    ("rights.offers.replied", "已答复(份)"),
    ("rights.offers.signed", "要约签约(份)"),
    ("rights.offers.overdue", "逾期未复(份)"),
    ("rights.wage_findings.found", "工资问题(项)"),
    ("rights.wage_findings.amount_owed", "拖欠金额(元)"),
    ("rights.wage_findings.resolved", "已整改(项)"),
    ("rights.wage_findings.amount_recovered", "追回金额(元)"),
    ("rights.notices.prompt", "提示函(份)"),
    ("rights.notices.opinion", "意见书(份)"),
    ("rights.notices.recommendation", "建议书(份)"),
    ("rights.legal_aid.applied", "援助申请(件)"),
    ("rights.legal_aid.closed", "援助结案(件)"),
    ("rights.legal_aid.amount_recovered", "援助挽回(元)"),
    ("rights.supervision.inspections", "监督检查(次)"),
]
FUNNEL = {
    "prompt": "rights.notices.prompt",
    "opinion": "rights.notices.opinion",
    "recommendation": "rights.notices.recommendation",
    "resolved": "rights.notices.resolved",
    "recovered": "rights.notices.recovered",
}


@dataclass
class StatsRow:
    org_id: int
    name: str
    code: str
    values: list = field(default_factory=list)
    is_total: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(v for v in self.values)


def _roots(user) -> list[Org]:
    ids = [r.org_id for r in scope_roots(user, MODULE, Action.VIEW)]
    return list(
        Org.objects.filter(pk__in=ids).only("id", "name", "code", "path", "level").order_by("code")
    )


def _townships(user, roots: list[Org]) -> list[Org]:
    """The rows: townships (乡镇、街道、园区) in scope; a root below that level is its own row."""
    within = [r for r in roots if r.level < OrgLevel.TOWNSHIP]
    rows = []
    if within:
        from gonghui.core.scope import scope_q

        rows = list(
            Org.objects.filter(scope_q([r.path for r in within], "path"))
            .filter(township_q(), status=OrgStatus.ACTIVE)
            .only("id", "name", "code", "path", "level")
            .order_by("code")
        )
    rows += [r for r in roots if r.level >= OrgLevel.TOWNSHIP]
    return rows


def _value(figure):
    return figure.value if figure.value is not None else None


def stats_by_township(user, year: int) -> tuple[list[str], list[StatsRow]]:
    """(headers, rows): a row per township in the user's scope and a total row (the scope
    roots). One query per count measure (two per ratio) for all rows together."""
    roots = _roots(user)
    townships = _townships(user, roots)
    period = Period.year(year)
    orgs = {o.pk: o for o in [*townships, *roots]}
    figures = {code: evaluate(code, orgs=list(orgs.values()), period=period) for code, _ in COLUMNS}
    rows = [
        StatsRow(o.pk, o.name, o.code, [_value(figures[code][o.pk]) for code, _ in COLUMNS])
        for o in townships
    ]
    if roots:
        total = StatsRow(0, "合计", "", [], is_total=True)
        for code, _ in COLUMNS:
            measure = measure_get(code)
            if measure.is_ratio:
                num = sum(Decimal(figures[code][r.pk].numerator or 0) for r in roots)
                den = sum(Decimal(figures[code][r.pk].denominator or 0) for r in roots)
                total.values.append((num * 100 / den).quantize(Decimal("0.1")) if den else None)
            else:
                total.values.append(sum(figures[code][r.pk].value or 0 for r in roots))
        if len(roots) > 1 or not (len(townships) == 1 and townships[0].pk == roots[0].pk):
            rows.append(total)
    return [header for _, header in COLUMNS], rows


def notice_funnel(user, year: int) -> dict:
    """提示函 → 意见书 → 建议书 → 整改, and the amount recovered, for the year in scope."""
    roots = _roots(user)
    period = Period.year(year)
    result = {"year": year}
    for key, code in FUNNEL.items():
        values = evaluate(code, orgs=roots, period=period) if roots else {}
        result[key] = sum((f.value or 0) for f in values.values())
    return result
