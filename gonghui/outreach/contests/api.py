"""API of works contests: /api/v1/outreach/contests (staff), /judging (a judge's own
assignments and scores). Authors' phones are masked; judges never see authors."""

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, paginate, require
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
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
