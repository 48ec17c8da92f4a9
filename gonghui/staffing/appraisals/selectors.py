"""Reads of the appraisals, scoped to the user: lists, one appraisal, a worker's own, the
ratings' summary (anonymous ratings only as a group's count and mean), yearly results."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.staffing.appraisals.models import (
    Appraisal,
    AppraisalKind,
    AppraisalResult,
    AppraisalStatus,
    Objection,
    Rating,
)
from gonghui.staffing.appraisals.rules import q2
from gonghui.staffing.people.models import SocialWorker
from gonghui.staffing.people.selectors import worker_of_user
from gonghui.staffing.shared import MODULE

# Worker ratings an appraisal needs before their mean shows (and counts in the result).
ANONYMOUS_MIN = 3


def appraisal_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    result: str = "",
    year: int | None = None,
    objection: str = "",
) -> QuerySet[Appraisal]:
    rows = scope_queryset(Appraisal.objects.all(), user, MODULE, Action.VIEW).select_related(
        "worker", "org"
    )
    if q:
        rows = rows.filter(worker__name__contains=q)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if result:
        rows = rows.filter(result=result)
    if year:
        rows = rows.filter(year=year)
    if objection == "open":
        rows = rows.filter(objection__isnull=False, objection__answered_at__isnull=True)
    return rows.order_by("-period_end", "worker__name", "-id")


def appraisal_get(user, pk: int, action: str = Action.VIEW) -> Appraisal:
    return get_in_scope_or_404(
        Appraisal.objects.select_related("worker", "org"), user, MODULE, action, pk=pk
    )


def own_appraisals(user) -> QuerySet[Appraisal]:
    """A worker's own published appraisals (nothing for a user who is no worker)."""
    worker = worker_of_user(user)
    if worker is None:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(worker=worker, status=AppraisalStatus.PUBLISHED).order_by(
        "-period_end", "-id"
    )


def own_appraisal_get(user, pk: int) -> Appraisal:
    from django.http import Http404

    appraisal = own_appraisals(user).select_related("worker").filter(pk=pk).first()
    if appraisal is None:
        raise Http404
    return appraisal


def rating_summary(appraisal: Appraisal) -> list[dict]:
    """Per rater group: how many rated and their mean. The workers' group is a tally only;
    its mean shows once the appraisal is published, and only from ANONYMOUS_MIN ratings on
    (fewer do not count in the result either). A running mean would give each new rating
    away as the difference of two readings; a mean of one or two ratings gives a rating
    away outright."""
    rows = (
        Rating.objects.filter(appraisal=appraisal)
        .values("group")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by("group")
    )
    summary = [
        {"group": row["group"], "count": row["n"], "mean": q2(row["total"] / row["n"])}
        for row in rows
    ]
    if appraisal.worker_ratings:
        counted = appraisal.worker_ratings >= ANONYMOUS_MIN
        shown = counted and appraisal.status == AppraisalStatus.PUBLISHED
        summary.append(
            {
                "group": "workers",
                "count": appraisal.worker_ratings,
                "mean": q2(appraisal.worker_score_sum / appraisal.worker_ratings)
                if shown
                else None,
            }
        )
    return summary


def named_ratings(appraisal: Appraisal) -> QuerySet[Rating]:
    """The ratings by named raters (chair, deputy, supervisor)."""
    return (
        Rating.objects.filter(appraisal=appraisal).select_related("rater").order_by("group", "id")
    )


def objection_of(appraisal: Appraisal) -> Objection | None:
    return Objection.objects.filter(appraisal=appraisal).select_related("answered_by").first()


def unfit_count(worker: SocialWorker, year: int) -> int:
    return Appraisal.objects.filter(
        worker=worker,
        status=AppraisalStatus.PUBLISHED,
        result=AppraisalResult.UNFIT,
        period_end__year=year,
    ).count()


def yearly_results(worker_ids) -> dict[int, list[tuple[int, str]]]:
    """Each worker's published yearly results, newest first: {worker_id: [(year, result)]}."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = (
        Appraisal.objects.filter(
            worker_id__in=worker_ids, kind=AppraisalKind.YEAR, status=AppraisalStatus.PUBLISHED
        )
        .order_by("worker_id", "-year")
        .values_list("worker_id", "year", "result")
    )
    for worker_id, year, result in rows:
        found.setdefault(worker_id, []).append((year, result))
    return found


def latest_results(worker_ids, before: dt.date) -> dict[int, str]:
    """Each worker's latest published result (any kind) of a period ended before `before`."""
    rows = (
        Appraisal.objects.filter(
            worker_id__in=worker_ids, status=AppraisalStatus.PUBLISHED, period_end__lt=before
        )
        .order_by("worker_id", "-period_end", "-kind")
        .values_list("worker_id", "result")
    )
    found: dict[int, str] = {}
    for worker_id, result in rows:
        found.setdefault(worker_id, result)
    return found
