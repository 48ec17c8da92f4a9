"""产改 API: /api/v1/reform-items — the problem and task lists in scope; progress reports;
/api/v1/reform-pilots — the pilot enterprises; /api/v1/reform-agents — the 三员 and their visits."""

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.plans.reform import selectors, services
from gonghui.plans.reform.models import (
    PilotLevel,
    PilotStatus,
    ReformAgentKind,
    ReformKind,
    ReformStatus,
)

router = Router(tags=["产改清单"])
MODULE = "plans"


class ItemOut(Schema):
    id: int
    kind: ReformKind = Field(description="problem 问题清单 / task 目标任务清单")
    title: str
    org: OrgRef = Field(description="责任单位")
    deadline: dt.date = Field(description="完成时限")
    status: ReformStatus
    progress: int = Field(description="进度(%)")
    last_reported_on: dt.date | None

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class ItemPage(Schema):
    items: list[ItemOut]
    next_cursor: str | None


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reported_on: dt.date = Field(description="报告日期")
    text: str = Field(max_length=2000, description="进展情况")
    progress: int = Field(description="进度(%)，0–100，不低于上次")
    status: str = Field(description="in_progress 推进中 / done 已完成")


@router.get(
    "",
    response={200: ItemPage, **errors(403, 422)},
    summary="产改清单事项",
    description="state：overdue 逾期未完成 / report_due 会后待报告。",
)
def item_list(
    request,
    page: Query[PageParams],
    kind: ReformKind | None = None,
    state: str = "",
):
    require(request.auth, MODULE, Action.VIEW)
    items = selectors.items_filtered(request.auth, kind=kind.value if kind else "", state=state)
    return paginate(items, page)


@router.post(
    "/{pk:id}/reports",
    response={201: ItemOut, **errors(403, 404, 422)},
    summary="报告进展",
)
def report_add(request, id: int, body: ReportIn):
    require(request.auth, MODULE, Action.EDIT)
    item = selectors.item_get(request.auth, id, Action.EDIT)
    services.reform_report_add(actor=request.auth, item=item, **body.dict())
    return Status(201, selectors.item_get(request.auth, id))


# --- pilot enterprises and the 三员 --------------------------------------------------------

pilots_router = Router(tags=["产改试点企业与三员"])
agents_router = Router(tags=["产改试点企业与三员"])


class EnterpriseRef(Schema):
    id: int
    name: str
    credit_code: str = Field(description="统一社会信用代码")


class PilotOut(Schema):
    id: int
    enterprise: EnterpriseRef
    org: OrgRef = Field(description="企业所属工会")
    named_by: OrgRef = Field(description="确定单位")
    level: PilotLevel
    named_on: dt.date
    status: PilotStatus
    focus: str

    @staticmethod
    def resolve_enterprise(obj):
        e = obj.enterprise
        return {"id": e.pk, "name": e.name, "credit_code": e.credit_code}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_named_by(obj):
        return {"id": obj.named_by_id, "name": obj.named_by.name}


class PilotPage(Schema):
    items: list[PilotOut]
    next_cursor: str | None


@pilots_router.get("", response={200: PilotPage, **errors(403, 422)}, summary="产改试点企业")
def pilot_list(request, page: Query[PageParams], level: PilotLevel | None = None):
    require(request.auth, MODULE, Action.VIEW)
    pilots = selectors.pilots_filtered(request.auth, level=level.value if level else "")
    return paginate(pilots, page)


class AgentOut(Schema):
    id: int
    kind: ReformAgentKind = Field(
        description="guide 产改指导员 / tech 科技特派员 / observer 观察员"
    )
    name: str
    unit: str
    org: OrgRef = Field(description="聘任单位")
    appointed_on: dt.date
    active: bool
    enterprise_count: int = Field(description="联系企业数")
    visit_count: int = Field(description="走访次数")

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class AgentPage(Schema):
    items: list[AgentOut]
    next_cursor: str | None


@agents_router.get("", response={200: AgentPage, **errors(403, 422)}, summary="产改三员")
def agent_list(request, page: Query[PageParams], kind: ReformAgentKind | None = None):
    require(request.auth, MODULE, Action.VIEW)
    agents = selectors.agents_filtered(request.auth, kind=kind.value if kind else "")
    return paginate(agents, page)


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid")
    enterprise: int = Field(description="走访企业编号(须为该三员的联系企业)")
    visited_on: dt.date = Field(description="走访日期")
    summary: str = Field(max_length=4000, description="走访情况")
    feedback: list[str] = Field(default_factory=list, description="收集的问题和建议，每条一项")


class VisitOut(Schema):
    id: int
    agent: int
    enterprise: int
    visited_on: dt.date
    summary: str
    feedback: list[str]


@agents_router.post(
    "/{pk:id}/visits", response={201: VisitOut, **errors(403, 404, 422)}, summary="登记走访"
)
def visit_create(request, id: int, body: VisitIn):
    require(request.auth, MODULE, Action.EDIT)
    agent = selectors.agent_get(request.auth, id, Action.EDIT)
    enterprise = selectors.enterprise_in_scope(request.auth, body.enterprise)
    visit = services.visit_record(
        actor=request.auth,
        agent=agent,
        enterprise=enterprise,
        visited_on=body.visited_on,
        summary=body.summary,
        feedback=body.feedback,
    )
    return Status(
        201,
        {
            "id": visit.pk,
            "agent": agent.pk,
            "enterprise": visit.enterprise_id,
            "visited_on": visit.visited_on,
            "summary": visit.summary,
            "feedback": list(visit.feedback.values_list("text", flat=True)),
        },
    )
