"""Permission-matrix entries of caravans, stops, quotas and registrations: every page and API
endpoint (see gonghui/core/testing/matrix.py). Own targets live in A's subtree (A1), sibling
ones in B1, parent ones at the county."""

import datetime

from django.forms.models import model_to_dict
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets, json_text, xlsx_text
from gonghui.outreach.caravans import services
from gonghui.outreach.caravans.models import (
    Caravan,
    CaravanStop,
    OnSiteRegistration,
    StopOffer,
    StopPhoto,
)
from gonghui.outreach.caravans.tests.factories import build_caravan, build_stop, offer_of, register
from gonghui.outreach.contests.tests.factories import png_upload

M = "outreach"


def _three(make):
    def setup(tree, actor):
        return Targets(
            own=make(tree.a1, "甲"), sibling=make(tree.b1, "乙"), parent=make(tree.county, "县")
        )

    return setup


_caravans = _three(lambda org, tag: build_caravan(org=org, name=f"{tag}矩阵大篷车"))
_stops = _three(lambda org, tag: build_stop(org=org, place=f"{tag}矩阵广场"))
_orgs = _three(lambda org, tag: org)


def _past_stop(org, tag):
    return build_stop(org=org, place=f"{tag}矩阵往期广场", starts_in_days=-1)


_past_stops = _three(_past_stop)
_registrations = _three(
    lambda org, tag: register(
        build_stop(org=org), name=f"{tag}矩阵职工", consent=True, phone="13800005678"
    )
)


def _offers(tree, actor):
    stops = _stops(tree, actor)
    return Targets(*(offer_of(s, "legal_aid") for s in (stops.own, stops.sibling, stops.parent)))


def _quota_offers(tree, actor):
    stops = _stops(tree, actor)
    return Targets(*(offer_of(s) for s in (stops.own, stops.sibling, stops.parent)))


def _photos(tree, actor):
    stops = _stops(tree, actor)
    return Targets(
        *(
            services.stop_photo_add(actor=None, stop=s, upload=png_upload())
            for s in (stops.own, stops.sibling, stops.parent)
        )
    )


def _state(model):
    def snapshot(obj):
        fresh = model.objects.filter(pk=obj.pk).first()
        return None if fresh is None else model_to_dict(fresh)

    return snapshot


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _stop_form(caravan, org, place="矩阵新站次"):
    start = timezone.now() + datetime.timedelta(days=4)
    return {
        "caravan": caravan.pk,
        "org": org.pk,
        "starts_at": _local(start),
        "ends_at": _local(start + datetime.timedelta(hours=3)),
        "place": place,
        "host_kind": "community",
        "host_name": "矩阵社区",
        "crs": "gcj02",
        "lng": "119.720000",
        "lat": "29.100000",
        "offers-TOTAL_FORMS": "1",
        "offers-INITIAL_FORMS": "0",
        "offers-0-service": "job_aid",
        "offers-0-quota": "10",
    }


def _stop_edit_form(stop):
    return {
        "starts_at": _local(stop.starts_at),
        "ends_at": _local(stop.ends_at),
        "place": stop.place + "改",
        "host_kind": "community",
        "host_name": "矩阵社区",
        "crs": "gcj02",
        "lng": f"{stop.lng:.6f}",
        "lat": f"{stop.lat:.6f}",
        "version": stop.version,
    }


def _caravan_form(caravan_or_org, **extra):
    data = {
        "name": "矩阵新大篷车",
        "kind": "service",
        "services": ["job_aid", "legal_aid"],
    }
    data.update(extra)
    return data


def _api_stop(caravan_org):
    start = timezone.now() + datetime.timedelta(days=4)
    return {
        "caravan_id": caravan_org.caravan_id_for_matrix,
        "org_id": caravan_org.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=3)).isoformat(),
        "place": "矩阵接口站次",
        "lng": 119.72,
        "lat": 29.1,
        "host_kind": "other",
        "host_name": "矩阵场所",
        "offers": [{"service": "job_aid", "quota": 5}],
    }


def _orgs_with_caravans(tree, actor):
    targets = _orgs(tree, actor)
    for org in (targets.own, targets.sibling, targets.parent):
        org.caravan_id_for_matrix = build_caravan(org=org).pk
    return targets


def _count(model, **filters):
    return lambda target: model.objects.filter(**filters).count()


PAGES = [
    Endpoint(
        "outreach.caravan_list",
        "GET",
        M,
        "view",
        lambda t: "/outreach/caravans/",
        _caravans,
        marker=lambda c: c.name,
        scoped=False,
    ),
    Endpoint(
        "outreach.caravan_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/outreach/caravans/new/",
        _caravans,
        scoped=False,
    ),
    Endpoint(
        "outreach.caravan_create",
        "POST",
        M,
        "edit",
        lambda t: "/outreach/caravans/new/",
        _orgs,
        data=lambda org: _caravan_form(org, org=org.pk),
        snapshot=_count(Caravan, name="矩阵新大篷车"),
        success=(302,),
    ),
    Endpoint(
        "outreach.caravan_detail",
        "GET",
        M,
        "view",
        lambda c: f"/outreach/caravans/{c.pk}/",
        _caravans,
    ),
    Endpoint(
        "outreach.caravan_edit_form",
        "GET",
        M,
        "edit",
        lambda c: f"/outreach/caravans/{c.pk}/edit/",
        _caravans,
    ),
    Endpoint(
        "outreach.caravan_edit",
        "POST",
        M,
        "edit",
        lambda c: f"/outreach/caravans/{c.pk}/edit/",
        _caravans,
        data=lambda c: {
            "name": c.name + "改",
            "kind": c.kind,
            "trades": c.trades,
            "services": c.services,
            "version": c.version,
        },
        snapshot=_state(Caravan),
        success=(302,),
    ),
    Endpoint(
        "outreach.caravan_status",
        "POST",
        M,
        "edit",
        lambda c: f"/outreach/caravans/{c.pk}/status/",
        _caravans,
        data=lambda c: {"status": "retired"},
        snapshot=_state(Caravan),
        success=(302,),
    ),
    Endpoint(
        "outreach.stop_list",
        "GET",
        M,
        "view",
        lambda t: "/outreach/stops/",
        _stops,
        marker=lambda s: s.place,
        scoped=False,
    ),
    Endpoint(
        "outreach.stop_map",
        "GET",
        M,
        "view",
        lambda t: "/outreach/stops/map/",
        _stops,
        scoped=False,
    ),
    Endpoint(
        "outreach.stop_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/outreach/stops/new/",
        _stops,
        scoped=False,
    ),
    Endpoint(
        "outreach.stop_create",
        "POST",
        M,
        "edit",
        lambda t: "/outreach/stops/new/",
        _orgs_with_caravans,
        data=lambda org: _stop_form(Caravan.objects.get(pk=org.caravan_id_for_matrix), org),
        snapshot=_count(CaravanStop, place="矩阵新站次"),
        success=(302,),
    ),
    Endpoint(
        "outreach.stop_detail", "GET", M, "view", lambda s: f"/outreach/stops/{s.pk}/", _stops
    ),
    Endpoint(
        "outreach.stop_edit_form",
        "GET",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/edit/",
        _stops,
    ),
    Endpoint(
        "outreach.stop_edit",
        "POST",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/edit/",
        _stops,
        data=_stop_edit_form,
        snapshot=_state(CaravanStop),
        success=(302,),
    ),
    Endpoint(
        "outreach.stop_cancel",
        "POST",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/cancel/",
        _stops,
        data=lambda s: {"reason": "矩阵取消"},
        snapshot=_state(CaravanStop),
        success=(302,),
    ),
    Endpoint(
        "outreach.stop_summary_form",
        "GET",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/summary/",
        _past_stops,
    ),
    Endpoint(
        "outreach.stop_summary",
        "POST",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/summary/",
        _past_stops,
        data=lambda s: {"summary": "矩阵小结"},
        snapshot=_state(CaravanStop),
        success=(302,),
    ),
    Endpoint(
        "outreach.registration_create_form",
        "GET",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/register/",
        _stops,
    ),
    Endpoint(
        "outreach.registration_create",
        "POST",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/register/",
        _stops,
        data=lambda s: {"offer": offer_of(s).pk, "name": "矩阵现场登记"},
        snapshot=lambda s: OnSiteRegistration.objects.filter(stop=s).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.offer_add",
        "POST",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/offers/",
        _stops,
        data=lambda s: {"service": "health", "quota": "20"},
        snapshot=lambda s: StopOffer.objects.filter(stop=s).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.offer_quota",
        "POST",
        M,
        "edit",
        lambda o: f"/outreach/offers/{o.pk}/quota/",
        _quota_offers,
        data=lambda o: {"quota": "30"},
        snapshot=_state(StopOffer),
        success=(302,),
    ),
    Endpoint(
        "outreach.offer_remove",
        "POST",
        M,
        "edit",
        lambda o: f"/outreach/offers/{o.pk}/remove/",
        _offers,
        snapshot=_state(StopOffer),
        success=(302,),
    ),
    Endpoint(
        "outreach.stop_photo_add",
        "POST",
        M,
        "edit",
        lambda s: f"/outreach/stops/{s.pk}/photos/",
        _stops,
        data=lambda s: {"image": png_upload()},
        snapshot=lambda s: StopPhoto.objects.filter(stop=s).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.stop_photo",
        "GET",
        M,
        "view",
        lambda p: f"/outreach/stops/{p.stop_id}/photos/{p.pk}/",
        _photos,
    ),
    Endpoint(
        "outreach.stop_photo_remove",
        "POST",
        M,
        "edit",
        lambda p: f"/outreach/stops/{p.stop_id}/photos/{p.pk}/remove/",
        _photos,
        snapshot=lambda p: StopPhoto.objects.filter(pk=p.pk).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.registration_list",
        "GET",
        M,
        "view",
        lambda t: "/outreach/registrations/",
        _registrations,
        marker=lambda r: r.name,
        scoped=False,
    ),
    Endpoint(
        "outreach.registration_export",
        "GET",
        M,
        "export",
        lambda t: "/outreach/registrations/export/",
        _registrations,
        marker=lambda r: r.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "outreach.registration_export_unmasked",
        "POST",
        M,
        "view_sensitive",
        lambda t: "/outreach/registrations/export/",
        _registrations,
        data=lambda t: {"reason": "电话回访"},
        marker=lambda r: r.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "outreach.registration_detail",
        "GET",
        M,
        "view",
        lambda r: f"/outreach/registrations/{r.pk}/",
        _registrations,
    ),
    Endpoint(
        "outreach.registration_unmask",
        "POST",
        M,
        "view_sensitive",
        lambda r: f"/outreach/registrations/{r.pk}/unmask/",
        _registrations,
        data=lambda r: {"reason": "电话回访"},
        snapshot=lambda r: AuditEvent.objects.filter(action="unmasked").count(),
    ),
    Endpoint(
        "outreach.registration_cancel",
        "POST",
        M,
        "edit",
        lambda r: f"/outreach/registrations/{r.pk}/cancel/",
        _registrations,
        data=lambda r: {"reason": "矩阵取消"},
        snapshot=_state(OnSiteRegistration),
        success=(302,),
    ),
]

API = [
    Endpoint(
        "outreach.api.caravan_list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/caravans",
        _caravans,
        api=True,
        marker=lambda c: c.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "outreach.api.caravan_detail",
        "GET",
        M,
        "view",
        lambda c: f"/api/v1/outreach/caravans/{c.pk}",
        _caravans,
        api=True,
    ),
    Endpoint(
        "outreach.api.caravan_create",
        "POST",
        M,
        "edit",
        lambda t: "/api/v1/outreach/caravans",
        _orgs,
        data=lambda org: {
            "org_id": org.pk,
            "name": "矩阵接口大篷车",
            "kind": "service",
            "services": ["job_aid"],
        },
        snapshot=_count(Caravan, name="矩阵接口大篷车"),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.caravan_update",
        "PATCH",
        M,
        "edit",
        lambda c: f"/api/v1/outreach/caravans/{c.pk}",
        _caravans,
        data=lambda c: {"name": c.name + "改"},
        snapshot=_state(Caravan),
        api=True,
    ),
    Endpoint(
        "outreach.api.stop_list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/stops",
        _stops,
        api=True,
        marker=lambda s: s.place,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "outreach.api.stop_detail",
        "GET",
        M,
        "view",
        lambda s: f"/api/v1/outreach/stops/{s.pk}",
        _stops,
        api=True,
    ),
    Endpoint(
        "outreach.api.stop_create",
        "POST",
        M,
        "edit",
        lambda t: "/api/v1/outreach/stops",
        _orgs_with_caravans,
        data=_api_stop,
        snapshot=_count(CaravanStop, place="矩阵接口站次"),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.caravan_status",
        "POST",
        M,
        "edit",
        lambda c: f"/api/v1/outreach/caravans/{c.pk}/status",
        _caravans,
        data=lambda c: {"status": "retired"},
        snapshot=_state(Caravan),
        api=True,
    ),
    Endpoint(
        "outreach.api.stop_update",
        "PATCH",
        M,
        "edit",
        lambda s: f"/api/v1/outreach/stops/{s.pk}",
        _stops,
        data=lambda s: {"place": s.place + "改", "version": s.version},
        snapshot=_state(CaravanStop),
        api=True,
    ),
    Endpoint(
        "outreach.api.offer_remove",
        "DELETE",
        M,
        "edit",
        lambda o: f"/api/v1/outreach/offers/{o.pk}",
        _offers,
        snapshot=_state(StopOffer),
        api=True,
        success=(204,),
    ),
    Endpoint(
        "outreach.api.stop_cancel",
        "POST",
        M,
        "edit",
        lambda s: f"/api/v1/outreach/stops/{s.pk}/cancel",
        _stops,
        data=lambda s: {"reason": "矩阵取消"},
        snapshot=_state(CaravanStop),
        api=True,
    ),
    Endpoint(
        "outreach.api.stop_summary",
        "POST",
        M,
        "edit",
        lambda s: f"/api/v1/outreach/stops/{s.pk}/summary",
        _past_stops,
        data=lambda s: {"summary": "矩阵小结"},
        snapshot=_state(CaravanStop),
        api=True,
    ),
    Endpoint(
        "outreach.api.offer_add",
        "POST",
        M,
        "edit",
        lambda s: f"/api/v1/outreach/stops/{s.pk}/offers",
        _stops,
        data=lambda s: {"service": "health"},
        snapshot=lambda s: StopOffer.objects.filter(stop=s).count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.offer_quota",
        "POST",
        M,
        "edit",
        lambda o: f"/api/v1/outreach/offers/{o.pk}/quota",
        _quota_offers,
        data=lambda o: {"quota": 30},
        snapshot=_state(StopOffer),
        api=True,
    ),
    Endpoint(
        "outreach.api.registration_list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/registrations",
        _registrations,
        api=True,
        marker=lambda r: r.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "outreach.api.registration_detail",
        "GET",
        M,
        "view",
        lambda r: f"/api/v1/outreach/registrations/{r.pk}",
        _registrations,
        api=True,
    ),
    Endpoint(
        "outreach.api.registration_create",
        "POST",
        M,
        "edit",
        lambda s: f"/api/v1/outreach/stops/{s.pk}/registrations",
        _stops,
        data=lambda s: {"service": "job_aid", "name": "矩阵接口登记"},
        snapshot=lambda s: OnSiteRegistration.objects.filter(stop=s).count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.registration_cancel",
        "POST",
        M,
        "edit",
        lambda r: f"/api/v1/outreach/registrations/{r.pk}/cancel",
        _registrations,
        data=lambda r: {"reason": "矩阵取消"},
        snapshot=_state(OnSiteRegistration),
        api=True,
    ),
    Endpoint(
        "outreach.api.registration_export",
        "GET",
        M,
        "export",
        lambda t: "/api/v1/outreach/registrations/export",
        _registrations,
        api=True,
        marker=lambda r: r.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "outreach.api.registration_export_unmasked",
        "POST",
        M,
        "view_sensitive",
        lambda t: "/api/v1/outreach/registrations/export",
        _registrations,
        data=lambda t: {"reason": "电话回访"},
        api=True,
        marker=lambda r: r.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "outreach.api.stop_photo_list",
        "GET",
        M,
        "view",
        lambda p: f"/api/v1/outreach/stops/{p.stop_id}/photos",
        _photos,
        api=True,
    ),
    Endpoint(
        "outreach.api.stop_photo_add",
        "POST",
        M,
        "edit",
        lambda s: f"/api/v1/outreach/stops/{s.pk}/photos",
        _stops,
        data=lambda s: {"image": png_upload(), "caption": "矩阵照片"},
        snapshot=lambda s: StopPhoto.objects.filter(stop=s).count(),
        api=True,
        success=(201,),
        extra={"multipart": True},
    ),
    Endpoint(
        "outreach.api.stop_photo",
        "GET",
        M,
        "view",
        lambda p: f"/api/v1/outreach/stops/{p.stop_id}/photos/{p.pk}",
        _photos,
        api=True,
    ),
    Endpoint(
        "outreach.api.stop_photo_remove",
        "DELETE",
        M,
        "edit",
        lambda p: f"/api/v1/outreach/stops/{p.stop_id}/photos/{p.pk}",
        _photos,
        snapshot=lambda p: StopPhoto.objects.filter(pk=p.pk).count(),
        api=True,
        success=(204,),
    ),
]

ENDPOINTS = PAGES + API
