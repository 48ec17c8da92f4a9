"""Staff API of the appraisals: /api/v1/staffing/appraisals (scoped), named ratings and
publishing. Worker ratings appear only as a group's count (and, once published, the mean of
ANONYMOUS_MIN ratings or more): nothing here could name who gave them."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.staffing.appraisals import selectors, services
from gonghui.staffing.appraisals.models import (
    AppraisalKind,
    AppraisalResult,
    AppraisalStatus,
    RaterGroup,
)
from gonghui.staffing.shared import MODULE

router = Router(tags=["社会化工会工作者"])


class EvidenceLine(Schema):
    measure: str = Field(description="指标编码(统计指标登记表)")
    name: str
    unit: str
    count: int | None = Field(description="考核期内的完成数；指标未接入时为 null")
    target: int
    weight: int = Field(description="权重(%)")
    score: Decimal | None = Field(
        description="该指标在实绩得分中的得分(权重 × 完成率，按计入的权重折算)；未接入时为 null"
    )
    url: str = Field(description="记录列表的链接(已按社工所在组织和考核期筛选)；无则为空")
    registered: bool = Field(description="false：指标未接入(所属模块未上线或已移除)，不计入得分")
    note: str = Field(description="说明(未接入的原因)；无则为空")


class GroupRating(Schema):
    group: RaterGroup
    count: int = Field(description="评议人数")
    mean: Decimal | None = Field(
        description="平均分；职工匿名评议的平均分在考核公布后才有值，"
        f"不足 {selectors.ANONYMOUS_MIN} 人时为 null(且不计入评议得分)"
    )


class ObjectionOut(Schema):
    text: str
    submitted_at: datetime
    answer: str
    answered_at: datetime | None


class AppraisalOut(Schema):
    id: int
    worker_id: int
    worker_name: str
    org: OrgRef
    kind: AppraisalKind
    year: int
    quarter: int | None
    period_start: date
    period_end: date
    status: AppraisalStatus
    computed_score: Decimal = Field(description="实绩得分(0–100)")
    rated_score: Decimal | None = Field(description="评议得分(0–100)，公布后有值")
    total: Decimal | None = Field(description="综合得分，公布后有值")
    result: AppraisalResult | None = Field(description="考核等次，公布后有值")
    objection_until: date | None

    @staticmethod
    def resolve_worker_name(obj):
        return obj.worker.name

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_result(obj):
        return obj.result or None

    @staticmethod
    def resolve_quarter(obj):
        return obj.quarter or None


class AppraisalDetailOut(AppraisalOut):
    evidence: list[EvidenceLine]
    ratings: list[GroupRating]
    objection: ObjectionOut | None


class AppraisalPage(Schema):
    items: list[AppraisalOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class AppraisalFilters(Schema):
    q: str = Field("", description="社工姓名包含")
    kind: AppraisalKind | None = None
    status: AppraisalStatus | None = None
    result: AppraisalResult | None = None
    year: int | None = None


class RatingIn(Schema):
    group: RaterGroup = Field(description="评议人类别(chair/deputy/supervisor；职工评议走匿名链接)")
    score: Decimal = Field(description="评分 0–100，最多两位小数")


def _value(member):
    return getattr(member, "value", member) if member is not None else ""


@router.get(
    "/appraisals",
    response={200: AppraisalPage, **errors(403, 422)},
    summary="社工考核列表",
    description="数据范围内的考核，新的在前，游标分页。",
)
def appraisal_list(request, filters: Query[AppraisalFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.appraisal_list(
        request.auth,
        q=filters.q,
        kind=_value(filters.kind),
        status=_value(filters.status),
        result=_value(filters.result),
        year=filters.year,
    )
    return paginate(rows, page, descending=True)


def _detail(user, pk):
    appraisal = selectors.appraisal_get(user, pk)
    appraisal.ratings_summary = selectors.rating_summary(appraisal)
    appraisal.objection_found = selectors.objection_of(appraisal)
    return appraisal


class _Detail(AppraisalDetailOut):
    @staticmethod
    def resolve_evidence(obj):
        return selectors.evidence_lines(obj)

    @staticmethod
    def resolve_ratings(obj):
        return obj.ratings_summary

    @staticmethod
    def resolve_objection(obj):
        return obj.objection_found


@router.get(
    "/appraisals/{pk:id}",
    response={200: _Detail, **errors(403, 404)},
    summary="考核详情",
    description="实绩明细(每项指标的完成数与记录链接)、各类评议人的人数与平均分、异议与答复。"
    "职工匿名评议只有人数与合计，不含任何可识别评议人的信息。",
)
def appraisal_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _detail(request.auth, id)


@router.post(
    "/appraisals/{pk:id}/ratings",
    response={201: _Detail, **errors(403, 404, 409, 422)},
    summary="署名评议",
    description="主席、分管副主席或县总工会联系人评分；同一人对同一考核只能评议一次(409)。",
)
def rating_create(request, id: int, payload: RatingIn):
    require(request.auth, MODULE, Action.EDIT)
    appraisal = selectors.appraisal_get(request.auth, id, Action.EDIT)
    services.rating_submit(
        actor=request.auth, appraisal=appraisal, group=payload.group.value, score=payload.score
    )
    return Status(201, _detail(request.auth, id))


@router.post(
    "/appraisals/{pk:id}/publish",
    response={200: _Detail, **errors(403, 404, 409)},
    summary="计算并公布考核结果",
    description="按本县规则计算评议得分、综合得分与等次，开始异议期；一年内第二次不称职时标记合同待复核。",
)
def appraisal_publish(request, id: int):
    require(request.auth, MODULE, Action.APPROVE)
    appraisal = selectors.appraisal_get(request.auth, id, Action.APPROVE)
    services.appraisal_publish(actor=request.auth, appraisal=appraisal)
    return _detail(request.auth, id)


class OpenIn(Schema):
    org: int = Field(description="组织 id：开启该组织及其下级全部在岗社工的考核")
    kind: AppraisalKind
    year: int
    quarter: int | None = Field(None, description="季度 1–4(季度考核必填)")


@router.post(
    "/appraisals/open",
    response={201: list[AppraisalOut], **errors(403, 404, 409, 422)},
    summary="开启考核",
    description="为组织及其下级的全部在岗社工开启一个考核期：实绩得分按平台记录一次算出；"
    "已开启过的社工拒绝(409，不写入任何考核)。",
)
def appraisals_open(request, payload: OpenIn):
    from gonghui.core.scope import get_in_scope_or_404
    from gonghui.orgs.models import Org
    from gonghui.staffing.people import selectors as people_selectors
    from gonghui.staffing.people.models import WorkerStatus

    require(request.auth, MODULE, Action.EDIT)
    org = get_in_scope_or_404(Org.objects.all(), request.auth, MODULE, Action.EDIT, pk=payload.org)
    workers = list(
        people_selectors.worker_list(
            request.auth, status=WorkerStatus.ACTIVE, org=org, action=Action.EDIT
        )
    )
    opened = services.appraisals_open(
        actor=request.auth,
        workers=workers,
        kind=payload.kind.value,
        year=payload.year,
        quarter=payload.quarter,
    )
    return Status(201, opened)


class AnswerIn(Schema):
    answer: str = Field(description="对社工异议的答复(不超过 2000 字)")


@router.post(
    "/appraisals/{pk:id}/objection/answer",
    response={200: _Detail, **errors(403, 404, 409, 422)},
    summary="答复考核异议",
    description="答复社工对已公布考核提出的异议；异议与答复一并保存，只能答复一次(409)。",
)
def objection_answer(request, id: int, payload: AnswerIn):
    require(request.auth, MODULE, Action.APPROVE)
    appraisal = selectors.appraisal_get(request.auth, id, Action.APPROVE)
    services.objection_answer(actor=request.auth, appraisal=appraisal, answer=payload.answer)
    return _detail(request.auth, id)


# --- the worker's own appraisals (我的考核) ---------------------------------------------
# Any signed-in user: a social worker linked to the account sees their own published
# appraisals, anyone else's answer 404 (whatever the role). No ratings breakdown here:
# the worker sees the computed part, the rated part and the result, as on the page.


class OwnAppraisalOut(Schema):
    id: int
    kind: AppraisalKind
    year: int
    quarter: int | None
    period_start: date
    period_end: date
    computed_score: Decimal = Field(description="实绩得分(0–100)")
    rated_score: Decimal | None = Field(description="评议得分(0–100)；无人评议时为 null")
    total: Decimal
    result: AppraisalResult
    objection_until: date | None = Field(description="异议截止日期(含当日)")
    can_object: bool = Field(description="现在能否提出异议(异议期内且尚未提出)")

    @staticmethod
    def resolve_quarter(obj):
        return obj.quarter or None

    @staticmethod
    def resolve_can_object(obj):
        return selectors.objection_open(obj)


class OwnAppraisalDetailOut(OwnAppraisalOut):
    evidence: list[EvidenceLine]
    objection: ObjectionOut | None = Field(description="本人提出的异议及答复；未提出时为 null")

    @staticmethod
    def resolve_evidence(obj):
        return selectors.evidence_lines(obj)

    @staticmethod
    def resolve_objection(obj):
        return selectors.objection_of(obj)


class OwnAppraisalPage(Schema):
    items: list[OwnAppraisalOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class ObjectionIn(Schema):
    text: str = Field(description="异议内容(不超过 2000 字)")


@router.get(
    "/me/appraisals",
    response={200: OwnAppraisalPage, **errors(422)},
    summary="我的考核",
    description="当前用户作为社工的已公布考核，新的在前，游标分页；不是社工的用户为空列表。",
)
def own_appraisal_list(request, page: Query[PageParams]):
    return paginate(selectors.own_appraisals(request.auth), page, descending=True)


@router.get(
    "/me/appraisals/{pk:id}",
    response={200: OwnAppraisalDetailOut, **errors(404)},
    summary="我的考核详情",
    description="本人考核的实绩明细(每项指标的完成数、目标、得分与记录链接)、得分、等次、"
    "异议与答复；不是本人的考核返回 404(任何角色)。",
)
def own_appraisal_detail(request, id: int):
    return selectors.own_appraisal_get(request.auth, id)


@router.post(
    "/me/appraisals/{pk:id}/objection",
    response={201: OwnAppraisalDetailOut, **errors(404, 409, 422)},
    summary="对本人考核提出异议",
    description="异议期内对本人已公布的考核提出异议，只能提出一次；异议期已过或已提出过返回 409，"
    "不是本人的考核返回 404，均不写入任何内容。",
)
def own_objection_create(request, id: int, payload: ObjectionIn):
    appraisal = selectors.own_appraisal_get(request.auth, id)
    services.objection_submit(actor=request.auth, appraisal=appraisal, text=payload.text)
    return Status(201, selectors.own_appraisal_get(request.auth, id))
