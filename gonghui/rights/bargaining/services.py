"""Writes of bargaining: offers with their 20-day reply clock, replies, rounds of talks,
outcomes; offer seasons with their proposed target list."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery

from gonghui.core.errors import ErrorCollector, ValidationFailed
from gonghui.core.workdays import legal_period_end
from gonghui.orgs.models import Enterprise, EnterpriseStatus, Org, with_org_anchor
from gonghui.rights.bargaining.models import (
    REPLY_DAYS,
    BargainingOffer,
    BargainingTalk,
    OfferDirection,
    OfferOutcome,
    OfferReply,
    OfferSeason,
    SeasonKind,
    SeasonStatus,
    SeasonTarget,
    TargetReason,
)
from gonghui.rights.contracts.models import ContractCoverage, ContractStatus
from gonghui.rights.shared import (
    AuditAction,
    audit,
    bump,
    not_in_future,
    require_scope,
    required,
    version_check,
)

MIN_REPS, MAX_REPS = 3, 10  # representatives per side (集体合同规定 Art. 19–20)


def reply_due(sent_on: datetime.date) -> datetime.date:
    return legal_period_end(sent_on, REPLY_DAYS)


def offer_org(enterprise: Enterprise) -> Org:
    """Who bargains for the workers: the employer's own union, else its covering union."""
    if enterprise.union_id and enterprise.union.is_active:
        return enterprise.union
    return enterprise.org


def offer_validate(
    *,
    actor,
    enterprise: Enterprise | None = None,
    subject: str | None = None,
    sent_on: datetime.date | None = None,
    direction: str = OfferDirection.SENT,
    season: OfferSeason | None = None,
    **_ignored,
) -> None:
    errors = ErrorCollector()
    required(
        errors,
        {"subject": subject, "sent_on": sent_on},
        {"subject": "协商事项", "sent_on": "要约日期"},
    )
    if enterprise is None:
        errors.add("enterprise", "请选择用人单位。")
    if direction not in OfferDirection.values:
        errors.add("direction", "请选择要约方。")
    not_in_future(errors, sent_on, "sent_on", "要约日期")
    if enterprise is not None:
        if actor is not None:
            from gonghui.core.scope import org_in_scope

            if not org_in_scope(actor, "rights", "edit", offer_org(enterprise)):
                errors.add("enterprise", "该单位不在您的数据范围内。")
        open_offer = BargainingOffer.objects.filter(
            enterprise=enterprise, outcome=OfferOutcome.OPEN
        ).first()
        if open_offer is not None:
            errors.add(
                "enterprise",
                f"该单位已有进行中的要约({open_offer.sent_on:%Y-%m-%d})，请先登记其结果。",
            )
    if season is not None and season.status != SeasonStatus.OPEN:
        errors.add("season", "该要约行动已结束。")
    errors.raise_if_any()


@transaction.atomic
def offer_send(
    *,
    actor,
    enterprise: Enterprise,
    subject: str,
    sent_on: datetime.date,
    content: str = "",
    direction: str = OfferDirection.SENT,
    season: OfferSeason | None = None,
) -> BargainingOffer:
    """Record an offer (sent by the union side, or received from the employer); the other
    side must answer within 20 days (counted as the law counts periods)."""
    offer_validate(
        actor=actor,
        enterprise=enterprise,
        subject=subject,
        sent_on=sent_on,
        direction=direction,
        season=season,
    )
    org = offer_org(enterprise)
    require_scope(actor, org)
    offer = BargainingOffer.objects.create(
        org=org,
        enterprise=enterprise,
        season=season,
        direction=direction,
        subject=subject.strip(),
        content=content or "",
        sent_on=sent_on,
        reply_due=reply_due(sent_on),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if season is not None:
        SeasonTarget.objects.filter(season=season, enterprise=enterprise, offer=None).update(
            offer=offer
        )
    audit(actor, AuditAction.CREATED, offer, what="offer", direction=direction)
    return offer


@transaction.atomic
def offer_reply_record(
    *,
    actor,
    offer: BargainingOffer,
    replied_on: datetime.date,
    reply: str,
    note: str = "",
    version: int | None = None,
) -> BargainingOffer:
    offer = BargainingOffer.objects.select_for_update().get(pk=offer.pk)
    require_scope(actor, offer.org)
    version_check(offer, version)
    errors = ErrorCollector()
    if offer.replied_on is not None:
        errors.add("__all__", "该要约已登记答复。")
    if offer.outcome != OfferOutcome.OPEN:
        errors.add("__all__", "该要约已有结果，不能再登记答复。")
    if replied_on is None:
        errors.add("replied_on", "请填写答复日期。")
    elif replied_on < offer.sent_on:
        errors.add("replied_on", f"答复日期不能早于要约日期({offer.sent_on:%Y-%m-%d})。")
    not_in_future(errors, replied_on, "replied_on", "答复日期")
    if reply not in OfferReply.values:
        errors.add("reply", "请选择答复。")
    errors.raise_if_any()
    offer.replied_on = replied_on
    offer.reply = reply
    offer.reply_note = (note or "").strip()[:500]
    bump(offer)
    offer.save()
    audit(
        actor,
        AuditAction.UPDATED,
        offer,
        what="offer_reply",
        reply=reply,
        late=replied_on > offer.reply_due,
    )
    return offer


def talk_validate(
    *,
    offer: BargainingOffer,
    held_on: datetime.date | None = None,
    union_reps: int | None = None,
    employer_reps: int | None = None,
    minutes: str | None = None,
    **_ignored,
) -> None:
    errors = ErrorCollector()
    required(
        errors,
        {
            "held_on": held_on,
            "union_reps": union_reps,
            "employer_reps": employer_reps,
            "minutes": minutes,
        },
        {
            "held_on": "协商日期",
            "union_reps": "职工方代表人数",
            "employer_reps": "企业方代表人数",
            "minutes": "协商纪要",
        },
    )
    if offer.outcome != OfferOutcome.OPEN:
        errors.add("__all__", "该要约已有结果，不能再登记协商。")
    if offer.reply == OfferReply.REFUSED:
        errors.add("__all__", "对方已拒绝协商，请登记结果(协商未果或提请协调处理)。")
    if held_on is not None and held_on < offer.sent_on:
        errors.add("held_on", "协商日期不能早于要约日期。")
    not_in_future(errors, held_on, "held_on", "协商日期")
    for field, value, side in (
        ("union_reps", union_reps, "职工方"),
        ("employer_reps", employer_reps, "企业方"),
    ):
        if value is not None and not MIN_REPS <= value <= MAX_REPS:
            errors.add(field, f"{side}协商代表应为 {MIN_REPS} 至 {MAX_REPS} 人。")
    if union_reps is not None and employer_reps is not None and union_reps != employer_reps:
        errors.add("employer_reps", "双方协商代表人数应当对等。")
    errors.raise_if_any()


@transaction.atomic
def talk_add(
    *,
    actor,
    offer: BargainingOffer,
    held_on: datetime.date,
    union_reps: int,
    employer_reps: int,
    minutes: str,
    representatives: str = "",
) -> BargainingTalk:
    offer = BargainingOffer.objects.select_for_update().get(pk=offer.pk)
    require_scope(actor, offer.org)
    talk_validate(
        offer=offer,
        held_on=held_on,
        union_reps=union_reps,
        employer_reps=employer_reps,
        minutes=minutes,
    )
    last = offer.talks.order_by("-round").values_list("round", flat=True).first() or 0
    talk = BargainingTalk.objects.create(
        offer=offer,
        round=last + 1,
        held_on=held_on,
        union_reps=union_reps,
        employer_reps=employer_reps,
        representatives=(representatives or "").strip()[:500],
        minutes=minutes.strip(),
    )
    bump(offer)
    offer.save(update_fields=["version", "updated_at"])
    audit(actor, AuditAction.UPDATED, offer, what="offer_talk", round=talk.round)
    return talk


@transaction.atomic
def offer_conclude(
    *,
    actor,
    offer: BargainingOffer,
    outcome: str,
    on: datetime.date,
    note: str = "",
    contract=None,
    version: int | None = None,
) -> BargainingOffer:
    offer = BargainingOffer.objects.select_for_update().get(pk=offer.pk)
    require_scope(actor, offer.org)
    version_check(offer, version)
    errors = ErrorCollector()
    if offer.outcome != OfferOutcome.OPEN:
        errors.add("__all__", "该要约已登记结果。")
    if outcome not in (OfferOutcome.SIGNED, OfferOutcome.REFUSED, OfferOutcome.ESCALATED):
        errors.add("outcome", "请选择结果。")
    if on is None:
        errors.add("on", "请填写结果日期。")
    elif on < offer.sent_on:
        errors.add("on", "结果日期不能早于要约日期。")
    not_in_future(errors, on, "on", "结果日期")
    if contract is not None and contract.enterprise_id not in (None, offer.enterprise_id):
        errors.add("contract", "所选合同不是该单位的合同。")
    errors.raise_if_any()
    offer.outcome = outcome
    offer.outcome_on = on
    offer.outcome_note = (note or "").strip()[:300]
    offer.contract = contract if outcome == OfferOutcome.SIGNED else None
    bump(offer)
    offer.save()
    audit(actor, AuditAction.UPDATED, offer, what="offer_outcome", outcome=outcome)
    return offer


# --- seasons ----------------------------------------------------------------------------------


def season_validate(
    *,
    actor,
    org: Org | None = None,
    name: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    **_ignored,
) -> None:
    errors = ErrorCollector()
    required(
        errors,
        {"name": name, "kind": kind, "year": year, "starts_on": starts_on, "ends_on": ends_on},
        {
            "name": "行动名称",
            "kind": "类型",
            "year": "年度",
            "starts_on": "开始日期",
            "ends_on": "结束日期",
        },
    )
    if kind and kind not in SeasonKind.values:
        errors.add("kind", "请从列表中选择类型。")
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends_on", "结束日期不能早于开始日期。")
    if starts_on and ends_on and (ends_on - starts_on).days > 366:
        errors.add("ends_on", "一次要约行动不超过一年。")
    if org is None:
        errors.add("org", "请选择组织。")
    elif actor is not None:
        from gonghui.core.scope import org_in_scope

        if not org_in_scope(actor, "rights", "edit", org):
            errors.add("org", "所选组织不在您的数据范围内。")
    if org is not None and name and OfferSeason.objects.filter(org=org, name=name.strip()).exists():
        errors.add("name", "已有同名的要约行动。")
    errors.raise_if_any()


def season_candidates(org: Org, starts_on: datetime.date, ends_on: datetime.date):
    """Employers under `org` that the season targets, with why: employers with a union
    (建会) that have no collective contract covering them beyond the season's end — either
    none in force (`no_contract`) or one that expires within the season (`expiring`).
    A contract signed and waiting for its filing or review counts as covering them.
    One query; returns (enterprise id, covering org id, reason, expiry)."""
    live = (ContractStatus.SIGNED, ContractStatus.FILED, ContractStatus.EFFECTIVE)
    covering = ContractCoverage.objects.filter(
        enterprise=OuterRef("pk"),
        contract__status__in=live,
        contract__start_on__lte=ends_on,
        contract__end_on__gt=ends_on,
    )
    expiring = ContractCoverage.objects.filter(
        enterprise=OuterRef("pk"),
        contract__status__in=live,
        contract__end_on__gte=starts_on,
        contract__end_on__lte=ends_on,
    ).order_by("-contract__end_on")
    rows = (
        Enterprise.objects.filter(
            Q(org__path__startswith=org.path),
            has_union=True,
            status=EnterpriseStatus.ACTIVE,
        )
        .exclude(Exists(covering))
        .annotate(expiry=Subquery(expiring.values("contract__end_on")[:1]))
        .order_by("id")
        .values_list("id", "org_id", "expiry")
    )
    for pk, org_id, expiry in rows:
        reason = TargetReason.EXPIRING if expiry is not None else TargetReason.NO_CONTRACT
        yield pk, org_id, reason, expiry


@transaction.atomic
def season_open(
    *,
    actor,
    org: Org,
    name: str,
    kind: str,
    year: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
) -> OfferSeason:
    """Open a season and propose its target list (set-based: one read, bulk inserts)."""
    season_validate(
        actor=actor, org=org, name=name, kind=kind, year=year, starts_on=starts_on, ends_on=ends_on
    )
    require_scope(actor, org)
    season = OfferSeason.objects.create(
        org=org,
        name=name.strip(),
        kind=kind,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip(),
    )
    targets = with_org_anchor(
        [
            SeasonTarget(
                season=season,
                enterprise_id=pk,
                org_id=org_id,
                reason=reason,
                contract_end_on=expiry,
            )
            for pk, org_id, reason, expiry in season_candidates(org, starts_on, ends_on)
        ]
    )
    SeasonTarget.objects.bulk_create(targets, batch_size=2000)
    # An offer already sent to a target since the season started counts for it (one UPDATE).
    SeasonTarget.objects.filter(season=season).update(offer_id=_offer_since(season))
    audit(actor, AuditAction.CREATED, season, what="season", targets=len(targets))
    return season


def _offer_since(season: OfferSeason):
    return Subquery(
        BargainingOffer.objects.filter(
            enterprise=OuterRef("enterprise"), sent_on__gte=season.starts_on
        )
        .order_by("-sent_on")
        .values("pk")[:1]
    )


@transaction.atomic
def season_close(*, actor, season: OfferSeason) -> OfferSeason:
    season = OfferSeason.objects.select_for_update().get(pk=season.pk)
    require_scope(actor, season.org)
    if season.status == SeasonStatus.CLOSED:
        raise ValidationFailed("该要约行动已结束。")
    season.status = SeasonStatus.CLOSED
    season.save(update_fields=["status", "updated_at"])
    audit(actor, AuditAction.UPDATED, season, what="season_close")
    return season
