"""Reads of the appraisals, scoped to the user: lists, one appraisal, a worker's own, the
ratings' summary (anonymous ratings only as a group's count and mean), yearly results."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

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
from gonghui.staffing.appraisals.rules import MeasureLine, line_scores, q2
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
    """A worker's own published appraisals (nothing for a user who is no worker), each
    with `has_objection`."""
    worker = worker_of_user(user)
    if worker is None:
        return Appraisal.objects.none()
    return (
        Appraisal.objects.filter(worker=worker, status=AppraisalStatus.PUBLISHED)
        .annotate(has_objection=Exists(Objection.objects.filter(appraisal=OuterRef("pk"))))
        .order_by("-period_end", "-id")
    )


def own_appraisal_get(user, pk: int) -> Appraisal:
    """One of the user's own published appraisals; 404 for anyone else's (any role)."""
    appraisal = own_appraisals(user).select_related("worker").filter(pk=pk).first()
    if appraisal is None:
        raise Http404
    return appraisal


def objection_open(appraisal: Appraisal, today: dt.date | None = None) -> bool:
    """The worker may still object: published, no objection yet, within the period.
    Reads `has_objection` (own_appraisals) when present."""
    has_objection = getattr(appraisal, "has_objection", None)
    if has_objection is None:
        has_objection = Objection.objects.filter(appraisal=appraisal).exists()
    today = today or timezone.localdate()
    return (
        appraisal.status == AppraisalStatus.PUBLISHED
        and not has_objection
        and appraisal.objection_until is not None
        and today <= appraisal.objection_until
    )


NOT_REGISTERED_NOTE = "未接入：该指标所属模块未上线或已移除，不计入实绩得分(其权重按比例分摊)。"


def evidence_lines(appraisal: Appraisal) -> list[dict]:
    """The computed part's evidence as shown: each measure's count, target, weight, its
    points in the computed score and the link to the records; a measure no longer (or not
    yet) registered marked 未接入 with a note."""
    lines = [
        MeasureLine(
            measure=row.get("measure", ""),
            name=row.get("name", ""),
            unit=row.get("unit", ""),
            count=int(row.get("count", 0)),
            target=int(row.get("target", 0)),
            weight=int(row.get("weight", 0)),
            url=row.get("url", ""),
            registered=row.get("registered", True),
        )
        for row in appraisal.evidence or []
    ]
    return [
        {
            "measure": line.measure,
            "name": line.name,
            "unit": line.unit,
            "count": line.count if line.registered else None,
            "target": line.target,
            "weight": line.weight,
            "score": score,
            "url": line.url,
            "registered": line.registered,
            "note": "" if line.registered else NOT_REGISTERED_NOTE,
        }
        for line, score in zip(lines, line_scores(lines), strict=True)
    ]


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
