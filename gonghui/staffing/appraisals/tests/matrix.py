"""Permission-matrix entries for the appraisal pages and API (see core/testing/matrix.py).
Every role under test sits at township A: `own` targets are in A's subtree, `sibling` in
B's, `parent` at the county."""

from django.forms.models import model_to_dict

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.staffing.appraisals import services as appraisals_services
from gonghui.staffing.models import (
    Appraisal,
    Objection,
    Rating,
    RatingInvite,
)
from gonghui.staffing.tests.factories import build_appraisal, build_worker


def _workers(tree, actor):
    return Targets(
        own=build_worker(org=tree.a, name="甲镇矩阵社工"),
        sibling=build_worker(org=tree.b, name="乙镇矩阵社工"),
        parent=build_worker(org=tree.county, name="县直矩阵社工"),
    )


def _orgs(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


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
        appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
        appraisal.refresh_from_db()
        appraisals_services.objection_submit(actor=user, appraisal=appraisal, text="矩阵异议")
        found.append(appraisal)
    return Targets(*found)


def _own_published(tree, actor):
    """`own`: the acting user's own published appraisal (the actor is the worker); `sibling`
    and `parent`: other workers' published appraisals in B and at the county. The worker's
    own endpoints need no module grant (every role holds orgs.view, the matrix's stand-in
    for "signed in"): each role reaches its own appraisal and no one else's."""
    found = []
    for org, user in ((tree.a, actor), (tree.b, None), (tree.county, None)):
        appraisal = build_appraisal(worker=build_worker(org=org, user=user))
        appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
        appraisal.refresh_from_db()
        found.append(appraisal)
    return Targets(*found)


def _own_marker(appraisal):
    return f'"id": {appraisal.pk},'


def _appraisal_state(appraisal):
    return (
        model_to_dict(Appraisal.objects.get(pk=appraisal.pk)),
        Rating.objects.filter(appraisal=appraisal).count(),
        RatingInvite.objects.filter(appraisal=appraisal).count(),
    )


def _worker_name(appraisal):
    return appraisal.worker.name


ENDPOINTS = [
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
        "api.staffing.appraisals_open",
        "POST",
        "staffing",
        "edit",
        lambda w: "/api/v1/staffing/appraisals/open",
        _workers,
        api=True,
        data=lambda w: {"org": w.org_id, "kind": "year", "year": 2026},
        snapshot=lambda w: Appraisal.objects.filter(worker=w).count(),
        success=(201,),
    ),
    Endpoint(
        "api.staffing.objection_answer",
        "POST",
        "staffing",
        "approve",
        lambda a: f"/api/v1/staffing/appraisals/{a.pk}/objection/answer",
        _objections,
        api=True,
        data=lambda a: {"answer": "矩阵答复"},
        snapshot=lambda a: model_to_dict(Objection.objects.get(appraisal=a)),
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
    # --- the worker's own appraisals (我的考核) through the API
    Endpoint(
        "api.staffing.own_appraisals",
        "GET",
        "orgs",
        "view",
        lambda t: "/api/v1/staffing/me/appraisals?limit=200",
        _own_published,
        api=True,
        marker=_own_marker,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.staffing.own_appraisal_detail",
        "GET",
        "orgs",
        "view",
        lambda a: f"/api/v1/staffing/me/appraisals/{a.pk}",
        _own_published,
        api=True,
    ),
    Endpoint(
        "api.staffing.own_objection_create",
        "POST",
        "orgs",
        "view",
        lambda a: f"/api/v1/staffing/me/appraisals/{a.pk}/objection",
        _own_published,
        api=True,
        data=lambda a: {"text": "矩阵异议"},
        snapshot=lambda a: Objection.objects.filter(appraisal=a).count(),
        success=(201,),
    ),
]
