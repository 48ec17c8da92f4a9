"""Permission-matrix entries for the staff site pages: detail, unmask, sign, photos, create,
edit, status, export and the feedback queue (see core/testing/matrix.py)."""

from django.forms.models import model_to_dict

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets, xlsx_text
from gonghui.sites.models import ServiceSite, SiteFeedback, SitePhoto
from gonghui.sites.services import feedback_submit, site_photo_add
from gonghui.sites.tests.factories import build_site
from gonghui.sites.tests.images import png_upload


def _sites(tree, actor):
    return Targets(
        own=build_site(org=tree.a1, name="甲镇员工站点"),
        sibling=build_site(org=tree.b1, name="乙镇员工站点"),
        parent=build_site(org=tree.county, name="县直员工站点"),
    )


def _grassroots(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _photos(tree, actor):
    sites = _sites(tree, actor)
    return Targets(
        *(
            site_photo_add(actor=None, site=site, upload=png_upload())
            for site in (sites.own, sites.sibling, sites.parent)
        )
    )


def _feedback(tree, actor):
    sites = _sites(tree, actor)
    return Targets(
        *(
            feedback_submit(site=site, kind="repair", text=f"{site.name}的饮水机坏了")
            for site in (sites.own, sites.sibling, sites.parent)
        )
    )


def _site_state(site):
    fresh = ServiceSite.objects.filter(pk=site.pk).first()
    return None if fresh is None else model_to_dict(fresh)


def _feedback_state(feedback):
    return model_to_dict(SiteFeedback.objects.get(pk=feedback.pk))


def _site_form(site_or_org, **extra):
    data = {
        "kind": "love_station",
        "name": "矩阵新站点",
        "crs": "gcj02",
        "lng": "119.700000",
        "lat": "29.100000",
        "hours_mon": "08:00-18:00",
        "facilities": ["room"],
    }
    data.update(extra)
    return data


def _exports():
    return AuditEvent.objects.filter(action="exported").count()


ENDPOINTS = [
    Endpoint("sites.detail", "GET", "sites", "view", lambda s: f"/sites/{s.pk}/", _sites),
    Endpoint("sites.sign", "GET", "sites", "view", lambda s: f"/sites/{s.pk}/sign/", _sites),
    Endpoint(
        "sites.unmask",
        "POST",
        "sites",
        "view_sensitive",
        lambda s: f"/sites/{s.pk}/unmask/",
        _sites,
        data=lambda s: {"reason": "联系站点"},
        snapshot=lambda s: AuditEvent.objects.filter(action="unmasked").count(),
    ),
    Endpoint(
        "sites.create_form",
        "GET",
        "sites",
        "edit",
        lambda t: "/sites/new/",
        _sites,
        scoped=False,
    ),
    Endpoint(
        "sites.create",
        "POST",
        "sites",
        "edit",
        lambda t: "/sites/new/",
        _grassroots,
        data=lambda org: _site_form(org, org=org.pk),
        snapshot=lambda org: ServiceSite.objects.filter(name="矩阵新站点").count(),
        success=(302,),
    ),
    Endpoint("sites.edit_form", "GET", "sites", "edit", lambda s: f"/sites/{s.pk}/edit/", _sites),
    Endpoint(
        "sites.edit",
        "POST",
        "sites",
        "edit",
        lambda s: f"/sites/{s.pk}/edit/",
        _sites,
        data=lambda s: _site_form(
            s, name=s.name + "改", lng=f"{s.lng:.6f}", lat=f"{s.lat:.6f}", version=s.version
        ),
        snapshot=_site_state,
        success=(302,),
    ),
    Endpoint(
        "sites.status_form", "GET", "sites", "edit", lambda s: f"/sites/{s.pk}/status/", _sites
    ),
    Endpoint(
        "sites.status",
        "POST",
        "sites",
        "edit",
        lambda s: f"/sites/{s.pk}/status/",
        _sites,
        data=lambda s: {"status": "suspended", "reason": "维修"},
        snapshot=_site_state,
        success=(302,),
    ),
    Endpoint(
        "sites.photo_add",
        "POST",
        "sites",
        "edit",
        lambda s: f"/sites/{s.pk}/photos/",
        _sites,
        data=lambda s: {"image": png_upload()},
        snapshot=lambda s: SitePhoto.objects.filter(site=s).count(),
        success=(302,),
    ),
    Endpoint(
        "sites.photo",
        "GET",
        "sites",
        "view",
        lambda p: f"/sites/{p.site_id}/photos/{p.pk}/",
        _photos,
    ),
    Endpoint(
        "sites.photo_remove",
        "POST",
        "sites",
        "edit",
        lambda p: f"/sites/{p.site_id}/photos/{p.pk}/remove/",
        _photos,
        snapshot=lambda p: SitePhoto.objects.filter(pk=p.pk).exists(),
        success=(302,),
    ),
    Endpoint(
        "sites.export",
        "GET",
        "sites",
        "export",
        lambda t: "/sites/export/",
        _sites,
        marker=lambda s: s.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "sites.export_unmask_form",
        "GET",
        "sites",
        "view_sensitive",
        lambda t: "/sites/export/?unmask=1",
        _sites,
        scoped=False,
    ),
    Endpoint(
        "sites.export_unmasked",
        "POST",
        "sites",
        "view_sensitive",
        lambda t: "/sites/export/",
        _sites,
        data=lambda t: {"reason": "核对站点"},
        snapshot=lambda t: _exports(),
        marker=lambda s: s.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "sites.feedback_list",
        "GET",
        "sites",
        "view",
        lambda t: "/sites/feedback/",
        _feedback,
        marker=lambda f: f.text,
        scoped=False,
    ),
    Endpoint(
        "sites.feedback_list_by_site",
        "GET",
        "sites",
        "view",
        lambda f: f"/sites/feedback/?site={f.site_id}",
        _feedback,
    ),
    Endpoint(
        "sites.feedback_detail",
        "GET",
        "sites",
        "view",
        lambda f: f"/sites/feedback/{f.pk}/",
        _feedback,
    ),
    Endpoint(
        "sites.feedback_answer",
        "POST",
        "sites",
        "edit",
        lambda f: f"/sites/feedback/{f.pk}/answer/",
        _feedback,
        data=lambda f: {"answer": "已安排维修"},
        snapshot=_feedback_state,
        success=(302,),
    ),
    Endpoint(
        "sites.feedback_close",
        "POST",
        "sites",
        "edit",
        lambda f: f"/sites/feedback/{f.pk}/close/",
        _feedback,
        data=lambda f: {"note": "已处理"},
        snapshot=_feedback_state,
        success=(302,),
    ),
]
