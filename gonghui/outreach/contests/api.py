"""API of works contests: /api/v1/outreach/contests (staff: the call, its panel, screening,
assignment and publishing the results), /judging (a judge's own assignments and scores).
Authors' phones are masked; judges never see authors."""

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, paginate, require, required_not_null
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org
from gonghui.outreach.caravans.selectors import staff_in_scope
from gonghui.outreach.contests import selectors, services
from gonghui.outreach.contests.models import (
    ContestStatus,
    Entry,
    EntryStatus,
    JudgeAssignment,
    ScoringMethod,
)

router = Router(tags=["服务职工进基层：作品征集"])
MODULE = "outreach"


class CategoryOut(Schema):
    id: int
    name: str
    takes_text: bool
    max_images: int
    text_max_chars: int


class ContestOut(Schema):
    id: int
    title: str
    theme: str
    org_id: int
    opens_at: datetime
    deadline: datetime
    entries_per_person: int
    score_min: Decimal
    score_max: Decimal
    scoring_method: ScoringMethod
    prizes: list[dict]
    status: ContestStatus
    categories: list[CategoryOut]
    version: int

    @staticmethod
    def resolve_categories(obj):
        return list(obj.categories.all())


class ContestPage(Schema):
    items: list[ContestOut]
    next_cursor: str | None


class EntryOut(Schema):
    id: int
    reference: str
    category: str
    title: str
    author_name: str
    author_unit: str
    phone: str = Field(description="手机号码(脱敏)")
    status: EntryStatus
    final_score: Decimal | None
    rank: int | None
    tied: bool
    prize: str
    submitted_at: datetime

    @staticmethod
    def resolve_category(obj):
        return obj.category.name

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)


class EntryPage(Schema):
    items: list[EntryOut]
    next_cursor: str | None


class StandingOut(Schema):
    entry_id: int
    category_id: int
    score: Decimal | None
    rank: int | None
    tied: bool
    prize: str


class AssignmentOut(Schema):
    id: int
    entry_id: int
    reference: str
    contest: str
    category: str
    title: str
    text: str
    score: Decimal | None

    @staticmethod
    def resolve_reference(obj):
        return obj.entry.reference

    @staticmethod
    def resolve_contest(obj):
        return obj.entry.contest.title

    @staticmethod
    def resolve_category(obj):
        return obj.entry.category.name

    @staticmethod
    def resolve_title(obj):
        return obj.entry.title

    @staticmethod
    def resolve_text(obj):
        return obj.entry.text

    @staticmethod
    def resolve_score(obj):
        score = getattr(obj, "score", None)
        return score.value if score is not None else None


class AssignmentPage(Schema):
    items: list[AssignmentOut]
    next_cursor: str | None


class ScoreIn(Schema):
    model_config = ConfigDict(extra="forbid")

    value: Decimal = Field(description="评分，在征集设定的范围内，最多两位小数")
    comment: str = Field("", max_length=300)


class ScoreOut(Schema):
    entry_id: int
    value: Decimal
    comment: str


@router.get("/contests", response={200: ContestPage, **errors(403, 422)}, summary="作品征集列表")
def contest_list(request, page: Query[PageParams], q: str = "", status: str = ""):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.contest_list(request.auth, q=q, status=status)
    return paginate(rows, page, descending=True)


@router.get(
    "/contests/{pk:id}", response={200: ContestOut, **errors(403, 404)}, summary="作品征集详情"
)
def contest_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.contest_get(request.auth, id)


@router.get(
    "/contests/{pk:id}/entries",
    response={200: EntryPage, **errors(403, 404, 422)},
    summary="征集的作品",
)
def contest_entries(request, id: int, page: Query[PageParams], status: str = ""):
    require(request.auth, MODULE, Action.VIEW)
    contest = selectors.contest_get(request.auth, id)
    rows = Entry.objects.filter(contest=contest).select_related("category")
    if status:
        rows = rows.filter(status=status)
    return paginate(rows, page, descending=True)


@router.get(
    "/contests/{pk:id}/results",
    response={200: list[StandingOut], **errors(403, 404)},
    summary="评审结果",
    description="按计分方法由已有评分计算；得分相同者并列(名次 1、2、2、4)，并列者共享较高奖项。",
)
def contest_results(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    contest = selectors.contest_get(request.auth, id)
    return [
        {
            "entry_id": s.key,
            "category_id": category_id,
            "score": s.score,
            "rank": s.rank,
            "tied": s.tied,
            "prize": s.prize,
        }
        for category_id, standings in services.results_compute(contest).items()
        for s in standings
    ]


@router.get(
    "/judging",
    response={200: AssignmentPage, **errors(422)},
    summary="我的评审",
    description="分配给当前用户评审的作品(不含作者信息)。",
)
def judging_list(request, page: Query[PageParams]):
    return paginate(selectors.judge_assignments(request.auth), page)


@router.post(
    "/judging/{pk:id}/score",
    response={200: ScoreOut, **errors(404, 409, 422)},
    summary="评分",
    description="只能为分配给自己的作品评分(其他作品返回 404)；超出范围返回 422。路径中的 id 为作品 id。",
)
def judging_score(request, id: int, payload: ScoreIn):
    entry = get_object_or_404(JudgeAssignment, entry_id=id, judge=request.auth).entry
    score = services.score_submit(
        actor=request.auth, entry=entry, value=payload.value, comment=payload.comment
    )
    return {"entry_id": entry.pk, "value": score.value, "comment": score.comment}


# --- running a contest (staff) -------------------------------------------------------------------


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CategoryIn(_Strict):
    name: str = Field(max_length=30)
    takes_text: bool = False
    max_images: int = Field(0, ge=0, le=9, description="图片数上限(0 为不收图片)")
    text_max_chars: int = Field(5000, ge=100, le=20000, description="字数上限")


class PrizeIn(_Strict):
    name: str = Field(max_length=30)
    count: int = Field(ge=1, le=1000)


class ContestIn(_Strict):
    org_id: int = Field(description="主办工会 id")
    title: str = Field(max_length=100)
    theme: str = Field(max_length=5000)
    rules: str = Field("", max_length=10000)
    opens_at: datetime
    deadline: datetime
    entries_per_person: int = Field(1, ge=1, le=20, description="每人每类可投稿件数")
    score_min: Decimal = Field(Decimal(0), ge=0, le=1000)
    score_max: Decimal = Field(Decimal(100), ge=0, le=1000)
    scoring_method: ScoringMethod = ScoringMethod.MEAN
    prizes: list[PrizeIn] = Field([], description="每个类别的奖项与名额，如 一等奖 1 名")
    categories: list[CategoryIn] = Field(description="征集类别，至少一个")


class JudgeIn(_Strict):
    user_id: int = Field(description="评委(本级及下级工会的工作人员)的用户 id")


class JudgeOut(Schema):
    contest_id: int
    user_id: int


class AssignIn(_Strict):
    per_entry: int | None = Field(
        None, ge=1, le=50, description="每件作品由几位评委评分；空为全部评委"
    )


class AssignOut(Schema):
    assigned: int = Field(description="新分配的评审份数")


class ScreenIn(_Strict):
    accept: bool = Field(description="true 入围评审；false 未入围(须填写初审意见)")
    note: str = Field("", max_length=200)


@router.post(
    "/contests",
    response={201: ContestOut, **errors(403, 404, 422)},
    summary="发起作品征集",
    description="新的征集为草稿；开放征集后职工可在“职工服务”中投稿。",
)
def contest_create(request, payload: ContestIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = payload.model_dump()
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    data["scoring_method"] = getattr(data["scoring_method"], "value", data["scoring_method"])
    contest = services.contest_create(actor=user, org=org, **data)
    return Status(201, selectors.contest_get(user, contest.pk))


@router.post(
    "/contests/{pk:id}/advance",
    response={200: ContestOut, **errors(403, 404, 409, 422)},
    summary="征集进入下一阶段",
    description="草稿 → 征集中(开放投稿)；征集中 → 评审中(须已有评委)。",
)
def contest_advance(request, id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    contest = selectors.contest_get(user, id, Action.EDIT)
    services.contest_advance(actor=user, contest=contest)
    return selectors.contest_get(user, id)


@router.post(
    "/contests/{pk:id}/judges",
    response={201: JudgeOut, **errors(403, 404, 409, 422)},
    summary="增加评委",
)
def judge_add(request, id: int, payload: JudgeIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    contest = selectors.contest_get(user, id, Action.EDIT)
    judge = next((u for u in staff_in_scope(user) if u.pk == payload.user_id), None)
    added = services.judge_add(actor=user, contest=contest, user=judge)
    return Status(201, {"contest_id": contest.pk, "user_id": added.user_id})


@router.post(
    "/contests/{pk:id}/assign",
    response={200: AssignOut, **errors(403, 404, 409, 422)},
    summary="分配评审",
    description="评审阶段把入围作品轮流分配给评委；已有的分配保留。",
)
def entries_assign(request, id: int, payload: AssignIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    contest = selectors.contest_get(user, id, Action.EDIT)
    count = services.entries_assign(actor=user, contest=contest, per_entry=payload.per_entry)
    return {"assigned": count}


@router.post(
    "/entries/{pk:id}/screen",
    response={200: EntryOut, **errors(403, 404, 409, 422)},
    summary="初审作品",
)
def entry_screen(request, id: int, payload: ScreenIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    entry = selectors.entry_get(user, id, Action.EDIT)
    return services.entry_screen(actor=user, entry=entry, accept=payload.accept, note=payload.note)


@router.post(
    "/contests/{pk:id}/publish",
    response={200: ContestOut, **errors(403, 404, 409, 422)},
    summary="公布评审结果",
    description="全部评审评完后，按计分方法计算名次和奖项并公布；获奖作品在职工服务中展示。",
)
def contest_publish(request, id: int):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    contest = selectors.contest_get(user, id, Action.APPROVE)
    services.contest_publish(actor=user, contest=contest)
    return selectors.contest_get(user, id)


class ContestPatch(_Strict):
    version: int | None = None
    title: str | None = Field(None, max_length=100)
    theme: str | None = Field(None, max_length=5000)
    rules: str | None = Field(None, max_length=10000)
    opens_at: datetime | None = None
    deadline: datetime | None = None
    entries_per_person: int | None = Field(None, ge=1, le=20)
    score_min: Decimal | None = Field(None, ge=0, le=1000)
    score_max: Decimal | None = Field(None, ge=0, le=1000)
    scoring_method: ScoringMethod | None = None
    prizes: list[PrizeIn] | None = None


@router.patch(
    "/contests/{pk:id}",
    response={200: ContestOut, **errors(403, 404, 409, 422)},
    summary="修改作品征集",
    description=(
        "只改传入的字段(类别另行设置)；已公布结果的征集不能修改，已有评分后不能改评分范围。"
    ),
)
def contest_update(request, id: int, payload: ContestPatch):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    contest = selectors.contest_get(user, id, Action.EDIT)
    changes = payload.model_dump(exclude_unset=True)
    required_not_null(changes, nullable=("version",))
    version = changes.pop("version", None)
    if "scoring_method" in changes:
        changes["scoring_method"] = getattr(
            changes["scoring_method"], "value", changes["scoring_method"]
        )
    services.contest_update(actor=user, contest=contest, version=version, **changes)
    return selectors.contest_get(user, id)


class WithdrawIn(_Strict):
    note: str = Field(max_length=200, description="撤回说明(作者的请求)")


@router.post(
    "/entries/{pk:id}/withdraw",
    response={200: EntryOut, **errors(403, 404, 409, 422)},
    summary="撤回作品",
    description=(
        "应作者请求撤回(须填写说明)：退出初审和评审，不再计入每人投稿数。"
        "已有评分或已公布结果的不能撤回。"
    ),
)
def entry_withdraw(request, id: int, payload: WithdrawIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    entry = selectors.entry_get(user, id, Action.EDIT)
    services.entry_withdraw(actor=user, entry=entry, note=payload.note)
    return selectors.entry_get(user, id)
