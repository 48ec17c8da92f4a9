"""Reads of 五小 innovations and 合理化建议, through the user's scope."""

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404

from gonghui.core.modules import Action
from gonghui.core.scope import scope_queryset
from gonghui.workforce.choices import MODULE
from gonghui.workforce.innovations.models import (
    InnovationAttachment,
    InnovationReview,
    InnovationStatus,
    SmallInnovation,
    Suggestion,
    SuggestionStatus,
)

UNDECIDED = "undecided"  # a list filter: submitted or under review


def innovation_scoped(user, action: str = Action.VIEW) -> QuerySet[SmallInnovation]:
    return scope_queryset(SmallInnovation.objects.all(), user, MODULE, action)


def innovation_list(
    user, *, q: str = "", category: str = "", status: str = "", year: int | None = None
) -> QuerySet[SmallInnovation]:
    rows = innovation_scoped(user).select_related("member", "team", "enterprise", "org")
    if q:
        rows = rows.filter(
            Q(title__icontains=q) | Q(member__name__icontains=q) | Q(team__name__icontains=q)
        )
    if category:
        rows = rows.filter(category=category)
    if status == UNDECIDED:
        rows = rows.filter(status__in=(InnovationStatus.SUBMITTED, InnovationStatus.REVIEWING))
    elif status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(year=year)
    return rows.annotate(review_count=Count("reviews"), review_mean=Avg("reviews__score")).order_by(
        "-id"
    )


def innovation_get(user, pk, action: str = Action.VIEW) -> SmallInnovation:
    try:
        return (
            innovation_scoped(user, action)
            .select_related("member", "team", "enterprise", "org")
            .get(pk=pk)
        )
    except (SmallInnovation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def innovation_reviews(innovation: SmallInnovation) -> list[InnovationReview]:
    """The panel's scores of an innovation the caller has already got through its scope."""
    return list(innovation.reviews.select_related("reviewer").order_by("id"))


def innovation_attachments(innovation: SmallInnovation) -> list[InnovationAttachment]:
    return list(innovation.attachments.order_by("id"))


def attachment_get(user, pk, *, innovation_id=None) -> InnovationAttachment:
    """An attachment of an innovation in the user's view scope (of `innovation_id` when
    given); Http404 otherwise."""
    rows = InnovationAttachment.objects.filter(innovation__in=innovation_scoped(user))
    if innovation_id is not None:
        rows = rows.filter(innovation_id=innovation_id)
    try:
        return rows.get(pk=pk)
    except (InnovationAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def innovations_to_decide(user, action: str = Action.APPROVE) -> QuerySet[SmallInnovation]:
    return innovation_scoped(user, action).filter(
        status__in=(InnovationStatus.SUBMITTED, InnovationStatus.REVIEWING)
    )


def suggestion_scoped(user, action: str = Action.VIEW) -> QuerySet[Suggestion]:
    return scope_queryset(Suggestion.objects.all(), user, MODULE, action)


def suggestion_list(user, *, q: str = "", status: str = "", year: int | None = None):
    rows = suggestion_scoped(user).select_related("member", "enterprise", "org")
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(member__name__icontains=q))
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("-id")


def suggestion_get(user, pk, action: str = Action.VIEW) -> Suggestion:
    try:
        return (
            suggestion_scoped(user, action).select_related("member", "enterprise", "org").get(pk=pk)
        )
    except (Suggestion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def suggestions_to_decide(user, action: str = Action.APPROVE) -> QuerySet[Suggestion]:
    return suggestion_scoped(user, action).filter(status=SuggestionStatus.SUBMITTED)
