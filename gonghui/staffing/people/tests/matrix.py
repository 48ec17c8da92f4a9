"""Permission-matrix entries for the worker, training and post pages and the workers API
(see core/testing/matrix.py). Every role under test sits at township A: `own` targets are in
A's subtree, `sibling` in B's, `parent` at the county."""

from django.forms.models import model_to_dict

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.staffing.models import (
    Post,
    SocialWorker,
    Training,
)
from gonghui.staffing.people import services as people_services
from gonghui.staffing.tests.factories import build_worker


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
        own=people_services.post_create(actor=None, org=tree.a, name="甲镇矩阵岗位"),
        sibling=people_services.post_create(actor=None, org=tree.b, name="乙镇矩阵岗位"),
        parent=people_services.post_create(actor=None, org=tree.county, name="县直矩阵岗位"),
    )


def _worker_state(worker):
    fresh = SocialWorker.objects.filter(pk=worker.pk).first()
    return None if fresh is None else model_to_dict(fresh)


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


def _name(obj):
    return obj.name


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
        "api.staffing.worker_trainings",
        "GET",
        "staffing",
        "view",
        lambda w: f"/api/v1/staffing/workers/{w.pk}/trainings?year=2026",
        _workers,
        api=True,
    ),
    Endpoint(
        "api.staffing.posts",
        "GET",
        "staffing",
        "view",
        lambda t: "/api/v1/staffing/posts?limit=200",
        _posts,
        api=True,
        marker=_name,
        scoped=False,
        extra={"extract": json_text},
    ),
]
