"""Reads of users and roles through the user's accounts scope."""

from django.db.models import Prefetch, Q, QuerySet

from gonghui.accounts.models import ApiToken, Role, RoleAssignment, User
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_paths, scope_queryset
from gonghui.core.text import normalise_text


def user_list(user, *, q: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    users = scope_queryset(User.objects.all(), user, "accounts", Action.VIEW).select_related("org")
    q = normalise_text(q)
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__contains=q))
    if role:
        users = users.filter(role_assignments__role__code=role).distinct()
    if active in {"1", "0"}:
        users = users.filter(is_active=active == "1")
    return users.prefetch_related(
        Prefetch("role_assignments", RoleAssignment.objects.select_related("org", "role"))
    ).order_by("org__path", "username")


def user_get(user, pk, action: str = Action.VIEW) -> User:
    return get_in_scope_or_404(User.objects.select_related("org"), user, "accounts", action, pk=pk)


def assignments_of(user) -> QuerySet[RoleAssignment]:
    """In the order they were granted (pages and the API list them; unordered, PostgreSQL
    returned them in whatever order the plan gave)."""
    return (
        RoleAssignment.objects.filter(user=user)
        .select_related("org", "role", "granted_by")
        .order_by("granted_at", "id")
    )


def assignment_get(actor, pk) -> RoleAssignment:
    paths = scope_paths(actor, "accounts", Action.EDIT)
    assignment = RoleAssignment.objects.select_related("org", "role", "user").filter(pk=pk).first()
    if assignment is None or not any(assignment.org.path.startswith(p) for p in paths):
        from django.http import Http404

        raise Http404
    return assignment


def roles_grantable(actor, org) -> list[Role]:
    """Roles the actor could grant at org: no stronger than their own there."""
    result = []
    for role in Role.objects.order_by("id"):
        if all(
            any(org.path.startswith(p) for p in scope_paths(actor, m, a))
            for m, a in role.grant_pairs()
        ):
            result.append(role)
    return result


def orgs_administered(actor) -> QuerySet:
    """Active orgs where the actor may manage users and grant roles."""
    from gonghui.orgs.models import Org, OrgStatus

    return scope_queryset(
        Org.objects.filter(status=OrgStatus.ACTIVE), actor, "accounts", Action.EDIT, org_field=""
    ).order_by("path")


def roles_grantable_somewhere(actor) -> list[Role]:
    """Roles the actor may grant at the top of at least one subtree they administer."""
    from gonghui.orgs.models import Org

    tops = Org.objects.filter(path__in=scope_paths(actor, "accounts", Action.EDIT))
    seen: dict[int, Role] = {}
    for org in tops:
        for role in roles_grantable(actor, org):
            seen[role.pk] = role
    return sorted(seen.values(), key=lambda r: r.pk)


def tokens_of(user) -> QuerySet[ApiToken]:
    """A user's API tokens, newest first (their hashes only: secrets are never kept)."""
    return (
        ApiToken.objects.filter(user=user)
        .select_related("revoked_by")
        .order_by("-created_at", "-id")
    )


def token_of_user_or_404(user, pk) -> ApiToken:
    """A token of `user` (already fetched in scope, or the requester themself); 404 otherwise."""
    from django.http import Http404

    token = ApiToken.objects.select_related("user__org").filter(pk=pk, user=user).first()
    if token is None:
        raise Http404
    return token
