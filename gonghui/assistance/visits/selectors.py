"""Reads of regular visits: who is due or overdue in a quarter, history, one visit (scoped)."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.http import Http404

from gonghui.assistance.archives.selectors import archive_scoped
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import HardshipArchive, Visit, VisitPhoto
from gonghui.assistance.standards.selectors import today
from gonghui.assistance.visits.services import quarter_bounds
from gonghui.core.modules import Action
from gonghui.core.scope import scope_queryset
from gonghui.orgs.models import Org

MODULE = "assistance"


@dataclass(frozen=True)
class QuarterState:
    year: int
    quarter: int
    starts_on: datetime.date
    ends_on: datetime.date
    overdue: bool  # the quarter is over: households not visited in it are overdue

    @property
    def label(self) -> str:
        return f"{self.year} 年第 {self.quarter} 季度"

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}"


def quarter_state(year: int, quarter: int, on: datetime.date | None = None) -> QuarterState:
    start, end = quarter_bounds(year, quarter)
    return QuarterState(year, quarter, start, end, end < (on or today()))


def visits_due(
    user, *, year: int, quarter: int, org: Org | None = None, q: str = ""
) -> QuerySet[HardshipArchive]:
    """Archived households (archived by the quarter's end) with no visit in the quarter,
    annotated with `last_visit_on`; the longest unvisited first."""
    _start, end = quarter_bounds(year, quarter)
    visited = Visit.objects.filter(archive=OuterRef("pk"), year=year, quarter=quarter)
    archives = (
        archive_scoped(user)
        .filter(status=ArchiveStatus.ARCHIVED, archived_on__lte=end)
        .exclude(Exists(visited))
        .annotate(last_visit_on=Max("visits__visited_on"))
        .select_related("org")
    )
    if org is not None:
        archives = archives.filter(
            org__in=Org.objects.filter(path__startswith=org.path).values("id")
        )
    if q:
        archives = archives.filter(name__contains=q.strip())
    return archives.order_by("last_visit_on", "id")


def visits_done(user, *, year: int, quarter: int) -> QuerySet[Visit]:
    return (
        scope_queryset(Visit.objects.all(), user, MODULE, Action.VIEW)
        .filter(year=year, quarter=quarter)
        .select_related("archive", "org")
        .order_by("-visited_on", "-id")
    )


def visit_history(user, archive: HardshipArchive) -> list[Visit]:
    return list(
        scope_queryset(Visit.objects.all(), user, MODULE, Action.VIEW)
        .filter(archive=archive)
        .prefetch_related("visitors", "photos")
        .order_by("-visited_on", "-id")
    )


def visit_get(user, pk, action: str = Action.VIEW) -> Visit:
    visit = (
        scope_queryset(Visit.objects.all(), user, MODULE, action)
        .select_related("archive", "org", "recorded_by", "assessment")
        .prefetch_related("visitors", "photos")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def visit_photo_get(user, pk, action: str = Action.VIEW) -> VisitPhoto:
    visible = scope_queryset(Visit.objects.all(), user, MODULE, action).values("id")
    photo = (
        VisitPhoto.objects.select_related("visit__archive").filter(pk=pk, visit__in=visible).first()
    )
    if photo is None:
        raise Http404
    return photo
