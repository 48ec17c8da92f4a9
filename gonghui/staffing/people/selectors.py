"""Reads of posts, worker records and training, scoped to the user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.orgs.models import Org
from gonghui.staffing.people.models import Post, SocialWorker, Training, WorkerStatus
from gonghui.staffing.shared import MODULE

CONTRACT_WARNING_DAYS = 60


def worker_list(
    user,
    *,
    q: str = "",
    status: str = "",
    org: Org | None = None,
    contract: str = "",
    today: dt.date | None = None,
    action: str = Action.VIEW,
    training_year: int | None = None,
    training: str = "",
    min_hours: int = 0,
) -> QuerySet[SocialWorker]:
    """Workers in scope. With `training_year`, each carries `year_hours` (that year's training
    hours, one correlated sum in the same query); `training="below"` keeps the active
    workers under `min_hours`."""
    workers = scope_queryset(SocialWorker.objects.all(), user, MODULE, action).select_related(
        "org", "post"
    )
    if training_year is not None:
        hours = (
            Training.objects.filter(worker=OuterRef("pk"), day__year=training_year)
            .order_by()
            .values("worker")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        workers = workers.annotate(
            year_hours=Coalesce(Subquery(hours), Value(Decimal(0)), output_field=DecimalField())
        )
        if training == "below":
            workers = workers.filter(status=WorkerStatus.ACTIVE, year_hours__lt=min_hours)
    if q:
        workers = workers.filter(Q(name__contains=q) | Q(agency__contains=q))
    if status:
        workers = workers.filter(status=status)
    if org is not None:
        workers = workers.filter(org__path__startswith=org.path)
    today = today or dt.date.today()
    if contract == "expiring":
        workers = workers.filter(
            status=WorkerStatus.ACTIVE,
            contract_end__lte=today + dt.timedelta(days=CONTRACT_WARNING_DAYS),
        )
    elif contract == "review":
        workers = workers.filter(contract_review=True)
    return workers.order_by("org__path", "name", "id")


def worker_get(user, pk: int, action: str = Action.VIEW) -> SocialWorker:
    return get_in_scope_or_404(
        SocialWorker.objects.select_related("org", "post", "user"), user, MODULE, action, pk=pk
    )


def training_year(worker: SocialWorker, year: int, required: int) -> dict:
    """A worker's training of a year against the yearly minimum (`required`)."""
    items = list(worker.trainings.filter(day__year=year).order_by("day", "id"))
    hours = sum((t.hours for t in items), Decimal(0))
    return {
        "year": year,
        "hours": hours,
        "required": required,
        "met": hours >= required,
        "items": items,
    }


def training_minimum(user) -> int:
    """The yearly training minimum of the county above the user's org (one query; the
    default rules' when the county has set none or the user sits above a county)."""
    from gonghui.orgs.models import OrgLevel
    from gonghui.staffing.pay.models import StaffingScheme

    default = StaffingScheme._meta.get_field("training_min_hours").default
    if not getattr(user, "org_id", None):
        return default
    ids = [*user.org.ancestor_ids(), user.org_id]
    found = (
        StaffingScheme.objects.filter(org_id__in=ids, org__level=OrgLevel.COUNTY)
        .values_list("training_min_hours", flat=True)
        .first()
    )
    return default if found is None else found


def worker_of_user(user) -> SocialWorker | None:
    """The worker record linked to a user account (their own), or None."""
    if user is None or not user.is_authenticated:
        return None
    return SocialWorker.objects.select_related("org").filter(user=user).first()


def training_hours(worker: SocialWorker, year: int):
    return (
        Training.objects.filter(worker=worker, day__year=year).aggregate(h=Sum("hours"))["h"] or 0
    )


def training_hours_by_worker(worker_ids, year: int) -> dict[int, object]:
    rows = (
        Training.objects.filter(worker_id__in=worker_ids, day__year=year)
        .values("worker_id")
        .annotate(h=Sum("hours"))
    )
    return {row["worker_id"]: row["h"] for row in rows}


def post_list(user, *, vacant: str = "", q: str = "") -> QuerySet[Post]:
    posts = scope_queryset(Post.objects.all(), user, MODULE, Action.VIEW).select_related("org")
    holder = SocialWorker.objects.filter(post=OuterRef("pk"), status=WorkerStatus.ACTIVE)
    posts = posts.annotate(held=Exists(holder)).prefetch_related(
        Prefetch("holder", queryset=SocialWorker.objects.only("id", "name", "post_id"))
    )
    if vacant == "1":
        posts = posts.filter(held=False, is_active=True)
    elif vacant == "0":
        posts = posts.filter(held=True)
    if q:
        posts = posts.filter(Q(name__contains=q) | Q(org__name__contains=q))
    return posts.order_by("org__path", "name", "id")


def post_get(user, pk: int, action: str = Action.VIEW) -> Post:
    return get_in_scope_or_404(Post.objects.select_related("org"), user, MODULE, action, pk=pk)


def vacant_posts(user, org: Org | None = None) -> QuerySet[Post]:
    posts = scope_queryset(Post.objects.all(), user, MODULE, Action.EDIT).filter(
        is_active=True, holder__isnull=True
    )
    if org is not None:
        posts = posts.filter(org__path__startswith=org.path)
    return posts.select_related("org")
