"""API of collective contracts: /api/v1/rights/contracts."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, field_names, paginate, plain, require
from gonghui.core.modules import Action
from gonghui.rights.attachments import FILE_OPENAPI, file_response
from gonghui.rights.contracts import selectors, services
from gonghui.rights.contracts.models import ContractKind, ReviewResult
from gonghui.rights.employers.selectors import enterprise_rights_scoped
from gonghui.rights.shared import MODULE

router = Router(tags=["维权"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ContractOut(Schema):
    id: int
    title: str
    kind: ContractKind
    org_id: int = Field(description="工会方组织 id")
    enterprise_id: int | None = Field(description="签订单位 id(行业性、区域性合同为 null)")
    covered: list[int] = Field(description="覆盖单位 id")
    union_party: str
    employer_party: str
    workers_covered: int
    start_on: date
    end_on: date
    signed_on: date
    congress_total: int
    congress_present: int
    congress_for: int
    filing_due: date = Field(description="报送期限(签订之日起 10 日，遇休息日、法定节假日顺延)")
    filed_on: date | None
    review_due: date | None = Field(description="审查期限(报送之日起 15 日)")
    review_result: ReviewResult
    effective_on: date | None
    status: str
    version: int

    @staticmethod
    def resolve_covered(obj):
        return sorted(c.enterprise_id for c in obj.coverage.all())


class ContractPage(Schema):
    items: list[ContractOut]
    next_cursor: str | None


class ContractFilters(Schema):
    q: str = ""
    kind: ContractKind | None = None
    state: str = Field(
        "",
        description="in_force / expiring / to_file / filing_overdue / in_review / expired / objected / terminated",
    )
    township: int | None = None


class ContractIn(_Strict):
    kind: ContractKind
    title: str = Field(max_length=150)
    enterprise_id: int | None = Field(None, description="签订单位(单一单位合同)")
    covered_ids: list[int] = Field([], description="覆盖单位(行业性、区域性合同)")
    org_id: int | None = Field(None, description="工会方组织(行业性、区域性合同)")
    union_party: str = Field(max_length=150)
    employer_party: str = Field(max_length=150)
    workers_covered: int = Field(ge=1)
    start_on: date
    end_on: date
    signed_on: date
    congress_on: date
    congress_total: int = Field(ge=1)
    congress_present: int = Field(ge=0)
    congress_for: int = Field(ge=0)
    text: str = ""


class FilingIn(_Strict):
    filed_on: date
    department: str = Field(max_length=100)
    version: int | None = None


class ReviewIn(_Strict):
    result: ReviewResult
    reviewed_on: date
    note: str = Field("", max_length=300)
    version: int | None = None


def _get(user, pk, action=Action.VIEW):
    return selectors.contract_scoped(user, action).prefetch_related("coverage").get(pk=pk)


@router.get("/contracts", response={200: ContractPage, **errors(403, 422)}, summary="集体合同列表")
def contract_list(request, filters: Query[ContractFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.contract_list(
        request.auth,
        q=filters.q,
        kind=filters.kind.value if filters.kind else "",
        state=filters.state,
        township=filters.township,
    ).prefetch_related("coverage")
    return paginate(rows, page, descending=True)


@router.get(
    "/contracts/{pk:id}", response={200: ContractOut, **errors(403, 404)}, summary="集体合同详情"
)
def contract_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _get(request.auth, id)


@router.post(
    "/contracts",
    response={201: ContractOut, **errors(403, 404, 422)},
    summary="登记集体合同",
    description="校验期限(1–3 年)和职代会表决(到会不少于全体代表三分之二，赞成超过全体代表半数)。",
)
def contract_create(request, payload: ContractIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    scoped = enterprise_rights_scoped(user, Action.EDIT).select_related("union", "org")
    enterprise_id = data.pop("enterprise_id")
    data["enterprise"] = scoped.get(pk=enterprise_id) if enterprise_id else None
    data["covered"] = list(scoped.filter(pk__in=data.pop("covered_ids")))
    org_id = data.pop("org_id")
    if org_id:
        from gonghui.core.scope import get_in_scope_or_404
        from gonghui.orgs.models import Org

        data["org"] = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=org_id)
    with field_names(enterprise="enterprise_id", covered="covered_ids", org="org_id"):
        contract = services.contract_register(actor=user, **data)
    return Status(201, _get(user, contract.pk))


@router.post(
    "/contracts/{pk:id}/filing",
    response={200: ContractOut, **errors(403, 404, 409, 422)},
    summary="登记报送审查",
)
def contract_file(request, id: int, payload: FilingIn):
    require(request.auth, MODULE, Action.EDIT)
    contract = _get(request.auth, id, Action.EDIT)
    services.contract_file(actor=request.auth, contract=contract, **payload.model_dump())
    return _get(request.auth, id)


@router.post(
    "/contracts/{pk:id}/review",
    response={200: ContractOut, **errors(403, 404, 409, 422)},
    summary="登记审查意见",
)
def contract_review(request, id: int, payload: ReviewIn):
    require(request.auth, MODULE, Action.EDIT)
    contract = _get(request.auth, id, Action.EDIT)
    services.contract_review_record(
        actor=request.auth, contract=contract, **plain(payload.model_dump())
    )
    return _get(request.auth, id)


class VersionIn(_Strict):
    text: str = Field(min_length=1, max_length=200_000)
    note: str = Field("", max_length=200)


class VersionOut(Schema):
    number: int
    note: str
    created_at: datetime


class RenewalIn(_Strict):
    on: date = Field(description="续订要约日期(合同届满前 3 个月内)")
    subject: str = Field("", max_length=150)
    content: str = Field("", max_length=5000)


class RenewalOut(Schema):
    contract: ContractOut
    offer_id: int = Field(description="发出的协商要约 id(20 日答复期限)")


class TerminationIn(_Strict):
    on: date
    reason: str = Field(max_length=300)


@router.post(
    "/contracts/{pk:id}/versions",
    response={201: VersionOut, **errors(403, 404, 422)},
    summary="保存合同文本新版本",
)
def contract_version_add(request, id: int, payload: VersionIn):
    require(request.auth, MODULE, Action.EDIT)
    contract = _get(request.auth, id, Action.EDIT)
    saved = services.contract_version_add(
        actor=request.auth, contract=contract, **payload.model_dump()
    )
    return Status(201, saved)


@router.post(
    "/contracts/{pk:id}/renewal",
    response={200: RenewalOut, **errors(403, 404, 422)},
    summary="提出续订要约",
    description="合同届满前 3 个月内向签订单位发出续订要约，20 日答复期限开始计算。",
)
def contract_renewal(request, id: int, payload: RenewalIn):
    require(request.auth, MODULE, Action.EDIT)
    contract = _get(request.auth, id, Action.EDIT)
    offer = services.contract_renewal_request(
        actor=request.auth, contract=contract, **payload.model_dump()
    )
    return {"contract": _get(request.auth, id), "offer_id": offer.pk}


@router.post(
    "/contracts/{pk:id}/termination",
    response={200: ContractOut, **errors(403, 404, 422)},
    summary="登记合同终止",
)
def contract_termination(request, id: int, payload: TerminationIn):
    require(request.auth, MODULE, Action.EDIT)
    contract = _get(request.auth, id, Action.EDIT)
    services.contract_terminate(actor=request.auth, contract=contract, **payload.model_dump())
    return _get(request.auth, id)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime


@router.post(
    "/contracts/{pk:id}/attachments",
    response={201: AttachmentOut, **errors(403, 404, 422)},
    summary="上传合同附件",
    description="multipart/form-data，字段 file：PDF、Word 文档或图片，按系统设定的大小限制。",
)
def contract_attachment_add(request, id: int, file: File[UploadedFile]):
    require(request.auth, MODULE, Action.EDIT)
    contract = _get(request.auth, id, Action.EDIT)
    saved = services.contract_attachment_add(actor=request.auth, contract=contract, upload=file)
    return Status(201, saved)


@router.get(
    "/contracts/{pk:id}/attachments",
    response={200: list[AttachmentOut], **errors(403, 404)},
    summary="合同附件列表",
)
def contract_attachment_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return list(_get(request.auth, id).attachments.all())


@router.get(
    "/contracts/{pk:id}/attachments/{pk:file_id}",
    response={200: None, **errors(403, 404)},
    summary="下载合同附件",
    openapi_extra=FILE_OPENAPI,
)
def contract_attachment(request, id: int, file_id: int):
    require(request.auth, MODULE, Action.VIEW)
    contract = _get(request.auth, id)
    return file_response(get_object_or_404(contract.attachments, pk=file_id))


class VersionTextOut(VersionOut):
    text: str


@router.get(
    "/contracts/{pk:id}/versions",
    response={200: list[VersionOut], **errors(403, 404)},
    summary="合同文本版本列表",
)
def contract_version_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    contract = _get(request.auth, id)
    return list(contract.versions.only("id", "number", "note", "created_at"))


@router.get(
    "/contracts/{pk:id}/versions/{pk:number}",
    response={200: VersionTextOut, **errors(403, 404)},
    summary="合同文本某一版本",
)
def contract_version(request, id: int, number: int):
    require(request.auth, MODULE, Action.VIEW)
    contract = _get(request.auth, id)
    return get_object_or_404(contract.versions, number=number)
