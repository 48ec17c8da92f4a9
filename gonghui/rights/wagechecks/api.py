"""API of wage checks and 一函两书: /api/v1/rights/wage-checks, /findings, /notices."""

from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, field_names, paginate, plain, require
from gonghui.core.modules import Action
from gonghui.rights.employers.selectors import enterprise_rights_scoped
from gonghui.rights.shared import MODULE
from gonghui.rights.wagechecks import documents, selectors, services
from gonghui.rights.wagechecks.models import FindingStatus, NoticeStatus, NoticeStep

router = Router(tags=["维权"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class WageCheckOut(Schema):
    id: int
    name: str
    year: int
    org_id: int
    joint_with: str
    focus: list[str]
    starts_on: date
    ends_on: date
    status: str


class NoticeOut(Schema):
    id: int
    finding_id: int
    step: NoticeStep
    status: NoticeStatus
    number: str
    recipient: str
    copy_to: str
    body: str
    days: int
    issued_on: date | None
    deadline: date | None = Field(
        description="整改期限届满日(送达次日起算，遇休息日、法定节假日顺延)"
    )
    replied_on: date | None
    reply_text: str
    version: int


class FindingOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    record_id: int | None
    inspection_id: int | None
    item_code: str
    description: str
    amount_owed: Decimal
    workers_affected: int
    found_on: date
    status: FindingStatus
    resolved_on: date | None
    amount_recovered: Decimal
    notices: list[NoticeOut]

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_notices(obj):
        return list(obj.notices.all())


class FindingPage(Schema):
    items: list[FindingOut]
    next_cursor: str | None


class FindingFilters(Schema):
    q: str = ""
    state: str = Field("", description="open / no_notice / due / resolved")
    township: int | None = None


class FindingIn(_Strict):
    enterprise_id: int
    description: str = Field(max_length=5000)
    found_on: date
    amount_owed: Decimal = Decimal(0)
    workers_affected: int = Field(0, ge=0)
    item_code: str = Field("", max_length=32)


class ResolveIn(_Strict):
    resolved_on: date
    amount_recovered: Decimal = Decimal(0)
    note: str = Field("", max_length=500)


class DraftIn(_Strict):
    step: NoticeStep


class IssueIn(_Strict):
    issued_on: date
    number: str = Field("", max_length=50)


class NoticeReplyIn(_Strict):
    replied_on: date
    text: str = Field(max_length=500)


def _finding(user, pk, action=Action.VIEW):
    return (
        selectors.finding_scoped(user, action)
        .select_related("enterprise")
        .prefetch_related("notices")
        .get(pk=pk)
    )


def _notice(user, pk, action=Action.VIEW):
    return selectors.notice_scoped(user, action).select_related("finding__enterprise").get(pk=pk)


@router.get(
    "/wage-checks", response={200: list[WageCheckOut], **errors(403)}, summary="工资支付检查列表"
)
def wagecheck_list(request):
    require(request.auth, MODULE, Action.VIEW)
    return list(selectors.wagecheck_list(request.auth)[:100])


@router.get("/findings", response={200: FindingPage, **errors(403, 422)}, summary="检查发现的问题")
def finding_list(request, filters: Query[FindingFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.finding_list(
        request.auth, q=filters.q, state=filters.state, township=filters.township
    )
    return paginate(rows, page, descending=True)


@router.get(
    "/findings/{pk:id}",
    response={200: FindingOut, **errors(403, 404)},
    summary="问题详情(含一函两书)",
)
def finding_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _finding(request.auth, id)


@router.post("/findings", response={201: FindingOut, **errors(403, 404, 422)}, summary="登记问题")
def finding_create(request, payload: FindingIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    data["enterprise"] = enterprise_rights_scoped(user, Action.EDIT).get(
        pk=data.pop("enterprise_id")
    )
    with field_names(enterprise="enterprise_id"):
        finding = services.finding_create(actor=user, **data)
    return Status(201, _finding(user, finding.pk))


@router.post(
    "/findings/{pk:id}/resolve",
    response={200: FindingOut, **errors(403, 404, 422)},
    summary="登记整改",
)
def finding_resolve(request, id: int, payload: ResolveIn):
    require(request.auth, MODULE, Action.EDIT)
    services.finding_resolve(
        actor=request.auth, finding=_finding(request.auth, id, Action.EDIT), **payload.model_dump()
    )
    return _finding(request.auth, id)


@router.post(
    "/findings/{pk:id}/notices",
    response={201: NoticeOut, **errors(403, 404, 422)},
    summary="起草一函两书",
    description="按问题预填正文；提示函 → 意见书 → 建议书依次起草，前一步须已送达。",
)
def notice_draft(request, id: int, payload: DraftIn):
    require(request.auth, MODULE, Action.EDIT)
    notice = services.notice_draft(
        actor=request.auth, finding=_finding(request.auth, id, Action.EDIT), step=payload.step.value
    )
    return Status(201, notice)


@router.get(
    "/notices/{pk:id}", response={200: NoticeOut, **errors(403, 404)}, summary="一函两书详情"
)
def notice_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _notice(request.auth, id)


@router.post(
    "/notices/{pk:id}/issue",
    response={200: NoticeOut, **errors(403, 404, 422)},
    summary="登记送达",
    description="不得早于前一步的整改期限届满日之次日；问题已整改的不能再送达。",
)
def notice_issue(request, id: int, payload: IssueIn):
    require(request.auth, MODULE, Action.EDIT)
    return services.notice_issue(
        actor=request.auth, notice=_notice(request.auth, id, Action.EDIT), **payload.model_dump()
    )


@router.post(
    "/notices/{pk:id}/reply", response={200: NoticeOut, **errors(403, 404, 422)}, summary="登记回复"
)
def notice_reply(request, id: int, payload: NoticeReplyIn):
    require(request.auth, MODULE, Action.EDIT)
    return services.notice_reply_record(
        actor=request.auth, notice=_notice(request.auth, id, Action.EDIT), **payload.model_dump()
    )


@router.get(
    "/notices/{pk:id}/pdf",
    response={200: None, **errors(403, 404)},
    summary="一函两书 PDF",
    description="A4 版式，内嵌中文字体。",
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def notice_pdf(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    notice = _notice(request.auth, id)
    settings_row = services.notice_settings(services.county_of(notice.org))
    response = HttpResponse(
        documents.notice_pdf(notice, settings_row), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}.pdf"'
    return response
