"""API of reminders: /api/v1/rights/reminders."""

from datetime import date

from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.rights.reminders import selectors, services
from gonghui.rights.reminders.models import ReminderKind, ReminderStatus
from gonghui.rights.shared import MODULE

router = Router(tags=["维权"])


class ReminderOut(Schema):
    id: int
    kind: ReminderKind
    enterprise_id: int | None
    contract_id: int | None
    offer_id: int | None
    notice_id: int | None
    case_id: int | None
    due_on: date = Field(description="法定或约定的日期(已过)")
    opened_on: date
    deadline: date = Field(description="办理时限(工作日)")
    assigned_to_id: int | None
    status: ReminderStatus


class ReminderPage(Schema):
    items: list[ReminderOut]
    next_cursor: str | None


class ReminderFilters(Schema):
    kind: ReminderKind | None = None
    status: ReminderStatus | None = ReminderStatus.OPEN
    overdue: bool = False
    mine: bool = False


@router.get("/reminders", response={200: ReminderPage, **errors(403, 422)}, summary="维权提醒")
def reminder_list(request, filters: Query[ReminderFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.reminder_list(
        request.auth,
        kind=filters.kind.value if filters.kind else "",
        status=filters.status.value if filters.status else "",
        overdue=filters.overdue,
        mine=filters.mine,
    )
    return paginate(rows, page)


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=300, description="办理情况")


@router.post(
    "/reminders/{pk:id}/close",
    response={200: ReminderOut, **errors(403, 404, 422)},
    summary="办结维权提醒",
)
def reminder_close(request, id: int, payload: CloseIn):
    require(request.auth, MODULE, Action.EDIT)
    reminder = selectors.reminder_get(request.auth, id, Action.EDIT)
    return services.reminder_close(actor=request.auth, reminder=reminder, note=payload.note)


class RunOut(Schema):
    on: date = Field(description="提醒日期")
    opened: int = Field(description="新开提醒")
    closed: int = Field(description="自动办结")
    counts: dict[str, int] = Field(description="各事项新开数")
    duration_ms: int


@router.post(
    "/reminders/run",
    response={200: RunOut, **errors(403)},
    summary="立即运行维权提醒",
    description="与每日自动运行相同(重复运行不会重复开出提醒)。",
)
def reminder_run(request):
    require(request.auth, MODULE, Action.EDIT)
    return services.reminders_run_now(actor=request.auth)
