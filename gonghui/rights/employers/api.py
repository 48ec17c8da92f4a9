"""API of employers' rights files: /api/v1/rights/employers and /employers/{id}."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.core.api import PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.rights.employers import selectors
from gonghui.rights.shared import MODULE

router = Router(tags=["维权"])


class RightsStatusOut(Schema):
    contract_in_force: bool = Field(description="有生效的集体合同")
    contract_end_on: date | None = Field(description="生效合同中最晚的届满日期")
    open_wage_findings: int = Field(description="待整改的工资支付问题数")
    amount_owed: Decimal = Field(description="待整改问题的拖欠金额(元)")
    open_legal_aid_cases: int = Field(description="在办的法律援助案件数")
    overdue_replies: int = Field(description="逾期未答复的协商要约数")
    risk: str = Field(description="维权风险：high 高 / medium 中 / low 低 / none 无")
    explanation: str = Field(description="风险的中文说明")


class EmployerFileOut(Schema):
    id: int
    name: str
    credit_code: str
    has_union: bool
    union: str | None
    status: RightsStatusOut
    contracts: list[int] = Field(description="集体合同 id")
    offers: list[int] = Field(description="协商要约 id(最近 20 份)")
    findings: list[int] = Field(description="检查发现的问题 id(最近 50 项)")
    legal_aid_cases: list[int] = Field(description="法律援助案件 id(最近 20 件)")
    inspections: list[int] = Field(description="劳动法律监督检查 id(最近 20 次)")


@router.get(
    "/employers/{pk:id}",
    response={200: EmployerFileOut, **errors(403, 404)},
    summary="单位维权档案",
    description="单位的建会、集体合同、要约、工资支付问题与一函两书、法律援助案件、监督检查，及计算得出的维权风险和说明。",
)
def employer_file(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    file = selectors.employer_file(request.auth, id)
    e = file.enterprise
    s = file.status
    return {
        "id": e.pk,
        "name": e.name,
        "credit_code": e.credit_code,
        "has_union": e.has_union,
        "union": e.union.name if e.union_id else None,
        "status": {
            "contract_in_force": s.contract_in_force,
            "contract_end_on": s.contract_end_on,
            "open_wage_findings": s.open_wage_findings,
            "amount_owed": s.amount_owed,
            "open_legal_aid_cases": s.open_legal_aid_cases,
            "overdue_replies": s.overdue_replies,
            "risk": s.risk,
            "explanation": s.explanation,
        },
        "contracts": [c.pk for c in file.contracts],
        "offers": [o.pk for o in file.offers],
        "findings": [f.pk for f in file.findings],
        "legal_aid_cases": [c.pk for c in file.cases],
        "inspections": [i.pk for i in file.inspections],
    }


class EmployerOut(Schema):
    id: int
    name: str
    credit_code: str
    org_id: int = Field(description="覆盖工会 id")
    township_id: int | None = Field(description="所在乡镇(街道、园区)工会 id")
    has_union: bool

    @staticmethod
    def resolve_township_id(obj):
        return obj.org_anchor_id


class EmployerPage(Schema):
    items: list[EmployerOut]
    next_cursor: str | None


class EmployerFilters(Schema):
    q: str = Field("", description="单位名称或统一社会信用代码(开头)")
    risk_only: bool = Field(
        False, description="只列有待整改问题、在办法律援助案件或逾期未答复要约的单位"
    )
    township: int | None = None


@router.get(
    "/employers",
    response={200: EmployerPage, **errors(403, 422)},
    summary="用人单位(维权档案查找)",
)
def employer_list(request, filters: Query[EmployerFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.employer_list(
        request.auth, q=filters.q, risk_only=filters.risk_only, township=filters.township
    )
    return paginate(rows, page, descending=True)
