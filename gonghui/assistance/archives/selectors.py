"""Reads of hardship archives, always through the user's scope (module `assistance`)."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gonghui.assistance.archives.lifecycle import ExitCheck
from gonghui.assistance.choices import ArchiveStatus, HardshipCause, ReviewKind
from gonghui.assistance.models import (
    ArchiveAssessment,
    ArchiveAttachment,
    ArchiveReview,
    ArchiveStep,
    HardshipArchive,
    HouseholdMember,
    SpotCheckDraw,
)
from gonghui.core.crypto import keyed_hash
from gonghui.core.modules import Action
from gonghui.core.scope import (
    get_in_scope_or_404,
    org_in_scope,
    scope_q,
    scope_queryset,
    scope_roots,
)
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import IdNumberError, id_number_clean
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "assistance"
_LAST4 = re.compile(r"^\d{3}[\dX]$")


def archive_scoped(user, action: str = Action.VIEW) -> QuerySet[HardshipArchive]:
    return scope_queryset(HardshipArchive.objects.all(), user, MODULE, action)


def archive_get(user, pk, action: str = Action.VIEW) -> HardshipArchive:
    return get_in_scope_or_404(
        HardshipArchive.objects.select_related("org", "member", "approved_by"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def archive_search_q(q: str) -> Q | None:
    """A full ID number → exact hash; 4 digits (or 3 and X) → last 4 of the ID; else name."""
    q = normalise_text(q).replace(" ", "").upper()
    if not q:
        return None
    if _LAST4.match(q):
        return Q(id_last4=q)
    if len(q) in (15, 18) and q[:-1].isdigit():
        try:
            return Q(id_number_hash=keyed_hash(id_number_clean(q).number))
        except IdNumberError:
            pass
    if q.isdigit() and len(q) >= 8:
        return Q(archive_number__startswith=q)
    return Q(name__contains=q)


WORKER_GROUPS = {"urban": "城镇职工", "migrant": "农民工"}


def archive_list(
    user,
    *,
    q: str = "",
    org: Org | None = None,
    category: str = "",
    status: str = "",
    cause: str = "",
    group: str = "",
    overdue: bool | str = False,
    on: datetime.date | None = None,
    action: str = Action.VIEW,
) -> QuerySet[HardshipArchive]:
    """The archives the user may see, filtered; newest first.

    `group`: "urban" (城镇职工) or "migrant" (农民工); `cause`: main or any secondary cause;
    `overdue`: archived households whose yearly re-check is past due on `on` (today).
    """
    archives = archive_scoped(user, action).select_related("org")
    if org is not None:
        if org.anchor_id == org.pk:
            archives = archives.filter(org_anchor=org.pk)
        else:
            archives = archives.filter(
                org__in=Org.objects.filter(path__startswith=org.path).values("id")
            )
    search = archive_search_q(q)
    if search is not None:
        archives = archives.filter(search)
    if category:
        archives = archives.filter(category=category)
    if status in ArchiveStatus.values:
        archives = archives.filter(status=status)
    if cause in HardshipCause.values:
        archives = archives.filter(
            Q(main_cause=cause)
            | Q(secondary_cause_1=cause)
            | Q(secondary_cause_2=cause)
            | Q(secondary_cause_3=cause)
        )
    if group == "migrant":
        archives = archives.filter(is_migrant_worker=True)
    elif group == "urban":
        archives = archives.filter(is_migrant_worker=False)
    if overdue in (True, "1", "on", "true"):
        archives = _overdue(archives, on)
    return archives.order_by("-id")


def _overdue(archives: QuerySet, on: datetime.date | None) -> QuerySet:
    from gonghui.assistance.standards.selectors import today

    return archives.filter(status=ArchiveStatus.ARCHIVED, next_review_due__lt=on or today())


def reviews_overdue(user, *, on: datetime.date | None = None) -> QuerySet[HardshipArchive]:
    """Archived households past their yearly re-check, the longest overdue first."""
    return _overdue(archive_scoped(user).select_related("org"), on).order_by(
        "next_review_due", "id"
    )


@dataclass
class ArchiveDetail:
    archive: HardshipArchive
    steps: list[ArchiveStep]
    household: list[HouseholdMember]
    attachments: list[ArchiveAttachment]
    assessments: list[ArchiveAssessment]
    reviews: list[ArchiveReview]
    exit: ExitCheck | None


def archive_detail(user, pk) -> ArchiveDetail:
    """The archive with its full trail, household, attachments and calculation history."""
    from gonghui.assistance.archives.services import exit_status

    archive = archive_get(user, pk)
    return ArchiveDetail(
        archive=archive,
        steps=list(archive.steps.select_related("actor", "org").order_by("at", "id")),
        household=list(archive.household_members.order_by("id")),
        attachments=list(archive.attachments.select_related("uploaded_by").order_by("-id")),
        assessments=list(
            archive.assessments.select_related("standard", "thresholds").order_by(
                "-assessed_on", "-id"
            )
        ),
        reviews=list(archive.reviews.select_related("reviewer").order_by("-reviewed_on", "-id")),
        exit=exit_status(archive) if archive.status == ArchiveStatus.ARCHIVED else None,
    )


def attachment_get(user, pk, action: str = Action.VIEW) -> ArchiveAttachment:
    """An attachment of an archive the user may act on (404 otherwise)."""
    visible = archive_scoped(user, action).values("id")
    try:
        return ArchiveAttachment.objects.select_related("archive").get(pk=pk, archive__in=visible)
    except ArchiveAttachment.DoesNotExist as exc:
        from django.http import Http404

        raise Http404 from exc


def household_member_get(user, pk, action: str = Action.EDIT) -> HouseholdMember:
    visible = archive_scoped(user, action).values("id")
    try:
        return HouseholdMember.objects.select_related("archive", "archive__org").get(
            pk=pk, archive__in=visible
        )
    except HouseholdMember.DoesNotExist as exc:
        from django.http import Http404

        raise Http404 from exc


# --- spot checks (抽查) -------------------------------------------------------------------------------
# Reads for the yearly spot checks (抽查): the draws a user may see and who was drawn. The county
# draws (services.spot_check_draw, county approvers only). County users see their counties' draws
# whole; a township or grassroots user sees the draws of the county above them, limited to the
# drawn households in their own subtree, so they know which of theirs will be re-checked.


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
