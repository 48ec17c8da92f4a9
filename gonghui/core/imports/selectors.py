"""Reads of import jobs and kinds for a user. A user sees only their own jobs."""

from django.db.models import QuerySet
from django.http import Http404

from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.registry import ImportKind, all_kinds
from gonghui.core.modules import Action
from gonghui.core.scope import can, org_model, scope_paths, scope_q


def import_job_get(user, pk) -> ImportJob:
    """The user's own job; anyone else's answers 404, like a missing one."""
    try:
        return ImportJob.objects.select_related("org").get(pk=pk, user_id=user.pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def import_job_list(user) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(user_id=user.pk).select_related("org").order_by("-id")


def import_kinds_for(user) -> list[ImportKind]:
    """The kinds the user may import somewhere (edit action in the kind's module)."""
    return [kind for kind in all_kinds() if can(user, kind.module, Action.EDIT)]


def import_kind_titles() -> dict[str, str]:
    """The title of each registered import kind, by code (a job's kind names one)."""
    return {kind.code: kind.title for kind in all_kinds()}


def import_target_orgs(user, kind: ImportKind, limit: int = 500):
    """Active orgs the user may import into for this kind, tree order."""
    paths = scope_paths(user, kind.module, Action.EDIT)
    return list(
        org_model()
        .objects.active()
        .filter(scope_q(paths, "path"))
        .only("id", "name", "code", "path", "depth")
        .order_by("path")[:limit]
    )
