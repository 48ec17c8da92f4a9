"""API for the audit log (/api/v1/audit-events), read through the scoped selector."""

from datetime import date, datetime

from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.audit import selectors
from gonghui.audit.models import AuditAction, AuditResult
from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.modules import Action

router = Router(tags=["审计日志"])


class AuditEventOut(Schema):
    id: int
    at: datetime = Field(description="时间")
    user_id: int | None
    username: str
    org: OrgRef | None = Field(description="事件所属组织")
    action: str
    action_display: str
    object_type: str
    object_id: str
    object_repr: str
    result: str
    result_display: str
    ip: str | None = Field(description="来源 IP")
    detail: dict

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name} if obj.org is not None else None

    @staticmethod
    def resolve_action_display(obj):
        return obj.get_action_display()

    @staticmethod
    def resolve_result_display(obj):
        return obj.get_result_display()


class AuditEventPage(Schema):
    items: list[AuditEventOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class AuditFilters(Schema):
    action: AuditAction | None = Field(None, description="操作")
    result: AuditResult | None = Field(None, description="结果")
    username: str = Field("", description="用户名(包含)")
    date_from: date | None = Field(None, description="起始日期(含)")
    date_to: date | None = Field(None, description="截止日期(含)")
    q: str = Field("", description="按对象名称或编号搜索")


@router.get(
    "",
    response={200: AuditEventPage, **errors(403, 422)},
    summary="审计日志",
    description="您数据范围内组织的审计事件，最新的在前，游标分页。",
)
def audit_event_list(request, filters: Query[AuditFilters], page: Query[PageParams]):
    require(request.auth, "audit", Action.VIEW)
    events = selectors.audit_event_list(
        request.auth,
        action=filters.action.value if filters.action else "",
        result=filters.result.value if filters.result else "",
        username=filters.username,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
    )
    return paginate(events, page, descending=True)
