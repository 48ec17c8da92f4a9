"""Reads of wage checks, findings and 一函两书, in the user's rights scope."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, in_subtree, scope_queryset
from gonghui.rights.shared import MODULE, today
from gonghui.rights.wagechecks.models import (
    CheckRecord,
    FindingStatus,
    NoticeStatus,
    NoticeStep,
    WageCheck,
    WageFinding,
    WageNotice,
)

FINDING_STATES = {
    "open": "待整改",
    "no_notice": "待整改、未发文书",
    "due": "整改期限已过、待升级",
    "resolved": "已整改",
}
NOTICE_STATES = {
    "draft": "草稿",
    "waiting": "整改期限内",
    "due": "期限已过、待跟进",
    "replied": "已回复",
    "escalated": "已升级",
    "resolved": "已整改",
}


def wagecheck_scoped(user, action: str = Action.VIEW) -> QuerySet[WageCheck]:
    return scope_queryset(WageCheck.objects.all(), user, MODULE, action)


def wagecheck_list(user, *, q: str = "", year: int | None = None) -> QuerySet[WageCheck]:
    """Campaigns in the user's scope and those of the orgs above them (a county's campaign is
    carried out by its townships)."""
    from gonghui.core.scope import scope_paths

    ancestors = {
        int(part)
        for path in scope_paths(user, MODULE, Action.VIEW)
        for part in path.strip("/").split("/")
        if part
    }
    rows = (
        WageCheck.objects.filter(
            Q(pk__in=wagecheck_scoped(user).values("pk")) | Q(org_id__in=ancestors)
        )
        .select_related("org")
        .annotate(records_n=Count("records", distinct=True))
    )
    if q:
        rows = rows.filter(name__contains=q)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("-starts_on", "-id")


def wagecheck_get(user, pk: int, action: str = Action.VIEW) -> WageCheck:
    """A campaign in the user's scope, or one above it whose records they add (a county's
    campaign is carried out by its townships)."""
    from django.http import Http404

    from gonghui.core.scope import scope_paths

    paths = scope_paths(user, MODULE, action)
    campaign = WageCheck.objects.select_related("org").filter(pk=pk).first()
    if campaign is None or not any(
        campaign.org.path.startswith(p) or p.startswith(campaign.org.path) for p in paths
    ):
        raise Http404
    return campaign


def record_scoped(user, action: str = Action.VIEW) -> QuerySet[CheckRecord]:
    return scope_queryset(CheckRecord.objects.all(), user, MODULE, action)


def records_of(user, campaign: WageCheck) -> QuerySet[CheckRecord]:
    return (
        record_scoped(user)
        .filter(campaign=campaign)
        .select_related("enterprise")
        .defer("enterprise__contact_phone")
        .annotate(findings_n=Count("findings"))
        .order_by("-checked_on", "-id")
    )


def record_get(user, pk: int, action: str = Action.VIEW) -> CheckRecord:
    return get_in_scope_or_404(
        CheckRecord.objects.select_related("campaign", "enterprise"), user, MODULE, action, pk=pk
    )


def finding_scoped(user, action: str = Action.VIEW) -> QuerySet[WageFinding]:
    return scope_queryset(WageFinding.objects.all(), user, MODULE, action)


def finding_state_q(state: str, on) -> Q | None:
    issued = WageNotice.objects.filter(finding=OuterRef("pk"), issued_on__isnull=False)
    due = WageNotice.objects.filter(
        finding=OuterRef("pk"),
        status__in=(NoticeStatus.ISSUED, NoticeStatus.REPLIED),
        step__in=(NoticeStep.PROMPT, NoticeStep.OPINION),
        deadline__lt=on,
    )
    return {
        "open": Q(status=FindingStatus.OPEN),
        "no_notice": Q(status=FindingStatus.OPEN) & ~Exists(issued),
        "due": Q(status=FindingStatus.OPEN) & Exists(due),
        "resolved": Q(status=FindingStatus.RESOLVED),
    }.get(state)


def finding_list(user, *, q="", state="", township=None) -> QuerySet[WageFinding]:
    rows = (
        finding_scoped(user)
        .select_related("enterprise")
        .defer("enterprise__contact_phone")
        .prefetch_related(
            Prefetch(
                "notices",
                queryset=WageNotice.objects.only(
                    "id", "finding_id", "step", "status", "issued_on", "deadline"
                ),
            )
        )
    )
    if q:
        rows = rows.filter(Q(enterprise__name__contains=q) | Q(description__contains=q))
    condition = finding_state_q(state, today()) if state else None
    if condition is not None:
        rows = rows.filter(condition)
    if township:
        rows = rows.filter(org_anchor_id=township)
    return rows.order_by("-found_on", "-id")


def finding_get(user, pk: int, action: str = Action.VIEW) -> WageFinding:
    return get_in_scope_or_404(
        WageFinding.objects.select_related("enterprise", "record__campaign", "inspection", "org"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def notice_scoped(user, action: str = Action.VIEW) -> QuerySet[WageNotice]:
    return scope_queryset(WageNotice.objects.all(), user, MODULE, action)


def notice_state_q(state: str, on) -> Q | None:
    live = (NoticeStatus.ISSUED, NoticeStatus.REPLIED)
    return {
        "draft": Q(status=NoticeStatus.DRAFT),
        "waiting": Q(status=NoticeStatus.ISSUED, deadline__gte=on),
        "due": Q(status__in=live, deadline__lt=on, finding__status=FindingStatus.OPEN),
        "replied": Q(status=NoticeStatus.REPLIED),
        "escalated": Q(status=NoticeStatus.ESCALATED),
        "resolved": Q(status=NoticeStatus.RESOLVED),
    }.get(state)


def notice_list(user, *, step="", state="", township=None, q="", org=None) -> QuerySet[WageNotice]:
    rows = (
        notice_scoped(user)
        .select_related("finding__enterprise")
        .defer("body", "finding__enterprise__contact_phone", "finding__description")
    )
    if step:
        rows = rows.filter(step=step)
    condition = notice_state_q(state, today()) if state else None
    if condition is not None:
        rows = rows.filter(condition)
    if township:
        rows = rows.filter(org_anchor_id=township)
    # `org`: the org's subtree (core.scope.in_subtree), e.g. a figure's drill-down.
    rows = in_subtree(rows, org)
    if q:
        rows = rows.filter(Q(finding__enterprise__name__contains=q) | Q(number__contains=q))
    return rows.order_by("-id")


def notice_get(user, pk: int, action: str = Action.VIEW) -> WageNotice:
    return get_in_scope_or_404(
        WageNotice.objects.select_related("finding__enterprise", "org"),
        user,
        MODULE,
        action,
        pk=pk,
    )
