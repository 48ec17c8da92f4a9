"""API for programmes and grants: /api/v1/programmes.

Reads through selectors_programmes (scoped), writes through programmes/grants services.
Bank accounts are masked. A batch approval is all-or-nothing (409 batch_refused or 422
budget_exceeded leaves every grant pending); a second grant for a need already helped answers
409 need_already_paid naming the earlier grant.
"""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gonghui.assistance.programmes import selectors, services
from gonghui.assistance.programmes.models import GrantStatus, PaymentMethod, ProgrammeKind
from gonghui.assistance.programmes.rules import describe_amount, describe_eligibility
from gonghui.assistance.programmes.services import rule_current
from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.masking import mask_bank_account
from gonghui.core.modules import Action

router = Router(tags=["帮扶项目与发放"])
MODULE = "assistance"


class RuleOut(Schema):
    version: int
    eligibility: dict = Field(description="资格条件(结构化配置)")
    amount: dict = Field(description="金额规则(结构化配置)")
    eligibility_text: str = Field(description="资格条件(中文说明)")
    amount_text: str = Field(description="金额规则(中文说明)")


class BudgetOut(Schema):
    org: OrgRef
    amount: Decimal = Field(description="预算金额(元)")
    allocated: Decimal = Field(description="已分配给下级(元)")
    committed: Decimal = Field(description="已审批占用(元)")
    available: Decimal = Field(description="可用余额(元)")


class ProgrammeOut(Schema):
    id: int
    kind: ProgrammeKind = Field(description="项目类型")
    kind_display: str
    name: str
    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    status: str = Field(description="open 实施中 / closed 已结束")
    org: OrgRef = Field(description="设立单位")


class ProgrammeDetailOut(ProgrammeOut):
    rule: RuleOut
    budgets: list[BudgetOut] = Field(description="总预算及您范围内的下级分配")


class ProgrammePage(Schema):
    items: list[ProgrammeOut]
    next_cursor: str | None


class GrantOut(Schema):
    id: int
    programme_id: int
    archive_id: int
    household: str = Field(description="家庭(职工姓名)")
    subject: str = Field(description="帮扶事由，如受助子女及就学阶段")
    amount: Decimal
    need_amount: Decimal | None = Field(description="核定的自付费用(医疗救助)")
    reason: str = Field(description="符合条件及金额说明")
    status: GrantStatus
    status_display: str
    org: OrgRef = Field(description="家庭所属工会")
    budget_org: OrgRef = Field(description="动用预算的单位")
    proposed_on: datetime.date
    approved_on: datetime.date | None
    disbursed_on: datetime.date | None
    method: str = Field(description="发放方式：bank 银行转账 / cash 现金；未发放为空")
    bank_account: str = Field(description="收款账号(脱敏)")
    handled_by: str
    cancel_reason: str


def _grant_out(g) -> dict:
    return {
        "id": g.pk,
        "programme_id": g.programme_id,
        "archive_id": g.archive_id,
        "household": g.archive.name,
        "subject": g.subject,
        "amount": g.amount,
        "need_amount": g.need_amount,
        "reason": g.reason,
        "status": g.status,
        "status_display": g.get_status_display(),
        "org": {"id": g.org_id, "name": g.org.name},
        "budget_org": {"id": g.budget.org_id, "name": g.budget.org.name},
        "proposed_on": g.proposed_on,
        "approved_on": g.approved_on,
        "disbursed_on": g.disbursed_on,
        "method": g.method,
        "bank_account": mask_bank_account(g.bank_account) if g.bank_account else "",
        "handled_by": g.handled_by,
        "cancel_reason": g.cancel_reason,
    }


class GrantPage(Schema):
    items: list[GrantOut]
    next_cursor: str | None


class EligibleOut(Schema):
    archive_id: int
    household: str
    category: str
    org: OrgRef
    subject: str = Field(
        description="需求标识中的对象：household / member-<id> / annual / expense-<id>"
    )
    subject_label: str
    amount: Decimal = Field(description="按规则计算的拟发金额(元)")
    reason: str = Field(description="符合条件及金额说明")


class ProposeIn(Schema):
    archive_ids: list[int] = Field(
        min_length=1, max_length=500, description="家庭档案编号；每户按规则找出的全部需求"
    )
    need_amount: Decimal | None = Field(
        None, gt=0, description="医疗救助：本次核定的自付医疗费用(元)，替代档案中记录的费用"
    )


class ApproveIn(Schema):
    grant_ids: list[int] = Field(min_length=1, max_length=500, description="待审批的发放编号")
    on: datetime.date | None = Field(None, description="审批日期，默认今天")


class DisburseIn(Schema):
    method: PaymentMethod = Field(description="bank 银行转账(账户取自档案) / cash 现金")
    on: datetime.date | None = Field(None, description="发放日期，默认今天")
    handled_by: str = Field("", max_length=100, description="领款人/经办人；现金发放必填")
    note: str = Field("", max_length=200)


class GrantFilters(Schema):
    status: GrantStatus | None = Field(None, description="状态")


def _programme_out(p) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_display": p.get_kind_display(),
        "name": p.name,
        "year": p.year,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "status": p.status,
        "org": {"id": p.org_id, "name": p.org.name},
    }


@router.get(
    "",
    response={200: ProgrammePage, **errors(403, 422)},
    summary="帮扶项目列表",
    description="您范围内单位设立的项目，以及向您范围内单位分配了预算的项目。",
)
def programme_list(request, page: Query[PageParams], year: int | None = None):
    require(request.auth, MODULE, Action.VIEW)
    result = paginate(selectors.programme_list(request.auth, year=year), page, descending=True)
    result["items"] = [_programme_out(p) for p in result["items"]]
    return result


@router.get(
    "/{pk:id}", response={200: ProgrammeDetailOut, **errors(403, 404)}, summary="帮扶项目详情"
)
def programme_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    programme = selectors.programme_get(request.auth, id)
    rule = rule_current(programme)
    return {
        **_programme_out(programme),
        "rule": {
            "version": rule.version,
            "eligibility": rule.eligibility,
            "amount": rule.amount,
            "eligibility_text": describe_eligibility(rule.eligibility),
            "amount_text": describe_amount(rule.amount),
        },
        "budgets": [
            {
                "org": {"id": b.org_id, "name": b.org.name},
                "amount": b.amount,
                "allocated": b.allocated,
                "committed": b.committed,
                "available": b.available,
            }
            for b in selectors.budgets_visible(request.auth, programme)
        ],
    }


@router.post(
    "/{pk:id}/close",
    response={200: ProgrammeOut, **errors(403, 404)},
    summary="结束帮扶项目",
    description=(
        "结束后不能再提出或审批发放，也不能修改规则和预算；已审批的发放仍可登记发放。"
        "须对项目设立单位有编辑权限(否则 404)。对已结束的项目再次调用不做改变。"
    ),
)
def programme_close(request, id: int):
    require(request.auth, MODULE, Action.EDIT)
    programme = selectors.programme_get(request.auth, id)
    services.programme_close(actor=request.auth, programme=programme)
    return _programme_out(selectors.programme_get(request.auth, id))


@router.get(
    "/{pk:id}/eligible",
    response={200: list[EligibleOut], **errors(403, 404)},
    summary="符合条件的家庭",
    description=(
        "您可编辑范围内、在档且符合项目当前规则的家庭，每项需求一行，含拟发金额和理由；"
        "同一需求已在任何项目中获得帮扶的不列出。最多 1000 户。"
    ),
)
def programme_eligible(request, id: int):
    require(request.auth, MODULE, Action.EDIT)
    programme = selectors.programme_get(request.auth, id)
    return [
        {
            "archive_id": r.archive.pk,
            "household": r.archive.name,
            "category": r.archive.category,
            "org": {"id": r.archive.org_id, "name": r.archive.org.name},
            "subject": r.candidate.subject,
            "subject_label": r.candidate.subject_label,
            "amount": r.candidate.amount,
            "reason": r.candidate.reason,
        }
        for r in selectors.programme_eligible(request.auth, programme)
    ]


@router.get(
    "/{pk:id}/grants",
    response={200: GrantPage, **errors(403, 404, 422)},
    summary="项目发放名单",
    description="您范围内家庭的发放记录，新的在前，游标分页。收款账号脱敏。",
)
def grant_list(request, id: int, filters: Query[GrantFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    programme = selectors.programme_get(request.auth, id)
    grants = selectors.grant_list(
        request.auth, programme=programme, status=filters.status.value if filters.status else ""
    )
    result = paginate(grants, page, descending=True)
    result["items"] = [_grant_out(g) for g in result["items"]]
    return result


@router.post(
    "/{pk:id}/grants",
    response={201: list[GrantOut], **errors(403, 404, 409, 422)},
    summary="提出发放",
    description=(
        "为所列家庭按项目当前规则提出发放(待审批)，全部成功或全部不提出。"
        "不在档、不符合条件或同一需求已获帮扶(409 need_already_paid)时拒绝。"
    ),
)
def grant_propose(request, id: int, payload: ProposeIn):
    require(request.auth, MODULE, Action.EDIT)
    programme = selectors.programme_get(request.auth, id)
    created = services.grants_propose(
        actor=request.auth,
        programme=programme,
        selections=[(a, None) for a in payload.archive_ids],
        need_amount=payload.need_amount,
    )
    ids = [g.pk for g in created]
    grants = selectors.grant_list(request.auth).filter(pk__in=ids).order_by("pk")
    return Status(201, [_grant_out(g) for g in grants])


@router.post(
    "/{pk:id}/grants/approve",
    response={200: list[GrantOut], **errors(403, 404, 409, 422)},
    summary="批量审批发放",
    description=(
        "全部或全部不：任一发放不是待审批、无权审批(须在动用预算的单位或其上级有审批权限)"
        "或预算余额不足时，本批全部不执行(409 batch_refused / 422 budget_exceeded)。"
    ),
)
def grant_approve(request, id: int, payload: ApproveIn):
    require(request.auth, MODULE, Action.APPROVE)
    programme = selectors.programme_get(request.auth, id)
    owned = set(
        selectors.grant_list(request.auth, programme=programme)
        .filter(pk__in=payload.grant_ids)
        .values_list("pk", flat=True)
    )
    if owned != set(payload.grant_ids):
        raise Http404
    approved = services.grants_approve(
        actor=request.auth, grant_ids=payload.grant_ids, on=payload.on
    )
    grants = selectors.grant_list(request.auth).filter(pk__in=[g.pk for g in approved])
    return [_grant_out(g) for g in grants.order_by("pk")]


@router.post(
    "/grants/{pk:id}/disburse",
    response={200: GrantOut, **errors(403, 404, 409, 422)},
    summary="登记发放",
    description="已审批的发放登记为已发放：银行转账(账户取自档案，脱敏返回)或现金(须填领款人)。",
)
def grant_disburse(request, id: int, payload: DisburseIn):
    require(request.auth, MODULE, Action.EDIT)
    grant = selectors.grant_get(request.auth, id)
    services.grant_disburse(
        actor=request.auth,
        grant=grant,
        method=payload.method.value,
        on=payload.on,
        handled_by=payload.handled_by,
        note=payload.note,
    )
    return _grant_out(selectors.grant_get(request.auth, id))
