"""Reads of the employer's rights file: one page per employer where its union, contracts,
offers, wage findings and letters, legal-aid cases and inspections meet, with the computed
rights-risk flag; and the set-based status of many employers for other modules."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.orgs.models import Enterprise
from gonghui.rights.bargaining.models import BargainingOffer, OfferOutcome
from gonghui.rights.contracts.models import (
    CollectiveContract,
    ContractCoverage,
    ContractStatus,
    in_force_q,
)
from gonghui.rights.employers.risk import RightsFacts, RightsStatus, risk_assess
from gonghui.rights.legalaid.models import OPEN_STATUSES, LegalAidCase
from gonghui.rights.shared import MODULE, today
from gonghui.rights.supervision.models import Inspection, Supervisor
from gonghui.rights.wagechecks.models import (
    FindingStatus,
    NoticeStep,
    WageFinding,
    WageNotice,
)

ESCALATED_STEPS = (NoticeStep.OPINION, NoticeStep.RECOMMENDATION)


def _escalated():
    return Exists(
        WageNotice.objects.filter(
            finding=OuterRef("pk"), step__in=ESCALATED_STEPS, issued_on__isnull=False
        )
    )


def employer_rights_status(enterprise_ids: Iterable[int]) -> dict[int, RightsStatus]:
    """{enterprise id: RightsStatus} for every given employer that exists.

    No user scope: the caller applies its own. Set-based: five queries however many
    employers are asked for (their ids travel as one IN list each)."""
    ids = sorted({int(pk) for pk in enterprise_ids})
    if not ids:
        return {}
    on = today()
    unions = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "has_union"))
    ends = dict(
        ContractCoverage.objects.filter(in_force_q(on, "contract__"), enterprise_id__in=ids)
        .values("enterprise_id")
        .annotate(end=Max("contract__end_on"))
        .values_list("enterprise_id", "end")
    )
    findings = {
        row["enterprise_id"]: row
        for row in WageFinding.objects.filter(enterprise_id__in=ids, status=FindingStatus.OPEN)
        .annotate(escalated=_escalated())
        .values("enterprise_id")
        .annotate(
            n=Count("pk"),
            owed=Sum("amount_owed"),
            escalated_n=Count("pk", filter=Q(escalated=True)),
        )
        .order_by()
    }
    cases = dict(
        LegalAidCase.objects.filter(enterprise_id__in=ids, status__in=OPEN_STATUSES)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("enterprise_id", "n")
    )
    overdue = dict(
        BargainingOffer.objects.filter(
            enterprise_id__in=ids,
            outcome=OfferOutcome.OPEN,
            replied_on__isnull=True,
            reply_due__lt=on,
        )
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("enterprise_id", "n")
    )
    result = {}
    for pk, has_union in unions.items():
        found = findings.get(pk, {})
        facts = RightsFacts(
            has_union=has_union,
            contract_end_on=ends.get(pk),
            open_findings=found.get("n", 0),
            amount_owed=found.get("owed") or Decimal(0),
            escalated_findings=found.get("escalated_n", 0),
            open_cases=cases.get(pk, 0),
            overdue_replies=overdue.get(pk, 0),
        )
        result[pk] = risk_assess(facts, on)
    return result


# --- the file of one employer -------------------------------------------------------------------


@dataclass
class EmployerFile:
    enterprise: Enterprise
    contracts: list[CollectiveContract]
    offers: list[BargainingOffer]
    findings: list[WageFinding]
    cases: list[LegalAidCase]
    inspections: list[Inspection]
    status: RightsStatus
    on: datetime.date


def enterprise_rights_scoped(user, action: str = Action.VIEW) -> QuerySet[Enterprise]:
    """Employers whose covering org lies in the user's rights scope."""
    return scope_queryset(Enterprise.objects.all(), user, MODULE, action)


def employer_file(user, pk: int) -> EmployerFile:
    """Everything about one employer's rights record (the employer in the user's rights
    scope, else 404); the risk flag from the same rule as `employer_rights_status`."""
    enterprise = get_in_scope_or_404(
        Enterprise.objects.select_related("org", "union").defer("contact_phone"),
        user,
        MODULE,
        Action.VIEW,
        pk=pk,
    )
    on = today()
    contracts = list(
        CollectiveContract.objects.filter(coverage__enterprise=enterprise)
        .only(
            "id",
            "title",
            "kind",
            "status",
            "start_on",
            "end_on",
            "signed_on",
            "filing_due",
            "filed_on",
            "review_due",
            "effective_on",
            "workers_covered",
            "renewal_requested_on",
        )
        .order_by("-end_on", "-id")
    )
    offers = list(
        BargainingOffer.objects.filter(enterprise=enterprise)
        .only(
            "id",
            "subject",
            "direction",
            "sent_on",
            "reply_due",
            "replied_on",
            "reply",
            "outcome",
            "outcome_on",
        )
        .order_by("-sent_on", "-id")[:20]
    )
    findings = list(
        WageFinding.objects.filter(enterprise=enterprise)
        .prefetch_related(Prefetch("notices", queryset=WageNotice.objects.order_by("id")))
        .order_by("-found_on", "-id")[:50]
    )
    cases = list(
        LegalAidCase.objects.filter(enterprise=enterprise)
        .only(
            "id",
            "number",
            "applied_on",
            "applicant_name",
            "kind",
            "status",
            "outcome",
            "closed_on",
            "amount_recovered",
            "deadline",
        )
        .order_by("-id")[:20]
    )
    inspections = list(
        Inspection.objects.filter(enterprise=enterprise)
        .prefetch_related(Prefetch("supervisors", queryset=Supervisor.objects.only("id", "name")))
        .order_by("-inspected_on", "-id")[:20]
    )
    in_force = [c for c in contracts if c.in_force_on(on)]
    open_findings = [f for f in findings if f.status == FindingStatus.OPEN]
    facts = RightsFacts(
        has_union=enterprise.has_union,
        contract_end_on=max((c.end_on for c in in_force), default=None),
        open_findings=len(open_findings),
        amount_owed=sum((f.amount_owed for f in open_findings), Decimal(0)),
        escalated_findings=sum(
            1
            for f in open_findings
            if any(n.step in ESCALATED_STEPS and n.issued_on for n in f.notices.all())
        ),
        open_cases=sum(1 for c in cases if c.status in OPEN_STATUSES),
        overdue_replies=sum(1 for o in offers if o.reply_overdue_on(on)),
    )
    return EmployerFile(
        enterprise=enterprise,
        contracts=contracts,
        offers=offers,
        findings=findings,
        cases=cases,
        inspections=inspections,
        status=risk_assess(facts, on),
        on=on,
    )


def employer_list(user, *, q: str = "", risk_only: bool = False, township: int | None = None):
    """Employers in the user's rights scope for the rights-file search (name or credit code)."""
    rows = enterprise_rights_scoped(user).select_related("org").defer("contact_phone")
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(credit_code__startswith=q.upper()))
    if township:
        rows = rows.filter(org_anchor_id=township)
    if risk_only:
        on = today()
        rows = rows.filter(
            Exists(WageFinding.objects.filter(enterprise=OuterRef("pk"), status=FindingStatus.OPEN))
            | Exists(
                LegalAidCase.objects.filter(enterprise=OuterRef("pk"), status__in=OPEN_STATUSES)
            )
            | Exists(
                BargainingOffer.objects.filter(
                    enterprise=OuterRef("pk"),
                    outcome=OfferOutcome.OPEN,
                    replied_on__isnull=True,
                    reply_due__lt=on,
                )
            )
        )
    return rows.order_by("-id")


def enterprise_resolve(user, text: str, *, action: str = Action.EDIT):
    """(employer, None) for a credit code or exact name in the user's rights scope, else
    (None, a Chinese message saying why)."""
    text = (text or "").strip()
    if user is None or not text:
        return None, "请填写统一社会信用代码或单位全称。"
    rows = enterprise_rights_scoped(user, action).select_related("org", "union")
    found = list(rows.filter(credit_code=text.upper())[:1])
    if not found:
        found = list(rows.filter(name=text)[:2])
    if not found:
        return None, "在您的数据范围内没有找到该单位，请核对统一社会信用代码或单位全称。"
    if len(found) > 1:
        return None, "有多家同名单位，请填写统一社会信用代码。"
    return found[0], None


def township_choices(user) -> list:
    """Townships (乡镇、街道、园区) in the user's rights scope, for list filters."""
    from gonghui.orgs.models import Org, OrgStatus, township_q

    return list(
        scope_queryset(Org.objects.all(), user, MODULE, Action.VIEW, org_field="")
        .filter(township_q(), status=OrgStatus.ACTIVE)
        .order_by("code")
        .only("id", "name", "code")
    )


def org_choices(user, action: str = Action.EDIT) -> QuerySet:
    """Active orgs the user may act on in rights, in tree order."""
    from gonghui.orgs.models import Org, OrgStatus

    return (
        scope_queryset(Org.objects.all(), user, MODULE, action, org_field="")
        .filter(status=OrgStatus.ACTIVE)
        .order_by("path")
    )


__all__ = [
    "enterprise_resolve",
    "org_choices",
    "township_choices",
    "ContractStatus",
    "EmployerFile",
    "RightsStatus",
    "employer_file",
    "employer_list",
    "employer_rights_status",
    "enterprise_rights_scoped",
]
