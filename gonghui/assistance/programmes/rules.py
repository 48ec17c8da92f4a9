"""Eligibility and amount rules of programmes: validate, explain in Chinese, evaluate (pure).

Rules are configuration stored on `ProgrammeRule` rows, never code. Shapes:

eligibility = {
    "categories": ["deep", "relative", "accidental"],   # qualifying hardship categories
    "requires": "none" | "in_school" | "medical_cost" | "job_loss",
}
amount = one of
    {"type": "fixed", "amount": "500"}
    {"type": "by_category", "amounts": {"deep": "1000", "relative": "600", "accidental": "800"}}
    {"type": "by_school_stage", "amounts": {"primary": "500", "junior": "800", ...}}  # per child
    {"type": "share_with_cap", "share": "0.5", "cap": "10000"}  # of the self-paid medical cost

`requires`: in_school = a household member at a school stage the amount table pays for (or
any stage but none/preschool with another amount type); medical_cost = a self-paid medical
cost on record (the archive's yearly medical expenditure, a medical-expense fact, or a cost
entered with the proposal); job_loss = the worker unemployed or laid off, or a zero-employment
household. `candidates` returns one candidate per need: one per child for schooling, one per
household otherwise.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from gonghui.assistance.category import money, percent
from gonghui.assistance.choices import HardshipCategory, SchoolStage, WorkStatus
from gonghui.core.errors import ValidationFailed

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")
CATEGORIES = (HardshipCategory.DEEP, HardshipCategory.RELATIVE, HardshipCategory.ACCIDENTAL)
REQUIRES = {
    "none": "无其他条件",
    "in_school": "家庭成员在校就读",
    "medical_cost": "有自付医疗费用",
    "job_loss": "职工失业、下岗或零就业家庭",
}
AMOUNT_TYPES = {
    "fixed": "固定金额",
    "by_category": "按困难类别定额",
    "by_school_stage": "按就学阶段定额(每名学生)",
    "share_with_cap": "按自付医疗费用比例，设封顶",
}
SCHOOL_STAGES = tuple(s for s in SchoolStage.values if s != SchoolStage.NONE)
JOBLESS = (WorkStatus.UNEMPLOYED, WorkStatus.LAID_OFF)

DEFAULT_RULES = {
    "warmth": (
        {"categories": list(CATEGORIES), "requires": "none"},
        {
            "type": "by_category",
            "amounts": {"deep": "1000", "relative": "600", "accidental": "800"},
        },
    ),
    "living": (
        {"categories": list(CATEGORIES), "requires": "none"},
        {
            "type": "by_category",
            "amounts": {"deep": "2000", "relative": "1200", "accidental": "1500"},
        },
    ),
    "schooling": (
        {"categories": list(CATEGORIES), "requires": "in_school"},
        {
            "type": "by_school_stage",
            "amounts": {
                "primary": "500",
                "junior": "800",
                "senior": "1000",
                "vocational": "1000",
                "college": "2000",
                "undergraduate": "3000",
                "postgraduate": "3000",
            },
        },
    ),
    "medical": (
        {"categories": list(CATEGORIES), "requires": "medical_cost"},
        {"type": "share_with_cap", "share": "0.5", "cap": "10000"},
    ),
    "employment": (
        {"categories": list(CATEGORIES), "requires": "job_loss"},
        {"type": "fixed", "amount": "1000"},
    ),
    "custom": (
        {"categories": list(CATEGORIES), "requires": "none"},
        {"type": "fixed", "amount": "500"},
    ),
}


def _amount(value, label: str, errors: dict, key: str, *, allow_zero=False) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.setdefault(key, []).append(f"{label}应为金额数字。")
        return None
    if not number.is_finite() or number < 0 or (number == 0 and not allow_zero):
        errors.setdefault(key, []).append(f"{label}应大于 0。")
        return None
    if number > MAX_AMOUNT:
        errors.setdefault(key, []).append(f"{label}不能超过 {money(MAX_AMOUNT)} 元。")
        return None
    return number.quantize(FEN, rounding=ROUND_HALF_UP)


def rule_clean(eligibility: dict, amount: dict) -> tuple[dict, dict]:
    """Validate and normalise a rule (amounts as strings with two decimals)."""
    errors: dict[str, list[str]] = {}
    eligibility = dict(eligibility or {})
    amount = dict(amount or {})
    categories = [c for c in eligibility.get("categories") or [] if c]
    if not categories:
        errors["categories"] = ["请至少选择一个困难类别。"]
    elif any(c not in CATEGORIES for c in categories):
        errors["categories"] = ["困难类别只能是深度困难、相对困难、意外致困。"]
    requires = eligibility.get("requires") or "none"
    if requires not in REQUIRES:
        errors["requires"] = ["请选择其他资格条件。"]
    clean_eligibility = {
        "categories": [c for c in CATEGORIES if c in categories],
        "requires": requires,
    }
    kind = amount.get("type")
    clean_amount: dict = {"type": kind}
    if kind == "fixed":
        clean_amount["amount"] = str(_amount(amount.get("amount"), "金额", errors, "amount"))
    elif kind == "by_category":
        table = amount.get("amounts") or {}
        clean_amount["amounts"] = {}
        for category in clean_eligibility["categories"]:
            label = f"{HardshipCategory(category).label}的金额"
            value = _amount(table.get(category), label, errors, f"amount_{category}")
            clean_amount["amounts"][category] = str(value)
    elif kind == "by_school_stage":
        table = {k: v for k, v in (amount.get("amounts") or {}).items() if v not in (None, "")}
        if any(k not in SCHOOL_STAGES for k in table):
            errors["amounts"] = ["就学阶段不在规定范围内。"]
        clean_amount["amounts"] = {}
        for stage in SCHOOL_STAGES:
            if stage in table:
                label = f"{SchoolStage(stage).label}的金额"
                value = _amount(table[stage], label, errors, f"amount_{stage}")
                clean_amount["amounts"][stage] = str(value)
        if not clean_amount["amounts"] and "amounts" not in errors:
            errors["amounts"] = ["请至少为一个就学阶段设定金额。"]
        if requires != "in_school":
            errors["requires"] = ["按就学阶段定额时，资格条件须为“家庭成员在校就读”。"]
    elif kind == "share_with_cap":
        share = _amount(amount.get("share"), "补助比例", errors, "share")
        if share is not None and share > 1:
            errors.setdefault("share", []).append("补助比例应在 0 到 1 之间，如 0.5 表示 50%。")
        cap = _amount(amount.get("cap"), "封顶金额", errors, "cap")
        clean_amount.update(share=str(share), cap=str(cap))
        if requires != "medical_cost":
            errors["requires"] = ["按医疗费用比例补助时，资格条件须为“有自付医疗费用”。"]
    else:
        errors["type"] = ["请选择金额规则。"]
    if errors:
        raise ValidationFailed("项目规则填写有误，请检查。", fields=errors)
    return clean_eligibility, clean_amount


def describe_eligibility(eligibility: dict) -> str:
    labels = "、".join(HardshipCategory(c).label for c in eligibility.get("categories", []))
    text = f"在档困难职工家庭，困难类别为{labels}"
    requires = eligibility.get("requires", "none")
    if requires != "none":
        text += f"，且{REQUIRES[requires]}"
    return text + "。"


def describe_amount(amount: dict) -> str:
    kind = amount.get("type")
    if kind == "fixed":
        return f"每户 {money(Decimal(amount['amount']))} 元。"
    if kind == "by_category":
        # jsonb does not keep key order: list in the vocabulary's order
        table = amount["amounts"]
        parts = [
            f"{HardshipCategory(c).label} {money(Decimal(table[c]))} 元"
            for c in CATEGORIES
            if c in table
        ]
        return "按困难类别每户：" + "，".join(parts) + "。"
    if kind == "by_school_stage":
        table = amount["amounts"]
        parts = [
            f"{SchoolStage(s).label} {money(Decimal(table[s]))} 元"
            for s in SCHOOL_STAGES
            if s in table
        ]
        return "按就学阶段每名学生：" + "，".join(parts) + "。"
    if kind == "share_with_cap":
        return (
            f"按自付医疗费用的 {percent(Decimal(amount['share']))} 补助，"
            f"每项需求最高 {money(Decimal(amount['cap']))} 元。"
        )
    return "—"


@dataclass(frozen=True)
class Student:
    member_id: int
    name: str
    school_stage: str


@dataclass(frozen=True)
class MedicalCost:
    """A self-paid medical cost: a recorded fact (`fact_id`) or the archive's yearly figure."""

    amount: Decimal
    label: str
    fact_id: int | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    category: str
    work_status: str = WorkStatus.EMPLOYED
    is_zero_employment: bool = False
    students: tuple[Student, ...] = ()
    medical_costs: tuple[MedicalCost, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """One need the rule would pay for, with the amount and why (Chinese)."""

    subject: str  # stable part of the need key: "household", "member-12", "expense-3", ...
    subject_label: str
    amount: Decimal
    reason: str
    member_id: int | None = None
    need_amount: Decimal | None = None
    fact_id: int | None = None
    notes: list[str] = field(default_factory=list)


def _category_reason(facts: HouseholdFacts) -> str:
    return f"困难类别为{HardshipCategory(facts.category).label}"


def candidates(
    eligibility: dict, amount: dict, facts: HouseholdFacts, *, need_amount: Decimal | None = None
) -> list[Candidate]:
    """The needs of one household the rule pays for; [] when not eligible.

    `need_amount`: a self-paid medical cost entered with the proposal (replaces the costs on
    record for share_with_cap rules).
    """
    if facts.category not in eligibility.get("categories", []):
        return []
    base = _category_reason(facts)
    requires = eligibility.get("requires", "none")
    kind = amount.get("type")
    if requires == "in_school":
        table = amount.get("amounts", {}) if kind == "by_school_stage" else None
        found = []
        for student in facts.students:
            if table is not None:
                if student.school_stage not in table:
                    continue
            elif student.school_stage in (SchoolStage.NONE, SchoolStage.PRESCHOOL):
                continue
            stage = SchoolStage(student.school_stage).label
            if table is not None:
                value = Decimal(table[student.school_stage])
                how = f"{stage}每名学生 {money(value)} 元"
            else:
                value = _flat(amount, facts)
                how = _flat_how(amount, facts)
            found.append(
                Candidate(
                    subject=f"member-{student.member_id}",
                    subject_label=f"{student.name}({stage})",
                    amount=value,
                    reason=f"{base}；家庭成员{student.name}就读{stage}。金额：{how}。",
                    member_id=student.member_id,
                )
            )
        return found
    if requires == "medical_cost":
        costs = list(facts.medical_costs)
        if need_amount is not None:
            costs = [MedicalCost(amount=need_amount, label="本次核定的自付医疗费用")]
        found = []
        for cost in costs:
            if cost.amount <= 0:
                continue
            if kind == "share_with_cap":
                value, how = _share(amount, cost.amount)
            else:
                value, how = _flat(amount, facts), _flat_how(amount, facts)
            subject = f"expense-{cost.fact_id}" if cost.fact_id else "annual"
            found.append(
                Candidate(
                    subject=subject,
                    subject_label=cost.label,
                    amount=value,
                    reason=f"{base}；{cost.label} {money(cost.amount)} 元。金额：{how}。",
                    need_amount=cost.amount,
                    fact_id=cost.fact_id,
                )
            )
        return found
    if requires == "job_loss":
        if facts.work_status in JOBLESS:
            why = f"职工{WorkStatus(facts.work_status).label}"
        elif facts.is_zero_employment:
            why = "零就业家庭"
        else:
            return []
        reason = f"{base}；{why}。金额：{_flat_how(amount, facts)}。"
        return [Candidate("household", "本户", _flat(amount, facts), reason)]
    if kind in ("share_with_cap", "by_school_stage"):
        return []  # rule_clean refuses these combinations; nothing to pay without the fact
    reason = f"{base}。金额：{_flat_how(amount, facts)}。"
    return [Candidate("household", "本户", _flat(amount, facts), reason)]


def _flat(amount: dict, facts: HouseholdFacts) -> Decimal:
    if amount.get("type") == "by_category":
        return Decimal(amount["amounts"][facts.category])
    if amount.get("type") == "fixed":
        return Decimal(amount["amount"])
    return Decimal(0)


def _flat_how(amount: dict, facts: HouseholdFacts) -> str:
    value = money(_flat(amount, facts))
    if amount.get("type") == "by_category":
        return f"{HardshipCategory(facts.category).label}每户 {value} 元"
    return f"每户 {value} 元"


def _share(amount: dict, cost: Decimal) -> tuple[Decimal, str]:
    share, cap = Decimal(amount["share"]), Decimal(amount["cap"])
    raw = (cost * share).quantize(FEN, rounding=ROUND_HALF_UP)
    value = min(raw, cap)
    how = f"{money(cost)} × {percent(share)} = {money(raw)} 元"
    if raw > cap:
        how += f"，超过封顶 {money(cap)} 元，按封顶发放"
    return value, how
