"""API for online joining (网上入会): /api/v1/join-applications.

The public part (no login) submits an application and checks its status, with the same
validation and rate limits as the /join/ pages; the staff part lists, reads, approves and
rejects the applications of unions in the user's approve scope (404 outside it).
"""

from datetime import date, datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, field_names, paginate, require
from gonghui.core.errors import NotFound
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.modules import Action
from gonghui.core.request_context import client_ip
from gonghui.members.joining import services as joining
from gonghui.members.models import EmploymentForm, JoinPath, JoinStatus

router = Router(tags=["网上入会"])

MODULE = "members"


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class JoinApplicationIn(_Strict):
    name: str = Field(max_length=50, description="姓名")
    id_number: str = Field(max_length=40, description="身份证号")
    phone: str = Field(max_length=20, description="手机号码(查询审核进度用)")
    employment_form: str = Field(
        max_length=20,
        description="就业形态代码："
        + "、".join(f"{value}={label}" for value, label in EmploymentForm.choices),
    )
    path: str = Field(
        max_length=16,
        description="employer_union：工作单位已建会；holding_pool：单位未建会/无固定单位",
    )
    employer_id: int | None = Field(None, description="工作单位(已建会单位的 id，见单位搜索)")
    employer_query: str = Field("", max_length=150, description="或：单位全称/统一社会信用代码")
    pool_org_id: int | None = Field(None, description="乡镇(街道)工会 id(holding_pool 时必填)")


class JoinReceiptOut(Schema):
    status: str
    status_display: str
    union_name: str = Field(description="负责审核的工会")
    submitted_at: datetime


class JoinStatusIn(_Strict):
    id_number: str = Field(max_length=40)
    phone: str = Field(max_length=20)


class JoinStatusOut(JoinReceiptOut):
    reject_reason: str = Field(description="未通过原因；其他状态为空")


class JoinApplicationOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date
    employment_form: str
    employment_form_display: str
    path: str
    path_display: str
    employer: OrgRef | None = Field(description="工作单位(已登记的)")
    employer_name: str
    org: OrgRef = Field(description="审核工会")
    status: str = Field(description="pending 待审核 / approved 已通过 / rejected 未通过")
    status_display: str
    reject_reason: str
    member_id: int | None = Field(description="通过后登记的会员")
    created_at: datetime
    reviewed_at: datetime | None

    @staticmethod
    def resolve_employment_form_display(obj):
        return obj.get_employment_form_display()

    @staticmethod
    def resolve_path_display(obj):
        return obj.get_path_display()

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_employer(obj):
        if obj.employer_id is None:
            return None
        return {"id": obj.employer_id, "name": obj.employer.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class JoinApplicationDetailOut(JoinApplicationOut):
    id_number: str = Field(description="身份证号(脱敏)")
    phone: str = Field(description="手机号码(脱敏)")

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)


class JoinApplicationPage(Schema):
    items: list[JoinApplicationOut]
    next_cursor: str | None


class JoinFilters(Schema):
    status: JoinStatus | None = Field(None, description="状态；不传为全部")
    path: JoinPath | None = Field(None, description="入会途径")
    q: str = Field("", max_length=50, description="姓名包含")


class RejectIn(_Strict):
    reason: str = Field(max_length=200, description="未通过原因(申请人查询时可见)")


class ApprovedOut(Schema):
    application: JoinApplicationDetailOut
    member_id: int
    card_number: str


def _application(user, pk):
    require(user, MODULE, Action.APPROVE)
    try:
        return joining.application_get(user, pk)
    except Http404 as exc:
        raise NotFound() from exc


@router.post(
    "",
    auth=None,
    response={201: JoinReceiptOut, **errors(422, 429)},
    summary="提交入会申请(公开)",
    description=(
        "无需登录。校验身份证号(GB 11643)和手机号；同一身份证号只能有一个待审核申请，"
        "已是在册会员的不能申请，未通过的可以重新申请。按 IP 和身份证号限制频率(429)。"
    ),
)
def application_submit(request, payload: JoinApplicationIn):
    data = payload.model_dump()
    with field_names(pool_org="pool_org_id"):
        app = joining.application_submit(**data, ip=client_ip(request))
    return Status(
        201,
        {
            "status": app.status,
            "status_display": app.get_status_display(),
            "union_name": app.org.name,
            "submitted_at": app.created_at,
        },
    )


@router.post(
    "/status",
    auth=None,
    response={200: JoinStatusOut, **errors(404, 422, 429)},
    summary="查询入会申请进度(公开)",
    description="身份证号 + 申请时的手机号，返回最近一次申请的状态；查询次数受限(429)。",
)
def application_status(request, payload: JoinStatusIn):
    view = joining.application_status_check(
        id_number=payload.id_number, phone=payload.phone, ip=client_ip(request)
    )
    return {
        "status": view.status,
        "status_display": view.status_label,
        "union_name": view.union_name,
        "reject_reason": view.reject_reason,
        "submitted_at": view.submitted_at,
    }


@router.get(
    "",
    response={200: JoinApplicationPage, **errors(403, 422)},
    summary="入会申请列表(审核)",
    description="审核范围内工会收到的申请，新的在前，游标分页。",
)
def application_list(request, filters: Query[JoinFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.APPROVE)
    apps = joining.application_list(
        request.auth,
        status=filters.status.value if filters.status else "",
        path=filters.path.value if filters.path else "",
        q=filters.q,
        action=Action.APPROVE,
    )
    return paginate(apps, page, descending=True)


@router.get(
    "/{pk:id}",
    response={200: JoinApplicationDetailOut, **errors(403, 404)},
    summary="入会申请详情",
)
def application_detail(request, id: int):
    return _application(request.auth, id)


@router.post(
    "/{pk:id}/approve",
    response={200: ApprovedOut, **errors(403, 404, 409, 422)},
    summary="批准入会",
    description="在审核工会登记会员并发放会员卡号；已审核过的申请返回 409(already_reviewed)。",
)
def application_approve(request, id: int):
    app = _application(request.auth, id)
    member = joining.application_approve(actor=request.auth, application=app)
    return {
        "application": joining.application_get(request.auth, id),
        "member_id": member.pk,
        "card_number": member.card_number,
    }


@router.post(
    "/{pk:id}/reject",
    response={200: JoinApplicationDetailOut, **errors(403, 404, 409, 422)},
    summary="不予通过",
    description="须填写原因，申请人查询进度时可见；申请人可以重新申请。",
)
def application_reject(request, id: int, payload: RejectIn):
    app = _application(request.auth, id)
    joining.application_reject(actor=request.auth, application=app, reason=payload.reason)
    return joining.application_get(request.auth, id)
