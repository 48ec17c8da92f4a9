"""The hardship category of a household (DESIGN §4). Pure: no database, no clock.

Per-capita monthly net income = (annual disposable income − essential expenditure) ÷ 12 ÷
household size, where essential expenditure (刚性支出) = medical + schooling + disability
costs in the year. Against the county's 低保 standard S and the thresholds in force:

- 深度困难 (DEEP) when the net income is below deep_multiplier × S (1× by default);
- 相对困难 (RELATIVE) when it is below relative_multiplier × S (2×), and not DEEP;
- 意外致困 (ACCIDENTAL) when the income test is not met but the household was struck by a
  natural disaster or an accident (the main cause or any secondary cause), or its essential
  expenditure in the year exceeds accidental_cost_share × annual income (80%);
- otherwise NONE: the entry test is not met.

The income test goes first (DEEP, then RELATIVE): a poor household struck by an accident is
DEEP, the heavier category; the explanation still says the accidental condition holds.
"Below" is strict: exactly 1× is RELATIVE, exactly 2× is not RELATIVE. "Exceeds" is strict.

Arithmetic is Decimal throughout and the comparisons are exact: instead of comparing a
rounded per-capita figure, (income − expenditure) is compared with line × 12 × size, so no
rounding can move a household across a line. The per-capita figure shown is rounded half-up
to the fen (0.01 yuan); when that rounding would make it read equal to a line it is not
equal to, four decimals are shown instead.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from gonghui.assistance.choices import ACCIDENTAL_CAUSES, HardshipCategory, HardshipCause

FEN = Decimal("0.01")
MONTHS = 12


@dataclass(frozen=True)
class HouseholdFigures:
    annual_income: Decimal
    household_size: int
    medical_expense: Decimal = Decimal(0)
    schooling_expense: Decimal = Decimal(0)
    disability_expense: Decimal = Decimal(0)
    causes: tuple[str, ...] = ()  # main cause first

    @property
    def essential_expenditure(self) -> Decimal:
        return self.medical_expense + self.schooling_expense + self.disability_expense


@dataclass(frozen=True)
class Basis:
    """The figures in force: the 低保 standard and the thresholds, with their provenance."""

    standard_amount: Decimal
    deep_multiplier: Decimal = Decimal(1)
    relative_multiplier: Decimal = Decimal(2)
    accidental_cost_share: Decimal = Decimal("0.8")
    standard_label: str = ""  # e.g. "青禾县总工会 2026 年低保标准，2026-01-01 起执行"
    thresholds_label: str = ""  # e.g. "帮扶标准参数 2025-01-01 起执行" or "默认参数"


@dataclass(frozen=True)
class CategoryResult:
    category: str
    per_capita_monthly_net: Decimal  # rounded to the fen, for storage and display
    essential_expenditure: Decimal
    deep_line: Decimal
    relative_line: Decimal
    accidental_by_cause: bool
    accidental_by_cost: bool
    explanation: str
    steps: list[str] = field(default_factory=list)

    @property
    def meets_entry_test(self) -> bool:
        return self.category != HardshipCategory.NONE


def money(value: Decimal) -> str:
    """12345.5 → "12,345.50" (yuan, two decimals, half-up)."""
    return f"{Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP):,.2f}"


def multiple(value: Decimal) -> str:
    """Decimal("2.00") → "2", Decimal("1.50") → "1.5"."""
    text = f"{Decimal(value).normalize():f}"
    return text


def percent(value: Decimal) -> str:
    """Decimal("0.80") → "80%"."""
    return f"{(Decimal(value) * 100).normalize():f}%"


def _shown(exact: Decimal, lines: tuple[Decimal, ...]) -> str:
    """The per-capita figure as shown: fen, or four decimals where fen would mislead."""
    rounded = exact.quantize(FEN, rounding=ROUND_HALF_UP)
    if any(rounded == line and exact != line for line in lines):
        return f"{exact.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):,.4f}"
    return money(rounded)


def category_compute(figures: HouseholdFigures, basis: Basis) -> CategoryResult:
    """The category and a Chinese explanation naming every figure used."""
    if figures.household_size < 1:
        raise ValueError("household_size must be at least 1")
    if basis.standard_amount <= 0:
        raise ValueError("standard_amount must be positive")
    size = Decimal(figures.household_size)
    income = Decimal(figures.annual_income)
    spent = figures.essential_expenditure
    net_total = income - spent
    exact = net_total / MONTHS / size
    deep_line = basis.standard_amount * basis.deep_multiplier
    relative_line = basis.standard_amount * basis.relative_multiplier
    below_deep = net_total < deep_line * MONTHS * size
    below_relative = net_total < relative_line * MONTHS * size
    cause_hits = [c for c in figures.causes if c in ACCIDENTAL_CAUSES]
    cost_line = income * basis.accidental_cost_share
    by_cost = spent > cost_line

    shown = _shown(exact, (deep_line, relative_line))
    steps = [
        f"家庭年可支配收入 {money(income)} 元，年刚性支出 {money(spent)} 元"
        f"(医疗 {money(figures.medical_expense)} 元、教育 {money(figures.schooling_expense)} 元、"
        f"残疾康复 {money(figures.disability_expense)} 元)，家庭人口 {figures.household_size} 人。",
        f"人均月净收入 = ({money(income)} − {money(spent)}) ÷ 12 ÷ {figures.household_size}"
        f" = {shown} 元。",
        f"低保标准 {money(basis.standard_amount)} 元/人·月"
        + (f"({basis.standard_label})" if basis.standard_label else "")
        + f"；深度困难线 {money(deep_line)} 元({multiple(basis.deep_multiplier)} 倍)，"
        f"相对困难线 {money(relative_line)} 元({multiple(basis.relative_multiplier)} 倍)"
        + (f"，{basis.thresholds_label}" if basis.thresholds_label else "")
        + "。",
    ]
    accidental_reasons = []
    if cause_hits:
        labels = "、".join(HardshipCause(c).label for c in cause_hits)
        accidental_reasons.append(f"致困原因含{labels}")
    if by_cost:
        accidental_reasons.append(
            f"年刚性支出 {money(spent)} 元超过家庭年收入的 "
            f"{percent(basis.accidental_cost_share)}({money(cost_line)} 元)"
        )
    accidental = bool(accidental_reasons)
    if below_deep:
        category = HardshipCategory.DEEP
        verdict = f"{shown} 元低于深度困难线 {money(deep_line)} 元，认定为深度困难"
    elif below_relative:
        category = HardshipCategory.RELATIVE
        verdict = (
            f"{shown} 元不低于深度困难线 {money(deep_line)} 元、低于相对困难线 "
            f"{money(relative_line)} 元，认定为相对困难"
        )
    elif accidental:
        category = HardshipCategory.ACCIDENTAL
        verdict = (
            f"{shown} 元不低于相对困难线 {money(relative_line)} 元，但"
            + "；".join(accidental_reasons)
            + "，认定为意外致困"
        )
    else:
        category = HardshipCategory.NONE
        verdict = (
            f"{shown} 元不低于相对困难线 {money(relative_line)} 元，且无自然灾害、意外事故，"
            f"年刚性支出未超过家庭年收入的 {percent(basis.accidental_cost_share)}"
            f"({money(cost_line)} 元)，不符合建档条件"
        )
    if accidental and category in (HardshipCategory.DEEP, HardshipCategory.RELATIVE):
        verdict += "(另：" + "；".join(accidental_reasons) + "，亦符合意外致困条件)"
    steps.append(verdict + "。")
    return CategoryResult(
        category=category,
        per_capita_monthly_net=exact.quantize(FEN, rounding=ROUND_HALF_UP),
        essential_expenditure=spent,
        deep_line=deep_line,
        relative_line=relative_line,
        accidental_by_cause=bool(cause_hits),
        accidental_by_cost=by_cost,
        explanation="\n".join(steps),
        steps=steps,
    )
