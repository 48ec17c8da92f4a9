"""API of follow-ups: /api/v1/outreach/followups (the due list), recording a result and
assigning follow-ups to staff."""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, paginate, require
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.outreach.caravans.selectors import staff_in_scope
from gonghui.outreach.followups import selectors, services
from gonghui.outreach.followups.models import DEFAULT_OFFSETS, FollowUpResult, FollowUpStatus
from gonghui.sites.selectors import county_of

router = Router(tags=["服务职工进基层：跟踪回访"])
MODULE = "outreach"


class FollowUpOut(Schema):
    id: int
    registration_id: int
    reference: str = Field(description="登记号")
    name: str = Field(description="职工姓名")
    number: int = Field(description="第几次回访")
    offset_days: int
    due_on: date
    overdue: bool
    assigned_to: str | None = Field(description="回访人")
    status: FollowUpStatus
    done_on: date | None
    result: FollowUpResult | None
    employer_name: str
    monthly_pay: int | None
    note: str
    is_final: bool

    @staticmethod
    def resolve_reference(obj):
        return obj.registration.reference

    @staticmethod
    def resolve_name(obj):
        return obj.registration.name

    @staticmethod
    def resolve_overdue(obj):
        return obj.status == FollowUpStatus.PENDING and obj.due_on < timezone.localdate()

    @staticmethod
    def resolve_assigned_to(obj):
        return obj.assigned_to.display_name if obj.assigned_to_id else None

    @staticmethod
    def resolve_result(obj):
        return obj.result or None


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    next_cursor: str | None


class ResultIn(Schema):
    model_config = ConfigDict(extra="forbid")

    done_on: date
    result: FollowUpResult
    employer_name: str = Field("", max_length=150)
    monthly_pay: int | None = Field(None, ge=1, le=1000000)
    note: str = Field("", max_length=300)
    final: bool = Field(False, description="以本次结果结案")


@router.get(
    "/followups",
    response={200: FollowUpPage, **errors(403, 422)},
    summary="待回访列表",
    description="due：overdue 已逾期 / week 7 天内到期(默认) / all 全部待回访 / done 已回访；mine=true 只看分派给我的。",
)
def followup_list(request, page: Query[PageParams], due: str = "week", mine: bool = False):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.followup_due_list(request.auth, due=due, mine=mine)
    return paginate(rows, page)


@router.post(
    "/followups/{pk:id}/result",
    response={200: FollowUpOut, **errors(403, 404, 409, 422)},
    summary="记录回访结果",
    description="已就业须填写就业单位和月工资，自动结案；回访日期不能早于登记日期。",
)
def followup_result(request, id: int, payload: ResultIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    followup = selectors.followup_get(user, id, Action.EDIT)
    services.followup_record(
        actor=user,
        followup=followup,
        done_on=payload.done_on,
        result=payload.result.value,
        employer_name=payload.employer_name,
        monthly_pay=payload.monthly_pay,
        note=payload.note,
        final=payload.final,
    )
    return selectors.followup_get(user, id)


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    followup_ids: list[int] = Field(min_length=1, max_length=500, description="待回访的 id")
    assignee_id: int | None = Field(
        description="回访人(负责这些回访所属工会的工作人员)的用户 id；null 为取消分派"
    )


class AssignOut(Schema):
    assigned: int


@router.post(
    "/followups/assign",
    response={200: AssignOut, **errors(403, 404, 409, 422)},
    summary="分派回访",
    description="把待回访分派给工作人员(其权限范围须覆盖每一条回访)；不在您范围内的回访返回 404。",
)
def followup_assign(request, payload: AssignIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    ids = set(payload.followup_ids)
    rows = list(
        selectors.followup_scoped(user, Action.EDIT).select_related("org").filter(pk__in=ids)
    )
    if len(rows) != len(ids):
        raise NotFound()
    assignee = None
    if payload.assignee_id is not None:
        assignee = next((u for u in staff_in_scope(user) if u.pk == payload.assignee_id), None)
        if assignee is None:
            message = "请选择负责这些回访的工作人员。"
            raise ValidationFailed(message, fields={"assignee_id": [message]})
    count = services.followup_assign(actor=user, followups=rows, assignee=assignee)
    return {"assigned": count}


# --- the county's schedule ------------------------------------------------------------------------


class CountyRef(Schema):
    id: int
    name: str


class SettingsOut(Schema):
    county: CountyRef
    offsets: list[int] = Field(description="登记后第几天回访(从小到大)")
    working_days_only: bool = Field(description="到期日遇休息日或法定节假日顺延到下一个工作日")
    is_default: bool = Field(description="本县尚未设置，使用默认的 7、30、90 天")
    can_set: bool = Field(description="您可以修改本县的设置")


class SettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    county_id: int | None = Field(None, description="县总工会 id；不填为您所在的县")
    offsets: list[int] = Field(description="登记后第几天回访，如 [7, 30, 90]")
    working_days_only: bool = True


def _county(user, county_id: int | None, *, to_set: bool):
    """The county asked for (or the user's): one they set the schedule of, or (to read) their
    own county; 404 otherwise, as a record out of scope."""
    counties = selectors.followup_counties(user)
    own = county_of(user.org) if user.org_id else None
    if county_id is None:
        county = counties[0] if counties and (to_set or own is None) else own
        if to_set and own is not None and own in counties:
            county = own
    else:
        county = next((c for c in counties if c.pk == county_id), None)
        if county is None and not to_set and own is not None and own.pk == county_id:
            county = own
    if county is None or (to_set and county not in counties):
        raise NotFound()
    return county, county in counties


def _settings_out(county, can_set: bool) -> dict:
    setting = selectors.followup_settings_of(county)
    return {
        "county": {"id": county.pk, "name": county.name},
        "offsets": list(setting.offsets) if setting else list(DEFAULT_OFFSETS),
        "working_days_only": setting.working_days_only if setting else True,
        "is_default": setting is None,
        "can_set": can_set,
    }


@router.get(
    "/followups/settings",
    response={200: SettingsOut, **errors(403, 404)},
    summary="回访时间设置",
    description="您所在县(或 county_id 指定的、您可设置的县)现行的回访时间。",
)
def followup_settings(request, county_id: int | None = None):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    county, can_set = _county(user, county_id, to_set=False)
    return _settings_out(county, can_set)


@router.put(
    "/followups/settings",
    response={200: SettingsOut, **errors(403, 404, 422)},
    summary="修改回访时间",
    description=(
        "由县总工会(审批权限覆盖本县)设置，只用于此后确认的登记，已排定的回访日期不变；"
        "天数 1–730，从小到大且不重复。其他县返回 404。"
    ),
)
def followup_settings_set(request, payload: SettingsIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    county, _ = _county(user, payload.county_id, to_set=True)
    services.followup_settings_set(
        actor=user,
        county=county,
        offsets=payload.offsets,
        working_days_only=payload.working_days_only,
    )
    return _settings_out(county, True)
