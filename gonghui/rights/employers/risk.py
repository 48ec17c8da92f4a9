"""The rights-risk flag of an employer, computed from its records and explained in Chinese.

One rule, used by the set-based status of many employers (`employer_rights_status`) and by
the employer's rights file alike:

- high (高): an unresolved wage problem that has gone up the 一函两书 ladder to an 意见书 or a
  建议书; unresolved arrears of HIGH_ARREARS yuan or more; or HIGH_CASES or more legal-aid
  cases open against it;
- medium (中): any unresolved wage problem; any open legal-aid case; a bargaining offer whose
  20-day reply is overdue;
- low (低): it has a union but no collective contract in force, or its contract expires
  within 3 months;
- none (无): none of these.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

HIGH_ARREARS = Decimal("100000")
HIGH_CASES = 3
RISK_LABELS = {"high": "高", "medium": "中", "low": "低", "none": "无"}
LEVELS = ("none", "low", "medium", "high")


@dataclass(frozen=True)
class RightsFacts:
    has_union: bool
    contract_end_on: datetime.date | None  # the latest expiry of contracts in force; None: none
    open_findings: int
    amount_owed: Decimal
    escalated_findings: int  # open findings with an 意见书 or 建议书 issued
    open_cases: int
    overdue_replies: int


@dataclass(frozen=True)
class RightsStatus:
    """What other modules read about an employer's rights record (e.g. the workforce
    module's nomination pre-check)."""

    contract_in_force: bool
    open_wage_findings: int
    open_legal_aid_cases: int
    risk: str  # "high" | "medium" | "low" | "none"
    explanation: str  # Chinese, every reason that set the flag
    contract_end_on: datetime.date | None = None
    amount_owed: Decimal = Decimal(0)
    overdue_replies: int = 0

    @property
    def risk_label(self) -> str:
        return RISK_LABELS[self.risk]


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def risk_assess(facts: RightsFacts, on: datetime.date) -> RightsStatus:
    reasons: list[tuple[str, str]] = []  # (level, sentence)
    if facts.open_findings:
        text = f"{facts.open_findings} 项工资支付问题待整改"
        if facts.amount_owed:
            text += f"(拖欠 {_money(facts.amount_owed)} 元)"
        level = "medium"
        if facts.escalated_findings:
            text += f"，其中 {facts.escalated_findings} 项已发出意见书或建议书"
            level = "high"
        if facts.amount_owed >= HIGH_ARREARS:
            level = "high"
        reasons.append((level, text))
    if facts.open_cases:
        level = "high" if facts.open_cases >= HIGH_CASES else "medium"
        reasons.append((level, f"{facts.open_cases} 件法律援助案件在办"))
    if facts.overdue_replies:
        reasons.append(("medium", f"{facts.overdue_replies} 份协商要约逾期未答复"))
    if facts.has_union and facts.contract_end_on is None:
        reasons.append(("low", "已建会但无生效的集体合同"))
    elif facts.contract_end_on is not None:
        from gonghui.rights.shared import add_months

        if facts.contract_end_on <= add_months(on, 3):
            reasons.append(("low", f"集体合同将于 {facts.contract_end_on:%Y-%m-%d} 到期"))
    risk = max((level for level, _ in reasons), key=LEVELS.index, default="none")
    if reasons:
        explanation = "；".join(text for _, text in reasons) + "。"
    elif facts.contract_end_on is not None:
        explanation = "无待整改的工资问题、在办的法律援助案件或逾期要约，集体合同在有效期内。"
    else:
        explanation = "无待整改的工资问题、在办的法律援助案件或逾期要约。"
    return RightsStatus(
        contract_in_force=facts.contract_end_on is not None,
        open_wage_findings=facts.open_findings,
        open_legal_aid_cases=facts.open_cases,
        risk=risk,
        explanation=explanation,
        contract_end_on=facts.contract_end_on,
        amount_owed=facts.amount_owed,
        overdue_replies=facts.overdue_replies,
    )
