"""API of legal aid: /api/v1/rights/legal-aid. ID numbers, phones and the sensitive details
(health, minors) are always masked here."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, field_names, paginate, plain, require
from gonghui.core.errors import NotFound
from gonghui.core.masking import mask_id_number, mask_phone, mask_text
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, org_in_scope
from gonghui.orgs.models import Org
from gonghui.rights.attachments import FILE_OPENAPI, file_response
from gonghui.rights.employers.selectors import enterprise_rights_scoped
from gonghui.rights.legalaid import selectors, services
from gonghui.rights.legalaid.models import AidKind, AidOutcome, AidStatus
from gonghui.rights.shared import MODULE, county_of

router = Router(tags=["维权"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CaseOut(Schema):
    id: int
    number: str
    source: str
    org_id: int
    applied_on: date
    applicant_name: str
    applicant_id_number: str = Field(description="身份证号(脱敏)")
    applicant_phone: str = Field(description="手机号(脱敏)")
    enterprise_id: int | None
    employer_name: str
    kind: AidKind
    status: AidStatus
    has_health_details: bool
    health_details: str = Field(description="健康状况(脱敏：只表示有无)")
    involves_minor: bool
    minor_details: str = Field(description="涉及未成年人(脱敏：只表示有无)")
    decided_on: date | None
    refusal_reason: str
    assigned_user_id: int | None
    assigned_lawyer_id: int | None
    deadline: date | None
    handled_elsewhere: str
    outcome: str
    closed_on: date | None
    amount_recovered: Decimal
    feedback_score: int | None
    version: int

    @staticmethod
    def resolve_applicant_id_number(obj):
        return (
            mask_id_number(obj.applicant_id_number)
            if "applicant_id_number" not in obj.get_deferred_fields()
            else f"**************{obj.applicant_id_last4}"
        )

    @staticmethod
    def resolve_applicant_phone(obj):
        return (
            mask_phone(obj.applicant_phone)
            if "applicant_phone" not in obj.get_deferred_fields()
            else "***********"
        )

    @staticmethod
    def resolve_health_details(obj):
        return mask_text("x" if obj.has_health_details else "")

    @staticmethod
    def resolve_minor_details(obj):
        return mask_text("x" if obj.involves_minor else "")


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class CaseFilters(Schema):
    q: str = ""
    state: str = Field(
        "", description="applied / accepted / refused / assigned / closed / overdue / mine"
    )
    kind: AidKind | None = None
    township: int | None = None


class CaseIn(_Strict):
    org_id: int | None = Field(None, description="受理工会；填写已登记的被申请单位时可不填")
    enterprise_id: int | None = None
    applicant_name: str = Field(max_length=50)
    id_number: str = Field(max_length=40)
    phone: str = Field(max_length=30)
    kind: AidKind
    facts: str = Field(max_length=5000)
    employer_name: str = Field("", max_length=150)
    amount_claimed: Decimal | None = None
    health_details: str = Field("", max_length=1000)
    minor_details: str = Field("", max_length=1000)
    has_income_proof: bool = False
    applied_on: date | None = None


class DecisionIn(_Strict):
    accept: bool
    on: date
    reason: str = Field("", max_length=300)
    version: int | None = None


class AssignmentIn(_Strict):
    on: date
    user_id: int | None = None
    lawyer_id: int | None = None
    handled_elsewhere: str = Field("", max_length=100)
    version: int | None = None


class NoteIn(_Strict):
    noted_on: date
    text: str = Field(max_length=5000)


class ClosureIn(_Strict):
    closed_on: date
    outcome: AidOutcome
    amount_recovered: Decimal = Decimal(0)
    judgement: str = Field("", max_length=300)
    version: int | None = None


def _get(user, pk, action=Action.VIEW):
    return selectors.case_scoped(user, action).get(pk=pk)


@router.get("/legal-aid", response={200: CasePage, **errors(403, 422)}, summary="法律援助案件列表")
def case_list(request, filters: Query[CaseFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.case_list(
        request.auth,
        q=filters.q,
        state=filters.state,
        kind=filters.kind.value if filters.kind else "",
        township=filters.township,
    )
    return paginate(rows, page, descending=True)


@router.get(
    "/legal-aid/{pk:id}",
    response={200: CaseOut, **errors(403, 404)},
    summary="法律援助案件详情(脱敏)",
)
def case_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _get(request.auth, id)


@router.post(
    "/legal-aid", response={201: CaseOut, **errors(403, 404, 422)}, summary="登记法律援助申请"
)
def case_create(request, payload: CaseIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    enterprise_id, org_id = data.pop("enterprise_id"), data.pop("org_id")
    data["enterprise"] = (
        enterprise_rights_scoped(user, Action.EDIT).get(pk=enterprise_id) if enterprise_id else None
    )
    data["org"] = (
        get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=org_id)
        if org_id
        else None
    )
    if data["org"] is None and data["enterprise"] is None:
        from gonghui.core.errors import ValidationFailed

        raise ValidationFailed("请选择受理工会。", fields={"org_id": ["请选择受理工会。"]})
    with field_names(org="org_id", enterprise="enterprise_id"):
        case = services.case_register(actor=user, **data)
    return Status(201, _get(user, case.pk))


@router.post(
    "/legal-aid/{pk:id}/decision",
    response={200: CaseOut, **errors(403, 404, 409, 422)},
    summary="受理或不予受理",
)
def case_decision(request, id: int, payload: DecisionIn):
    require(request.auth, MODULE, Action.EDIT)
    services.case_decide(
        actor=request.auth, case=_get(request.auth, id, Action.EDIT), **payload.model_dump()
    )
    return _get(request.auth, id)


@router.post(
    "/legal-aid/{pk:id}/assignment",
    response={200: CaseOut, **errors(403, 404, 409, 422)},
    summary="指派承办人",
    description="工作人员(数据范围须包括本案件)或本地区援助律师名册中的律师，二选一。",
)
def case_assignment(request, id: int, payload: AssignmentIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    case = _get(user, id, Action.EDIT)
    data = payload.model_dump()
    users, lawyers = services.assignee_choices(case)
    from gonghui.accounts.models import User
    from gonghui.rights.legalaid.models import AidLawyer

    user_id, lawyer_id = data.pop("user_id"), data.pop("lawyer_id")
    assignee = User.objects.filter(pk=user_id).first() if user_id else None
    lawyer = (
        AidLawyer.objects.filter(pk=lawyer_id).select_related("org").first() if lawyer_id else None
    )
    with field_names(assignee="user_id"):
        services.case_assign(actor=user, case=case, user=assignee, lawyer=lawyer, **data)
    return _get(user, id)


@router.post(
    "/legal-aid/{pk:id}/notes",
    response={201: CaseOut, **errors(403, 404, 422)},
    summary="登记办理进展",
)
def case_note(request, id: int, payload: NoteIn):
    require(request.auth, MODULE, Action.EDIT)
    services.case_note_add(
        actor=request.auth, case=_get(request.auth, id, Action.EDIT), **payload.model_dump()
    )
    return Status(201, _get(request.auth, id))


@router.post(
    "/legal-aid/{pk:id}/closure",
    response={200: CaseOut, **errors(403, 404, 409, 422)},
    summary="结案",
)
def case_closure(request, id: int, payload: ClosureIn):
    require(request.auth, MODULE, Action.EDIT)
    services.case_close(
        actor=request.auth, case=_get(request.auth, id, Action.EDIT), **plain(payload.model_dump())
    )
    return _get(request.auth, id)


class LawyerOut(Schema):
    """Phones are personal data: not given here (as on the staff list)."""

    id: int
    org_id: int
    name: str
    firm: str
    licence_no: str
    is_active: bool


@router.get(
    "/lawyers", response={200: list[LawyerOut], **errors(403)}, summary="援助律师(最近 500 名)"
)
def lawyer_list(request):
    require(request.auth, MODULE, Action.VIEW)
    return list(selectors.lawyer_list(request.auth)[:500])


class LawyerIn(_Strict):
    org_id: int = Field(description="所属工会(县或乡镇工会)")
    name: str = Field(max_length=50)
    firm: str = Field(max_length=100)
    licence_no: str = Field("", max_length=30)
    phone: str = Field("", max_length=30, description="联系电话(加密保存，不在接口中返回)")


@router.post("/lawyers", response={201: LawyerOut, **errors(403, 404, 422)}, summary="添加援助律师")
def lawyer_create(request, payload: LawyerIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = payload.model_dump()
    data["org"] = get_in_scope_or_404(
        Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id")
    )
    with field_names(org="org_id"):
        lawyer = services.lawyer_create(actor=user, **data)
    return Status(201, lawyer)


# --- the case's materials and notes ----------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime


@router.get(
    "/legal-aid/{pk:id}/attachments",
    response={200: list[AttachmentOut], **errors(403, 404)},
    summary="案件材料列表",
)
def case_attachment_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return list(_get(request.auth, id).attachments.all())


@router.post(
    "/legal-aid/{pk:id}/attachments",
    response={201: AttachmentOut, **errors(403, 404, 422)},
    summary="上传案件材料",
    description="multipart/form-data，字段 file：PDF、Word 文档或 JPG、PNG 图片，不超过 10 MB。",
)
def case_attachment_add(request, id: int, file: File[UploadedFile]):
    require(request.auth, MODULE, Action.EDIT)
    case = _get(request.auth, id, Action.EDIT)
    saved = services.case_attachment_add(actor=request.auth, case=case, upload=file)
    return Status(201, saved)


@router.get(
    "/legal-aid/{pk:id}/attachments/{pk:file_id}",
    response={200: None, **errors(403, 404)},
    summary="下载案件材料",
    description="材料含申请人个人信息：每次下载都记入审计日志。",
    openapi_extra=FILE_OPENAPI,
)
def case_attachment(request, id: int, file_id: int):
    require(request.auth, MODULE, Action.VIEW)
    case = _get(request.auth, id)
    try:
        attachment = services.case_attachment_open(
            actor=request.auth, case=case, attachment_id=file_id
        )
    except NotFound as exc:
        raise Http404 from exc
    return file_response(attachment, personal=True)


class NoteOut(Schema):
    id: int
    noted_on: date
    text: str
    author_name: str

    @staticmethod
    def resolve_author_name(obj):
        return obj.author.display_name if obj.author_id else ""


@router.get(
    "/legal-aid/{pk:id}/notes",
    response={200: list[NoteOut], **errors(403, 404)},
    summary="办理进展",
)
def case_note_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return list(_get(request.auth, id).notes.select_related("author"))


# --- unmasking ----------------------------------------------------------------------------


class UnmaskIn(_Strict):
    reason: str = Field(max_length=200, description="查看事由(记入审计日志)")


class CasePlainOut(CaseOut):
    """The case with the applicant's ID number, phone and the sensitive details in full."""

    applicant_id_number: str = Field(description="身份证号(完整)")
    applicant_phone: str = Field(description="手机号(完整)")
    health_details: str = Field(description="健康状况(完整)")
    minor_details: str = Field(description="涉及未成年人的情况(完整)")
    facts: str

    @staticmethod
    def resolve_applicant_id_number(obj):
        return obj.applicant_id_number

    @staticmethod
    def resolve_applicant_phone(obj):
        return obj.applicant_phone

    @staticmethod
    def resolve_health_details(obj):
        return obj.health_details

    @staticmethod
    def resolve_minor_details(obj):
        return obj.minor_details


@router.post(
    "/legal-aid/{pk:id}/unmask",
    response={200: CasePlainOut, **errors(403, 404, 422)},
    summary="查看案件完整信息",
    description="须有查看敏感信息的权限并填写事由；每次查看都记入审计日志。",
)
def case_unmask(request, id: int, payload: UnmaskIn):
    user = request.auth
    require(user, MODULE, Action.VIEW_SENSITIVE)
    case = _get(user, id, Action.VIEW_SENSITIVE)
    return services.case_unmask(actor=user, case=case, reason=payload.reason)


# --- the county's settings -----------------------------------------------------------------


class SettingsOut(Schema):
    org_id: int = Field(description="县总工会 id")
    income_proof_required: bool = Field(description="须提交经济困难证明")
    deadline_working_days: int = Field(description="办结期限(工作日)")
    can_edit: bool = Field(description="本人能否修改")


class SettingsIn(_Strict):
    income_proof_required: bool
    deadline_working_days: int = Field(description="1–250 个工作日")


def _county(user, action: str = Action.VIEW) -> Org:
    county = county_of(user.org) if user.org_id else None
    if county is None or (
        action == Action.EDIT and not org_in_scope(user, MODULE, Action.EDIT, county)
    ):
        raise Http404
    return county


def _settings_out(user, county) -> dict:
    row = services.county_settings(county)
    return {
        "org_id": county.pk,
        "income_proof_required": row.income_proof_required,
        "deadline_working_days": row.deadline_working_days,
        "can_edit": org_in_scope(user, MODULE, Action.EDIT, county),
    }


@router.get(
    "/legal-aid-settings",
    response={200: SettingsOut, **errors(403, 404)},
    summary="本县法律援助设置",
)
def legal_aid_settings(request):
    require(request.auth, MODULE, Action.VIEW)
    return _settings_out(request.auth, _county(request.auth))


@router.put(
    "/legal-aid-settings",
    response={200: SettingsOut, **errors(403, 404, 422)},
    summary="修改本县法律援助设置",
    description="只有县总工会(数据范围包括本县)可以修改。",
)
def legal_aid_settings_update(request, payload: SettingsIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county = _county(user, Action.EDIT)
    services.legal_aid_settings_save(actor=user, county=county, **payload.model_dump())
    return _settings_out(user, county)
