"""Permission-matrix entries for the pay sheet, the promotion list and the rules and pay
table (see core/testing/matrix.py). The county's rules and pay table belong to a county org,
so for their two writes `own` is township A itself: in scope, and the service refuses it as
not a county (422, nothing stored); a county admin's save is tested in pay/tests/test_views.py.
"""

from gonghui.core.testing.matrix import Endpoint, Targets, json_text, xlsx_text
from gonghui.staffing.models import (
    PayGrade,
    StaffingScheme,
)
from gonghui.staffing.tests.factories import build_worker


def _workers(tree, actor):
    return Targets(
        own=build_worker(org=tree.a, name="甲镇矩阵社工"),
        sibling=build_worker(org=tree.b, name="乙镇矩阵社工"),
        parent=build_worker(org=tree.county, name="县直矩阵社工"),
    )


def _orgs(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _scheme_form(org):
    return {
        "computed_share": "40",
        "weight_chair": "40",
        "weight_deputy": "20",
        "weight_supervisor": "10",
        "weight_workers": "30",
        "targets": "members.joined 10 100",
        "cutoff_excellent": "90",
        "cutoff_competent": "75",
        "cutoff_basic": "60",
        "bonus_excellent": "600",
        "bonus_competent": "300",
        "bonus_basic": "0",
        "bonus_unfit": "0",
        "training_min_hours": "40",
        "objection_days": "7",
        "promotion_years": "2",
        "promotion_results": "2",
    }


_SCHEME_JSON = {
    "computed_share": 40,
    "rater_weights": {"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30},
    "targets": [{"measure": "members.joined", "target": 10, "weight": 100}],
    "cutoff_excellent": 90,
    "cutoff_competent": 75,
    "cutoff_basic": 60,
    "bonus": {"excellent": 600, "competent": 300, "basic": 0, "unfit": 0},
}


def _rules_state(org):
    return (StaffingScheme.objects.count(), PayGrade.objects.count())


def _name(obj):
    return obj.name


ENDPOINTS = [
    # --- pay sheet, promotion, rules
    Endpoint(
        "staffing.pay_sheet",
        "GET",
        "staffing",
        "view",
        lambda t: "/staffing/pay/?month=2026-06",
        _workers,
        marker=_name,
        scoped=False,
    ),
    Endpoint(
        "staffing.pay_sheet_export",
        "GET",
        "staffing",
        "export",
        lambda t: "/staffing/pay/export/?month=2026-06",
        _workers,
        marker=_name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "staffing.promotion_list",
        "GET",
        "staffing",
        "view",
        lambda t: "/staffing/promotion/",
        _workers,
        scoped=False,
    ),
    Endpoint(
        "staffing.promotion_export",
        "GET",
        "staffing",
        "export",
        lambda t: "/staffing/promotion/export/",
        _workers,
        scoped=False,
    ),
    Endpoint(
        "api.staffing.pay_sheet",
        "GET",
        "staffing",
        "view",
        lambda t: "/api/v1/staffing/pay-sheet?month=2026-06",
        _workers,
        api=True,
        marker=_name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.staffing.promotion",
        "GET",
        "staffing",
        "view",
        lambda t: "/api/v1/staffing/promotion",
        _workers,
        api=True,
        scoped=False,
    ),
    Endpoint(
        "staffing.settings",
        "GET",
        "staffing",
        "view",
        lambda t: "/staffing/settings/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "staffing.scheme_save",
        "POST",
        "staffing",
        "edit",
        lambda org: f"/staffing/settings/{org.pk}/",
        _orgs,
        data=_scheme_form,
        snapshot=_rules_state,
        success=(422,),
    ),
    Endpoint(
        "staffing.pay_grade_set",
        "POST",
        "staffing",
        "edit",
        lambda org: f"/staffing/settings/{org.pk}/pay-grades/",
        _orgs,
        data=lambda org: {"grade": "1", "band": "1", "monthly_pay": "4000"},
        snapshot=_rules_state,
        success=(422,),
    ),
    Endpoint(
        "api.staffing.scheme_detail",
        "GET",
        "staffing",
        "view",
        lambda org: f"/api/v1/staffing/settings/{org.pk}",
        _orgs,
        api=True,
    ),
    Endpoint(
        "api.staffing.scheme_update",
        "PUT",
        "staffing",
        "edit",
        lambda org: f"/api/v1/staffing/settings/{org.pk}",
        _orgs,
        api=True,
        data=lambda org: _SCHEME_JSON,
        snapshot=_rules_state,
        success=(422,),
    ),
]
