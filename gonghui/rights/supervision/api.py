"""API of labour-law supervision: /api/v1/rights/inspections and /supervisors."""

from datetime import date

from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import errors, field_names, plain, require
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org
from gonghui.rights.employers.selectors import enterprise_rights_scoped
from gonghui.rights.shared import MODULE
from gonghui.rights.supervision import selectors, services
from gonghui.rights.supervision.models import InspectionResult

router = Router(tags=["维权"])


class InspectionOut(Schema):
    id: int
    enterprise_id: int
    inspected_on: date
    subject: str
    result: InspectionResult
    summary: str
    supervisors: list[int]

    @staticmethod
    def resolve_supervisors(obj):
        return sorted(s.pk for s in obj.supervisors.all())


class InspectionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    enterprise_id: int
    supervisor_ids: list[int] = Field(min_length=1)
    inspected_on: date
    subject: str = Field(max_length=200)
    result: InspectionResult
    summary: str = ""


@router.get(
    "/inspections",
    response={200: list[InspectionOut], **errors(403)},
    summary="劳动法律监督检查(最近 200 次)",
)
def inspection_list(request):
    require(request.auth, MODULE, Action.VIEW)
    return list(selectors.inspection_list(request.auth).prefetch_related("supervisors")[:200])


@router.post(
    "/inspections", response={201: InspectionOut, **errors(403, 404, 422)}, summary="登记监督检查"
)
def inspection_create(request, payload: InspectionIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    data["enterprise"] = enterprise_rights_scoped(user, Action.EDIT).get(
        pk=data.pop("enterprise_id")
    )
    wanted = set(data.pop("supervisor_ids"))
    data["supervisors"] = [s for s in selectors.supervisors_for(user) if s.pk in wanted]
    with field_names(enterprise="enterprise_id", supervisors="supervisor_ids"):
        inspection = services.inspection_record(actor=user, **data)
    return Status(201, inspection)


class SupervisorOut(Schema):
    """Phones are personal data: not given here (as on the staff list)."""

    id: int
    org_id: int
    name: str
    certificate_no: str
    appointed_on: date
    term_ends_on: date | None
    is_active: bool


class SupervisorIn(Schema):
    model_config = ConfigDict(extra="forbid")
    org_id: int = Field(description="聘任的工会")
    name: str = Field(max_length=50)
    appointed_on: date
    phone: str = Field("", max_length=20)
    certificate_no: str = Field("", max_length=30)
    term_ends_on: date | None = None


@router.get(
    "/inspections/{pk:id}",
    response={200: InspectionOut, **errors(403, 404)},
    summary="监督检查详情",
)
def inspection_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.inspection_scoped(request.auth).prefetch_related("supervisors").get(pk=id)


@router.get(
    "/supervisors",
    response={200: list[SupervisorOut], **errors(403)},
    summary="劳动法律监督员(最近 500 名)",
)
def supervisor_list(request):
    require(request.auth, MODULE, Action.VIEW)
    return list(selectors.supervisor_list(request.auth)[:500])


@router.post(
    "/supervisors", response={201: SupervisorOut, **errors(403, 404, 422)}, summary="聘任监督员"
)
def supervisor_create(request, payload: SupervisorIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    data["org"] = get_in_scope_or_404(
        Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id")
    )
    with field_names(org="org_id"):
        supervisor = services.supervisor_appoint(actor=user, **data)
    return Status(201, supervisor)
