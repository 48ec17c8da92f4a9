"""Reads of legal-aid cases, in the user's rights scope; sensitive columns stay encrypted in
lists (deferred) and are shown masked on the detail page."""

from django.db.models import Q, QuerySet

from gonghui.core.masking import mask_id_number, mask_phone, mask_text
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, in_dates, in_subtree, scope_queryset
from gonghui.rights.legalaid.models import AidLawyer, AidStatus, LegalAidCase
from gonghui.rights.shared import MODULE, today

SENSITIVE = ("applicant_id_number", "applicant_phone", "health_details", "minor_details")
STATES = {
    **dict(AidStatus.choices),
    # What rights.legal_aid.accepted counts: decided to accept, whatever came after.
    "accepted_all": "已受理(含承办中、已结案)",
    "overdue": "超过办结期限",
    "mine": "我承办的",
}

# The dates the list's date range can apply to (`dated`), the first the default; the legal-aid
# measures count by these (applied, accepted, closed in the period).
DATED = {"applied": "申请日期", "decided": "受理决定日期", "closed": "结案日期"}
_DATED_FIELDS = {"applied": "applied_on", "decided": "decided_on", "closed": "closed_on"}


def case_scoped(user, action: str = Action.VIEW) -> QuerySet[LegalAidCase]:
    return scope_queryset(LegalAidCase.objects.all(), user, MODULE, action)


def case_list(
    user,
    *,
    q="",
    state="",
    kind="",
    township=None,
    org=None,
    dated="applied",
    date_from=None,
    date_to=None,
) -> QuerySet[LegalAidCase]:
    """`dated`, `date_from`/`date_to`: that date (DATED) in the range (either end open)."""
    rows = (
        case_scoped(user)
        .select_related("enterprise", "assigned_user", "assigned_lawyer")
        .defer(*SENSITIVE, "facts", "enterprise__contact_phone", "assigned_lawyer__phone")
    )
    if q:
        rows = rows.filter(
            Q(number=q.upper())
            | Q(applicant_name=q)
            | Q(employer_name__contains=q)
            | Q(applicant_id_last4=q[-4:].upper() if len(q) == 4 else "")
        )
    if state == "overdue":
        rows = rows.filter(status=AidStatus.ASSIGNED, deadline__lt=today())
    elif state == "accepted_all":
        rows = rows.filter(status__in=(AidStatus.ACCEPTED, AidStatus.ASSIGNED, AidStatus.CLOSED))
    elif state == "mine":
        rows = rows.filter(assigned_user=user).exclude(status=AidStatus.CLOSED)
    elif state:
        rows = rows.filter(status=state)
    if kind:
        rows = rows.filter(kind=kind)
    if township:
        rows = rows.filter(org_anchor_id=township)
    # `org`: the org's subtree (core.scope.in_subtree), e.g. a figure's drill-down.
    rows = in_subtree(rows, org)
    rows = in_dates(rows, _DATED_FIELDS.get(dated, "applied_on"), date_from, date_to)
    return rows.order_by("-id")


def case_get(user, pk: int, action: str = Action.VIEW) -> LegalAidCase:
    return get_in_scope_or_404(
        LegalAidCase.objects.select_related(
            "org", "enterprise", "assigned_user", "assigned_lawyer"
        ),
        user,
        MODULE,
        action,
        pk=pk,
    )


def case_masked(case: LegalAidCase) -> dict:
    return {
        "id_number": mask_id_number(case.applicant_id_number),
        "phone": mask_phone(case.applicant_phone),
        "health": mask_text(case.health_details),
        "minor": mask_text(case.minor_details),
    }


def lawyer_list(user) -> QuerySet[AidLawyer]:
    return (
        scope_queryset(AidLawyer.objects.all(), user, MODULE, Action.VIEW)
        .select_related("org")
        .defer("phone")
        .order_by("name", "id")
    )
