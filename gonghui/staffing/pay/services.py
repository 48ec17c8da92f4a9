"""Writes of the county's rules (StaffingScheme) and pay table (PayGrade): validated as a
whole (weights summing to 100%, cut-offs in order), scope-checked, audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core import metrics
from gonghui.core.errors import (
    ErrorCollector,
    ValidationFailed,
)
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing.appraisals import rules
from gonghui.staffing.appraisals.models import AppraisalResult, RaterGroup
from gonghui.staffing.pay.models import PayGrade, StaffingScheme
from gonghui.staffing.shared import changed_fields, int_in, require_scope, score_value


def scheme_validate(
    *,
    computed_share,
    rater_weights: dict,
    targets: list,
    cutoff_excellent,
    cutoff_competent,
    cutoff_basic,
    bonus: dict,
    training_min_hours=40,
    objection_days=7,
    promotion_years=2,
    promotion_results=2,
    **_ignored,
) -> None:
    """Every problem of a county's rules at once (writes nothing)."""
    errors = ErrorCollector()
    errors.check(int_in, computed_share, "computed_share", "实绩考核占比", 0, 100)
    weights = {}
    for group in RaterGroup.values:
        weights[group] = errors.check(
            int_in, (rater_weights or {}).get(group, 0), f"weight_{group}", "评议权重", 0, 100
        )
    if None not in weights.values() and sum(weights.values()) != 100:
        errors.add(
            "rater_weights",
            f"各类评议人的权重合计须为 100%，现为 {sum(weights.values())}%。",
        )
    target_weights = 0
    seen = set()
    for index, line in enumerate(targets or []):
        code = str(line.get("measure", "")).strip()
        if not code:
            errors.add("targets", f"第 {index + 1} 项实绩指标没有填写指标编码。")
            continue
        if code in seen:
            errors.add("targets", f"实绩指标“{code}”重复。")
        elif not _registered(code):
            errors.add(
                "targets",
                f"实绩指标“{code}”不是已登记的统计指标(编码有误或所属模块未上线)，不能用于考核。",
            )
        seen.add(code)
        target = errors.check(int_in, line.get("target"), "targets", "目标值", 1, 1_000_000)
        weight = errors.check(int_in, line.get("weight"), "targets", "指标权重", 0, 100)
        if target is not None and weight is not None:
            target_weights += weight
    if targets and target_weights != 100:
        errors.add("targets", f"实绩指标的权重合计须为 100%，现为 {target_weights}%。")
    cuts = []
    for field, label, value in (
        ("cutoff_excellent", "优秀分数线", cutoff_excellent),
        ("cutoff_competent", "称职分数线", cutoff_competent),
        ("cutoff_basic", "基本称职分数线", cutoff_basic),
    ):
        cuts.append(errors.check(score_value, value, field, label))
    if None not in cuts and not cuts[0] > cuts[1] > cuts[2]:
        errors.add("cutoff_competent", "分数线须依次降低：优秀 > 称职 > 基本称职。")
    for result in AppraisalResult.values:
        errors.check(
            int_in, (bonus or {}).get(result, 0), f"bonus_{result}", "考核奖励", 0, 100_000
        )
    errors.check(int_in, training_min_hours, "training_min_hours", "年度培训最低学时", 0, 1000)
    errors.check(int_in, objection_days, "objection_days", "异议期", 1, 90)
    errors.check(int_in, promotion_years, "promotion_years", "晋档最低年限", 0, 20)
    errors.check(int_in, promotion_results, "promotion_results", "连续称职以上年度数", 0, 10)
    errors.raise_if_any()


def _registered(code: str) -> bool:
    try:
        metrics.measure_get(code)
    except metrics.MetricError:
        return False
    return True


@transaction.atomic
def scheme_save(*, actor, county: Org, **values) -> StaffingScheme:
    if county.level != OrgLevel.COUNTY:
        raise ValidationFailed("管理规则只能由县级总工会设置。")
    require_scope(actor, county)
    scheme_validate(**values)
    values = {k: v for k, v in values.items() if k in _SCHEME_FIELDS}
    values["rater_weights"] = {g: int(values["rater_weights"].get(g, 0)) for g in RaterGroup.values}
    values["targets"] = [
        {
            "measure": str(t["measure"]).strip(),
            "target": int(t["target"]),
            "weight": int(t["weight"]),
        }
        for t in values["targets"]
    ]
    values["bonus"] = {r: int(values["bonus"].get(r, 0)) for r in AppraisalResult.values}
    scheme = StaffingScheme.objects.select_for_update().filter(org=county).first()
    created = scheme is None
    scheme = scheme or StaffingScheme(org=county)
    changed = changed_fields(scheme, values)
    scheme.save()
    audit_record(
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        user=actor,
        obj=scheme,
        detail={"what": "staffing_scheme", "changed": changed},
    )
    return scheme


_SCHEME_FIELDS = {
    "computed_share",
    "rater_weights",
    "targets",
    "cutoff_excellent",
    "cutoff_competent",
    "cutoff_basic",
    "bonus",
    "training_min_hours",
    "objection_days",
    "promotion_years",
    "promotion_needs_certificate",
    "promotion_results",
}


@transaction.atomic
def pay_grade_set(*, actor, county: Org, grade: int, band: int, monthly_pay) -> PayGrade:
    if county.level != OrgLevel.COUNTY:
        raise ValidationFailed("薪酬等级只能由县级总工会设置。")
    require_scope(actor, county)
    errors = ErrorCollector()
    grade = errors.check(int_in, grade, "grade", "岗级", 1, 20)
    band = errors.check(int_in, band, "band", "档次", 1, 20)
    try:
        pay = Decimal(str(monthly_pay))
        if not pay.is_finite() or pay <= 0 or pay > 1_000_000:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add("monthly_pay", "月薪须为大于 0 的金额。")
        pay = None
    errors.raise_if_any()
    cell, created = PayGrade.objects.update_or_create(
        org=county, grade=grade, band=band, defaults={"monthly_pay": rules.q2(pay)}
    )
    audit_record(
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        user=actor,
        obj=cell,
        detail={
            "what": "staffing_pay_grade",
            "pay_grade": grade,
            "pay_band": band,
            "monthly_pay": str(pay),
        },
    )
    return cell
