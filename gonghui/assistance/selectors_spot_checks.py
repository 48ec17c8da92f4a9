"""Reads for the yearly spot checks (抽查): the draws in the user's scope and who was drawn."""

from dataclasses import dataclass

from django.db.models import QuerySet

from gonghui.assistance.choices import ReviewKind
from gonghui.assistance.models import ArchiveReview, HardshipArchive, SpotCheckDraw
from gonghui.core.modules import Action
from gonghui.core.scope import scope_q, scope_queryset, scope_roots
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "assistance"


def draw_list(user) -> QuerySet[SpotCheckDraw]:
    return scope_queryset(
        SpotCheckDraw.objects.select_related("org", "drawn_by"), user, MODULE, Action.VIEW
    ).order_by("-year", "-id")


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
    archives = scope_queryset(
        HardshipArchive.objects.filter(pk__in=draw.drawn).select_related("org"),
        user,
        MODULE,
        Action.VIEW,
    )
    reviews = {
        r.archive_id: r
        for r in ArchiveReview.objects.filter(draw=draw, kind=ReviewKind.SPOT).order_by(
            "reviewed_on", "id"
        )
    }
    return [
        DrawnArchive(archive=a, review=reviews.get(a.pk))
        for a in sorted(archives, key=lambda a: (a.org.path, a.name, a.pk))
    ]
