"""API of competitions: /api/v1/workforce/competitions (scoped; people by name and member
card number only — never an ID number or phone)."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.errors import PermissionDenied, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, org_in_scope
from gonghui.orgs.models import Org
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE, Channel, ContestLevel
from gonghui.workforce.competitions import selectors, services
from gonghui.workforce.competitions.models import (
    CompetitionKind,
    CompetitionStatus,
    ContestClass,
    Entry,
    EntryStatus,
    MissingRound,
    ProjectDimension,
    RoundRule,
    Title,
    Trade,
)
from gonghui.workforce.county import NOT_COUNTY_ADMIN, settings_county

router = Router(tags=["产业工人：竞赛"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class NamedRef(Schema):
    id: int
    name: str


class CompetitionOut(Schema):
    id: int
    code: str = Field(description="竞赛编号")
    name: str
    kind: CompetitionKind
    level: ContestLevel
    contest_class: ContestClass
    status: CompetitionStatus = Field(
        description="plan 计划 / approved 已立项 / running 进行中 / summary 成绩已公布 / commended 已表彰 / cancelled 已撤销"
    )
    org: OrgRef = Field(description="组织(或登记)单位")
    organiser_name: str
    theme: str
    starts_on: date
    ends_on: date
    registration_from: date | None
    registration_until: date | None
    portal_open: bool
    trades: list[NamedRef]
    titles: list[NamedRef] = Field(description="可授予的称号")
    theory_weight: int
    practical_weight: int
    rounds: int
    round_rule: RoundRule
    missing_round: MissingRound
    score_max: Decimal
    version: int

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_trades(obj):
        return [{"id": t.pk, "name": t.name} for t in obj.trades.all()]

    @staticmethod
    def resolve_titles(obj):
        return [{"id": t.pk, "name": t.name} for t in obj.titles.all()]


class CompetitionPage(Schema):
    items: list[CompetitionOut]
    next_cursor: str | None


class CompetitionFilters(Schema):
    q: str = ""
    kind: CompetitionKind | None = None
    level: ContestLevel | None = None
    status: CompetitionStatus | None = None
    year: int | None = None


class CompetitionIn(_Strict):
    org_id: int = Field(description="组织单位(须在您的编辑范围内)")
    name: str = Field(max_length=150)
    kind: CompetitionKind
    level: ContestLevel
    contest_class: ContestClass = ContestClass.OTHER
    theme: str = Field("", max_length=100)
    organiser_name: str = Field("", max_length=150)
    starts_on: date
    ends_on: date
    registration_from: date | None = None
    registration_until: date | None = None
    portal_open: bool = False
    trade_ids: list[int] = []
    title_ids: list[int] | None = Field(None, description="不传：按县级规则自动选取")
    theory_weight: int = 100
    practical_weight: int = 0
    rounds: int = 1
    round_rule: RoundRule = RoundRule.SUM
    missing_round: MissingRound = MissingRound.EXCLUDE
    score_max: Decimal = Decimal(100)
    description: str = Field("", max_length=5000)


class CompetitionPatch(_Strict):
    version: int = Field(description="读取时的版本号；他人已修改时返回 409 stale_version")
    name: str | None = Field(None, max_length=150)
    kind: CompetitionKind | None = None
    level: ContestLevel | None = None
    contest_class: ContestClass | None = None
    theme: str | None = Field(None, max_length=100)
    organiser_name: str | None = Field(None, max_length=150)
    starts_on: date | None = None
    ends_on: date | None = None
    registration_from: date | None = None
    registration_until: date | None = None
    portal_open: bool | None = None
    trade_ids: list[int] | None = Field(None, description="不传：工种不变")
    title_ids: list[int] | None = Field(None, description="不传：称号不变")
    theory_weight: int | None = None
    practical_weight: int | None = None
    rounds: int | None = None
    round_rule: RoundRule | None = None
    missing_round: MissingRound | None = None
    score_max: Decimal | None = None
    description: str | None = Field(None, max_length=5000)


class StepIn(_Strict):
    step: str = Field(
        description="approve 立项 / start 开始 / publish 公布成绩 / reopen 撤回公布 / commend 表彰 / cancel 撤销"
    )
    note: str = Field("", max_length=200)


class AwardOut(Schema):
    id: int
    title: str | None
    grade_steps: int
    source: str


class EntryOut(Schema):
    id: int
    trade: NamedRef
    member: NamedRef
    card_number: str
    org: OrgRef
    status: EntryStatus
    channel: Channel
    total: Decimal | None
    rank: int | None
    tied: bool
    rounds_scored: int
    note: str = Field(description="未排名的原因(缺赛等)")
    awards: list[AwardOut]
    registered_at: datetime


class RegisterIn(_Strict):
    trade_id: int
    member: str = Field(description="会员卡号或身份证号")


class RegisterOut(Schema):
    entry_id: int
    waiting: bool
    position: int = Field(description="候补名单中的位置；已报名为 0")
    message: str


class ScoreIn(_Strict):
    entry_id: int
    theory: Decimal | None = None
    practical: Decimal | None = None
    absent: bool = False


class ScoresIn(_Strict):
    trade_id: int
    round: int
    rows: list[ScoreIn]


class ScoresOut(Schema):
    changed: int


def _entry_out(entry) -> dict:
    return {
        "id": entry.pk,
        "trade": {"id": entry.trade_id, "name": entry.trade.name},
        "member": {"id": entry.member_id, "name": entry.member.name},
        "card_number": entry.member.card_number,
        "org": {"id": entry.org_id, "name": entry.org.name},
        "status": entry.status,
        "channel": entry.channel,
        "total": entry.total,
        "rank": entry.rank,
        "tied": entry.is_tied,
        "rounds_scored": entry.rounds_scored,
        "note": entry.missing_note,
        "awards": [
            {
                "id": a.pk,
                "title": a.title.name if a.title else None,
                "grade_steps": a.grade_steps,
                "source": a.source,
            }
            for a in entry.award_list
        ],
        "registered_at": entry.registered_at,
    }


@router.get("", response={200: CompetitionPage, **errors(403, 422)}, summary="竞赛列表")
def competition_list(request, filters: Query[CompetitionFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.competition_list(
        request.auth,
        q=filters.q,
        kind=filters.kind.value if filters.kind else "",
        level=filters.level.value if filters.level else "",
        status=filters.status.value if filters.status else "",
        year=filters.year,
    ).prefetch_related("trades", "titles")
    return paginate(rows, page, descending=True)


@router.get("/{pk:id}", response={200: CompetitionOut, **errors(403, 404)}, summary="竞赛详情")
def competition_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.competition_get(request.auth, id)


@router.post("", response={201: CompetitionOut, **errors(403, 404, 422)}, summary="新建竞赛(计划)")
def competition_create(request, payload: CompetitionIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = payload.model_dump()
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    trades = list(Trade.objects.filter(pk__in=data.pop("trade_ids")))
    title_ids = data.pop("title_ids")
    titles = list(Title.objects.filter(pk__in=title_ids)) if title_ids is not None else None
    data = {k: getattr(v, "value", v) for k, v in data.items()}
    competition = services.competition_create(
        actor=user, org=org, trades=trades, titles=titles, **data
    )
    return Status(201, selectors.competition_get(user, competition.pk))


@router.patch(
    "/{pk:id}",
    response={200: CompetitionOut, **errors(403, 404, 409, 422)},
    summary="修改竞赛",
    description="只改所给的字段(报名日期可传 null 清空)；成绩公布后不能改计分方式；"
    "已有选手报名的工种不能删除。",
)
def competition_update(request, id: int, payload: CompetitionPatch):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    competition = selectors.competition_get(user, id, Action.EDIT)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    trade_ids, title_ids = data.pop("trade_ids", None), data.pop("title_ids", None)
    nullable = {"registration_from", "registration_until"}
    data = {k: getattr(v, "value", v) for k, v in data.items() if v is not None or k in nullable}
    services.competition_update(
        actor=user,
        competition=competition,
        version=version,
        trades=list(Trade.objects.filter(pk__in=trade_ids)) if trade_ids is not None else None,
        titles=list(Title.objects.filter(pk__in=title_ids)) if title_ids is not None else None,
        **data,
    )
    return selectors.competition_get(user, id)


@router.post(
    "/{pk:id}/steps",
    response={200: CompetitionOut, **errors(403, 404, 422)},
    summary="竞赛办理(立项、开始、公布成绩、撤回公布、表彰、撤销)",
    description="立项、公布、撤回、表彰、撤销须有审批权限；开始比赛须有编辑权限。",
)
def competition_step(request, id: int, payload: StepIn):
    user = request.auth
    if payload.step not in services.STEPS:
        raise ValidationFailed("未知的操作。", fields={"step": ["未知的操作。"]})
    action = services.STEPS[payload.step].action
    require(user, MODULE, action)
    competition = selectors.competition_get(user, id, action)
    services.competition_transition(
        actor=user, competition=competition, step=payload.step, note=payload.note
    )
    return selectors.competition_get(user, id)


@router.get(
    "/{pk:id}/results",
    response={200: list[EntryOut], **errors(403, 404)},
    summary="报名与成绩(按工种、名次)",
    description="组织单位看到全部选手；其他单位只看到本单位范围内的选手。并列名次 tied 为 true。",
)
def competition_results(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    competition = selectors.competition_get(request.auth, id)
    return [
        _entry_out(e)
        for block in selectors.results_by_trade(request.auth, competition)
        for e in block["entries"]
    ]


@router.post(
    "/{pk:id}/entries",
    response={201: RegisterOut, **errors(403, 404, 422)},
    summary="登记报名",
    description="在报名时间内登记；超出单位名额的列入候补名单(waiting 为 true)。",
)
def entry_register(request, id: int, payload: RegisterIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    competition = selectors.competition_get(user, id)
    trade = competition.trades.filter(pk=payload.trade_id).first()
    try:
        member = lookups.member_find(user, payload.member, action=Action.EDIT)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={"member": [exc.message]}) from None
    result = services.entry_register(
        actor=user, competition=competition, trade=trade, member=member
    )
    return Status(
        201,
        {
            "entry_id": result.entry.pk,
            "waiting": result.waiting,
            "position": result.position,
            "message": result.message,
        },
    )


@router.post(
    "/{pk:id}/scores",
    response={200: ScoresOut, **errors(403, 404, 422)},
    summary="录入一个工种一轮的成绩",
    description="全部成绩无误才保存(有错误时一条也不保存，字段名为“选手报名编号-theory/practical”)；保存后重新计算名次。",
)
def scores_record(request, id: int, payload: ScoresIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    competition = selectors.competition_get(user, id, Action.EDIT)
    trade = competition.trades.filter(pk=payload.trade_id).first()
    if trade is None:
        raise Http404
    changed = services.scores_record(
        actor=user,
        competition=competition,
        trade=trade,
        round=payload.round,
        rows=[services.ScoreRow(r.entry_id, r.theory, r.practical, r.absent) for r in payload.rows],
    )
    return {"changed": changed}


class WithdrawIn(_Strict):
    reason: str = Field("", max_length=200)


class AwardIn(_Strict):
    title_id: int | None = Field(None, description="本次竞赛可授予的称号之一")
    grade_steps: int = Field(0, ge=0, le=3, description="技能等级晋升(级)")
    note: str = Field(max_length=200, description="授予说明(如特别奖)")


@router.post(
    "/entries/{pk:id}/withdraw",
    response={200: EntryOut, **errors(403, 404, 422)},
    summary="选手退出",
    description="已报名的选手退出后，候补名单按报名先后递补。",
)
def entry_withdraw(request, id: int, payload: WithdrawIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    entry = selectors.entry_get(user, id, Action.EDIT)
    services.entry_withdraw(actor=user, entry=entry, reason=payload.reason)
    return _entry_after(user, entry)


@router.post(
    "/entries/{pk:id}/awards",
    response={201: EntryOut, **errors(403, 404, 422)},
    summary="人工授予称号或技能等级晋升",
    description="规则未涵盖的授予(如特别奖)；称号须在本次竞赛可授予的称号中，写入个人荣誉台账。",
)
def award_grant(request, id: int, payload: AwardIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    entry = selectors.entry_get(user, id, Action.VIEW)
    if not org_in_scope(user, MODULE, Action.APPROVE, entry.competition.org):
        raise Http404
    title = Title.objects.filter(pk=payload.title_id).first() if payload.title_id else None
    if payload.title_id and title is None:
        raise ValidationFailed("称号不存在。", fields={"title_id": ["称号不存在。"]})
    services.award_grant(
        actor=user, entry=entry, title=title, grade_steps=payload.grade_steps, note=payload.note
    )
    return Status(201, _entry_after(user, entry))


def _entry_after(user, entry) -> dict:
    """The entry as the results list shows it after the change."""
    for block in selectors.results_by_trade(user, entry.competition, trade_id=entry.trade_id):
        for row in block["entries"]:
            if row.pk == entry.pk:
                return _entry_out(row)
    fresh = Entry.objects.select_related("trade", "member", "org").get(pk=entry.pk)
    fresh.is_tied, fresh.missing_note, fresh.award_list = False, "", []
    return _entry_out(fresh)


@router.delete(
    "/awards/{pk:id}",
    response={204: None, **errors(403, 404, 422)},
    summary="撤销人工授予的称号或晋级",
    description="只能撤销人工授予的(按规则授予的随名次自动计算)；竞赛进行中或成绩公布后、表彰前可撤销。",
)
def award_remove(request, id: int):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    award = selectors.award_get(user, id, Action.APPROVE)
    services.award_remove(actor=user, award=award)
    return Status(204, None)


# --- quotas per unit ------------------------------------------------------------------------


class QuotaOut(Schema):
    id: int
    org: OrgRef = Field(description="单位(含下级)")
    trade: NamedRef | None = Field(description="工种；为空表示全部工种合计")
    places: int
    taken: int = Field(description="已占名额(已报名)")


class QuotaIn(_Strict):
    org_id: int = Field(description="单位(含下级)，须在本次竞赛的组织范围内")
    trade_id: int | None = Field(None, description="工种；不传为全部工种合计")
    places: int | None = Field(description="名额；null 删除该名额限制")


def _quotas(competition) -> list[dict]:
    return [
        {
            "id": row["quota"].pk,
            "org": {"id": row["quota"].org_id, "name": row["quota"].org.name},
            "trade": {"id": row["quota"].trade_id, "name": row["quota"].trade.name}
            if row["quota"].trade_id
            else None,
            "places": row["quota"].places,
            "taken": row["taken"],
        }
        for row in selectors.quotas_of(competition)
    ]


@router.get(
    "/{pk:id}/quotas",
    response={200: list[QuotaOut], **errors(403, 404)},
    summary="各单位名额",
    description="组织单位的编辑人员可见。",
)
def quota_list(request, id: int):
    require(request.auth, MODULE, Action.EDIT)
    return _quotas(selectors.competition_get(request.auth, id, Action.EDIT))


@router.post(
    "/{pk:id}/quotas",
    response={200: list[QuotaOut], **errors(403, 404, 422)},
    summary="设置单位名额",
    description="设置(或以 null 删除)一个单位在一个工种或全部工种的名额；增加名额后候补名单按报名先后递补。",
)
def quota_set(request, id: int, payload: QuotaIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    competition = selectors.competition_get(user, id, Action.EDIT)
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.VIEW, pk=payload.org_id)
    trade = None
    if payload.trade_id is not None:
        trade = competition.trades.filter(pk=payload.trade_id).first()
        if trade is None:
            raise ValidationFailed(
                "该工种不在本次竞赛中。", fields={"trade_id": ["该工种不在本次竞赛中。"]}
            )
    services.quota_set(
        actor=user, competition=competition, org=org, trade=trade, places=payload.places
    )
    return _quotas(competition)


# --- project competitions: participants and their periodic scores --------------------------


class PeriodOut(Schema):
    period: date = Field(description="考评期(月份的第一天)")
    scores: dict[ProjectDimension, Decimal] = Field(description="{考评项目: 得分}")
    mean: Decimal


class ParticipantOut(Schema):
    id: int
    enterprise: OrgRef = Field(description="参赛单位 {id, name}")
    section: str = Field(description="标段/项目部")
    rank: int | None = Field(description="按各期平均分排名(并列同名次)；无得分为空")
    mean: Decimal | None
    periods: list[PeriodOut]


class ParticipantIn(_Strict):
    enterprise: str = Field(description="参赛单位：统一社会信用代码或全称")
    section: str = Field("", max_length=100, description="标段/项目部")


class ProjectScoresIn(_Strict):
    period: date = Field(description="考评期(按所在月份记)")
    scores: dict[str, Decimal | None] = Field(
        description="{考评项目: 得分(0–100)}；考评项目：" + "、".join(ProjectDimension.values)
    )


def _standing(row) -> dict:
    participant = row["participant"]
    return {
        "id": participant.pk,
        "enterprise": {"id": participant.enterprise_id, "name": participant.enterprise.name},
        "section": participant.section,
        "rank": row["rank"],
        "mean": row["mean"],
        "periods": [
            {"period": p["period"], "scores": p["scores"], "mean": p["mean"]}
            for p in row["periods"]
        ],
    }


def _standing_of(user, competition, participant_id: int) -> dict:
    rows = selectors.project_standings(user, competition)
    return _standing(next(r for r in rows if r["participant"].pk == participant_id))


@router.get(
    "/{pk:id}/participants",
    response={200: list[ParticipantOut], **errors(403, 404)},
    summary="重点工程劳动竞赛的参赛单位与考评得分",
    description="组织单位看到全部参赛单位；其他单位只看到本单位范围内的。按平均分排名。",
)
def participant_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    competition = selectors.competition_get(request.auth, id)
    return [_standing(r) for r in selectors.project_standings(request.auth, competition)]


@router.post(
    "/{pk:id}/participants",
    response={201: ParticipantOut, **errors(403, 404, 422)},
    summary="添加参赛单位",
    description="只有重点工程劳动竞赛登记参赛单位；同一单位(标段)只参赛一次。",
)
def participant_add(request, id: int, payload: ParticipantIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    competition = selectors.competition_get(user, id, Action.EDIT)
    try:
        enterprise = lookups.enterprise_find(user, payload.enterprise)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={"enterprise": [exc.message]}) from None
    participant = services.participant_add(
        actor=user, competition=competition, enterprise=enterprise, section=payload.section
    )
    return Status(201, _standing_of(user, competition, participant.pk))


@router.post(
    "/participants/{pk:id}/scores",
    response={200: ParticipantOut, **errors(403, 404, 422)},
    summary="录入(或修改)参赛单位一期的考评得分",
    description="进行中的竞赛按月录入；同一期同一项目再次录入即修改。",
)
def project_scores_record(request, id: int, payload: ProjectScoresIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    participant = selectors.participant_get(user, id, Action.EDIT)
    services.project_scores_record(
        actor=user, participant=participant, period=payload.period, scores=payload.scores
    )
    return _standing_of(user, participant.competition, participant.pk)


# --- the county's trades, titles and title rules (规则设置; county admins change them) -------


class TradeOut(Schema):
    id: int
    name: str
    category: str


class TradeIn(_Strict):
    county_id: int | None = Field(None, description="县总工会(管理多个县时选择；不传为第一个)")
    name: str = Field(max_length=50)
    category: str = Field("", max_length=30)


class TitleOut(Schema):
    id: int
    name: str
    description: str


class TitleIn(_Strict):
    county_id: int | None = Field(None, description="县总工会(管理多个县时选择；不传为第一个)")
    name: str = Field(max_length=30)
    description: str = Field("", max_length=200)


class TitleRuleOut(Schema):
    id: int
    level: ContestLevel
    contest_class: str = Field(description="竞赛类别；为空表示不限")
    kind: str = Field(description="竞赛类型；为空表示不限")
    rank_from: int
    rank_to: int
    title: NamedRef | None
    grade_steps: int
    is_active: bool
    note: str

    @staticmethod
    def resolve_title(obj):
        return {"id": obj.title_id, "name": obj.title.name} if obj.title_id else None


class TitleRulesOut(Schema):
    county: OrgRef | None = Field(description="规则所属的县总工会")
    editable: bool = Field(description="您是否可以修改(县总工会管理员)")
    rules: list[TitleRuleOut]


class TitleRuleIn(_Strict):
    county_id: int | None = Field(None, description="县总工会(管理多个县时选择；不传为第一个)")
    level: ContestLevel
    contest_class: ContestClass | None = Field(None, description="不传：不限")
    kind: CompetitionKind | None = Field(None, description="不传：不限")
    rank_from: int = 1
    rank_to: int
    title_id: int | None = Field(None, description="授予的称号；不传：只晋升等级")
    grade_steps: int = Field(0, description="技能等级晋升(级)")
    note: str = Field("", max_length=200)


class RuleActiveIn(_Strict):
    county_id: int | None = None
    is_active: bool


def _administered(user, county_id):
    county, editable, _counties = settings_county(user, county_id)
    if county is None or not editable:
        raise PermissionDenied(NOT_COUNTY_ADMIN)
    return county


def _title_rules(user, county_id) -> dict:
    county, editable, _counties = settings_county(user, county_id)
    return {
        "county": {"id": county.pk, "name": county.name} if county is not None else None,
        "editable": editable,
        "rules": list(selectors.title_rules(county)) if county is not None else [],
    }


@router.get("/trades", response={200: list[TradeOut], **errors(403)}, summary="工种(启用的)")
def trade_list(request):
    require(request.auth, MODULE, Action.VIEW)
    return list(selectors.trade_choices())


@router.post(
    "/trades",
    response={201: TradeOut, **errors(403, 422)},
    summary="新增工种",
    description="只有县总工会管理员可以新增；工种名称全系统唯一。",
)
def trade_create(request, payload: TradeIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    trade = services.trade_create(
        actor=user,
        county=_administered(user, payload.county_id),
        name=payload.name,
        category=payload.category,
    )
    return Status(201, trade)


@router.get("/titles", response={200: list[TitleOut], **errors(403)}, summary="称号(启用的)")
def title_list(request):
    require(request.auth, MODULE, Action.VIEW)
    return list(selectors.title_choices())


@router.post(
    "/titles",
    response={201: TitleOut, **errors(403, 422)},
    summary="新增称号",
    description="只有县总工会管理员可以新增；称号名称全系统唯一。",
)
def title_create(request, payload: TitleIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    title = services.title_create(
        actor=user,
        county=_administered(user, payload.county_id),
        name=payload.name,
        description=payload.description,
    )
    return Status(201, title)


@router.get(
    "/title-rules",
    response={200: TitleRulesOut, **errors(403, 422)},
    summary="称号与等级晋升规则(县总工会设置)",
)
def title_rule_list(request, county_id: int | None = None):
    require(request.auth, MODULE, Action.VIEW)
    return _title_rules(request.auth, county_id)


@router.post(
    "/title-rules",
    response={201: TitleRulesOut, **errors(403, 422)},
    summary="新增称号与等级晋升规则",
    description="只有县总工会管理员可以设置；尚未表彰的竞赛按新规则重新计算。",
)
def title_rule_create(request, payload: TitleRuleIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county = _administered(user, payload.county_id)
    title = None
    if payload.title_id is not None:
        title = Title.objects.filter(pk=payload.title_id).first()
        if title is None:
            raise ValidationFailed("称号不存在。", fields={"title_id": ["称号不存在。"]})
    services.title_rule_create(
        actor=user,
        county=county,
        level=payload.level.value,
        contest_class=payload.contest_class.value if payload.contest_class else "",
        kind=payload.kind.value if payload.kind else "",
        rank_from=payload.rank_from,
        rank_to=payload.rank_to,
        title=title,
        grade_steps=payload.grade_steps,
        note=payload.note,
    )
    return Status(201, _title_rules(user, county.pk))


@router.post(
    "/title-rules/{pk:id}/active",
    response={200: TitleRulesOut, **errors(403, 404, 422)},
    summary="启用或停用称号规则",
    description="只有县总工会管理员可以设置；尚未表彰的竞赛按新规则重新计算。",
)
def title_rule_set_active(request, id: int, payload: RuleActiveIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county = _administered(user, payload.county_id)
    rule = selectors.title_rules(county).filter(pk=id).first()
    if rule is None:
        raise Http404
    services.title_rule_set_active(actor=user, rule=rule, active=payload.is_active)
    return _title_rules(user, county.pk)
