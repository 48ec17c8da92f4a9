"""API of wage checks and 一函两书: /api/v1/rights/wage-checks, /findings, /notices."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, field_names, paginate, plain, require
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, org_in_scope
from gonghui.orgs.models import Org
from gonghui.rights.attachments import FILE_OPENAPI, file_response
from gonghui.rights.employers.selectors import enterprise_rights_scoped
from gonghui.rights.shared import MODULE, county_of_user
from gonghui.rights.wagechecks import documents, selectors, services
from gonghui.rights.wagechecks.models import (
    CheckFocus,
    CheckItemScope,
    FindingStatus,
    NoticeStatus,
    NoticeStep,
)

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


@router.get(
    "/notices/{pk:id}/docx",
    response={200: None, **errors(403, 404)},
    summary="一函两书 Word 文档(.docx)",
    openapi_extra={
        "responses": {200: {"description": ".docx", "content": {documents.DOCX_TYPE: {}}}}
    },
)
def notice_docx(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    notice = _notice(request.auth, id)
    settings_row = services.notice_settings(services.county_of(notice.org))
    response = HttpResponse(
        documents.notice_docx(notice, settings_row), content_type=documents.DOCX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}.docx"'
    return response


class NoticeRowOut(Schema):
    id: int
    finding_id: int
    enterprise_id: int
    enterprise_name: str
    step: NoticeStep
    status: NoticeStatus
    number: str
    issued_on: date | None
    deadline: date | None
    replied_on: date | None

    @staticmethod
    def resolve_enterprise_id(obj):
        return obj.finding.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.finding.enterprise.name


class NoticePage(Schema):
    items: list[NoticeRowOut]
    next_cursor: str | None


class NoticeFilters(Schema):
    q: str = ""
    step: NoticeStep | None = None
    state: str = Field("", description="draft / waiting / due / replied / escalated / resolved")
    township: int | None = None


@router.get("/notices", response={200: NoticePage, **errors(403, 422)}, summary="一函两书列表")
def notice_list(request, filters: Query[NoticeFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.notice_list(
        request.auth,
        step=filters.step.value if filters.step else "",
        state=filters.state,
        township=filters.township,
        q=filters.q,
    )
    return paginate(rows, page, descending=True)


class CheckRecordOut(Schema):
    id: int
    campaign_id: int
    enterprise_id: int
    enterprise_name: str
    site_name: str
    checked_on: date
    inspectors: str
    results: dict[str, str] = Field(description="检查事项编码 → ok 符合 / fail 不符合 / na 不适用")
    note: str

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name


class WageCheckDetailOut(WageCheckOut):
    records: list[CheckRecordOut] = Field(description="本人范围内的检查记录(最近 200 条)")

    @staticmethod
    def resolve_records(obj):
        return obj.records_in_scope


class WageCheckIn(_Strict):
    org_id: int
    name: str = Field(max_length=150)
    year: int
    starts_on: date
    ends_on: date
    joint_with: str = Field("", max_length=100)
    focus: list[CheckFocus] = []
    note: str = Field("", max_length=300)


class CheckRecordIn(_Strict):
    enterprise_id: int
    checked_on: date
    inspectors: str = Field(max_length=200)
    results: dict[str, str] = Field(description="检查事项编码 → ok / fail / na")
    site_name: str = Field("", max_length=150)
    note: str = Field("", max_length=500)


class CheckItemOut(Schema):
    code: str
    name: str
    scope: CheckItemScope
    order: int
    is_active: bool


@router.get(
    "/check-items",
    response={200: list[CheckItemOut], **errors(403)},
    summary="本县工资支付检查事项",
)
def check_items(request):
    require(request.auth, MODULE, Action.VIEW)
    county = services.county_of(request.auth.org) if request.auth.org_id else None
    return services.items_ensure(county) if county else []


@router.post(
    "/wage-checks",
    response={201: WageCheckOut, **errors(403, 404, 422)},
    summary="新建工资支付检查",
)
def wagecheck_create(request, payload: WageCheckIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    data["org"] = get_in_scope_or_404(
        Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id")
    )
    with field_names(org="org_id"):
        campaign = services.wagecheck_create(actor=user, **data)
    return Status(201, campaign)


@router.get(
    "/wage-checks/{pk:id}",
    response={200: WageCheckDetailOut, **errors(403, 404)},
    summary="工资支付检查详情(含检查记录)",
)
def wagecheck_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    campaign = selectors.wagecheck_get(request.auth, id)
    campaign.records_in_scope = list(selectors.records_of(request.auth, campaign)[:200])
    return campaign


@router.post(
    "/wage-checks/{pk:id}/records",
    response={201: CheckRecordOut, **errors(403, 404, 422)},
    summary="登记检查记录",
)
def record_add(request, id: int, payload: CheckRecordIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    campaign = selectors.wagecheck_get(user, id, Action.EDIT)
    data = plain(payload.model_dump())
    data["enterprise"] = enterprise_rights_scoped(user, Action.EDIT).get(
        pk=data.pop("enterprise_id")
    )
    with field_names(enterprise="enterprise_id"):
        record = services.record_add(actor=user, campaign=campaign, **data)
    return Status(201, record)


@router.post(
    "/wage-checks/{pk:id}/close",
    response={200: WageCheckOut, **errors(403, 404, 422)},
    summary="结束工资支付检查",
)
def wagecheck_close(request, id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    campaign = selectors.wagecheck_get(user, id, Action.EDIT)
    if not org_in_scope(user, MODULE, Action.EDIT, campaign.org):
        raise Http404
    return services.wagecheck_close(actor=user, campaign=campaign)


class NoticeEditIn(_Strict):
    recipient: str = Field(max_length=150)
    body: str = Field(max_length=20_000)
    days: int | None = Field(None, description="整改期限(天，1–90；建议书不填)")
    number: str = Field("", max_length=50)
    copy_to: str = Field("", max_length=200)
    version: int | None = None


@router.put(
    "/notices/{pk:id}",
    response={200: NoticeOut, **errors(403, 404, 409, 422)},
    summary="修改一函两书草稿",
    description="只有未送达的草稿可以修改。",
)
def notice_edit(request, id: int, payload: NoticeEditIn):
    require(request.auth, MODULE, Action.EDIT)
    return services.notice_update(
        actor=request.auth, notice=_notice(request.auth, id, Action.EDIT), **payload.model_dump()
    )


class PhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime


@router.post(
    "/findings/{pk:id}/photos",
    response={201: PhotoOut, **errors(403, 404, 422)},
    summary="上传问题照片",
    description="multipart/form-data，字段 image：JPEG、PNG 等图片，按系统设定的大小限制。",
)
def finding_photo_add(request, id: int, image: File[UploadedFile]):
    require(request.auth, MODULE, Action.EDIT)
    finding = _finding(request.auth, id, Action.EDIT)
    photo = services.finding_photo_add(actor=request.auth, finding=finding, upload=image)
    return Status(201, photo)


@router.get(
    "/findings/{pk:id}/photos",
    response={200: list[PhotoOut], **errors(403, 404)},
    summary="问题照片列表",
)
def finding_photo_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return list(_finding(request.auth, id).photos.all())


@router.get(
    "/findings/{pk:id}/photos/{pk:photo_id}",
    response={200: None, **errors(403, 404)},
    summary="查看问题照片",
    openapi_extra=FILE_OPENAPI,
)
def finding_photo(request, id: int, photo_id: int):
    require(request.auth, MODULE, Action.VIEW)
    finding = selectors.finding_scoped(request.auth, Action.VIEW).get(pk=id)
    return file_response(get_object_or_404(finding.photos, pk=photo_id))


# --- the county's checklist and 一函两书 settings (edited at the county only) ------------------


class CheckItemIn(_Strict):
    name: str = Field(max_length=100)
    scope: CheckItemScope = CheckItemScope.ALL
    order: int = Field(0, description="顺序(0–999)")
    is_active: bool = True


@router.post(
    "/check-items",
    response={201: CheckItemOut, **errors(403, 404, 422)},
    summary="添加检查事项",
    description="本县的检查事项；只有县总工会(数据范围包括本县)可以修改。",
)
def check_item_create(request, payload: CheckItemIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county = county_of_user(user, Action.EDIT)
    item = services.check_item_save(actor=user, county=county, **plain(payload.model_dump()))
    return Status(201, item)


@router.put(
    "/check-items/{code}",
    response={200: CheckItemOut, **errors(403, 404, 422)},
    summary="修改检查事项",
    description="可改名称、适用范围、顺序，或停用(停用后新的检查记录不再填写该项)。",
)
def check_item_update(request, code: str, payload: CheckItemIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county = county_of_user(user, Action.EDIT)
    item = next((i for i in services.items_ensure(county) if i.code == code), None)
    if item is None:
        raise Http404
    return services.check_item_save(
        actor=user, county=county, item=item, **plain(payload.model_dump())
    )


class NoticeSettingsOut(Schema):
    org_id: int = Field(description="县总工会 id")
    letterhead: str
    number_prefix: str
    prompt_days: int = Field(description="提示函整改期限(天)")
    opinion_days: int = Field(description="意见书自行整改期限(天)")
    labour_bureau: str
    copy_procuratorate: bool = Field(description="建议书抄送检察院")
    procuratorate: str
    address: str
    phone: str
    contact: str
    can_edit: bool = Field(description="本人能否修改")


class NoticeSettingsIn(_Strict):
    letterhead: str = Field(max_length=100)
    prompt_days: int = Field(description="1–90 天")
    opinion_days: int = Field(description="1–90 天")
    labour_bureau: str = Field(max_length=100)
    number_prefix: str = Field("", max_length=30)
    copy_procuratorate: bool = False
    procuratorate: str = Field("", max_length=100)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    contact: str = Field("", max_length=30)


def _settings_out(user, county):
    row = services.notice_settings(county)
    row.can_edit = org_in_scope(user, MODULE, Action.EDIT, county)
    row.org_id = county.pk
    return row


@router.get(
    "/notice-settings",
    response={200: NoticeSettingsOut, **errors(403, 404)},
    summary="本县一函两书设置",
)
def notice_settings(request):
    require(request.auth, MODULE, Action.VIEW)
    return _settings_out(request.auth, county_of_user(request.auth))


@router.put(
    "/notice-settings",
    response={200: NoticeSettingsOut, **errors(403, 404, 422)},
    summary="修改本县一函两书设置",
    description="文书抬头、整改期限和建议书抄送；只有县总工会(数据范围包括本县)可以修改。",
)
def notice_settings_update(request, payload: NoticeSettingsIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county = county_of_user(user, Action.EDIT)
    services.notice_settings_save(actor=user, county=county, **payload.model_dump())
    return _settings_out(user, county)
