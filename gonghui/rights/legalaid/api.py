"""API of legal aid: /api/v1/rights/legal-aid. ID numbers, phones and the sensitive details
(health, minors) are always masked here."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, field_names, paginate, plain, require
from gonghui.core.masking import mask_id_number, mask_phone, mask_text
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org
from gonghui.rights.employers.selectors import enterprise_rights_scoped
from gonghui.rights.legalaid import selectors, services
from gonghui.rights.legalaid.models import AidKind, AidOutcome, AidStatus
from gonghui.rights.shared import MODULE

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
