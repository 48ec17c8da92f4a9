"""Reads of studios, through the user's scope."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.core.modules import Action
from gonghui.core.scope import scope_queryset
from gonghui.workforce.choices import MODULE
from gonghui.workforce.studios.appraisal import DEFAULT_ITEMS
from gonghui.workforce.studios.models import InnovationStudio, StandardItem, StudioMember


def studio_scoped(user, action: str = Action.VIEW) -> QuerySet[InnovationStudio]:
    return scope_queryset(InnovationStudio.objects.all(), user, MODULE, action)


def studio_list(
    user, *, q: str = "", kind: str = "", level: str = "", status: str = ""
) -> QuerySet[InnovationStudio]:
    rows = studio_scoped(user).select_related("lead", "host", "org")
    if q:
        rows = rows.filter(
            Q(name__icontains=q) | Q(lead__name__icontains=q) | Q(host__name__icontains=q)
        )
    if kind:
        rows = rows.filter(kind=kind)
    if level:
        rows = rows.filter(level=level)
    if status:
        rows = rows.filter(status=status)
    return rows.annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True))
    ).order_by("-id")


def studio_get(user, pk, action: str = Action.VIEW) -> InnovationStudio:
    try:
        return studio_scoped(user, action).select_related("lead", "host", "org").get(pk=pk)
    except (InnovationStudio.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def studio_members(studio) -> QuerySet[StudioMember]:
    return studio.members.select_related("member").order_by("left_on", "role", "id")


def standards_default(county) -> list[StandardItem]:
    """The default checklist of a county, unsaved (it is saved when an admin first changes
    the checklist or a studio is first appraised)."""
    return [
        StandardItem(
            org=county,
            org_anchor_id=county.anchor_id,
            code=code,
            name=name,
            requirement=requirement,
            max_score=points,
            basis=basis,
            target=Decimal(target),
            sort_order=index * 10,
        )
        for index, (code, name, requirement, points, basis, target) in enumerate(
            DEFAULT_ITEMS, start=1
        )
    ]


def standards_for(county) -> list[StandardItem]:
    """The county's checklist in force: its saved items, or the default checklist (unsaved)
    while it has none. Reading never writes."""
    if county is None:
        return []
    items = list(standards_active(county))
    if items or StandardItem.objects.filter(org=county).exists():
        return items
    return standards_default(county)


def standards_active(county) -> QuerySet[StandardItem]:
    """The county's checklist items in force (read-only: nothing is created here)."""
    return StandardItem.objects.filter(org=county, is_active=True).order_by("sort_order", "id")
