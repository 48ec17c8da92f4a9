"""Permission-matrix entries for the staff site API /api/v1/sites (see core/testing/matrix.py)."""

from django.forms.models import model_to_dict

from gonghui.core.testing.matrix import Endpoint, json_text
from gonghui.sites.models import ServiceSite, SiteFeedback
from gonghui.sites.tests.matrix_staff import _feedback, _grassroots, _sites


def _site_state(site):
    fresh = ServiceSite.objects.filter(pk=site.pk).first()
    return None if fresh is None else model_to_dict(fresh)


def _feedback_state(feedback):
    return model_to_dict(SiteFeedback.objects.get(pk=feedback.pk))


ENDPOINTS = [
    Endpoint(
        "api.sites.list",
        "GET",
        "sites",
        "view",
        lambda t: "/api/v1/sites?limit=200",
        _sites,
        api=True,
        marker=lambda s: s.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.sites.detail",
        "GET",
        "sites",
        "view",
        lambda s: f"/api/v1/sites/{s.pk}",
        _sites,
        api=True,
    ),
    Endpoint(
        "api.sites.create",
        "POST",
        "sites",
        "edit",
        lambda t: "/api/v1/sites",
        _grassroots,
        api=True,
        data=lambda org: {
            "org_id": org.pk,
            "kind": "canteen",
            "name": "接口新站点",
            "lng": 119.7,
            "lat": 29.1,
        },
        snapshot=lambda org: ServiceSite.objects.filter(name="接口新站点").count(),
        success=(201,),
    ),
    Endpoint(
        "api.sites.update",
        "PATCH",
        "sites",
        "edit",
        lambda s: f"/api/v1/sites/{s.pk}",
        _sites,
        api=True,
        data=lambda s: {"version": s.version, "name": s.name + "改"},
        snapshot=_site_state,
    ),
    Endpoint(
        "api.sites.status",
        "POST",
        "sites",
        "edit",
        lambda s: f"/api/v1/sites/{s.pk}/status",
        _sites,
        api=True,
        data=lambda s: {"status": "closed", "reason": "拆除"},
        snapshot=_site_state,
    ),
    Endpoint(
        "api.sites.feedback_list",
        "GET",
        "sites",
        "view",
        lambda t: "/api/v1/sites/feedback?limit=200",
        _feedback,
        api=True,
        marker=lambda f: f.text,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.sites.feedback_detail",
        "GET",
        "sites",
        "view",
        lambda f: f"/api/v1/sites/feedback/{f.pk}",
        _feedback,
        api=True,
    ),
    Endpoint(
        "api.sites.feedback_answer",
        "POST",
        "sites",
        "edit",
        lambda f: f"/api/v1/sites/feedback/{f.pk}/answer",
        _feedback,
        api=True,
        data=lambda f: {"answer": "已安排维修"},
        snapshot=_feedback_state,
    ),
    Endpoint(
        "api.sites.feedback_close",
        "POST",
        "sites",
        "edit",
        lambda f: f"/api/v1/sites/feedback/{f.pk}/close",
        _feedback,
        api=True,
        data=lambda f: {"note": "已处理"},
        snapshot=_feedback_state,
    ),
]
