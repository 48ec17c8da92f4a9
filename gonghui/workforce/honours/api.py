"""API of the honours ledger: /api/v1/workforce/honours (search) and one member's ledger."""

import datetime
from datetime import date

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE, ContestLevel
from gonghui.workforce.competitions.models import Title, Trade
from gonghui.workforce.honours import selectors, services
from gonghui.workforce.honours.models import RECORDED_KINDS, HonourKind
from gonghui.workforce.pioneers.prechecks import prechecks_for
from gonghui.workforce.pioneers.selectors import team_scoped

router = Router(tags=["产业工人：荣誉台账"])


class HonourOut(Schema):
    id: int
    kind: HonourKind
    name: str
    level: ContestLevel
    year: int
    awarded_on: date
    holder: str = Field(description="获得者(个人姓名、班组或单位名称)")
    member_id: int | None
    team_id: int | None
    enterprise_id: int | None
    title: str | None
    trade: str | None
    grade_steps: int
    issuer: str
    source: str = Field(
        description="来源：award 竞赛 / nomination 推荐 / excellent_team 优秀班组 / innovation 五小 / recorded 登记"
    )
    revoked: bool

    @staticmethod
    def resolve_holder(obj):
        return obj.holder_name

    @staticmethod
    def resolve_title(obj):
        return obj.title.name if obj.title_id else None

    @staticmethod
    def resolve_trade(obj):
        return obj.trade.name if obj.trade_id else None

    @staticmethod
    def resolve_source(obj):
        for field in ("award", "nomination", "excellent_team", "innovation"):
            if getattr(obj, f"{field}_id"):
                return field
        return "recorded"


class HonourPage(Schema):
    items: list[HonourOut]
    next_cursor: str | None


class HonourFilters(Schema):
    q: str = Field("", description="姓名、班组、单位或荣誉名称包含")
    kind: HonourKind | None = None
    title_id: int | None = None
    trade_id: int | None = None
    level: ContestLevel | None = None
    year: int | None = None


class EntryLine(Schema):
    competition: OrgRef
    trade: str
    total: str | None
    rank: int | None
    status: str


class LedgerOut(Schema):
    member: OrgRef
    card_number: str
    honours: list[HonourOut]
    contests: list[EntryLine]
    studios: list[str]
    as_master: int = Field(description="作为师傅的师徒协议数")
    as_apprentice: int


@router.get(
    "",
    response={200: HonourPage, **errors(403, 422)},
    summary="荣誉台账查询",
    description="例如查询焊工中的技术能手：title_id=技术能手的编号&trade_id=焊工的编号。",
)
def honour_search(request, filters: Query[HonourFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.honour_search(
        request.auth,
        q=filters.q,
        kind=filters.kind.value if filters.kind else "",
        title=filters.title_id,
        trade=filters.trade_id,
        level=filters.level.value if filters.level else "",
        year=filters.year,
    )
    return paginate(rows, page, descending=True)


@router.get(
    "/members/{pk:id}", response={200: LedgerOut, **errors(403, 404)}, summary="个人荣誉台账"
)
def member_ledger(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    data = selectors.member_ledger(request.auth, id)
    member = data["member"]
    return {
        "member": {"id": member.pk, "name": member.name},
        "card_number": member.card_number,
        "honours": data["honours"],
        "contests": [
            {
                "competition": {"id": e.competition_id, "name": e.competition.name},
                "trade": e.trade.name,
                "total": str(e.total) if e.total is not None else None,
                "rank": e.rank,
                "status": e.status,
            }
            for e in data["entries"]
        ],
        "studios": [f"{s.studio.name}({s.get_role_display()})" for s in data["studios"]],
        "as_master": len(data["as_master"]),
        "as_apprentice": len(data["as_apprentice"]),
    }


class HonourIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: HonourKind = Field(
        description="medal 五一劳动奖章 / model_worker 劳模 / craftsman 工匠 / pioneer 工人先锋号 / title 称号 / other 其他"
    )
    name: str = Field(max_length=200, description="如：2025 年度浙江省五一劳动奖章")
    level: ContestLevel
    awarded_on: date
    issuer: str = Field("", max_length=150, description="授予单位")
    note: str = Field("", max_length=200)
    member: str | None = Field(None, description="个人：会员卡号或身份证号(三者选一)")
    team_id: int | None = Field(None, description="班组(三者选一)")
    enterprise: str | None = Field(None, description="单位：统一社会信用代码或全称(三者选一)")
    title_id: int | None = None
    trade_id: int | None = None


def _lookup(field: str, find, user, text):
    if not text:
        return None
    try:
        return find(user, text, action=Action.EDIT)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={field: [exc.message]}) from None


@router.post(
    "",
    response={201: HonourOut, **errors(403, 404, 422)},
    summary="记录在外获得的荣誉",
    description="上级授予的劳模、五一劳动奖章、工匠等；竞赛称号、工人先锋号、优秀班组、五小奖项由相应记录自动写入。",
)
def honour_record(request, payload: HonourIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    if payload.kind not in RECORDED_KINDS:
        raise ValidationFailed(
            "该类荣誉由业务记录自动写入，不能在此记录。",
            fields={"kind": ["该类荣誉不能在此记录。"]},
        )
    team = None
    if payload.team_id is not None:
        team = team_scoped(user, Action.EDIT).filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationFailed(
                "班组不存在或不在您的范围内。", fields={"team_id": ["班组不存在或不在您的范围内。"]}
            )
    honour = services.honour_record(
        actor=user,
        kind=payload.kind.value,
        name=payload.name,
        level=payload.level.value,
        awarded_on=payload.awarded_on,
        issuer=payload.issuer,
        note=payload.note,
        member=_lookup("member", lookups.member_find, user, payload.member),
        team=team,
        enterprise=_lookup("enterprise", lookups.enterprise_find, user, payload.enterprise),
        title=Title.objects.filter(pk=payload.title_id).first() if payload.title_id else None,
        trade=Trade.objects.filter(pk=payload.trade_id).first() if payload.trade_id else None,
    )
    return Status(201, selectors.honour_get(user, honour.pk))


class RevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=200, description="撤销原因")


@router.post(
    "/{pk:id}/revoke",
    response={200: HonourOut, **errors(403, 404, 422)},
    summary="撤销登记的荣誉",
    description="只能撤销在此登记的荣誉(如上级授予的劳模、奖章)；来自竞赛、推荐等业务记录的在原记录中处理。"
    "撤销后台账中保留并注明原因。",
)
def honour_revoke(request, id: int, payload: RevokeIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    honour = selectors.honour_get(user, id, Action.APPROVE)
    services.honour_revoke(actor=user, honour=honour, reason=payload.reason)
    return selectors.honour_get(user, id)


# --- a team's and an employer's ledger ------------------------------------------------------


class Line(Schema):
    """One linked record in a ledger: its id, what it is and where it stands."""

    id: int
    year: int | None = None
    name: str
    status: str = Field(description="状态(中文)")


class TrainingLine(Schema):
    id: int
    held_on: date
    topic: str
    trainer: str
    attendees: int


class TeamInfo(Schema):
    id: int
    name: str
    kind: str = Field(description="crew 班组 / office 科室 / window 窗口 / project 项目部")
    enterprise: OrgRef
    org: OrgRef
    leader_name: str
    headcount: int
    is_active: bool


class TeamLedgerOut(Schema):
    team: TeamInfo
    honours: list[HonourOut]
    nominations: list[Line] = Field(description="荣誉推荐(工人先锋号等)")
    excellent: list[Line] = Field(description="优秀班组评选")
    trainings: list[TrainingLine] = Field(description="班组培训(近 50 次)")
    innovations: list[Line] = Field(description="五小成果")


class CheckOut(Schema):
    code: str
    label: str
    status: str = Field(description="passed 通过 / failed 不通过 / not_checked 未核查")
    detail: str


class IncidentLine(Schema):
    id: int
    kind: str
    kind_label: str
    occurred_on: date
    description: str


class EnterpriseLedgerOut(Schema):
    enterprise: OrgRef
    credit_code: str
    org: OrgRef = Field(description="覆盖工会")
    honours: list[HonourOut] = Field(description="单位、班组和职工的荣誉(最近 500 项)")
    teams: list[OrgRef]
    studios: list[Line] = Field(description="创新工作室(status 为命名级别)")
    projects: list[OrgRef] = Field(description="参加的重点工程劳动竞赛")
    checks: list[CheckOut] = Field(description="单位情况核查(今天)")
    incidents: list[IncidentLine] = Field(description="不良记录")


def _ref(obj) -> dict:
    return {"id": obj.pk, "name": obj.name}


@router.get(
    "/teams/{pk:id}", response={200: TeamLedgerOut, **errors(403, 404)}, summary="班组荣誉台账"
)
def team_ledger(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    data = selectors.team_ledger(request.auth, id)
    team = data["team"]
    return {
        "team": {
            "id": team.pk,
            "name": team.name,
            "kind": team.kind,
            "enterprise": _ref(team.enterprise),
            "org": _ref(team.org),
            "leader_name": team.leader_name,
            "headcount": team.headcount,
            "is_active": team.is_active,
        },
        "honours": data["honours"],
        "nominations": [
            {
                "id": n.pk,
                "year": n.year,
                "name": f"{n.get_level_display()}{n.get_kind_display()}",
                "status": n.get_status_display(),
            }
            for n in data["nominations"]
        ],
        "excellent": [
            {
                "id": e.pk,
                "year": e.year,
                "name": f"{e.get_level_display()}优秀班组",
                "status": e.get_status_display(),
            }
            for e in data["excellent"]
        ],
        "trainings": data["trainings"],
        "innovations": [
            {
                "id": i.pk,
                "year": i.year,
                "name": i.title,
                "status": i.get_status_display()
                + (f"：{i.get_award_display()}" if i.award else ""),
            }
            for i in data["innovations"]
        ],
    }


@router.get(
    "/enterprises/{pk:id}",
    response={200: EnterpriseLedgerOut, **errors(403, 404)},
    summary="用人单位荣誉台账",
    description="单位及其班组、职工的荣誉，创新工作室，重点工程竞赛，以及今天的单位情况核查和不良记录。",
)
def enterprise_ledger(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    data = selectors.enterprise_ledger(request.auth, id)
    enterprise = data["enterprise"]
    checks = prechecks_for([enterprise], on=datetime.date.today())[enterprise.pk]
    return {
        "enterprise": _ref(enterprise),
        "credit_code": enterprise.credit_code,
        "org": _ref(enterprise.org),
        "honours": data["honours"],
        "teams": [_ref(t) for t in data["teams"]],
        "studios": [
            {"id": s.pk, "name": s.name, "status": s.get_level_display()} for s in data["studios"]
        ],
        "projects": [_ref(p.competition) for p in data["projects"]],
        "checks": [c.as_dict() for c in checks],
        "incidents": [
            {
                "id": i.pk,
                "kind": i.kind,
                "kind_label": i.get_kind_display(),
                "occurred_on": i.occurred_on,
                "description": i.description,
            }
            for i in data["incidents"]
        ],
    }
