"""Permission-matrix entries for the staffing pages and API (see core/testing/matrix.py).

Every role under test sits at township A: `own` targets are in A's subtree, `sibling` in
B's, `parent` at the county. The county's rules and pay table belong to a county org, so
for their two writes `own` is township A itself: in scope, and the service refuses it as
not a county (422, nothing stored); a county admin's save is tested in test_views.py.
"""

from django.forms.models import model_to_dict

from gonghui.core.testing.matrix import Endpoint, Targets, json_text, xlsx_text
from gonghui.staffing import services
from gonghui.staffing.models import (
    Appraisal,
    Objection,
    PayGrade,
    Post,
    Rating,
    RatingInvite,
    SocialWorker,
    StaffingScheme,
    Training,
)
from gonghui.staffing.tests.factories import build_appraisal, build_worker


def _workers(tree, actor):
    return Targets(
        own=build_worker(org=tree.a, name="甲镇矩阵社工"),
        sibling=build_worker(org=tree.b, name="乙镇矩阵社工"),
        parent=build_worker(org=tree.county, name="县直矩阵社工"),
    )


def _flagged(tree, actor):
    targets = _workers(tree, actor)
    SocialWorker.objects.update(contract_review=True, contract_review_reason="矩阵")
    return targets


def _orgs(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _posts(tree, actor):
    return Targets(
        own=services.post_create(actor=None, org=tree.a, name="甲镇矩阵岗位"),
        sibling=services.post_create(actor=None, org=tree.b, name="乙镇矩阵岗位"),
        parent=services.post_create(actor=None, org=tree.county, name="县直矩阵岗位"),
    )


def _appraisals(tree, actor):
    workers = _workers(tree, actor)
    return Targets(
        *(build_appraisal(worker=w) for w in (workers.own, workers.sibling, workers.parent))
    )


def _objections(tree, actor):
    from gonghui.testing.fixtures import make_user

    found = []
    for org, code in ((tree.a, "a"), (tree.b, "b"), (tree.county, "c")):
        user = make_user(f"sw_matrix_{code}", "social_worker", org)
        appraisal = build_appraisal(worker=build_worker(org=org, user=user))
        services.appraisal_publish(actor=None, appraisal=appraisal)
        appraisal.refresh_from_db()
        services.objection_submit(actor=user, appraisal=appraisal, text="矩阵异议")
        found.append(appraisal)
    return Targets(*found)


def _worker_state(worker):
    fresh = SocialWorker.objects.filter(pk=worker.pk).first()
    return None if fresh is None else model_to_dict(fresh)


def _appraisal_state(appraisal):
    return (
        model_to_dict(Appraisal.objects.get(pk=appraisal.pk)),
        Rating.objects.filter(appraisal=appraisal).count(),
        RatingInvite.objects.filter(appraisal=appraisal).count(),
    )


def _worker_form(org, **extra):
    return {
        "name": "矩阵新社工",
        "org": str(org.pk),
        "education": "bachelor",
        "agency": "矩阵人力公司",
        "hired_on": "2024-01-01",
        "contract_start": "2024-01-01",
        "contract_end": "2026-12-31",
        "funding_source": "shared",
        "county_share": "50",
        "grade": "1",
        "band": "1",
        "band_since": "2024-01-01",
        **extra,
    }


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


def _rules_state(org):
    return (StaffingScheme.objects.count(), PayGrade.objects.count())


def _name(obj):
    return obj.name


def _worker_name(appraisal):
    return appraisal.worker.name


ENDPOINTS = [
    # --- workers
    Endpoint(
        "staffing.worker_list",
        "GET",
        "staffing",
        "view",
        lambda t: "/staffing/",
        _workers,
        marker=_name,
        scoped=False,
    ),
    Endpoint(
        "staffing.worker_create_form",
        "GET",
        "staffing",
        "edit",
        lambda t: "/staffing/new/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "staffing.worker_create",
        "POST",
        "staffing",
        "edit",
        lambda org: "/staffing/new/",
        _orgs,
        data=lambda org: _worker_form(org),
        snapshot=lambda org: SocialWorker.objects.filter(name="矩阵新社工").count(),
        success=(302,),
    ),
    Endpoint(
        "staffing.worker_detail",
        "GET",
        "staffing",
        "view",
        lambda w: f"/staffing/{w.pk}/",
        _workers,
    ),
    Endpoint(
        "staffing.worker_edit_form",
        "GET",
        "staffing",
        "edit",
        lambda w: f"/staffing/{w.pk}/edit/",
        _workers,
    ),
    Endpoint(
        "staffing.worker_edit",
        "POST",
        "staffing",
        "edit",
        lambda w: f"/staffing/{w.pk}/edit/",
        _workers,
        data=lambda w: _worker_form(w.org, name="改名社工", status="active"),
        snapshot=_worker_state,
        success=(302,),
    ),
    Endpoint(
        "staffing.training_add",
        "POST",
        "staffing",
        "edit",
        lambda w: f"/staffing/{w.pk}/training/",
        _workers,
        data=lambda w: {"course": "矩阵培训", "day": "2026-01-05", "hours": "4"},
        snapshot=lambda w: Training.objects.filter(worker=w).count(),
        success=(302,),
    ),
    Endpoint(
        "staffing.contract_review_clear",
        "POST",
        "staffing",
        "approve",
        lambda w: f"/staffing/{w.pk}/contract-review/",
        _flagged,
        snapshot=_worker_state,
        success=(302,),
    ),
    # --- posts
    Endpoint(
        "staffing.post_list",
        "GET",
        "staffing",
        "view",
        lambda t: "/staffing/posts/",
        _posts,
        marker=_name,
        scoped=False,
    ),
    Endpoint(
        "staffing.post_create_form",
        "GET",
        "staffing",
        "edit",
        lambda t: "/staffing/posts/new/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "staffing.post_create",
        "POST",
        "staffing",
        "edit",
        lambda org: "/staffing/posts/new/",
        _orgs,
        data=lambda org: {"org": str(org.pk), "name": "矩阵新岗位"},
        snapshot=lambda org: Post.objects.filter(name="矩阵新岗位").count(),
        success=(302,),
    ),
    Endpoint(
        "staffing.post_edit_form",
        "GET",
        "staffing",
        "edit",
        lambda p: f"/staffing/posts/{p.pk}/edit/",
        _posts,
    ),
    Endpoint(
        "staffing.post_edit",
        "POST",
        "staffing",
        "edit",
        lambda p: f"/staffing/posts/{p.pk}/edit/",
        _posts,
        data=lambda p: {"name": "矩阵改名岗位", "note": "改", "is_active": "on"},
        snapshot=lambda p: list(Post.objects.filter(pk=p.pk).values_list("name", "note")),
        success=(302,),
    ),
    # --- appraisals
    Endpoint(
        "staffing.appraisal_list",
        "GET",
        "staffing",
        "view",
        lambda t: "/staffing/appraisals/",
        _appraisals,
        marker=_worker_name,
        scoped=False,
    ),
    Endpoint(
        "staffing.appraisal_open_form",
        "GET",
        "staffing",
        "edit",
        lambda t: "/staffing/appraisals/open/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "staffing.appraisal_open",
        "POST",
        "staffing",
        "edit",
        lambda org: "/staffing/appraisals/open/",
        _workers,
        data=lambda w: {"kind": "year", "year": "2026", "org": str(w.org_id)},
        snapshot=lambda w: Appraisal.objects.filter(worker=w).count(),
        success=(302,),
    ),
    Endpoint(
        "staffing.appraisal_detail",
        "GET",
        "staffing",
        "view",
        lambda a: f"/staffing/appraisals/{a.pk}/",
        _appraisals,
    ),
    Endpoint(
        "staffing.rating_add",
        "POST",
        "staffing",
        "edit",
        lambda a: f"/staffing/appraisals/{a.pk}/ratings/",
        _appraisals,
        data=lambda a: {"group": "chair", "score": "88"},
        snapshot=_appraisal_state,
        success=(302,),
    ),
    Endpoint(
        "staffing.invites_issue",
        "POST",
        "staffing",
        "edit",
        lambda a: f"/staffing/appraisals/{a.pk}/invites/",
        _appraisals,
        data=lambda a: {"count": "3"},
        snapshot=_appraisal_state,
    ),
    Endpoint(
        "staffing.appraisal_publish",
        "POST",
        "staffing",
        "approve",
        lambda a: f"/staffing/appraisals/{a.pk}/publish/",
        _appraisals,
        snapshot=_appraisal_state,
        success=(302,),
    ),
    Endpoint(
        "staffing.objection_answer",
        "POST",
        "staffing",
        "approve",
        lambda a: f"/staffing/appraisals/{a.pk}/answer/",
        _objections,
        data=lambda a: {"answer": "矩阵答复"},
        snapshot=lambda a: model_to_dict(Objection.objects.get(appraisal=a)),
        success=(302,),
    ),
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
        "staffing.stats",
        "GET",
        "staffing",
        "view",
        lambda t: "/staffing/stats/",
        _workers,
        scoped=False,
    ),
    Endpoint(
        "staffing.stats_export",
        "GET",
        "staffing",
        "export",
        lambda t: "/staffing/stats/export/",
        _orgs,
        marker=lambda org: org.name,
        scoped=False,
        extra={"extract": xlsx_text},
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
]


API_ENDPOINTS = [
    Endpoint(
        "api.staffing.workers",
        "GET",
        "staffing",
        "view",
        lambda t: "/api/v1/staffing/workers?limit=200",
        _workers,
        api=True,
        marker=_name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.staffing.worker_detail",
        "GET",
        "staffing",
        "view",
        lambda w: f"/api/v1/staffing/workers/{w.pk}",
        _workers,
        api=True,
    ),
    Endpoint(
        "api.staffing.appraisals",
        "GET",
        "staffing",
        "view",
        lambda t: "/api/v1/staffing/appraisals?limit=200",
        _appraisals,
        api=True,
        marker=_worker_name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.staffing.appraisal_detail",
        "GET",
        "staffing",
        "view",
        lambda a: f"/api/v1/staffing/appraisals/{a.pk}",
        _appraisals,
        api=True,
    ),
    Endpoint(
        "api.staffing.rating_create",
        "POST",
        "staffing",
        "edit",
        lambda a: f"/api/v1/staffing/appraisals/{a.pk}/ratings",
        _appraisals,
        api=True,
        data=lambda a: {"group": "deputy", "score": 77.5},
        snapshot=_appraisal_state,
        success=(201,),
    ),
    Endpoint(
        "api.staffing.appraisal_publish",
        "POST",
        "staffing",
        "approve",
        lambda a: f"/api/v1/staffing/appraisals/{a.pk}/publish",
        _appraisals,
        api=True,
        snapshot=_appraisal_state,
    ),
]
ENDPOINTS += API_ENDPOINTS
