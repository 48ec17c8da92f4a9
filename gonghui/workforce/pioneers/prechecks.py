"""Pre-checks of a nominee's employer before an honour is approved (DESIGN §4 "Workforce").

Each check answers 通过 (passed), 不通过 (failed) or 未核查 (not checked) — never "passed"
for something nobody looked at:

- 已建会: the employer has a union (Enterprise.has_union);
- 集体合同在有效期内, 无未结欠薪问题, 无未结法律援助案件: from the rights module, through
  the contract `gonghui.rights.selectors.employer_rights_status(enterprise_ids) ->
  dict[int, RightsStatus]` (fields contract_in_force, open_wage_findings,
  open_legal_aid_cases, risk, explanation), called only when `gonghui.rights` is installed;
  until then each of these three says "未核查(维权模块未启用)";
- the county's barred-year rules (BarRule, data set by its admins): an incident of the
  rule's kind within its years before the check day fails.

A failed check blocks the approval; a not-checked one does not, and the approval keeps the
whole result as it stood (Nomination.prechecks).
"""

import datetime
from dataclasses import asdict, dataclass
from importlib import import_module

from django.apps import apps

from gonghui.workforce.county import counties_for
from gonghui.workforce.pioneers.models import BarRule, EmployerIncident, IncidentKind

PASSED, FAILED, NOT_CHECKED = "passed", "failed", "not_checked"
STATUS_LABELS = {PASSED: "通过", FAILED: "不通过", NOT_CHECKED: "未核查"}
RIGHTS_APP = "gonghui.rights"
RIGHTS_OFF = "未核查(维权模块未启用)"
RIGHTS_NO_RECORD = "未核查(维权模块未返回该单位的记录)"


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    status: str
    detail: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict:
        return asdict(self)


def rights_statuses(enterprise_ids) -> dict | None:
    """The rights module's answer for the employers, or None when it is not installed."""
    if not apps.is_installed(RIGHTS_APP):
        return None
    try:
        selectors = import_module(f"{RIGHTS_APP}.selectors")
        lookup = selectors.employer_rights_status
    except (ImportError, AttributeError):
        return None
    return lookup(list(enterprise_ids))


def _rights_checks(status) -> list[Check]:
    labels = (
        ("contract", "集体合同在有效期内"),
        ("wage", "无未结的欠薪问题"),
        ("legal_aid", "无未结的法律援助案件"),
    )
    if status is None or status in (RIGHTS_OFF, RIGHTS_NO_RECORD):
        detail = status if isinstance(status, str) else RIGHTS_OFF
        return [Check(code, label, NOT_CHECKED, detail) for code, label in labels]
    note = f"维权风险：{getattr(status, 'risk_label', status.risk)}。{status.explanation}".strip()
    findings, cases = int(status.open_wage_findings), int(status.open_legal_aid_cases)
    return [
        Check(
            "contract",
            "集体合同在有效期内",
            PASSED if status.contract_in_force else FAILED,
            "集体合同在有效期内。" if status.contract_in_force else "没有有效期内的集体合同。",
        ),
        Check(
            "wage",
            "无未结的欠薪问题",
            PASSED if findings == 0 else FAILED,
            "无未结的工资支付检查问题。"
            if findings == 0
            else f"有 {findings} 项未结的工资支付检查问题。{note}",
        ),
        Check(
            "legal_aid",
            "无未结的法律援助案件",
            PASSED if cases == 0 else FAILED,
            "无未结的法律援助案件。" if cases == 0 else f"有 {cases} 件未结的法律援助案件。{note}",
        ),
    ]


def prechecks_for(enterprises, *, on: datetime.date) -> dict[int, list[Check]]:
    """The checks of several employers at once (a few queries, whatever their number)."""
    enterprises = list(enterprises)
    ids = [e.pk for e in enterprises]
    rights = rights_statuses(ids)
    by_org = counties_for({e.org_id: e.org for e in enterprises}.values())
    counties = {e.pk: by_org[e.org_id] for e in enterprises}
    rules: dict[int, list[BarRule]] = {}
    county_ids = {c.pk for c in counties.values() if c is not None}
    for rule in BarRule.objects.filter(org_id__in=county_ids, is_active=True).order_by("kind"):
        rules.setdefault(rule.org_id, []).append(rule)
    incidents: dict[int, list[EmployerIncident]] = {}
    for incident in EmployerIncident.objects.filter(enterprise_id__in=ids).order_by("-occurred_on"):
        incidents.setdefault(incident.enterprise_id, []).append(incident)
    result: dict[int, list[Check]] = {}
    for enterprise in enterprises:
        checks = [
            Check(
                "union",
                "已建立工会",
                PASSED if enterprise.has_union else FAILED,
                "单位已建会。" if enterprise.has_union else "单位尚未建立工会。",
            )
        ]
        status = RIGHTS_OFF if rights is None else rights.get(enterprise.pk, RIGHTS_NO_RECORD)
        checks += _rights_checks(status)
        county = counties[enterprise.pk]
        for rule in rules.get(county.pk if county else None, []):
            checks.append(_bar_check(rule, incidents.get(enterprise.pk, []), on))
        result[enterprise.pk] = checks
    return result


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _bar_check(rule: BarRule, incidents: list[EmployerIncident], on: datetime.date) -> Check:
    since = _years_before(on, rule.years)
    label = f"近 {rule.years} 年无{IncidentKind(rule.kind).label}"
    hits = [i for i in incidents if i.kind == rule.kind and since < i.occurred_on <= on]
    if not hits:
        return Check(f"bar_{rule.kind}", label, PASSED, f"{since:%Y-%m-%d} 以来无此类记录。")
    first = hits[0]
    return Check(
        f"bar_{rule.kind}",
        label,
        FAILED,
        f"{first.occurred_on:%Y-%m-%d} {first.description}"
        f"(按规则 {rule.years} 年内不得推荐{'，' + rule.note if rule.note else ''})。",
    )


def nomination_prechecks(nomination, *, on: datetime.date | None = None) -> list[Check]:
    on = on or datetime.date.today()
    return prechecks_for([nomination.enterprise], on=on)[nomination.enterprise_id]


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status == FAILED]
