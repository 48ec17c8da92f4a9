"""Reads of works contests: staff through the scope; judges only their assignments; the
portal the open calls and the published winners."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.core.text import normalise_text
from gonghui.outreach.contests.models import (
    ContestStatus,
    Entry,
    EntryImage,
    EntryStatus,
    JudgeAssignment,
    WorksContest,
)

MODULE = "outreach"


def contest_scoped(user, action: str = Action.VIEW) -> QuerySet[WorksContest]:
    return scope_queryset(WorksContest.objects.all(), user, MODULE, action)


def contest_list(user, *, q: str = "", status: str = "") -> QuerySet[WorksContest]:
    rows = contest_scoped(user).select_related("org").annotate(entry_count=Count("entries"))
    q = normalise_text(q)
    if q:
        rows = rows.filter(title__contains=q)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-opens_at", "-id")


def contest_get(user, pk, action: str = Action.VIEW) -> WorksContest:
    return get_in_scope_or_404(
        WorksContest.objects.select_related("org"), user, MODULE, action, pk=pk
    )


def contest_entries(
    contest: WorksContest, *, category: int | None = None, status: str = "", q: str = ""
) -> QuerySet[Entry]:
    rows = contest.entries.select_related("category").annotate(
        judges=Count("assignments", distinct=True),
        scored=Count("assignments__score", distinct=True),
    )
    if category:
        rows = rows.filter(category_id=category)
    if status:
        rows = rows.filter(status=status)
    q = normalise_text(q).upper()
    if q:
        rows = rows.filter(Q(title__contains=q) | Q(author_name__contains=q) | Q(reference=q))
    return rows.order_by("category__position", "-id")


def entry_get(user, pk, action: str = Action.VIEW) -> Entry:
    return get_in_scope_or_404(
        Entry.objects.select_related("contest", "category", "org", "screened_by"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def entry_images(entry: Entry) -> list[EntryImage]:
    return list(entry.images.order_by("position", "id"))


def judge_assignments(user, *, pending_only: bool = False) -> QuerySet[JudgeAssignment]:
    """The entries given to the user to score (contests being judged), without authors."""
    rows = (
        JudgeAssignment.objects.filter(
            judge=user,
            entry__status=EntryStatus.ACCEPTED,
            entry__contest__status=ContestStatus.JUDGING,
        )
        .select_related("entry", "entry__contest", "entry__category", "score")
        .order_by("entry__contest_id", "entry__category__position", "entry_id")
    )
    if pending_only:
        rows = rows.filter(score__isnull=True)
    return rows


def assignment_for_judge(user, pk) -> JudgeAssignment:
    """One of the user's own assignments (404 for anyone else's)."""
    from django.http import Http404

    found = (
        JudgeAssignment.objects.filter(pk=pk, judge=user)
        .select_related("entry", "entry__contest", "entry__category")
        .first()
    )
    if found is None:
        raise Http404
    return found


def is_judge(user) -> bool:
    return (
        bool(user and user.is_authenticated) and JudgeAssignment.objects.filter(judge=user).exists()
    )


# --- portal --------------------------------------------------------------------------------------


def contests_open() -> list[WorksContest]:
    now = timezone.now()
    return list(
        WorksContest.objects.filter(status=ContestStatus.OPEN, opens_at__lte=now, deadline__gt=now)
        .prefetch_related("categories")
        .order_by("deadline", "id")
    )


def contests_published(limit: int = 20) -> list[WorksContest]:
    return list(
        WorksContest.objects.filter(status=ContestStatus.PUBLISHED).order_by("-published_at")[
            :limit
        ]
    )


def contest_public_get(pk) -> WorksContest | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        WorksContest.objects.filter(pk=pk)
        .exclude(status=ContestStatus.DRAFT)
        .prefetch_related("categories")
        .first()
    )


def gallery(contest: WorksContest) -> list[Entry]:
    """The published winners (a prize), by category and rank, with their pictures."""
    if contest.status != ContestStatus.PUBLISHED:
        return []
    return list(
        contest.entries.exclude(prize="")
        .select_related("category")
        .prefetch_related(Prefetch("images", queryset=EntryImage.objects.order_by("position")))
        .order_by("category__position", "rank", "id")
    )


def gallery_image(contest: WorksContest, pk) -> EntryImage | None:
    if contest.status != ContestStatus.PUBLISHED:
        return None
    return EntryImage.objects.filter(pk=pk, entry__contest=contest).exclude(entry__prize="").first()
