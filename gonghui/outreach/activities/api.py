"""API of activities: /api/v1/outreach/activities (and their attendance lists)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from gonghui.core.api import (
    PageParams,
    errors,
    field_names,
    paginate,
    plain,
    require,
    required_not_null,
)
from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org
from gonghui.outreach.activities import selectors, services
from gonghui.outreach.activities.models import (
    ActivityKind,
    ActivityPhoto,
    ActivityStatus,
    AttendanceMode,
)
from gonghui.outreach.caravans.selectors import stop_scoped
from gonghui.outreach.images import file_response

router = Router(tags=["服务职工进基层：职工活动"])
MODULE = "outreach"


class ActivityOut(Schema):
    id: int
    kind: ActivityKind
    title: str
    org_id: int
    organiser: str
    starts_at: datetime
    place: str
    audience: str
    stop_id: int | None
    attendance_mode: AttendanceMode
    attendance: int = Field(description="参加人数(签到名单按人数)")
    status: ActivityStatus
    summary: str
    checkin_open: bool = Field(description="开放扫码签到(按名单签到时)")
    version: int


class ActivityPage(Schema):
    items: list[ActivityOut]
    next_cursor: str | None


class ActivityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    org_id: int
    kind: ActivityKind
    title: str = Field(max_length=100)
    starts_at: datetime
    place: str = Field(max_length=150)
    organiser: str = Field("", max_length=100)
    audience: str = Field("", max_length=100)
    attendance_mode: AttendanceMode = AttendanceMode.COUNT


class AttendeeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=50)
    unit: str = Field("", max_length=100)
    member_card: str = Field("", max_length=20, description="会员卡号(会员签到时与档案关联)")


class AttendeeOut(Schema):
    id: int
    name: str
    unit: str
    is_member: bool
    by_staff: bool = Field(description="工作人员代签(否则为职工扫码签到)")
    checked_in_at: datetime

    @staticmethod
    def resolve_is_member(obj):
        return obj.member_id is not None


class AttendeePage(Schema):
    items: list[AttendeeOut]
    next_cursor: str | None


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=200)


class RecordIn(Schema):
    model_config = ConfigDict(extra="forbid")

    attendance: int | None = Field(None, ge=0, le=100000, description="参加人数(按人数登记时)")
    summary: str = Field("", max_length=5000)


@router.get("/activities", response={200: ActivityPage, **errors(403, 422)}, summary="活动列表")
def activity_list(
    request,
    page: Query[PageParams],
    q: str = "",
    kind: str = "",
    status: str = "",
    year: int | None = None,
):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.activity_list(request.auth, q=q, kind=kind, status=status, year=year)
    return paginate(rows, page, descending=True)


@router.get(
    "/activities/{pk:id}", response={200: ActivityOut, **errors(403, 404)}, summary="活动详情"
)
def activity_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.activity_get(request.auth, id)


@router.post(
    "/activities", response={201: ActivityOut, **errors(403, 404, 422)}, summary="登记活动"
)
def activity_create(request, payload: ActivityIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    activity = services.activity_create(actor=user, org=org, **data)
    return Status(201, selectors.activity_get(user, activity.pk))


@router.post(
    "/activities/{pk:id}/record",
    response={200: ActivityOut, **errors(403, 404, 409, 422)},
    summary="登记活动举办情况",
)
def activity_record(request, id: int, payload: RecordIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    activity = selectors.activity_get(user, id, Action.EDIT)
    services.activity_record(
        actor=user, activity=activity, attendance=payload.attendance, summary=payload.summary
    )
    return selectors.activity_get(user, id)


@router.get(
    "/activities/{pk:id}/attendees",
    response={200: AttendeePage, **errors(403, 404, 422)},
    summary="签到名单",
)
def attendee_list(request, id: int, page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    activity = selectors.activity_get(request.auth, id)
    return paginate(activity.attendees.all(), page)


@router.post(
    "/activities/{pk:id}/attendees",
    response={201: AttendeeOut, 200: AttendeeOut, **errors(403, 404, 409, 422)},
    summary="代为签到",
    description="按名单签到的活动由工作人员代签；同一姓名和单位只记一次(已签到的返回 200)。",
)
def attendee_add(request, id: int, payload: AttendeeIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    activity = selectors.activity_get(user, id, Action.EDIT)
    attendee, created = services.attendee_add(actor=user, activity=activity, **payload.model_dump())
    return Status(201 if created else 200, attendee)


@router.post(
    "/activities/{pk:id}/cancel",
    response={200: ActivityOut, **errors(403, 404, 409, 422)},
    summary="取消活动",
)
def activity_cancel(request, id: int, payload: CancelIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    activity = selectors.activity_get(user, id, Action.EDIT)
    services.activity_cancel(actor=user, activity=activity, reason=payload.reason)
    return selectors.activity_get(user, id)


class ActivityPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    kind: ActivityKind | None = None
    title: str | None = Field(None, max_length=100)
    starts_at: datetime | None = None
    place: str | None = Field(None, max_length=150)
    organiser: str | None = Field(None, max_length=100)
    audience: str | None = Field(None, max_length=100)
    stop_id: int | None = Field(None, description="所属站次 id；null 为不属于站次")
    attendance_mode: AttendanceMode | None = None


@router.patch(
    "/activities/{pk:id}",
    response={200: ActivityOut, **errors(403, 404, 409, 422)},
    summary="修改活动",
    description="只改传入的字段；已取消的活动不能修改，已有签到名单的活动不能改为登记人数。",
)
def activity_update(request, id: int, payload: ActivityPatch):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    activity = selectors.activity_get(user, id, Action.EDIT)
    changes = plain(payload.model_dump(exclude_unset=True))
    required_not_null(changes, nullable=("version", "stop_id"))
    version = changes.pop("version", None)
    if "stop_id" in changes:
        pk = changes.pop("stop_id")
        stop = None
        if pk is not None:
            stop = stop_scoped(user, Action.EDIT).exclude(status="cancelled").filter(pk=pk).first()
            if stop is None:
                message = "请选择您负责的站次。"
                raise ValidationFailed(message, fields={"stop_id": [message]})
        changes["stop"] = stop
    with field_names(stop="stop_id"):
        services.activity_update(actor=user, activity=activity, version=version, **changes)
    return selectors.activity_get(user, id)


class CheckinIn(Schema):
    model_config = ConfigDict(extra="forbid")

    open: bool = Field(description="true 开放扫码签到 / false 关闭")


@router.post(
    "/activities/{pk:id}/checkin",
    response={200: ActivityOut, **errors(403, 404, 409, 422)},
    summary="开放或关闭扫码签到",
    description="只适用于按名单签到的活动；已取消的活动不能开放。",
)
def activity_checkin(request, id: int, payload: CheckinIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    activity = selectors.activity_get(user, id, Action.EDIT)
    services.activity_checkin_set(actor=user, activity=activity, open_=payload.open)
    return selectors.activity_get(user, id)


# --- photos ------------------------------------------------------------------------------------------

PHOTO_OPENAPI = {
    "responses": {200: {"description": "照片(JPEG、PNG 或 WebP)", "content": {"image/*": {}}}}
}


class PhotoOut(Schema):
    id: int
    caption: str
    width: int
    height: int
    uploaded_at: datetime


def _photo(activity, photo_id: int) -> ActivityPhoto:
    return get_object_or_404(ActivityPhoto, pk=photo_id, activity=activity)


@router.get(
    "/activities/{pk:id}/photos",
    response={200: list[PhotoOut], **errors(403, 404)},
    summary="活动照片列表",
)
def activity_photo_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return list(selectors.activity_get(request.auth, id).photos.order_by("id"))


@router.post(
    "/activities/{pk:id}/photos",
    response={201: PhotoOut, **errors(403, 404, 409, 422)},
    summary="上传活动照片",
    description=(
        "multipart/form-data，字段 image(JPEG、PNG 或 WebP 图片，按系统大小限制)和 caption(说明)；"
        "其他类型、过大或已达每个活动照片上限返回 422。"
    ),
)
def activity_photo_add(request, id: int, image: File[UploadedFile], caption: Form[str] = ""):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    activity = selectors.activity_get(user, id, Action.EDIT)
    photo = services.activity_photo_add(
        actor=user, activity=activity, upload=image, caption=caption
    )
    return Status(201, photo)


@router.get(
    "/activities/{pk:id}/photos/{pk:photo_id}",
    response={200: None, **errors(403, 404)},
    summary="查看活动照片",
    openapi_extra=PHOTO_OPENAPI,
)
def activity_photo(request, id: int, photo_id: int):
    require(request.auth, MODULE, Action.VIEW)
    return file_response(_photo(selectors.activity_get(request.auth, id), photo_id).image)


@router.delete(
    "/activities/{pk:id}/photos/{pk:photo_id}",
    response={204: None, **errors(403, 404, 409)},
    summary="删除活动照片",
)
def activity_photo_remove(request, id: int, photo_id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    photo = _photo(selectors.activity_get(user, id, Action.EDIT), photo_id)
    services.activity_photo_remove(actor=user, photo=photo)
    return Status(204, None)
