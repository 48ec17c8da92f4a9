"""产改 API: /api/v1/reform-items — the problem and task lists in scope; progress reports."""

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.plans.reform import selectors, services
from gonghui.plans.reform.models import ReformKind, ReformStatus

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
