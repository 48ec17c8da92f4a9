"""API of labour-law supervision: /api/v1/rights/inspections."""

from datetime import date

from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import errors, field_names, plain, require
from gonghui.core.modules import Action
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
