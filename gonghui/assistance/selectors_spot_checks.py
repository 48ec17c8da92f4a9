"""Reads for the yearly spot checks (抽查): the draws a user may see and who was drawn.

The county draws (services.spot_check_draw, county approvers only). County users see their
counties' draws whole; a township or grassroots user sees the draws of the county above them,
limited to the drawn households in their own subtree, so they know which of theirs will be
re-checked.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gonghui.assistance.choices import ReviewKind
from gonghui.assistance.models import ArchiveReview, HardshipArchive, SpotCheckDraw
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_q, scope_queryset, scope_roots
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "assistance"


def _orgs_above(user) -> set[int]:
    """Ids of the orgs above the user's view scope roots (the county among them)."""
    above: set[int] = set()
    for root in scope_roots(user, MODULE, Action.VIEW):
        above.update(int(part) for part in root.path.strip("/").split("/")[:-1] if part)
    return above


def draw_list(user) -> QuerySet[SpotCheckDraw]:
    """Draws of counties in the user's view scope, and of the county above it."""
    in_scope = scope_queryset(SpotCheckDraw.objects.all(), user, MODULE, Action.VIEW)
    return (
        SpotCheckDraw.objects.filter(Q(pk__in=in_scope.values("id")) | Q(org__in=_orgs_above(user)))
        .select_related("org", "drawn_by")
        .order_by("-year", "-id")
    )


@dataclass
class DrawRow:
    draw: SpotCheckDraw
    whole: bool  # the user sees the whole county's draw
    drawn_here: int  # drawn households inside the user's view scope


def _drawn_in_scope(user, draw: SpotCheckDraw) -> QuerySet[HardshipArchive]:
    return scope_queryset(
        HardshipArchive.objects.filter(pk__in=draw.drawn), user, MODULE, Action.VIEW
    )


def draw_rows(user, draws) -> list[DrawRow]:
    """Each draw with how much of it the user sees (one count query per county draw seen
    from below: one a year)."""
    rows = []
    for draw in draws:
        whole = org_in_scope(user, MODULE, Action.VIEW, draw.org)
        here = len(draw.drawn) if whole else _drawn_in_scope(user, draw).count()
        rows.append(DrawRow(draw=draw, whole=whole, drawn_here=here))
    return rows


def drawing_counties(user) -> QuerySet[Org]:
    """Counties the user may draw for: `approve` held at the county or above (the service
    checks again)."""
    roots = scope_roots(user, MODULE, Action.APPROVE)
    if not roots:
        return Org.objects.none()
    return Org.objects.filter(
        scope_q([r.path for r in roots], "path"),
        level=OrgLevel.COUNTY,
        status=OrgStatus.ACTIVE,
    ).order_by("path")


@dataclass
class DrawnArchive:
    archive: HardshipArchive
    review: ArchiveReview | None  # the spot review recorded for this draw, if any


def drawn_archives(user, draw: SpotCheckDraw) -> list[DrawnArchive]:
    """The drawn households inside the user's view scope (all of them for county users)."""
    archives = _drawn_in_scope(user, draw).select_related("org")
    reviews = {
        r.archive_id: r
        for r in ArchiveReview.objects.filter(
            draw=draw, kind=ReviewKind.SPOT, archive__in=archives.values("id")
        ).order_by("reviewed_on", "id")
    }
    return [
        DrawnArchive(archive=a, review=reviews.get(a.pk))
        for a in sorted(archives, key=lambda a: (a.org.path, a.name, a.pk))
    ]
