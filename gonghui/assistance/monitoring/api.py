"""Monitoring API: the facts pushed by other systems (`router`, /api/v1/monitoring/…) and the
alerts (`alerts_router`, /api/v1/alerts).

Facts: a department's system or a union's pushes the facts early warning watches (medical
costs, job losses, disasters, schooling costs) for any member or hardship household, by ID
number. Each POST records one fact through the monitoring services (scope, audit; source
"api") and answers 201 with it, or 200 with the stored one when the same fact was already
recorded (a retried push adds nothing). A person outside the caller's edit scope gets the same
422 as one that does not exist.

Alerts: list with filters and cursor pagination, detail, close. Reads go through the
monitoring selectors (scoped), the close through its services. The facts are figures, never
personal data; the target's ID number is always masked.
"""

from datetime import date, datetime
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.assistance.choices import SchoolStage
from gonghui.assistance.monitoring import selectors, services
from gonghui.assistance.monitoring.definitions import (
    AlertOutcome,
    AlertStatus,
    CareKind,
    DisasterKind,
    FactSource,
    RiskLevel,
    RuleCode,
)
from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.masking import mask_id_number
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org

router = Router(tags=["监测预警"])
MODULE = "assistance"
_ID = Field(description="身份证号：在册会员、困难职工本人或其登记的家庭成员")
_NOTE = Field("", max_length=300, description="说明")


class TargetOut(Schema):
    kind: str = Field(description="archive 困难职工档案 / member 会员")
    id: int
    name: str
    id_number: str = Field(description="身份证号(脱敏)")


class FactOut(Schema):
    id: int
    target: TargetOut = Field(description="记入的对象")
    org: OrgRef = Field(description="所属组织")
    source: FactSource = Field(description="来源")
    note: str

    @staticmethod
    def resolve_target(obj):
        target = obj.archive or obj.member
        return {
            "kind": "archive" if obj.archive_id else "member",
            "id": target.pk,
            "name": target.name,
            "id_number": mask_id_number(target.id_number),
        }

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class _In(Schema):
    model_config = ConfigDict(extra="forbid")
    id_number: str = _ID
    note: str = _NOTE


class MedicalIn(_In):
    occurred_on: date = Field(description="就诊(结算)日期")
    care: CareKind = Field(description="inpatient 住院 / outpatient 门诊")
    self_paid: Decimal = Field(description="个人自付金额(元)")


class MedicalOut(FactOut):
    occurred_on: date
    care: CareKind
    self_paid: Decimal


class JobLossIn(_In):
    lost_on: date = Field(description="失业日期")
    employer_name: str = Field("", max_length=150, description="原工作单位")
    reason: str = Field("", max_length=200, description="失业原因")


class JobLossOut(FactOut):
    lost_on: date
    employer_name: str
    reason: str


class DisasterIn(_In):
    occurred_on: date = Field(description="发生日期")
    kind: DisasterKind = Field(description="灾害或事故类型")
    loss: Decimal = Field(Decimal(0), description="损失金额(元)")


class DisasterOut(FactOut):
    occurred_on: date
    kind: DisasterKind
    loss: Decimal


class SchoolingIn(_In):
    paid_on: date = Field(description="缴费日期")
    stage: SchoolStage = Field(
        description="学段：preschool 学前教育 / senior 普通高中 / vocational 中职 / college 高职"
        "(专科) / undergraduate 本科 / postgraduate 研究生(义务教育阶段 primary、junior 不计入)"
    )
    amount: Decimal = Field(description="个人负担费用(元)")
    student_name: str = Field("", max_length=50, description="学生姓名")
    school: str = Field("", max_length=100, description="学校")


class SchoolingOut(FactOut):
    paid_on: date
    stage: str
    amount: Decimal
    student_name: str
    school: str


def _record(request, service, payload: _In):
    require(request.auth, MODULE, Action.EDIT)
    fact, created = service(actor=request.auth, source=FactSource.API, **payload.dict())
    return Status(201 if created else 200, fact)


_DESCRIPTION = (
    "按身份证号记入其困难职工档案(本人或家庭成员)或会员记录，作为监测预警的事实。"
    "新记录返回 201；同一事实已登记过时返回 200 和已有记录，不重复登记。"
)


@router.post(
    "/medical-expenses",
    response={201: MedicalOut, 200: MedicalOut, **errors(403, 422)},
    summary="登记医疗支出",
    description=_DESCRIPTION + "同一人同一天同类别同金额为同一笔。",
)
def medical_create(request, payload: MedicalIn):
    return _record(request, services.medical_expense_record, payload)


@router.post(
    "/job-losses",
    response={201: JobLossOut, 200: JobLossOut, **errors(403, 422)},
    summary="登记失业",
    description=_DESCRIPTION + "同一人同一失业日期为同一条。",
)
def job_loss_create(request, payload: JobLossIn):
    return _record(request, services.job_loss_record, payload)


@router.post(
    "/disasters",
    response={201: DisasterOut, 200: DisasterOut, **errors(403, 422)},
    summary="登记灾害或意外事故",
    description=_DESCRIPTION + "同一人同一天同一类型为同一事件。",
)
def disaster_create(request, payload: DisasterIn):
    return _record(request, services.disaster_event_record, payload)


@router.post(
    "/schooling-expenses",
    response={201: SchoolingOut, 200: SchoolingOut, **errors(403, 422)},
    summary="登记教育支出",
    description=_DESCRIPTION + "只计非义务教育阶段；同一人同一天同学段同一学生同金额为同一笔。",
)
def schooling_create(request, payload: SchoolingIn):
    return _record(request, services.schooling_expense_record, payload)


# --- alerts: /api/v1/alerts ------------------------------------------------------------------


alerts_router = Router(tags=["监测预警"])


class RuleRef(Schema):
    code: RuleCode = Field(description="规则代码")
    name: str = Field(description="规则名称")
    version: int = Field(description="触发时的规则版本")
    description: str


class AlertOut(Schema):
    id: int
    rule: RuleRef
    target: TargetOut
    org: OrgRef = Field(description="所属组织")
    risk: RiskLevel = Field(description="风险等级：low 低 / medium 中 / high 高")
    status: AlertStatus = Field(description="open 待处置 / closed 已办结")
    facts: dict = Field(description="触发事实：规则计算所用的数字与日期(含运行时参数 parameters)")
    opened_on: date
    deadline: date = Field(description="办理时限(按工作日计算)")
    overdue: bool = Field(description="已超过办理时限仍未办结")
    assigned_to: str | None = Field(description="责任人")
    outcome: AlertOutcome | None = Field(description="处置结果")
    close_reason: str
    closed_at: datetime | None

    @staticmethod
    def resolve_rule(obj):
        return {
            "code": obj.rule.code,
            "name": obj.rule.name,
            "version": obj.rule.version,
            "description": obj.rule.description,
        }

    @staticmethod
    def resolve_target(obj):
        target = obj.archive or obj.member
        return {
            "kind": "archive" if obj.archive_id else "member",
            "id": target.pk,
            "name": target.name,
            "id_number": mask_id_number(target.id_number),
        }

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_overdue(obj):
        from gonghui.assistance.standards.selectors import today

        return obj.is_overdue(today())

    @staticmethod
    def resolve_assigned_to(obj):
        return obj.assigned_to.display_name if obj.assigned_to_id else None

    @staticmethod
    def resolve_outcome(obj):
        return obj.outcome or None


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class AlertFilters(Schema):
    rule: RuleCode | None = Field(None, description="规则代码")
    risk: RiskLevel | None = Field(None, description="风险等级")
    status: AlertStatus | None = Field(None, description="状态")
    org: int | None = Field(None, description="组织 id：只看该组织及其下级")
    overdue: bool = Field(False, description="只看逾期未办结")
    mine: bool = Field(False, description="只看分派给我的")


class AlertCloseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: AlertOutcome = Field(
        description="archived 已纳入建档帮扶 / helped 已实施帮扶 / no_action 经核实无需帮扶"
    )
    reason: str = Field(max_length=500, description="处置说明(必填)")


@alerts_router.get("", response={200: AlertPage, **errors(403, 422)}, summary="预警列表")
def alert_list(request, filters: Query[AlertFilters], page: Query[PageParams]):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    org = None
    if filters.org is not None:
        org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.VIEW, pk=filters.org)
    alerts = selectors.alert_list(
        user,
        rule=filters.rule.value if filters.rule else "",
        risk=filters.risk.value if filters.risk else "",
        status=filters.status.value if filters.status else "",
        org=org,
        overdue=filters.overdue,
        mine=filters.mine,
    )
    return paginate(alerts, page, descending=True)


@alerts_router.get("/{pk:id}", response={200: AlertOut, **errors(403, 404)}, summary="预警详情")
def alert_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.alert_get(request.auth, id)


@alerts_router.post(
    "/{pk:id}/close",
    response={200: AlertOut, **errors(403, 404, 409, 422)},
    summary="办结预警",
    description="填写处置结果和处置说明后办结；已办结的预警返回 409。",
)
def alert_close(request, id: int, payload: AlertCloseIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    alert = selectors.alert_get(user, id, Action.EDIT)
    services.alert_close(
        actor=user, alert=alert, outcome=payload.outcome.value, reason=payload.reason
    )
    return selectors.alert_get(user, id)
