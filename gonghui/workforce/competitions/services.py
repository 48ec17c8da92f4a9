"""Writes for competitions: the competition and its lifecycle, quotas, registration (staff,
import, portal) with the waiting list, scores, awards, the county's trades, titles and title
rules, and project competitions. Every write is keyword-only, atomic, scope-checked on the
`workforce` module (out of scope answers as missing) and audited; every refusal says why in
Chinese and writes nothing.

Registration never goes over a quota, however many register at once: it locks the
competition row (SELECT … FOR UPDATE) before counting the places taken, so registrations
for one competition are serialised; the unique constraint on (competition, trade, member)
among live entries refuses a second registration of the same person in a trade.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Enterprise, Org, OrgLevel
from gonghui.workforce.choices import MODULE, UPPER_LEVELS, Channel, ContestLevel
from gonghui.workforce.competitions.models import (
    PERSONAL_KINDS,
    Award,
    AwardSource,
    Competition,
    CompetitionKind,
    CompetitionStatus,
    ContestClass,
    Entry,
    EntryStatus,
    MissingRound,
    ProjectDimension,
    ProjectParticipant,
    ProjectScore,
    Quota,
    RoundRule,
    Score,
    Title,
    TitleRule,
    Trade,
)
from gonghui.workforce.competitions.ranking import results_recompute
from gonghui.workforce.competitions.selectors import covers, quota_usage
from gonghui.workforce.county import county_of, require_county_admin

MAX_ROUNDS = 5
MAX_SCORE_MAX = Decimal("1000")
MAX_GRADE_STEPS = 3
MAX_RANK = 1000

WAITING_MESSAGE = "名额已满，已列入候补名单(第 {position} 位)；有人退出时按报名先后递补。"
NOT_OPEN = "不在报名时间内，不能报名。"


def today() -> datetime.date:
    return timezone.localdate()


def _require(actor, org, action: str = Action.EDIT) -> None:
    """Out of scope (or no grant) answers as if the record did not exist (404)."""
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _audit(obj, org=None, username: str = "", *, actor, action, **detail) -> None:
    audit_record(action=action, user=actor, org=org, obj=obj, detail=detail, username=username)


def _text(value, *, field: str, label: str, max_length: int, errors: ErrorCollector, required=True):
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, f"请填写{label}。")
    elif len(text) > max_length:
        errors.add(field, f"{label}不能超过 {max_length} 个字。")
    return text


def _choice(value, choices, *, field: str, label: str, errors: ErrorCollector, blank=False):
    value = str(value or "")
    if blank and value == "":
        return value
    if value not in choices.values:
        errors.add(field, f"请从列表中选择{label}。")
    return value


def _int(value, *, field: str, label: str, low: int, high: int, errors: ErrorCollector):
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, f"{label}请填写整数。")
        return None
    if not low <= number <= high:
        errors.add(field, f"{label}应在 {low} 到 {high} 之间。")
        return None
    return number


def plain_number(value: Decimal) -> str:
    """100.00 → "100", 2.50 → "2.5" (for messages)."""
    return format(Decimal(value).normalize(), "f")


def decimal_value(value, *, field: str, label: str, low, high, errors: ErrorCollector, places=2):
    """A Decimal within [low, high] with at most `places` decimals, or None (error kept)."""
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add(field, f"{label}请填写数字。")
        return None
    if not number.is_finite():
        errors.add(field, f"{label}请填写数字。")
        return None
    if number < low or number > high:
        errors.add(field, f"{label}应在 {plain_number(low)} 到 {plain_number(high)} 之间。")
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors.add(field, f"{label}最多保留 {places} 位小数。")
        return None
    return number


# --- the competition --------------------------------------------------------------------

COMPETITION_FIELDS = (
    "name",
    "kind",
    "level",
    "contest_class",
    "theme",
    "organiser_name",
    "starts_on",
    "ends_on",
    "registration_from",
    "registration_until",
    "portal_open",
    "theory_weight",
    "practical_weight",
    "rounds",
    "round_rule",
    "missing_round",
    "score_max",
    "description",
)
# What may no longer change once results are published.
SCORING_FIELDS = ("theory_weight", "practical_weight", "rounds", "round_rule", "missing_round")


def _level_fits(level: str, org: Org) -> bool:
    if level == ContestLevel.COUNTY:
        return org.level <= OrgLevel.COUNTY
    if level == ContestLevel.TOWNSHIP:
        return org.level <= OrgLevel.TOWNSHIP
    return True


def competition_validate(
    *, actor, org: Org | None, competition=None, trades=None, **fields
) -> dict:
    """Every problem with a competition's fields at once (writes nothing); the cleaned
    values otherwise. `fields` may hold a subset when updating (the rest is kept).
    `trades` (when given): the trades picked, checked with the rest."""
    errors = ErrorCollector()
    current = {
        name: getattr(competition, name) for name in COMPETITION_FIELDS if competition is not None
    }
    values = {**current, **fields}
    if org is None:
        errors.add("org", "请选择组织单位。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, org):
        errors.add("org", "所选组织不在您的管理范围内。")
    cleaned: dict = {}
    cleaned["name"] = _text(
        values.get("name"), field="name", label="竞赛名称", max_length=150, errors=errors
    )
    cleaned["kind"] = _choice(
        values.get("kind"), CompetitionKind, field="kind", label="竞赛类型", errors=errors
    )
    cleaned["level"] = _choice(
        values.get("level"), ContestLevel, field="level", label="竞赛级别", errors=errors
    )
    level_known = cleaned["level"] in ContestLevel.values
    if org is not None and level_known and not _level_fits(cleaned["level"], org):
        errors.add("level", f"{org.name}不能组织{ContestLevel(cleaned['level']).label}竞赛。")
    cleaned["contest_class"] = _choice(
        values.get("contest_class") or ContestClass.OTHER,
        ContestClass,
        field="contest_class",
        label="竞赛类别",
        errors=errors,
    )
    for name, label, length in (
        ("theme", "主题", 100),
        ("organiser_name", "主办单位", 150),
        ("description", "竞赛方案摘要", 5000),
    ):
        cleaned[name] = _text(
            values.get(name),
            field=name,
            label=label,
            max_length=length,
            errors=errors,
            required=False,
        )
    if cleaned["level"] in UPPER_LEVELS and not cleaned["organiser_name"]:
        errors.add("organiser_name", "上级竞赛请填写主办单位。")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts, datetime.date):
        errors.add("starts_on", "请填写开始日期。")
    if not isinstance(ends, datetime.date):
        errors.add("ends_on", "请填写结束日期。")
    if isinstance(starts, datetime.date) and isinstance(ends, datetime.date) and ends < starts:
        errors.add("ends_on", "结束日期不能早于开始日期。")
    cleaned["starts_on"], cleaned["ends_on"] = starts, ends
    reg_from, reg_until = values.get("registration_from"), values.get("registration_until")
    if (reg_from is None) != (reg_until is None):
        errors.add("registration_until", "报名开始和截止日期须同时填写。")
    elif reg_from is not None:
        if reg_until < reg_from:
            errors.add("registration_until", "报名截止不能早于报名开始。")
        elif isinstance(ends, datetime.date) and reg_until > ends:
            errors.add("registration_until", "报名截止不能晚于竞赛结束日期。")
    cleaned["registration_from"], cleaned["registration_until"] = reg_from, reg_until
    cleaned["portal_open"] = bool(values.get("portal_open"))
    if cleaned["portal_open"] and reg_from is None:
        errors.add("portal_open", "开放职工手机报名须填写报名时间。")
    if cleaned["portal_open"] and cleaned["kind"] == CompetitionKind.PROJECT:
        errors.add("portal_open", "重点工程劳动竞赛以单位参赛，不开放个人报名。")
    theory = _int(
        values.get("theory_weight", 100),
        field="theory_weight",
        label="理论成绩权重",
        low=0,
        high=100,
        errors=errors,
    )
    practical = _int(
        values.get("practical_weight", 0),
        field="practical_weight",
        label="实操成绩权重",
        low=0,
        high=100,
        errors=errors,
    )
    if theory is not None and practical is not None and theory + practical != 100:
        errors.add("practical_weight", "理论与实操成绩权重合计应为 100%。")
    cleaned["theory_weight"], cleaned["practical_weight"] = theory, practical
    cleaned["rounds"] = _int(
        values.get("rounds", 1), field="rounds", label="轮次", low=1, high=MAX_ROUNDS, errors=errors
    )
    cleaned["round_rule"] = _choice(
        values.get("round_rule") or RoundRule.SUM,
        RoundRule,
        field="round_rule",
        label="多轮成绩计算方式",
        errors=errors,
    )
    cleaned["missing_round"] = _choice(
        values.get("missing_round") or MissingRound.EXCLUDE,
        MissingRound,
        field="missing_round",
        label="缺赛处理",
        errors=errors,
    )
    cleaned["score_max"] = decimal_value(
        values.get("score_max", 100),
        field="score_max",
        label="单项满分",
        low=Decimal(1),
        high=MAX_SCORE_MAX,
        errors=errors,
    )
    if cleaned["score_max"] is None and "score_max" not in errors.fields:
        errors.add("score_max", "请填写单项满分。")
    if competition is not None and competition.is_published:
        changed = [f for f in SCORING_FIELDS if f in fields and fields[f] != current.get(f)]
        if changed:
            errors.add("__all__", "成绩已公布，不能修改计分方式；如需更正请先撤回成绩公布。")
    if trades is not None:
        _trades_validate(values.get("kind") or "", trades, errors, competition=competition)
    errors.raise_if_any()
    return cleaned


def _trades_validate(
    kind: str, trades, errors: ErrorCollector, *, competition: Competition | None = None
) -> list[Trade]:
    trades = list(trades or [])
    if kind in PERSONAL_KINDS and not trades:
        errors.add("trades", "请至少选择一个工种。")
    if competition is not None:
        used = set(
            Entry.objects.filter(competition=competition)
            .exclude(status=EntryStatus.WITHDRAWN)
            .values_list("trade_id", flat=True)
        )
        if used - {t.pk for t in trades}:
            errors.add("trades", "已有选手报名的工种不能删除。")
    return trades


def _titles_default(county: Org | None, level: str) -> list[Title]:
    if county is None:
        return []
    ids = (
        TitleRule.objects.filter(org=county, level=level, is_active=True, title__isnull=False)
        .values_list("title_id", flat=True)
        .distinct()
    )
    return list(Title.objects.filter(pk__in=ids, is_active=True))


def _code(competition: Competition) -> str:
    return f"JS{competition.year}{competition.pk:06d}"


@transaction.atomic
def competition_create(*, actor, org: Org, trades=(), titles=None, **fields) -> Competition:
    """Plan a competition (status 计划). `titles` None: the titles the county's rules for its
    level confer."""
    _require(actor, org)
    trades = list(trades or [])
    cleaned = competition_validate(actor=actor, org=org, trades=trades, **fields)
    county = county_of(org)
    competition = Competition(
        org=org, county=county, year=cleaned["starts_on"].year, code="", **cleaned
    )
    competition.save()
    competition.code = _code(competition)
    competition.save(update_fields=["code"])
    competition.trades.set(trades)
    competition.titles.set(
        titles if titles is not None else _titles_default(county, cleaned["level"])
    )
    _audit(
        competition,
        actor=actor,
        action=AuditAction.CREATED,
        what="competition",
        kind=competition.kind,
        level=competition.level,
    )
    return competition


def _locked(competition: Competition) -> Competition:
    return Competition.objects.select_for_update().select_related("org").get(pk=competition.pk)


@transaction.atomic
def competition_update(
    *,
    actor,
    competition: Competition,
    version: int | None = None,
    trades=None,
    titles=None,
    **changes,
) -> Competition:
    _require(actor, competition.org)
    competition = _locked(competition)
    if version is not None and version != competition.version:
        raise Conflict("该竞赛已被他人修改，请刷新后再改。", code="stale_version")
    if competition.status in (CompetitionStatus.COMMENDED, CompetitionStatus.CANCELLED):
        raise ValidationFailed(f"竞赛{competition.get_status_display()}，不能再修改。")
    trades = None if trades is None else list(trades)
    cleaned = competition_validate(
        actor=actor, org=competition.org, competition=competition, trades=trades, **changes
    )
    changed = [f for f in COMPETITION_FIELDS if getattr(competition, f) != cleaned[f]]
    for name in COMPETITION_FIELDS:
        setattr(competition, name, cleaned[name])
    competition.year = competition.starts_on.year
    competition.version += 1
    competition.save()
    if trades is not None:
        competition.trades.set(trades)
        changed.append("trades")
    if titles is not None:
        competition.titles.set(titles)
        changed.append("titles")
    _audit(competition, actor=actor, action=AuditAction.UPDATED, changed=changed)
    if any(f in changed for f in (*SCORING_FIELDS, "titles")):
        results_recompute([competition.pk])
    return competition


# --- lifecycle ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    action: str


STEPS = {
    s.code: s
    for s in (
        Step(
            "approve", "立项", (CompetitionStatus.PLAN,), CompetitionStatus.APPROVED, Action.APPROVE
        ),
        Step(
            "start",
            "开始比赛",
            (CompetitionStatus.APPROVED,),
            CompetitionStatus.RUNNING,
            Action.EDIT,
        ),
        Step(
            "publish",
            "公布成绩",
            (CompetitionStatus.RUNNING,),
            CompetitionStatus.SUMMARY,
            Action.APPROVE,
        ),
        Step(
            "reopen",
            "撤回成绩公布",
            (CompetitionStatus.SUMMARY,),
            CompetitionStatus.RUNNING,
            Action.APPROVE,
        ),
        Step(
            "commend",
            "表彰",
            (CompetitionStatus.SUMMARY,),
            CompetitionStatus.COMMENDED,
            Action.APPROVE,
        ),
        Step(
            "cancel",
            "撤销",
            (CompetitionStatus.PLAN, CompetitionStatus.APPROVED),
            CompetitionStatus.CANCELLED,
            Action.APPROVE,
        ),
    )
}


def steps_available(actor, competition: Competition) -> list[Step]:
    """The steps the actor may take on the competition now (for the page's buttons)."""
    return [
        step
        for step in STEPS.values()
        if competition.status in step.sources
        and org_in_scope(actor, MODULE, step.action, competition.org)
    ]


@transaction.atomic
def competition_transition(
    *, actor, competition: Competition, step: str, note: str = ""
) -> Competition:
    """Move a competition along its lifecycle: 计划 → 立项 → 进行中 → 成绩公布 → 表彰
    (or 撤回公布 back to 进行中; 撤销 before it starts)."""
    if step not in STEPS:
        raise ValidationFailed("未知的操作。")
    rule = STEPS[step]
    _require(actor, competition.org, rule.action)
    competition = _locked(competition)
    note = (note or "").strip()
    if competition.status not in rule.sources:
        raise ValidationFailed(
            f"竞赛当前为“{competition.get_status_display()}”，不能{rule.label}。", code="bad_step"
        )
    if step == "cancel" and not note:
        raise ValidationFailed("请填写撤销原因。", fields={"note": ["请填写撤销原因。"]})
    if len(note) > 200:
        raise ValidationFailed(
            "说明不能超过 200 个字。", fields={"note": ["说明不能超过 200 个字。"]}
        )
    if step == "publish" and competition.is_personal:
        results_recompute([competition.pk])
        if not Entry.objects.filter(competition=competition, rank__isnull=False).exists():
            raise ValidationFailed("还没有可排名的成绩，不能公布。", code="no_results")
    before = competition.status
    now = timezone.now()
    competition.status = rule.target
    competition.status_note = note
    if step == "approve":
        competition.approved_at = now
    elif step == "publish":
        competition.published_at = now
    elif step == "reopen":
        competition.published_at = None
    elif step == "commend":
        competition.commended_at = now
    competition.version += 1
    competition.save()
    _audit(
        competition,
        actor=actor,
        action=AuditAction.APPROVED if rule.action == Action.APPROVE else AuditAction.UPDATED,
        what="competition_step",
        step=step,
        status=[before, competition.status],
    )
    if step in ("publish", "reopen") and competition.is_personal:
        results_recompute([competition.pk])
    return competition


# --- quotas and registration ----------------------------------------------------------------


def _quota_usage(competition: Competition) -> list[list]:
    """[[quota, places taken]] of the competition's quotas (one grouped query)."""
    return [[quota, quota.taken] for quota in quota_usage(competition)]


def _applies(quota: Quota, trade_id: int, org: Org) -> bool:
    return (quota.trade_id is None or quota.trade_id == trade_id) and org.path.startswith(
        quota.org.path
    )


def _full(usage: list[list], trade_id: int, org: Org) -> Quota | None:
    for quota, taken in usage:
        if _applies(quota, trade_id, org) and taken >= quota.places:
            return quota
    return None


def _take(usage: list[list], trade_id: int, org: Org) -> None:
    for pair in usage:
        if _applies(pair[0], trade_id, org):
            pair[1] += 1


def _promote_waiting(competition: Competition, actor) -> int:
    """Move waiting entries up, in registration order, while their quotas have room."""
    usage = _quota_usage(competition)
    promoted = []
    waiting = (
        Entry.objects.filter(competition=competition, status=EntryStatus.WAITING)
        .select_related("org")
        .order_by("registered_at", "id")
    )
    for entry in waiting:
        if _full(usage, entry.trade_id, entry.org) is None:
            _take(usage, entry.trade_id, entry.org)
            promoted.append(entry.pk)
    if promoted:
        Entry.objects.filter(pk__in=promoted).update(status=EntryStatus.REGISTERED)
        _audit(
            competition,
            actor=actor,
            action=AuditAction.UPDATED,
            what="entries_promoted",
            entries=promoted,
        )
    return len(promoted)


@transaction.atomic
def quota_set(
    *, actor, competition: Competition, org: Org, places, trade: Trade | None = None
) -> Quota | None:
    """Set a unit's places (in one trade, or in all trades when `trade` is None); empty
    places removes the quota. Raising it lets the waiting list move up at once."""
    _require(actor, competition.org)
    competition = _locked(competition)
    errors = ErrorCollector()
    if competition.status in (
        CompetitionStatus.SUMMARY,
        CompetitionStatus.COMMENDED,
        CompetitionStatus.CANCELLED,
    ):
        errors.add("__all__", f"竞赛{competition.get_status_display()}，不能再调整名额。")
    if not covers(competition, org):
        errors.add("org", f"{org.name}不在本次竞赛的组织范围内。")
    if trade is not None and not competition.trades.filter(pk=trade.pk).exists():
        errors.add("trade", "该工种不在本次竞赛中。")
    number = None
    if places not in (None, ""):
        number = _int(places, field="places", label="名额", low=0, high=100000, errors=errors)
    errors.raise_if_any()
    existing = Quota.objects.filter(competition=competition, org=org, trade=trade).first()
    if number is None:
        if existing is not None:
            existing.delete()
        quota = None
    elif existing is not None:
        existing.places = number
        existing.save(update_fields=["places"])
        quota = existing
    else:
        quota = Quota.objects.create(competition=competition, org=org, trade=trade, places=number)
    _audit(
        competition,
        actor=actor,
        action=AuditAction.UPDATED,
        what="quota",
        unit=org.name,
        trade=trade.name if trade else "",
        places=number,
    )
    _promote_waiting(competition, actor)
    return quota


@dataclass(frozen=True)
class Registration:
    entry: Entry
    waiting: bool
    position: int  # place on the waiting list (0 when registered)
    message: str


def entry_validate(
    *, actor, competition: Competition, trade: Trade | None, member: Member | None, channel: str
) -> None:
    """Every reason a registration would be refused (writes nothing)."""
    errors = ErrorCollector()
    if not competition.is_personal:
        errors.add("__all__", "重点工程劳动竞赛以单位参赛，请添加参赛单位。")
    if member is None:
        errors.add("member", "请选择参赛会员。")
    else:
        if member.status != MemberStatus.ACTIVE:
            errors.add("member", f"{member.name}已退会，不能报名。")
        if actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, member.org):
            errors.add("member", "该会员不在您的管理范围内。")
        elif not covers(competition, member.org):
            errors.add("member", f"{member.name}所在工会不在本次竞赛的组织范围内。")
    if trade is None:
        errors.add("trade", "请选择工种。")
    elif not competition.trades.filter(pk=trade.pk).exists():
        errors.add("trade", "该工种不在本次竞赛中。")
    recording = competition.level in UPPER_LEVELS and channel != Channel.PORTAL
    if recording:
        if competition.status not in (CompetitionStatus.APPROVED, CompetitionStatus.RUNNING):
            errors.add("__all__", f"竞赛{competition.get_status_display()}，不能登记参赛人员。")
    elif not competition.registration_open_on(today()):
        errors.add("__all__", _not_open_message(competition))
    if channel == Channel.PORTAL and not competition.portal_open:
        errors.add("__all__", "本次竞赛不接受职工手机报名，请联系所在工会。")
    if member is not None and trade is not None:
        twice = (
            Entry.objects.filter(competition=competition, trade=trade, member=member)
            .exclude(status=EntryStatus.WITHDRAWN)
            .exists()
        )
        if twice:
            errors.add("member", f"{member.name}已报名本次竞赛的{trade.name}，不能重复报名。")
    errors.raise_if_any()


def _not_open_message(competition: Competition) -> str:
    if competition.registration_from is None:
        return "本次竞赛未设置报名时间，不能报名。"
    if competition.status not in (CompetitionStatus.APPROVED, CompetitionStatus.RUNNING):
        return f"竞赛{competition.get_status_display()}，不能报名。"
    day = today()
    if day < competition.registration_from:
        return f"报名尚未开始(报名时间 {competition.registration_from:%Y-%m-%d} 至 {competition.registration_until:%Y-%m-%d})。"
    return f"报名已于 {competition.registration_until:%Y-%m-%d} 截止，不能再报名。"


def waiting_position(entry: Entry) -> int:
    if entry.status != EntryStatus.WAITING:
        return 0
    return Entry.objects.filter(
        competition_id=entry.competition_id,
        status=EntryStatus.WAITING,
        registered_at__lte=entry.registered_at,
        id__lte=entry.id,
    ).count()


@transaction.atomic
def entry_register(
    *,
    actor,
    competition: Competition,
    trade: Trade | None,
    member: Member | None,
    channel: str = Channel.STAFF,
    username: str = "",
) -> Registration:
    """Register a member in a trade. Over a quota the entry goes on the waiting list (and
    says so). `actor` None: the member registering on the portal (channel portal), or
    the system (seeders)."""
    competition = _locked(competition)
    entry_validate(
        actor=actor, competition=competition, trade=trade, member=member, channel=channel
    )
    usage = _quota_usage(competition)
    full = _full(usage, trade.pk, member.org)
    status = EntryStatus.WAITING if full is not None else EntryStatus.REGISTERED
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                org=member.org,
                competition=competition,
                trade=trade,
                member=member,
                employer_id=member.employer_id,
                channel=channel,
                status=status,
            )
    except IntegrityError:
        raise ValidationFailed(
            f"{member.name}已报名本次竞赛的{trade.name}，不能重复报名。",
            fields={"member": [f"{member.name}已报名本次竞赛的{trade.name}，不能重复报名。"]},
        ) from None
    position = waiting_position(entry)
    _audit(
        entry,
        None,
        username,
        actor=actor,
        action=AuditAction.CREATED,
        what="competition_entry",
        competition=competition.code,
        trade=trade.name,
        channel=channel,
        status=status,
    )
    if full is not None:
        message = WAITING_MESSAGE.format(position=position)
    else:
        message = f"{member.name}已报名{competition.name}({trade.name})。"
    return Registration(entry, full is not None, position, message)


@transaction.atomic
def entry_withdraw(*, actor, entry: Entry, reason: str = "", username: str = "") -> Entry:
    """Withdraw an entry (before results are published); the waiting list moves up."""
    if actor is not None:
        _require(actor, entry.org)
    competition = _locked(entry.competition)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.WITHDRAWN:
        raise ValidationFailed("该报名已退出。")
    if competition.status not in (CompetitionStatus.APPROVED, CompetitionStatus.RUNNING):
        raise ValidationFailed(f"竞赛{competition.get_status_display()}，不能再退出。")
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationFailed(
            "原因不能超过 200 个字。", fields={"reason": ["原因不能超过 200 个字。"]}
        )
    was = entry.status
    entry.status = EntryStatus.WITHDRAWN
    entry.withdrawn_at = timezone.now()
    entry.withdraw_reason = reason
    entry.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
    _audit(
        entry,
        None,
        username,
        actor=actor,
        action=AuditAction.UPDATED,
        what="entry_withdraw",
        status=[was, EntryStatus.WITHDRAWN],
    )
    if was == EntryStatus.REGISTERED:
        _promote_waiting(competition, actor)
    if competition.status == CompetitionStatus.RUNNING:
        results_recompute([competition.pk])
    return entry


# --- scores -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    entry_id: int
    theory: object = None
    practical: object = None
    absent: bool = False


def scores_validate(
    *, actor, competition: Competition, trade: Trade | None, round: int | None, rows: list[ScoreRow]
) -> list[tuple[Entry, Decimal | None, Decimal | None, bool]]:
    """Check a round's scores of one trade (every problem at once; writes nothing).
    Fields are named `<entry id>-theory` / `<entry id>-practical`."""
    _require(actor, competition.org)
    errors = ErrorCollector()
    if competition.status != CompetitionStatus.RUNNING:
        errors.add(
            "__all__", f"竞赛“{competition.get_status_display()}”，只有进行中的竞赛可以录入成绩。"
        )
    if trade is None or not competition.trades.filter(pk=trade.pk).exists():
        errors.add("trade", "该工种不在本次竞赛中。")
    if not isinstance(round, int) or not 1 <= round <= competition.rounds:
        errors.add("round", f"轮次应在 1 到 {competition.rounds} 之间。")
    entries = {
        e.pk: e
        for e in Entry.objects.filter(
            competition=competition,
            trade=trade,
            status=EntryStatus.REGISTERED,
            pk__in=[r.entry_id for r in rows],
        ).select_related("member")
    }
    top = competition.score_max
    cleaned = []
    for row in rows:
        entry = entries.get(row.entry_id)
        if entry is None:
            errors.add("__all__", "成绩表中有不属于本工种的选手，请刷新后重新录入。")
            continue
        theory = decimal_value(
            row.theory,
            field=f"{entry.pk}-theory",
            label=f"{entry.member.name}的理论成绩",
            low=Decimal(0),
            high=top,
            errors=errors,
        )
        practical = decimal_value(
            row.practical,
            field=f"{entry.pk}-practical",
            label=f"{entry.member.name}的实操成绩",
            low=Decimal(0),
            high=top,
            errors=errors,
        )
        if theory is not None and not competition.uses_theory:
            errors.add(f"{entry.pk}-theory", "本次竞赛不计理论成绩。")
        if practical is not None and not competition.uses_practical:
            errors.add(f"{entry.pk}-practical", "本次竞赛不计实操成绩。")
        if row.absent and (theory is not None or practical is not None):
            errors.add(f"{entry.pk}-theory", f"{entry.member.name}已标记缺赛，不能同时填写成绩。")
        cleaned.append((entry, theory, practical, bool(row.absent)))
    errors.raise_if_any("成绩有误，请按提示修改；本次没有保存任何成绩。")
    return cleaned


@transaction.atomic
def scores_record(
    *, actor, competition: Competition, trade: Trade | None, round: int | None, rows: list[ScoreRow]
) -> int:
    """Save a round's scores for one trade (all or nothing) and recompute the ranks.
    A row with nothing filled in and not absent clears that round's score."""
    competition = _locked(competition)
    cleaned = scores_validate(
        actor=actor, competition=competition, trade=trade, round=round, rows=rows
    )
    existing = {
        s.entry_id: s for s in Score.objects.filter(entry__in=[e for e, *_ in cleaned], round=round)
    }
    now = timezone.now()
    create, update, clear = [], [], []
    for entry, theory, practical, absent in cleaned:
        score = existing.get(entry.pk)
        if theory is None and practical is None and not absent:
            if score is not None:
                clear.append(score.pk)
            continue
        if score is None:
            create.append(
                Score(
                    entry=entry,
                    round=round,
                    theory=theory,
                    practical=practical,
                    absent=absent,
                    entered_by=actor,
                    entered_at=now,
                )
            )
        elif (score.theory, score.practical, score.absent) != (theory, practical, absent):
            score.theory, score.practical, score.absent = theory, practical, absent
            score.entered_by, score.entered_at = actor, now
            update.append(score)
    Score.objects.bulk_create(create)
    Score.objects.bulk_update(update, ["theory", "practical", "absent", "entered_by", "entered_at"])
    Score.objects.filter(pk__in=clear).delete()
    _audit(
        competition,
        actor=actor,
        action=AuditAction.UPDATED,
        what="scores",
        trade=trade.name,
        round=round,
        rows=len(create) + len(update) + len(clear),
    )
    results_recompute([competition.pk])
    return len(create) + len(update) + len(clear)


# --- awards -------------------------------------------------------------------------------


@transaction.atomic
def award_grant(
    *, actor, entry: Entry, title: Title | None, grade_steps=0, note: str = ""
) -> Award:
    """Grant a title (one of the competition's configured titles) or a grade promotion by
    hand, e.g. a special prize the rules do not cover."""
    competition = entry.competition
    _require(actor, competition.org, Action.APPROVE)
    competition = _locked(competition)
    errors = ErrorCollector()
    if competition.status not in (CompetitionStatus.RUNNING, CompetitionStatus.SUMMARY):
        errors.add("__all__", f"竞赛{competition.get_status_display()}，不能授予称号。")
    if entry.status != EntryStatus.REGISTERED:
        errors.add("__all__", "该选手不在参赛名单中。")
    steps = _int(
        grade_steps or 0,
        field="grade_steps",
        label="技能等级晋升",
        low=0,
        high=MAX_GRADE_STEPS,
        errors=errors,
    )
    if title is None and not steps:
        errors.add("title", "请选择称号或填写技能等级晋升。")
    if title is not None and not competition.titles.filter(pk=title.pk).exists():
        errors.add("title", f"“{title.name}”不在本次竞赛可授予的称号中。")
    if title is not None and Award.objects.filter(entry=entry, title=title).exists():
        errors.add("title", f"该选手已获得“{title.name}”。")
    note = _text(note, field="note", label="说明", max_length=200, errors=errors)
    errors.raise_if_any()
    award = Award.objects.create(
        entry=entry,
        title=title,
        grade_steps=steps or 0,
        source=AwardSource.MANUAL,
        note=note,
        created_by=actor,
    )
    _audit(
        entry,
        actor=actor,
        action=AuditAction.APPROVED,
        what="award",
        title=title.name if title else "",
        grade_steps=steps or 0,
    )
    results_recompute([competition.pk])
    return award


@transaction.atomic
def award_remove(*, actor, award: Award) -> None:
    competition = award.entry.competition
    _require(actor, competition.org, Action.APPROVE)
    competition = _locked(competition)
    if award.source != AwardSource.MANUAL:
        raise ValidationFailed("按规则授予的称号随名次自动计算，不能单独删除。")
    if competition.status not in (CompetitionStatus.RUNNING, CompetitionStatus.SUMMARY):
        raise ValidationFailed(f"竞赛{competition.get_status_display()}，不能再修改称号。")
    entry = award.entry
    award.delete()
    _audit(entry, actor=actor, action=AuditAction.DELETED, what="award_remove")
    results_recompute([competition.pk])


# --- the county's trades, titles and title rules -------------------------------------------


@transaction.atomic
def trade_create(*, actor, county: Org, name: str, category: str = "") -> Trade:
    require_county_admin(actor, county)
    errors = ErrorCollector()
    name = _text(name, field="name", label="工种名称", max_length=50, errors=errors)
    category = _text(
        category, field="category", label="类别", max_length=30, errors=errors, required=False
    )
    if name and Trade.objects.filter(name=name).exists():
        errors.add("name", f"工种“{name}”已存在。")
    errors.raise_if_any()
    trade = Trade.objects.create(name=name, category=category)
    _audit(trade, county, actor=actor, action=AuditAction.CREATED, what="trade")
    return trade


@transaction.atomic
def title_create(*, actor, county: Org, name: str, description: str = "") -> Title:
    require_county_admin(actor, county)
    errors = ErrorCollector()
    name = _text(name, field="name", label="称号名称", max_length=30, errors=errors)
    description = _text(
        description,
        field="description",
        label="说明",
        max_length=200,
        errors=errors,
        required=False,
    )
    if name and Title.objects.filter(name=name).exists():
        errors.add("name", f"称号“{name}”已存在。")
    errors.raise_if_any()
    title = Title.objects.create(name=name, description=description)
    _audit(title, county, actor=actor, action=AuditAction.CREATED, what="title")
    return title


def title_rule_validate(*, actor, county: Org, **fields) -> dict:
    errors = ErrorCollector()
    cleaned = {
        "level": _choice(
            fields.get("level"), ContestLevel, field="level", label="竞赛级别", errors=errors
        ),
        "contest_class": _choice(
            fields.get("contest_class") or "",
            ContestClass,
            field="contest_class",
            label="竞赛类别",
            errors=errors,
            blank=True,
        ),
        "kind": _choice(
            fields.get("kind") or "",
            CompetitionKind,
            field="kind",
            label="竞赛类型",
            errors=errors,
            blank=True,
        ),
        "rank_from": _int(
            fields.get("rank_from", 1),
            field="rank_from",
            label="名次自",
            low=1,
            high=MAX_RANK,
            errors=errors,
        ),
        "rank_to": _int(
            fields.get("rank_to"),
            field="rank_to",
            label="名次至",
            low=1,
            high=MAX_RANK,
            errors=errors,
        ),
        "grade_steps": _int(
            fields.get("grade_steps") or 0,
            field="grade_steps",
            label="技能等级晋升",
            low=0,
            high=MAX_GRADE_STEPS,
            errors=errors,
        ),
        "title": fields.get("title"),
        "note": _text(
            fields.get("note"),
            field="note",
            label="说明",
            max_length=200,
            errors=errors,
            required=False,
        ),
    }
    if (
        cleaned["rank_from"] is not None
        and cleaned["rank_to"] is not None
        and cleaned["rank_to"] < cleaned["rank_from"]
    ):
        errors.add("rank_to", "名次至不能小于名次自。")
    if cleaned["title"] is None and not cleaned["grade_steps"]:
        errors.add("title", "请选择称号或填写技能等级晋升。")
    errors.raise_if_any()
    return cleaned


@transaction.atomic
def title_rule_create(*, actor, county: Org, **fields) -> TitleRule:
    """Add a rule of the county (its admins only). Competitions not yet commended pick it
    up at their next recompute."""
    require_county_admin(actor, county)
    cleaned = title_rule_validate(actor=actor, county=county, **fields)
    rule = TitleRule.objects.create(org=county, **cleaned)
    _audit(
        rule,
        actor=actor,
        action=AuditAction.CREATED,
        what="title_rule",
        level=rule.level,
        rank_from=rule.rank_from,
        rank_to=rule.rank_to,
        title=rule.title.name if rule.title else "",
        grade_steps=rule.grade_steps,
    )
    _recompute_county(county)
    return rule


@transaction.atomic
def title_rule_set_active(*, actor, rule: TitleRule, active: bool) -> TitleRule:
    require_county_admin(actor, rule.org)
    rule.is_active = bool(active)
    rule.save(update_fields=["is_active", "updated_at"])
    _audit(
        rule, actor=actor, action=AuditAction.UPDATED, what="title_rule", is_active=rule.is_active
    )
    _recompute_county(rule.org)
    return rule


def _recompute_county(county: Org) -> None:
    ids = list(
        Competition.objects.filter(
            county=county,
            status__in=(CompetitionStatus.RUNNING, CompetitionStatus.SUMMARY),
        ).values_list("pk", flat=True)
    )
    if ids:
        results_recompute(ids)


# --- project competitions -----------------------------------------------------------------


@transaction.atomic
def participant_add(
    *, actor, competition: Competition, enterprise: Enterprise | None, section: str = ""
) -> ProjectParticipant:
    _require(actor, competition.org)
    errors = ErrorCollector()
    if competition.kind != CompetitionKind.PROJECT:
        errors.add("__all__", "只有重点工程劳动竞赛登记参赛单位。")
    if competition.status in (
        CompetitionStatus.COMMENDED,
        CompetitionStatus.CANCELLED,
        CompetitionStatus.SUMMARY,
    ):
        errors.add("__all__", f"竞赛{competition.get_status_display()}，不能再添加参赛单位。")
    if enterprise is None:
        errors.add("enterprise", "请选择参赛单位。")
    elif not covers(competition, enterprise.org):
        errors.add("enterprise", f"{enterprise.name}不在本次竞赛的组织范围内。")
    section = _text(
        section, field="section", label="标段/项目部", max_length=100, errors=errors, required=False
    )
    if (
        enterprise is not None
        and ProjectParticipant.objects.filter(
            competition=competition, enterprise=enterprise, section=section
        ).exists()
    ):
        errors.add("enterprise", "该单位(标段)已参赛。")
    errors.raise_if_any()
    participant = ProjectParticipant.objects.create(
        org=enterprise.org, competition=competition, enterprise=enterprise, section=section
    )
    _audit(participant, actor=actor, action=AuditAction.CREATED, what="participant")
    return participant


@transaction.atomic
def project_scores_record(
    *, actor, participant: ProjectParticipant, period: datetime.date | None, scores: dict
) -> int:
    """A participant's scores for a period (the month of `period`), dimension by dimension
    (0–100); an empty value leaves the dimension out."""
    competition = participant.competition
    _require(actor, competition.org)
    errors = ErrorCollector()
    if competition.status != CompetitionStatus.RUNNING:
        errors.add("__all__", "只有进行中的竞赛可以录入考评得分。")
    if not isinstance(period, datetime.date):
        errors.add("period", "请填写考评期。")
    cleaned = {}
    for code, label in ProjectDimension.choices:
        value = decimal_value(
            scores.get(code),
            field=code,
            label=label,
            low=Decimal(0),
            high=Decimal(100),
            errors=errors,
        )
        if value is not None:
            cleaned[code] = value
    unknown = set(scores) - set(ProjectDimension.values)
    if unknown:
        errors.add("__all__", "考评项目不正确。")
    if not cleaned and not errors.fields:
        errors.add("__all__", "请至少填写一项得分。")
    errors.raise_if_any()
    month = period.replace(day=1)
    for code, value in cleaned.items():
        ProjectScore.objects.update_or_create(
            participant=participant, period=month, dimension=code, defaults={"score": value}
        )
    _audit(
        participant,
        actor=actor,
        action=AuditAction.UPDATED,
        what="project_scores",
        period=month.isoformat(),
        rows=len(cleaned),
    )
    return len(cleaned)
