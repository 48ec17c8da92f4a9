"""Reads of the 主席论坛 column, scoped to the user (gonghui.core.scope)."""

import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.forum.models import (
    IN_REVIEW,
    Edition,
    EditionStatus,
    Submission,
    SubmissionStatus,
    Topic,
)
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "forum"


# --- topics ---------------------------------------------------------------------------------


def topics_open() -> QuerySet:
    """Topics still taking articles (public: the call is published)."""
    return Topic.objects.filter(deadline__gte=timezone.localdate()).order_by("deadline", "id")


def topic_list(user, *, q: str = "", state: str = "") -> QuerySet:
    items = scope_queryset(Topic.objects.select_related("org"), user, MODULE, Action.VIEW)
    items = items.annotate(submission_count=Count("submissions"))
    if q:
        items = items.filter(Q(title__icontains=q) | Q(call_text__icontains=q))
    today = timezone.localdate()
    if state == "open":
        items = items.filter(deadline__gte=today)
    elif state == "closed":
        items = items.filter(deadline__lt=today)
    return items.order_by("-deadline", "-id")


def topic_get(user, pk: int, action: str = Action.VIEW) -> Topic:
    return get_in_scope_or_404(Topic.objects.select_related("org"), user, MODULE, action, pk=pk)


# --- submissions ----------------------------------------------------------------------------


def submissions_scoped(user, action: str = Action.VIEW) -> QuerySet:
    return scope_queryset(Submission.objects.all(), user, MODULE, action)


def submission_list(
    user, *, q: str = "", status: str = "", topic: str = "", source: str = "", overdue_days=None
) -> QuerySet:
    items = submissions_scoped(user).select_related("org", "topic")
    if q:
        items = items.filter(
            Q(title__icontains=q) | Q(author_name__icontains=q) | Q(author_org__icontains=q)
        )
    if status == "in_review":
        items = items.filter(status__in=IN_REVIEW)
    elif status in SubmissionStatus.values:
        items = items.filter(status=status)
    if topic.isdigit():
        items = items.filter(topic_id=int(topic))
    if source:
        items = items.filter(source=source)
    if overdue_days:
        items = items.filter(
            status__in=IN_REVIEW,
            stage_since__lt=timezone.now() - datetime.timedelta(days=overdue_days),
        )
    return items.order_by("-id")


def submission_get(user, pk: int, action: str = Action.VIEW) -> Submission:
    return get_in_scope_or_404(
        Submission.objects.select_related("org", "topic", "edition", "submitted_by"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def my_submissions(user) -> QuerySet:
    """The user's own articles (whatever their scope: an author always sees their own)."""
    return (
        Submission.objects.filter(submitted_by=user)
        .select_related("topic", "edition")
        .order_by("-id")
    )


def my_submission_get(user, pk: int) -> Submission:
    return get_object_or_404(
        Submission.objects.select_related("topic", "edition", "org"), pk=pk, submitted_by=user
    )


def overdue_count(user, action: str, days: int) -> int:
    return (
        submissions_scoped(user, action)
        .filter(
            status__in=IN_REVIEW,
            stage_since__lt=timezone.now() - datetime.timedelta(days=days),
        )
        .count()
    )


# --- editions -------------------------------------------------------------------------------


def edition_list(user, *, status: str = "") -> QuerySet:
    items = scope_queryset(Edition.objects.select_related("org"), user, MODULE, Action.VIEW)
    if status in EditionStatus.values:
        items = items.filter(status=status)
    return items.annotate(article_count=Count("articles")).order_by("-issue_date", "-id")


def edition_get(user, pk: int, action: str = Action.VIEW) -> Edition:
    return get_in_scope_or_404(Edition.objects.select_related("org"), user, MODULE, action, pk=pk)


def org_for_edit(user, pk: int) -> Org:
    """An active org the user may edit the column's records in (404 otherwise)."""
    return get_in_scope_or_404(
        Org.objects.filter(status=OrgStatus.ACTIVE), user, MODULE, Action.EDIT, pk=pk
    )


def edition_articles(edition: Edition) -> QuerySet:
    return (
        edition.articles.select_related("org", "topic")
        .annotate(proof_count=Count("proofs"))
        .order_by("position", "pk")
    )


def accepted_for_planning(user) -> QuerySet:
    """Accepted articles not yet on an edition, in the user's edit scope."""
    return (
        submissions_scoped(user, Action.EDIT)
        .filter(status=SubmissionStatus.ACCEPTED, edition__isnull=True)
        .select_related("org", "topic")
        .annotate(proof_count=Count("proofs"))
        .order_by("stage_since", "id")
    )


def quiet_townships(edition: Edition, *, days: int) -> list[dict]:
    """The planner's hint: township-level unions (乡镇、街道、园区 and systems) under the
    edition's org with no article published in the last `days` days, longest silence first
    (never published first). One grouped query over the published articles."""
    orgs = list(
        Org.objects.filter(
            path__startswith=edition.org.path,
            level=OrgLevel.TOWNSHIP,
            status=OrgStatus.ACTIVE,
        ).order_by("path")
    )
    last = dict(
        Submission.objects.filter(
            status=SubmissionStatus.PUBLISHED, org_anchor_id__in=[o.pk for o in orgs]
        )
        .values_list("org_anchor_id")
        .annotate(last=Max("published_at"))
        .values_list("org_anchor_id", "last")
    )
    cutoff = timezone.now() - datetime.timedelta(days=days)
    rows = []
    for org in orgs:
        when = last.get(org.pk)
        if when is None or when < cutoff:
            rows.append(
                {
                    "org": org,
                    "last": when,
                    "days": None if when is None else (timezone.now() - when).days,
                }
            )
    rows.sort(key=lambda r: (r["last"] is not None, r["last"] or timezone.now()))
    return rows


# --- public reading -------------------------------------------------------------------------


def public_editions() -> QuerySet:
    return (
        Edition.objects.filter(status=EditionStatus.PUBLISHED)
        .annotate(article_count=Count("articles"))
        .order_by("-issue_date", "-id")
    )


def public_edition_get(pk: int) -> Edition:
    return get_object_or_404(
        Edition.objects.select_related("org"), pk=pk, status=EditionStatus.PUBLISHED
    )


def public_articles(edition: Edition) -> QuerySet:
    return (
        edition.articles.filter(status=SubmissionStatus.PUBLISHED)
        .prefetch_related("files")
        .order_by("position", "pk")
    )


# --- statistics -----------------------------------------------------------------------------


def stats_by_org(user, *, year: int) -> list[dict]:
    """Per township-level org in scope: articles received, accepted (incl. later states),
    published, in the year (received by created_at). One grouped query."""
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    items = submissions_scoped(user).filter(created_at__date__gte=start, created_at__date__lte=end)
    accepted = (
        SubmissionStatus.ACCEPTED,
        SubmissionStatus.SCHEDULED,
        SubmissionStatus.PUBLISHED,
    )
    grouped = (
        items.values("org_anchor_id", "org_anchor__name")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=accepted)),
            published=Count("pk", filter=Q(status=SubmissionStatus.PUBLISHED)),
            declined=Count("pk", filter=Q(status=SubmissionStatus.DECLINED)),
        )
        .order_by("org_anchor__name")
    )
    return [
        {
            "org": row["org_anchor__name"] or "县直及其他",
            "received": row["received"],
            "accepted": row["accepted"],
            "published": row["published"],
            "declined": row["declined"],
        }
        for row in grouped
    ]


def stats_by_status(user) -> dict[str, int]:
    rows = submissions_scoped(user).values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return {value: counts.get(value, 0) for value in SubmissionStatus.values}
