"""Reads of the county's 低保 standard and thresholds: the figures in force on a date, the
category they give a household (`assess`), who may set them, and the history a user may see.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from gonghui.assistance.category import (
    Basis,
    CategoryResult,
    HouseholdFigures,
    category_compute,
    multiple,
    percent,
)
from gonghui.assistance.models import (
    AssistanceThresholds,
    LivingAllowanceStandard,
)
from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import scope_roots
from gonghui.orgs.models import Org, OrgLevel

MODULE = "assistance"
COUNTY_ADMIN_ROLE = "county_admin"


def county_of(org: Org) -> Org:
    """The county federation whose area holds org (org itself when it is the county)."""
    if org.level == OrgLevel.COUNTY:
        return org
    ids = [*org.ancestor_ids(), org.pk]
    county = Org.objects.filter(pk__in=ids, level=OrgLevel.COUNTY).first()
    if county is None:
        raise ValidationFailed(
            f"“{org.name}”不属于任何县级工会，无法确定适用的低保标准。",
            fields={"org": ["所选组织不属于任何县级工会。"]},
        )
    return county


def standard_in_force(county: Org, on: datetime.date) -> LivingAllowanceStandard | None:
    return (
        LivingAllowanceStandard.objects.filter(org=county, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )


def thresholds_in_force(county: Org, on: datetime.date) -> AssistanceThresholds:
    """The county's thresholds on a date; the defaults (unsaved) when it never set any."""
    found = (
        AssistanceThresholds.objects.filter(org=county, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )
    return found or AssistanceThresholds.defaults()


def basis_of(
    county: Org, standard: LivingAllowanceStandard, thresholds: AssistanceThresholds
) -> Basis:
    """The calculation basis with the provenance the explanation names."""
    return Basis(
        standard_amount=standard.monthly_amount,
        deep_multiplier=thresholds.deep_multiplier,
        relative_multiplier=thresholds.relative_multiplier,
        accidental_cost_share=thresholds.accidental_cost_share,
        standard_label=(
            f"{county.name} {standard.year} 年标准，{standard.effective_from:%Y-%m-%d} 起执行"
        ),
        thresholds_label=(
            "本县未设置帮扶标准参数，采用默认参数"
            if thresholds.is_default
            else f"帮扶标准参数 {thresholds.effective_from:%Y-%m-%d} 起执行"
        ),
    )


@dataclass(frozen=True)
class Assessed:
    result: CategoryResult
    standard: LivingAllowanceStandard
    thresholds: AssistanceThresholds
    county: Org
    on: datetime.date


def assess(figures: HouseholdFigures, *, org: Org, on: datetime.date) -> Assessed:
    """The category of a household of org on a date, with the county figures in force then."""
    county = county_of(org)
    standard = standard_in_force(county, on)
    if standard is None:
        message = (
            f"{county.name}尚未设置 {on:%Y-%m-%d} 适用的低保标准，无法测算困难类别，"
            "请联系县总工会管理员设置。"
        )
        raise ValidationFailed(message, code="no_standard")
    thresholds = thresholds_in_force(county, on)
    result = category_compute(figures, basis_of(county, standard, thresholds))
    return Assessed(result, standard, thresholds, county, on)


def thresholds_summary(thresholds: AssistanceThresholds) -> str:
    t = thresholds
    return (
        f"深度困难 {multiple(t.deep_multiplier)} 倍、相对困难 {multiple(t.relative_multiplier)} 倍、"
        f"意外致困刚性支出超过收入 {percent(t.accidental_cost_share)}、"
        f"收入临界幅度 {percent(t.near_line_margin)}、抽查不低于 {percent(t.spot_check_share)}、"
        f"连续 {t.exit_months} 个月不符合条件可脱困、脱困后监测 {t.watch_years} 年、"
        f"复核周期 {t.review_interval_months} 个月"
    )


def is_county_admin(actor, county: Org) -> bool:
    """The actor holds the county admin role at the county federation or above."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    from gonghui.core.scope import role_assignments

    for assignment in role_assignments(actor):  # read once per request
        org = assignment.org
        if (
            assignment.role.code == COUNTY_ADMIN_ROLE
            and org.is_active
            and org.level <= OrgLevel.COUNTY
            and county.path.startswith(org.path)
        ):
            return True
    return False


def today() -> datetime.date:
    return timezone.localdate()


def counties_for(user) -> list[Org]:
    """The counties whose standards the user may read: those holding or inside their scope.

    Standards are county-wide figures, not personal data; a township user sees their
    county's so that the categories on their archives can be understood.
    """
    roots = scope_roots(user, MODULE, Action.VIEW)
    if not roots:
        return []
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(path__startswith=root.path)
        ancestors = [int(p) for p in root.path.strip("/").split("/") if p]
        q |= Q(pk__in=ancestors)
    return list(Org.objects.filter(q, level=OrgLevel.COUNTY).order_by("path"))


@dataclass
class CountyStandards:
    county: Org
    standards: list[LivingAllowanceStandard]
    thresholds: list[AssistanceThresholds]


def standards_history(user) -> list[CountyStandards]:
    return [
        CountyStandards(
            county=county,
            standards=list(
                LivingAllowanceStandard.objects.filter(org=county)
                .select_related("set_by")
                .order_by("-effective_from", "-id")
            ),
            thresholds=list(
                AssistanceThresholds.objects.filter(org=county)
                .select_related("set_by")
                .order_by("-effective_from", "-id")
            ),
        )
        for county in counties_for(user)
    ]
