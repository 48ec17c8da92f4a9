"""Alerts API: /api/v1/alerts (list with filters and cursor pagination, detail, close).

Reads go through gonghui.assistance.monitoring.selectors (scoped), the close through its
services. The target's ID number is always masked; the facts are figures, never personal data.
"""

from datetime import date, datetime

from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from gonghui.assistance.monitoring import selectors, services
from gonghui.assistance.monitoring.definitions import (
    AlertOutcome,
    AlertStatus,
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


class RuleRef(Schema):
    code: RuleCode = Field(description="规则代码")
    name: str = Field(description="规则名称")
    version: int = Field(description="触发时的规则版本")
    description: str


class TargetOut(Schema):
    kind: str = Field(description="archive 困难职工档案 / member 会员")
    id: int
    name: str
    id_number: str = Field(description="身份证号(脱敏)")


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
        from gonghui.assistance.standards import today

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


@router.get("", response={200: AlertPage, **errors(403, 422)}, summary="预警列表")
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


@router.get("/{pk:id}", response={200: AlertOut, **errors(403, 404)}, summary="预警详情")
def alert_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.alert_get(request.auth, id)


@router.post(
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
