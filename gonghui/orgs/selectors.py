"""Reads of the org tree and employers, always through the user's scope."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, org_in_scope, scope_paths, scope_queryset
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Enterprise, Org, OrgStatus


def org_scoped(user, action: str = Action.VIEW) -> QuerySet[Org]:
    return scope_queryset(Org.objects.all(), user, "orgs", action, org_field="")


def org_get(user, pk, action: str = Action.VIEW) -> Org:
    return get_in_scope_or_404(Org.objects.select_related("parent"), user, "orgs", action, pk=pk)


def org_list(
    user,
    *,
    q: str = "",
    type: str = "",
    level: str | int = "",
    status: str = "",
    within: Org | None = None,
) -> QuerySet[Org]:
    orgs = org_scoped(user).select_related("parent")
    if within is not None:
        orgs = orgs.filter(path__startswith=within.path)
    q = normalise_text(q)
    if q:
        orgs = orgs.filter(Q(name__contains=q) | Q(short_name__contains=q) | Q(code__startswith=q))
    if type:
        orgs = orgs.filter(type=type)
    if level:
        orgs = orgs.filter(level=level)
    if status:
        orgs = orgs.filter(status=status)
    return orgs.order_by("code")


def org_roots(user) -> QuerySet[Org]:
    """The tops of the user's scope: where their tree view starts."""
    paths = scope_paths(user, "orgs", Action.VIEW)
    return Org.objects.filter(path__in=paths).order_by("level", "code")


# Siblings in the order the county keeps them: by org code (青禾街道 001, 东湖街道 002 …),
# active ones first; not by the code points of their names.
SIBLING_ORDER = ("status", "level", "code")


def org_children(user, parent: Org) -> QuerySet[Org]:
    """Children of an in-scope org, with their own child counts for the expand toggles."""
    if not org_in_scope(user, "orgs", Action.VIEW, parent):
        raise Http404
    return (
        Org.objects.filter(parent=parent)
        .annotate(child_count=Count("children"))
        .order_by(*SIBLING_ORDER)
    )


def org_tree_search(user, q: str, limit: int = 50) -> tuple[list[Org], set[int]]:
    """Matches for the tree search and the ids to expand so each match shows in place."""
    matches = list(org_list(user, q=q)[:limit]) if normalise_text(q) else []
    roots = scope_paths(user, "orgs", Action.VIEW)
    expand: set[int] = set()
    for org in matches:
        root = next((p for p in roots if org.path.startswith(p)), None)
        if root is None:
            continue
        below_root = org.path[len(root) - 1 :].strip("/").split("/")[:-1]
        root_id = int(root.strip("/").split("/")[-1])
        expand.add(root_id)
        expand.update(int(part) for part in below_root if part)
    return matches, expand


def org_autocomplete(user, q: str, *, action: str = Action.VIEW, limit: int = 20) -> list[Org]:
    orgs = org_scoped(user, action).filter(status=OrgStatus.ACTIVE)
    q = normalise_text(q)
    if q:
        orgs = orgs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return list(orgs.order_by("level", "path")[:limit])


def org_subtree_counts(user, org: Org) -> dict[str, int]:
    subtree = Org.objects.filter(path__startswith=org.path)
    orgs = subtree.aggregate(
        orgs=Count("id"), active_orgs=Count("id", filter=Q(status=OrgStatus.ACTIVE))
    )
    enterprises = Enterprise.objects.filter(org__in=subtree.values("id")).aggregate(
        enterprises=Count("id"), enterprises_with_union=Count("id", filter=Q(has_union=True))
    )
    return {**orgs, **enterprises}


def enterprise_scoped(user, action: str = Action.VIEW) -> QuerySet[Enterprise]:
    return scope_queryset(Enterprise.objects.all(), user, "orgs", action)


def enterprise_get(user, pk, action: str = Action.VIEW) -> Enterprise:
    return get_in_scope_or_404(
        Enterprise.objects.select_related("org", "union"), user, "orgs", action, pk=pk
    )


def enterprise_list(
    user,
    *,
    q: str = "",
    industry: str = "",
    size: str = "",
    has_union: str = "",
    status: str = "",
    within: Org | None = None,
    action: str = Action.VIEW,
) -> QuerySet[Enterprise]:
    enterprises = enterprise_scoped(user, action).select_related("org")
    if within is not None:
        enterprises = enterprises.filter(
            org__in=Org.objects.filter(path__startswith=within.path).values("id")
        )
    q = normalise_text(q)
    if q:
        enterprises = enterprises.filter(Q(name__contains=q) | Q(credit_code__startswith=q.upper()))
    if industry:
        enterprises = enterprises.filter(industry=industry)
    if size:
        enterprises = enterprises.filter(size=size)
    if has_union in {"1", "0"}:
        enterprises = enterprises.filter(has_union=has_union == "1")
    if status:
        enterprises = enterprises.filter(status=status)
    return enterprises.order_by("-id")


def enterprise_autocomplete(user, q: str, limit: int = 20) -> list[Enterprise]:
    return list(enterprise_list(user, q=q)[:limit]) if normalise_text(q) else []
