"""Reads of the county's rules and pay table, the monthly pay sheet and the promotion list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from gonghui.core.modules import Action
from gonghui.core.scope import scope_queryset
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing.appraisals import rules
from gonghui.staffing.appraisals.models import AppraisalResult
from gonghui.staffing.appraisals.selectors import latest_results, yearly_results
from gonghui.staffing.pay.models import PayGrade, StaffingScheme
from gonghui.staffing.people.models import SocialWorker, WorkerStatus
from gonghui.staffing.people.selectors import worker_list
from gonghui.staffing.shared import MODULE


def county_of(org: Org) -> Org | None:
    """The county federation above (or at) an org; None above county level."""
    if org.level == OrgLevel.COUNTY:
        return org
    return Org.objects.filter(pk__in=org.ancestor_ids(), level=OrgLevel.COUNTY).first()


def scheme_for(org: Org) -> StaffingScheme:
    """The county's rules for an org's social workers; the defaults (unsaved) when the
    county has not set its own."""
    county = county_of(org) or org
    scheme = StaffingScheme.objects.filter(org=county).first()
    return scheme or StaffingScheme(org=county)


def pay_table(county: Org) -> dict[tuple[int, int], PayGrade]:
    return {(p.grade, p.band): p for p in PayGrade.objects.filter(org=county)}


def counties_in_scope(user, action: str = Action.VIEW) -> QuerySet[Org]:
    return scope_queryset(Org.objects.all(), user, MODULE, action, org_field="").filter(
        level=OrgLevel.COUNTY
    )


@dataclass(frozen=True)
class PayRow:
    worker: SocialWorker
    result: str
    pay: object  # rules.Pay
    missing_cell: bool


def pay_sheet(user, county: Org, month: dt.date, action: str = Action.VIEW) -> list[PayRow]:
    """The month's pay of every worker in scope under the county: grade-and-band pay from
    the county's table plus the bonus of the latest appraisal published before the month."""

    scheme = scheme_for(county)
    table = pay_table(county)
    workers = list(
        worker_list(user, status=WorkerStatus.ACTIVE, org=county, action=action).filter(
            hired_on__lte=month
        )
    )
    results = latest_results([w.pk for w in workers], month)
    rows = []
    for worker in workers:
        cell = table.get((worker.grade, worker.band))
        result = results.get(worker.pk, "")
        bonus = scheme.bonus.get(result, 0) if result else 0
        base = cell.monthly_pay if cell else 0
        pay = rules.pay_for(base=base, bonus=bonus, county_share=worker.county_share)
        rows.append(PayRow(worker, result, pay, cell is None))
    return rows


@dataclass(frozen=True)
class Candidate:
    worker: SocialWorker
    years_in_band: float
    results: list  # [(year, result)] newest first
    step: str  # "band" 晋档 / "grade" 晋岗
    to_grade: int
    to_band: int
    evidence: list[str]


def promotion_candidates(user, county: Org, as_of: dt.date) -> list[Candidate]:
    """Workers the county's rules make eligible to move up a band (晋档), or recommended to
    move up a grade (晋岗) when their yearly results include 优秀 and their band is the top of
    their grade; each with the evidence the rules read."""
    from gonghui.staffing.people.models import Certificate

    scheme = scheme_for(county)
    table = pay_table(county)
    workers = list(worker_list(user, status=WorkerStatus.ACTIVE, org=county))
    yearly = yearly_results([w.pk for w in workers])
    good = {AppraisalResult.EXCELLENT, AppraisalResult.COMPETENT}
    labels = dict(AppraisalResult.choices)
    found = []
    for worker in workers:
        if worker.contract_review:
            continue  # two 不称职 this year: the contract is under review, not a promotion
        years = (as_of - worker.band_since).days / 365.25
        if years < scheme.promotion_years:
            continue
        if scheme.promotion_needs_certificate and not worker.certificates:
            continue
        recent = yearly.get(worker.pk, [])[: scheme.promotion_results]
        if len(recent) < scheme.promotion_results or any(r not in good for _y, r in recent):
            continue
        if (worker.grade, worker.band + 1) in table:
            step, to = "band", (worker.grade, worker.band + 1)
        elif (worker.grade + 1, 1) in table and any(
            r == AppraisalResult.EXCELLENT for _y, r in recent
        ):
            step, to = "grade", (worker.grade + 1, 1)
        else:
            continue
        certificates = dict(Certificate.choices)
        evidence = [
            f"现{worker.grade}岗{worker.band}档已 {years:.1f} 年(规则：满 {scheme.promotion_years} 年)",
            "职业资格：" + ("、".join(certificates.get(c, c) for c in worker.certificates) or "无"),
            "年度考核：" + ("、".join(f"{y}年{labels.get(r, r)}" for y, r in recent) or "不要求"),
        ]
        found.append(Candidate(worker, years, recent, step, to[0], to[1], evidence))
    return found
