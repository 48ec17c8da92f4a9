"""Reads of bargaining offers and seasons, in the user's rights scope; a season's progress by
township in one grouped query."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, in_subtree, scope_queryset
from gonghui.orgs.models import Org
from gonghui.rights.bargaining.models import (
    BargainingOffer,
    OfferOutcome,
    OfferReply,
    OfferSeason,
    SeasonTarget,
)
from gonghui.rights.shared import MODULE, today

OFFER_STATES = {
    "awaiting": "等待答复",
    "overdue": "答复逾期",
    "talks": "协商中",
    "signed": "已签订合同",
    "closed": "未果/提请协调",
}
TARGET_STATES = {
    "todo": "未发要约",
    "offered": "已发要约待答复",
    "overdue": "答复逾期",
    "replied": "已答复",
    "signed": "已签订",
}


def offer_state_q(state: str, on) -> Q | None:
    return {
        "awaiting": Q(outcome=OfferOutcome.OPEN, replied_on__isnull=True, reply_due__gte=on),
        "overdue": Q(outcome=OfferOutcome.OPEN, replied_on__isnull=True, reply_due__lt=on),
        "talks": Q(outcome=OfferOutcome.OPEN, reply=OfferReply.ACCEPTED),
        "signed": Q(outcome=OfferOutcome.SIGNED),
        "closed": Q(outcome__in=(OfferOutcome.REFUSED, OfferOutcome.ESCALATED)),
    }.get(state)


def offer_scoped(user, action: str = Action.VIEW) -> QuerySet[BargainingOffer]:
    return scope_queryset(BargainingOffer.objects.all(), user, MODULE, action)


def offer_list(
    user, *, q="", state="", township=None, season=None, org=None
) -> QuerySet[BargainingOffer]:
    rows = (
        offer_scoped(user)
        .select_related("enterprise", "season")
        .defer("content", "enterprise__contact_phone")
    )
    if q:
        rows = rows.filter(Q(enterprise__name__contains=q) | Q(subject__contains=q))
    condition = offer_state_q(state, today()) if state else None
    if condition is not None:
        rows = rows.filter(condition)
    if township:
        rows = rows.filter(org_anchor_id=township)
    # `org`: the org's subtree (core.scope.in_subtree), e.g. a figure's drill-down.
    rows = in_subtree(rows, org)
    if season:
        rows = rows.filter(season_id=season)
    return rows.order_by("-sent_on", "-id")


def offer_get(user, pk: int, action: str = Action.VIEW) -> BargainingOffer:
    return get_in_scope_or_404(
        BargainingOffer.objects.select_related("enterprise", "season", "contract", "org"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def season_scoped(user, action: str = Action.VIEW) -> QuerySet[OfferSeason]:
    """Seasons opened in the user's scope, or above it (a county's season is worked down by
    its townships: they see it and their part of its list)."""
    from gonghui.core.scope import scope_paths

    paths = scope_paths(user, MODULE, action)
    if not paths:
        return OfferSeason.objects.none()
    ancestors = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    return OfferSeason.objects.filter(
        Q(pk__in=scope_queryset(OfferSeason.objects.all(), user, MODULE, action).values("pk"))
        | Q(org_id__in=ancestors)
    )


def season_list(user) -> QuerySet[OfferSeason]:
    return season_scoped(user).select_related("org").order_by("-starts_on", "-id")


def season_get(user, pk: int) -> OfferSeason:
    from django.http import Http404

    season = season_scoped(user).select_related("org").filter(pk=pk).first()
    if season is None:
        raise Http404
    return season


def target_scoped(user, season: OfferSeason, action: str = Action.VIEW) -> QuerySet[SeasonTarget]:
    return scope_queryset(SeasonTarget.objects.filter(season=season), user, MODULE, action)


def target_state_q(state: str, on) -> Q | None:
    return {
        "todo": Q(offer__isnull=True),
        "offered": Q(offer__isnull=False, offer__replied_on__isnull=True, offer__reply_due__gte=on)
        & Q(offer__outcome=OfferOutcome.OPEN),
        "overdue": Q(offer__isnull=False, offer__replied_on__isnull=True, offer__reply_due__lt=on)
        & Q(offer__outcome=OfferOutcome.OPEN),
        "replied": Q(offer__replied_on__isnull=False),
        "signed": Q(offer__outcome=OfferOutcome.SIGNED),
    }.get(state)


def target_list(user, season: OfferSeason, *, q="", state="", township=None):
    rows = (
        target_scoped(user, season)
        .select_related("enterprise", "offer", "org_anchor")
        .defer("enterprise__contact_phone", "offer__content")
    )
    if q:
        rows = rows.filter(enterprise__name__contains=q)
    condition = target_state_q(state, today()) if state else None
    if condition is not None:
        rows = rows.filter(condition)
    if township:
        rows = rows.filter(org_anchor_id=township)
    return rows.order_by("org_anchor_id", "id")


@dataclass
class ProgressRow:
    org_id: int | None
    name: str
    code: str
    targets: int
    offered: int
    replied: int
    signed: int
    overdue: int

    @property
    def offered_rate(self) -> int:
        return round(self.offered * 100 / self.targets) if self.targets else 0

    @property
    def is_empty(self) -> bool:
        return not self.targets


def season_progress(user, season: OfferSeason) -> list[ProgressRow]:
    """Targets, offered, replied, signed and overdue replies by township (the targets'
    anchor org), over the user's part of the list: one grouped query plus the names."""
    on = today()
    rows = (
        target_scoped(user, season)
        .values("org_anchor_id")
        .annotate(
            targets=Count("pk"),
            offered=Count("pk", filter=Q(offer__isnull=False)),
            replied=Count("pk", filter=Q(offer__replied_on__isnull=False)),
            signed=Count("pk", filter=Q(offer__outcome=OfferOutcome.SIGNED)),
            overdue=Count(
                "pk",
                filter=Q(
                    offer__isnull=False,
                    offer__replied_on__isnull=True,
                    offer__outcome=OfferOutcome.OPEN,
                    offer__reply_due__lt=on,
                ),
            ),
        )
        .order_by()
    )
    rows = list(rows)
    names = {
        o.pk: o
        for o in Org.objects.filter(
            pk__in=[r["org_anchor_id"] for r in rows if r["org_anchor_id"]]
        ).only("id", "name", "code")
    }
    result = []
    for row in rows:
        org = names.get(row["org_anchor_id"])
        result.append(
            ProgressRow(
                org_id=row["org_anchor_id"],
                name=org.name if org else "县直",
                code=org.code if org else "",
                **{k: row[k] for k in ("targets", "offered", "replied", "signed", "overdue")},
            )
        )
    result.sort(key=lambda r: r.code)
    return result


def progress_total(rows: list[ProgressRow]) -> ProgressRow:
    return ProgressRow(
        None,
        "合计",
        "",
        *(
            sum(getattr(r, k) for r in rows)
            for k in ("targets", "offered", "replied", "signed", "overdue")
        ),
    )
