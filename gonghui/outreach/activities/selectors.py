"""Reads of activities through the user's scope; the portal's check-in by token."""

from django.db.models import Q, QuerySet

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, in_dates, in_subtree, scope_queryset
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Org
from gonghui.outreach.activities.models import Activity, ActivityStatus

MODULE = "outreach"


def activity_scoped(user, action: str = Action.VIEW) -> QuerySet[Activity]:
    return scope_queryset(Activity.objects.all(), user, MODULE, action)


def activity_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    year: int | None = None,
    org: Org | None = None,
    date_from=None,
    date_to=None,
) -> QuerySet[Activity]:
    """`date_from`/`date_to`: starting on those days (Asia/Shanghai), as the measures count."""
    rows = in_subtree(activity_scoped(user), org).select_related("org")
    rows = in_dates(rows, "starts_at", date_from, date_to)
    q = normalise_text(q)
    if q:
        rows = rows.filter(Q(title__contains=q) | Q(place__contains=q) | Q(organiser__contains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(starts_at__year=year)
    return rows.order_by("-starts_at", "-id")


def activity_get(user, pk, action: str = Action.VIEW) -> Activity:
    return get_in_scope_or_404(
        Activity.objects.select_related("org", "stop", "stop__caravan"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def activity_public_get(token: str) -> Activity | None:
    return (
        Activity.objects.filter(checkin_token=str(token or "")[:24])
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("org")
        .first()
    )
