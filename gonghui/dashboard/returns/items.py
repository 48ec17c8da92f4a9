"""The items of the annual statistical return (全国工会统计年报) our records can hold, each
with its source measure in the metric registry, and the return's logic checks.

The reporting year runs from 10-01 of the previous year to 09-30 ("stock" items are states
as of 09-30; "period" items count the year). An item without a measure, or whose measure is
not registered yet, is entered by hand and marked so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    code: str
    form: str  # 基层工会调查表 / 基层以上工会调查表
    name: str
    unit: str
    measure: str = ""  # the source measure's code; "" → entered by hand
    basis: str = "stock"  # "stock": as of 09-30; "period": 10-01 … 09-30

    @property
    def filler(self) -> str:
        """Who fills the item when no measure counts it: each grassroots union on its
        基层工会调查表 (summed above it), or the reporting union itself."""
        return "基层工会" if self.form == GRASSROOTS else "本级工会"


GRASSROOTS = "基层工会调查表"
ABOVE = "基层以上工会调查表"

ITEMS: tuple[Item, ...] = (
    Item("U1", GRASSROOTS, "基层工会组织数", "个", "orgs.grassroots_unions"),
    Item("U2", GRASSROOTS, "已建立工会的单位数", "家", "orgs.enterprises_with_union"),
    Item("U3", GRASSROOTS, "法人单位数", "家", "orgs.enterprises"),
    Item(
        "U4",
        GRASSROOTS,
        "其中：已建会的非公有制单位",
        "家",
        "orgs.enterprises_with_union.non_public",
    ),
    Item("U5", GRASSROOTS, "已建会单位职工人数", "人", "orgs.enterprises_with_union.employees"),
    Item("U6", GRASSROOTS, "其中：企业工会", "个", "orgs.grassroots_unions.enterprise"),
    Item("U7", GRASSROOTS, "其中：机关事业单位工会", "个", "orgs.grassroots_unions.institution"),
    Item("U8", GRASSROOTS, "其中：村(社区)工会", "个", "orgs.grassroots_unions.community"),
    Item("U9", GRASSROOTS, "其中：联合基层工会", "个", "orgs.grassroots_unions.joint"),
    Item("M1", GRASSROOTS, "会员人数", "人", "members.active"),
    Item("M2", GRASSROOTS, "其中：女性会员", "人", "members.female"),
    Item("M3", GRASSROOTS, "其中：农民工会员", "人", "members.migrant_workers"),
    Item("M4", GRASSROOTS, "其中：新就业形态劳动者会员", "人", "members.new_employment_form"),
    Item("M5", GRASSROOTS, "本年度新发展会员", "人", "members.joined", "period"),
    Item("C1", GRASSROOTS, "签订集体合同份数", "份", "rights.contracts.signed"),
    Item("C2", GRASSROOTS, "集体合同覆盖职工人数", "人", "rights.contracts.workers_covered"),
    Item("W1", GRASSROOTS, "建立职代会制度的单位数", "家"),
    Item("H1", ABOVE, "建档困难职工人数", "人", "assistance.archives.open"),
    Item("H2", ABOVE, "本年度帮扶资金", "元", "assistance.aid.paid", "period"),
    Item("S1", ABOVE, "工会专职工作人员", "人"),
    Item("S2", ABOVE, "工会兼职工作人员", "人"),
)
ITEM_BY_CODE = {item.code: item for item in ITEMS}


@dataclass(frozen=True)
class Check:
    """A logic check of the return. `kind` "le": the sum of `part` never exceeds `whole` (a
    part of a whole); "eq": the sum of `part` equals `whole` (the kinds add up to the total);
    "ratio": `part` ÷ `whole` × 100 lies within [low, high] percent (skipped when `whole`
    is 0)."""

    code: str
    rule: str  # shown with a failure
    part: tuple[str, ...]  # the items summed on the left
    whole: str
    kind: str = "le"
    low: float = 0
    high: float = 100


CHECKS: tuple[Check, ...] = (
    Check("K1", "女性会员不应超过会员人数", ("M2",), "M1"),
    Check("K2", "农民工会员不应超过会员人数", ("M3",), "M1"),
    Check("K3", "新就业形态劳动者会员不应超过会员人数", ("M4",), "M1"),
    Check("K4", "本年度新发展会员不应超过会员人数", ("M5",), "M1"),
    Check("K5", "已建立工会的单位数不应超过法人单位数", ("U2",), "U3"),
    Check("K6", "建立职代会制度的单位数不应超过已建立工会的单位数", ("W1",), "U2"),
    Check("K7", "已建会的非公有制单位不应超过已建立工会的单位数", ("U4",), "U2"),
    Check("K8", "各类基层工会之和应等于基层工会组织数", ("U6", "U7", "U8", "U9"), "U1", "eq"),
    # Members as a share of the unionised units' workforce (their registered 职工人数).
    Check("K9", "会员人数占已建会单位职工人数的比例应在 0% 到 100% 之间", ("M1",), "U5", "ratio"),
)


def items_for(org) -> tuple[Item, ...]:
    """The items an org reports: a grassroots union (level 6) its 基层工会调查表 only; a union
    above it both tables (the grassroots items as its subtree's totals)."""
    from gonghui.orgs.models import OrgLevel

    if org.level >= OrgLevel.GRASSROOTS:
        return tuple(item for item in ITEMS if item.form == GRASSROOTS)
    return ITEMS


def reporting_period(year: int) -> tuple[dt.date, dt.date]:
    """10-01 of the previous year to 09-30 of `year`."""
    return dt.date(year - 1, 10, 1), dt.date(year, 9, 30)


@dataclass(frozen=True)
class Failure:
    check: Check
    left: int | float
    right: int | float

    @property
    def items(self) -> tuple[str, ...]:
        """The codes of the items the check reads (the ones to look at to fix it)."""
        return (*self.check.part, self.check.whole)

    @property
    def message(self) -> str:
        names = "+".join(ITEM_BY_CODE[c].name.removeprefix("其中：") for c in self.check.part)
        whole = ITEM_BY_CODE[self.check.whole].name
        if self.check.kind == "ratio":
            share = self.left * 100 / self.right
            return f"{self.check.rule}：{names} {self.left} ÷ {whole} {self.right} = {share:.1f}%。"
        sign = "≠" if self.check.kind == "eq" else ">"
        return f"{self.check.rule}：{names} {self.left} {sign} {whole} {self.right}。"


def _fails(check: Check, left, whole) -> bool:
    if check.kind == "eq":
        return left != whole
    if check.kind == "ratio":
        return bool(whole) and not check.low <= left * 100 / whole <= check.high
    return left > whole


def run_checks(values: dict) -> list[Failure]:
    """Every check whose items are all filled and that the values break."""
    failures = []
    for check in CHECKS:
        parts = [values.get(c) for c in check.part]
        whole = values.get(check.whole)
        if whole is None or any(p is None for p in parts):
            continue
        left = sum(parts)
        if _fails(check, left, whole):
            failures.append(Failure(check, left, whole))
    return failures
