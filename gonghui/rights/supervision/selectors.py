"""Reads of labour-law supervision, in the user's rights scope."""

from django.db.models import Count, Q, QuerySet

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.rights.shared import MODULE
from gonghui.rights.supervision.models import Inspection, Supervisor


def supervisor_list(user, *, active_only: bool = False) -> QuerySet[Supervisor]:
    rows = (
        scope_queryset(Supervisor.objects.all(), user, MODULE, Action.VIEW)
        .select_related("org")
        .defer("phone")
    )
    if active_only:
        rows = rows.filter(is_active=True)
    return rows.order_by("org__path", "name", "id")


def supervisors_for(user, enterprise=None) -> list[Supervisor]:
    """Active supervisors the user may send: in their scope, or above it on the way to the
    county (a county's supervisors inspect in every township)."""
    from gonghui.core.scope import scope_paths

    paths = scope_paths(user, MODULE, Action.EDIT)
    ancestors = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    rows = Supervisor.objects.filter(is_active=True).filter(
        Q(pk__in=scope_queryset(Supervisor.objects.all(), user, MODULE, Action.EDIT).values("pk"))
        | Q(org_id__in=ancestors)
    )
    return list(rows.select_related("org").defer("phone").order_by("org__path", "name"))


def inspection_scoped(user, action: str = Action.VIEW) -> QuerySet[Inspection]:
    return scope_queryset(Inspection.objects.all(), user, MODULE, action)


def inspection_list(user, *, q: str = "", township: int | None = None) -> QuerySet[Inspection]:
    rows = (
        inspection_scoped(user)
        .select_related("enterprise")
        .defer("enterprise__contact_phone")
        .annotate(findings_n=Count("findings"))
    )
    if q:
        rows = rows.filter(Q(enterprise__name__contains=q) | Q(subject__contains=q))
    if township:
        rows = rows.filter(org_anchor_id=township)
    return rows.order_by("-inspected_on", "-id")


def inspection_get(user, pk: int, action: str = Action.VIEW) -> Inspection:
    return get_in_scope_or_404(
        Inspection.objects.select_related("enterprise", "org"), user, MODULE, action, pk=pk
    )
