"""API of 五小 innovations and 合理化建议: /api/v1/workforce/innovations, /suggestions."""

from datetime import date, datetime
from decimal import Decimal

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.attachments import FILE_OPENAPI, file_response
from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE, ContestLevel
from gonghui.workforce.innovations import selectors, services
from gonghui.workforce.innovations.models import (
    InnovationAward,
    InnovationCategory,
    InnovationStatus,
    SuggestionStatus,
)

router = Router(tags=["产业工人：五小与合理化建议"])


class InnovationOut(Schema):
    id: int
    category: InnovationCategory
    title: str
    submitter: str = Field(description="完成人姓名或班组名称")
    org: OrgRef
    year: int
    claimed_benefit: Decimal
    funded_by_science_plan: bool | None
    awarded_elsewhere: bool | None
    status: InnovationStatus
    award: str
    submitted_at: datetime

    @staticmethod
    def resolve_submitter(obj):
        return obj.submitter_name

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class InnovationPage(Schema):
    items: list[InnovationOut]
    next_cursor: str | None


class InnovationFilters(Schema):
    category: InnovationCategory | None = None
    status: InnovationStatus | None = None
    year: int | None = None


class InnovationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    member: str = Field(description="完成人：会员卡号或身份证号")
    category: InnovationCategory
    title: str = Field(max_length=150)
    description: str = Field(max_length=5000)
    year: int
    claimed_benefit: Decimal = Decimal(0)
    funded_by_science_plan: bool | None = None
    awarded_elsewhere: bool | None = None


class SuggestionOut(Schema):
    id: int
    title: str
    member: OrgRef = Field(description="提出人 {id, name}")
    org: OrgRef
    year: int
    status: SuggestionStatus
    benefit: Decimal
    submitted_at: datetime

    @staticmethod
    def resolve_member(obj):
        return {"id": obj.member_id, "name": obj.member.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class SuggestionPage(Schema):
    items: list[SuggestionOut]
    next_cursor: str | None


@router.get(
    "/innovations", response={200: InnovationPage, **errors(403, 422)}, summary="五小成果列表"
)
def innovation_list(request, filters: Query[InnovationFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.innovation_list(
        request.auth,
        category=filters.category.value if filters.category else "",
        status=filters.status.value if filters.status else "",
        year=filters.year,
    )
    return paginate(rows, page, descending=True)


@router.post(
    "/innovations", response={201: InnovationOut, **errors(403, 404, 422)}, summary="登记五小成果"
)
def innovation_create(request, payload: InnovationIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    try:
        member = lookups.member_find(user, payload.member, action=Action.EDIT)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={"member": [exc.message]}) from None
    data = payload.model_dump(exclude={"member"})
    data["category"] = payload.category.value
    item = services.innovation_submit(actor=user, member=member, **data)
    return Status(201, selectors.innovation_get(user, item.pk))


@router.get(
    "/suggestions", response={200: SuggestionPage, **errors(403, 422)}, summary="合理化建议列表"
)
def suggestion_list(
    request,
    page: Query[PageParams],
    status: SuggestionStatus | None = None,
    year: int | None = None,
):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.suggestion_list(request.auth, status=status.value if status else "", year=year)
    return paginate(rows, page, descending=True)


class SuggestionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    member: str = Field(description="提出人：会员卡号或身份证号")
    title: str = Field(max_length=150)
    content: str = Field(max_length=5000)
    year: int


@router.post(
    "/suggestions",
    response={201: SuggestionOut, **errors(403, 404, 422)},
    summary="登记合理化建议",
)
def suggestion_create(request, payload: SuggestionIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    try:
        member = lookups.member_find(user, payload.member, action=Action.EDIT)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={"member": [exc.message]}) from None
    item = services.suggestion_submit(
        actor=user, member=member, **payload.model_dump(exclude={"member"})
    )
    return Status(201, selectors.suggestion_get(user, item.pk))


# --- review and decision -------------------------------------------------------------------


class ExclusionsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    funded_by_science_plan: bool = Field(description="是否已获政府科技计划资助")
    awarded_elsewhere: bool = Field(description="是否已在其他评选中获奖")


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    score: Decimal = Field(ge=0, le=100, description="评审专家打分(0–100)；再次打分覆盖本人原分")
    comment: str = Field("", max_length=300)


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    award: InnovationAward | None = Field(None, description="不传或 null：不授奖")
    level: ContestLevel = ContestLevel.COUNTY
    note: str = Field("", max_length=200)


class SuggestionDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    adopted: bool
    benefit: Decimal | None = Field(None, ge=0, description="产生效益(元)，采纳时填写")
    note: str = Field("", max_length=200, description="处理意见(不采纳时必填)")


@router.post(
    "/innovations/{pk:id}/exclusions",
    response={200: InnovationOut, **errors(403, 404, 422)},
    summary="记录五小成果的排除情况",
    description="已获政府科技计划资助或已在其他评选中获奖的成果不予评奖。",
)
def innovation_exclusions(request, id: int, payload: ExclusionsIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    item = selectors.innovation_get(user, id, Action.EDIT)
    services.innovation_exclusions_set(actor=user, innovation=item, **payload.model_dump())
    return selectors.innovation_get(user, id)


@router.post(
    "/innovations/{pk:id}/reviews",
    response={201: InnovationOut, **errors(403, 404, 422)},
    summary="评审打分",
)
def innovation_review(request, id: int, payload: ReviewIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    item = selectors.innovation_get(user, id, Action.EDIT)
    services.innovation_review(actor=user, innovation=item, **payload.model_dump())
    return Status(201, selectors.innovation_get(user, id))


@router.post(
    "/innovations/{pk:id}/decide",
    response={200: InnovationOut, **errors(403, 404, 422)},
    summary="评定五小成果",
    description="须先记录排除情况；授奖须至少有一位评审专家打分；被排除的成果不予授奖。",
)
def innovation_decide(request, id: int, payload: DecisionIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    item = selectors.innovation_get(user, id, Action.APPROVE)
    services.innovation_decide(
        actor=user,
        innovation=item,
        award=payload.award.value if payload.award else "",
        level=payload.level.value,
        note=payload.note,
    )
    return selectors.innovation_get(user, id)


@router.post(
    "/suggestions/{pk:id}/decide",
    response={200: SuggestionOut, **errors(403, 404, 422)},
    summary="处理合理化建议(采纳或不采纳)",
)
def suggestion_decide(request, id: int, payload: SuggestionDecisionIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    item = selectors.suggestion_get(user, id, Action.APPROVE)
    services.suggestion_decide(actor=user, suggestion=item, **payload.model_dump())
    return selectors.suggestion_get(user, id)


# --- detail and attachments ------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="文件名")
    uploaded_at: datetime


class ReviewOut(Schema):
    score: Decimal
    comment: str
    reviewer: str = Field(description="评审专家")
    reviewed_at: datetime

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.display_name


class InnovationDetail(InnovationOut):
    description: str
    award_level: str
    decided_on: date | None
    decision_note: str
    reviews: list[ReviewOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_reviews(obj):
        return selectors.innovation_reviews(obj)

    @staticmethod
    def resolve_attachments(obj):
        return selectors.innovation_attachments(obj)


class SuggestionDetail(SuggestionOut):
    content: str
    decided_on: date | None
    decision_note: str


@router.get(
    "/innovations/{pk:id}",
    response={200: InnovationDetail, **errors(403, 404)},
    summary="五小成果详情(评审打分与附件)",
)
def innovation_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.innovation_get(request.auth, id)


@router.get(
    "/suggestions/{pk:id}",
    response={200: SuggestionDetail, **errors(403, 404)},
    summary="合理化建议详情",
)
def suggestion_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.suggestion_get(request.auth, id)


@router.get(
    "/innovations/{pk:id}/attachments",
    response={200: list[AttachmentOut], **errors(403, 404)},
    summary="五小成果附件列表",
)
def attachment_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.innovation_attachments(selectors.innovation_get(request.auth, id))


@router.post(
    "/innovations/{pk:id}/attachments",
    response={201: AttachmentOut, **errors(403, 404, 422)},
    summary="上传五小成果附件",
    description="multipart/form-data，字段 file：PDF、JPG、PNG 或 Word(.docx)文件，"
    "按文件内容识别类型，不超过 10 MB。",
)
def attachment_add(request, id: int, file: File[UploadedFile]):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    item = selectors.innovation_get(user, id, Action.EDIT)
    return Status(201, services.attachment_add(actor=user, innovation=item, upload=file))


@router.get(
    "/innovations/{pk:id}/attachments/{pk:attachment_id}",
    response={200: None, **errors(403, 404)},
    summary="下载五小成果附件",
    openapi_extra=FILE_OPENAPI,
)
def attachment_download(request, id: int, attachment_id: int):
    require(request.auth, MODULE, Action.VIEW)
    selectors.innovation_get(request.auth, id)
    return file_response(selectors.attachment_get(request.auth, attachment_id, innovation_id=id))
