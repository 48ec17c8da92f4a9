"""Data scope (DESIGN §2): which org subtrees a user may act on, per module and action.

A user's scope for (module, action) is the union of the subtrees of the role
assignments whose role grants that action in that module. Every selector that
serves a user goes through here; anything outside answers 404.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404


def minimal_paths(paths: Iterable[str]) -> list[str]:
    """The paths not inside another one, sorted. Sorted, a subtree's paths follow its top
    without a gap (every path ends with "/"), so each is compared with the last one kept
    only: 2,000 townships (every social worker's appraisal) were 2 M prefix tests."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


@dataclass(frozen=True)
class ScopeRoot:
    path: str
    org_id: int
    anchor_id: int | None
    level: int = 0  # the org's level (OrgLevel): 4 is a county federation

    @property
    def is_anchor(self) -> bool:
        """True when the subtree is exactly the rows whose org_anchor is this org."""
        return self.anchor_id == self.org_id


def org_model():
    """The org tree's model (settings.ORG_MODEL), as get_user_model() is the user's. Core
    relies on its `path` (materialised path), `depth`, `name`, `code` and the
    `objects.active()` queryset."""
    return apps.get_model(settings.ORG_MODEL, require_ready=False)


_ASSIGNMENTS = "assignments"  # key of the loaded assignments in the per-user scope cache


def role_assignments(user) -> list:
    """The user's role assignments (org and role loaded), read once per user object.

    The user object lives for one request (``request.user``), so this is one query per
    request however many (module, action) scopes the page asks for; ``clear_scope_cache``
    forgets it after a grant or revoke.
    """
    if user is None or not user.is_authenticated:
        return []
    cache = user.__dict__.setdefault("_scope_cache", {})
    if _ASSIGNMENTS not in cache:
        # Through the user model's reverse relation (accounts.RoleAssignment.user), so
        # the core names no domain app.
        assignments = list(
            user.role_assignments.all()
            .select_related("org", "role")
            .order_by("org__path", "role_id")
        )
        # The user's own org (shown on every page) is usually one of them: no query for it.
        own = next((a.org for a in assignments if a.org_id == user.org_id), None)
        if own is not None and not _org_loaded(user):
            user.org = own
        cache[_ASSIGNMENTS] = assignments
    return cache[_ASSIGNMENTS]


def _org_loaded(user) -> bool:
    user = getattr(user, "_wrapped", user)  # request.user is a lazy object
    return "org" in getattr(getattr(user, "_state", None), "fields_cache", {})


def scope_roots(user, module: str, action: str) -> list[ScopeRoot]:
    """The tops of the subtrees the user may act on (none nested in another); [] when none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_scope_cache", {})
    key = (module, action)
    if key not in cache:
        roots = {
            assignment.org.path: ScopeRoot(
                assignment.org.path,
                assignment.org_id,
                assignment.org.anchor_id,
                assignment.org.level,
            )
            for assignment in role_assignments(user)
            if assignment.role.grants(module, action) and assignment.org.is_active
        }
        cache[key] = [roots[path] for path in minimal_paths(roots)]
    return cache[key]


def scope_paths(user, module: str, action: str) -> list[str]:
    """Org paths (materialised) whose subtrees the user may act on; [] when none."""
    return [root.path for root in scope_roots(user, module, action)]


def clear_scope_cache(user) -> None:
    user.__dict__.pop("_scope_cache", None)


def can(user, module: str, action: str) -> bool:
    """True when the user may take the action in the module somewhere."""
    return bool(scope_paths(user, module, action))


def path_in_scope(path: str, paths: list[str]) -> bool:
    return any(path.startswith(p) for p in paths)


def org_in_scope(user, module: str, action: str, org) -> bool:
    return org is not None and path_in_scope(org.path, scope_paths(user, module, action))


def scope_q(paths: list[str], path_field: str) -> Q:
    """A Q matching rows whose org path lies in one of the subtrees; matches nothing for []."""
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
    return q


def scope_queryset(
    queryset: QuerySet, user, module: str, action: str, *, org_field: str = "org"
) -> QuerySet:
    """Restrict an org-owned queryset to the user's scope.

    Filters on `org_id IN (SELECT id FROM org WHERE path LIKE 'p%')` rather than a
    join, so ordering and LIMIT stay on the owned table's own indexes.
    """
    roots = scope_roots(user, module, action)
    if org_field == "":  # the queryset is of Org itself
        return queryset.filter(scope_q([r.path for r in roots], "path"))
    q = Q(pk__in=[])
    others = roots
    if org_field == "org" and _has_org_anchor(queryset.model):
        anchored = [r.org_id for r in roots if r.is_anchor]
        others = [r for r in roots if not r.is_anchor]
        if anchored:
            q |= Q(org_anchor__in=anchored)
    if others:
        org_model = _related_model(queryset.model, org_field)
        subtree_ids = org_model.objects.filter(scope_q([r.path for r in others], "path")).values(
            "id"
        )
        q |= Q(**{f"{org_field}__in": subtree_ids})
    return queryset.filter(q)


def _related_model(model, lookup: str):
    """The model a relation lookup (`org`, `stop__org`) leads to from `model`: the org
    model, found from the scoped model's own foreign key."""
    for name in lookup.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _has_org_anchor(model) -> bool:
    return any(f.name == "org_anchor" for f in model._meta.concrete_fields)


def in_subtree(queryset: QuerySet, org, *, org_field: str = "org") -> QuerySet:
    """Narrow a queryset to the rows of `org`'s subtree (a list's `org` filter): an
    equality on org_anchor when the org is an anchor and the rows carry one, else the org
    ids under its path (a subquery, as scope_queryset does). `org_field` "" for Org itself."""
    if org is None:
        return queryset
    if org_field == "":
        return queryset.filter(path__startswith=org.path)
    if org_field == "org" and _has_org_anchor(queryset.model) and org.anchor_id == org.pk:
        return queryset.filter(org_anchor=org.pk)
    subtree_ids = org_model().objects.filter(path__startswith=org.path).values("id")
    return queryset.filter(**{f"{org_field}__in": subtree_ids})


def is_datetime_field(model, field_path: str) -> bool:
    """Whether `field_path` ("visit__done_at") ends at a DateTimeField."""
    from django.db import models

    target = None
    for name in field_path.split("__"):
        target = model._meta.get_field(name)
        if target.is_relation and target.related_model is not None:
            model = target.related_model
    return isinstance(target, models.DateTimeField)


def dates_q(model, field: str, start=None, end=None) -> Q:
    """The rows whose `field` lies in [start, end] (inclusive dates, either open), a datetime
    by its day in Asia/Shanghai: the one rule of a measure's period (core.metrics) and of a
    list's date range, so a figure's drill-down lists exactly the records it counts."""
    import datetime as dt

    from django.utils import timezone

    if is_datetime_field(model, field):
        zone = timezone.get_default_timezone()
        if start is not None:
            start = dt.datetime.combine(start, dt.time(), zone)
        if end is not None:
            until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone)
            return Q(**{f"{field}__lt": until}) & (
                Q(**{f"{field}__gte": start}) if start is not None else Q()
            )
    within = Q(**{f"{field}__gte": start}) if start is not None else Q()
    if end is not None:
        within &= Q(**{f"{field}__lte": end})
    return within


def in_dates(queryset: QuerySet, field: str, start=None, end=None) -> QuerySet:
    """Narrow a queryset to a list's date range (`date_from`/`date_to`,
    core.pages.date_range_param) by `dates_q`."""
    return queryset.filter(dates_q(queryset.model, field, start, end))


def get_in_scope_or_404(queryset: QuerySet, user, module: str, action: str, **lookup):
    """Fetch one record the user may act on; out of scope looks exactly like missing."""
    org_field = "" if queryset.model.__name__ == "Org" else "org"
    try:
        return scope_queryset(queryset, user, module, action, org_field=org_field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


# --- page access: one declaration read by the view and by the navigation ------------------


@dataclass(frozen=True)
class Access:
    """What a page needs: `action` in `module` somewhere, or a custom test of the user."""

    module: str | None
    action: str | None
    test: Callable[[Any], bool] | None = None

    def allows(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if self.test is not None:
            return bool(self.test(user))
        return can(user, self.module, self.action)


def requires(module: str | None = None, action: str = "view", *, test=None):
    """View decorator: log in, then 404 unless the user may open the page.

    The declaration is kept on the view (`view.access`); the navigation reads it from the
    view a link resolves to, so a menu shows exactly the pages its user can open.
    """
    if (module is None) == (test is None):
        raise ValueError("requires() takes a module or a test, not both")
    access = Access(module, None if test else action, test)

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not access.allows(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        wrapped.access = access
        return wrapped

    return decorate


def view_access(view) -> Access | None:
    """The access a view declared with `requires`, or None."""
    return getattr(view, "access", None)
