"""Permission-matrix entries of activities (pages and API)."""

import datetime

from django.forms.models import model_to_dict
from django.utils import timezone

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.outreach.activities import services
from gonghui.outreach.activities.models import Activity, ActivityAttendee, ActivityPhoto
from gonghui.outreach.contests.tests.factories import png_upload

M = "outreach"


def _activities(tree, actor):
    def make(org, tag):
        return services.activity_create(
            actor=None,
            org=org,
            kind="lecture",
            title=f"{tag}矩阵大讲堂",
            starts_at=timezone.now() - datetime.timedelta(hours=2),
            place=f"{tag}礼堂",
            attendance_mode="names",
        )

    return Targets(
        own=make(tree.a1, "甲"), sibling=make(tree.b1, "乙"), parent=make(tree.county, "县")
    )


def _orgs(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _photos(tree, actor):
    items = _activities(tree, actor)
    return Targets(
        *(
            services.activity_photo_add(actor=None, activity=a, upload=png_upload())
            for a in (items.own, items.sibling, items.parent)
        )
    )


def _state(activity):
    fresh = Activity.objects.filter(pk=activity.pk).first()
    return None if fresh is None else model_to_dict(fresh)


def _form(org_or_activity, **extra):
    start = timezone.localtime() - datetime.timedelta(days=1)
    data = {
        "kind": "preaching",
        "title": "矩阵宣讲",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "place": "矩阵会场",
        "attendance_mode": "count",
    }
    data.update(extra)
    return data


def _count(**filters):
    return lambda t: Activity.objects.filter(**filters).count()


ENDPOINTS = [
    Endpoint(
        "outreach.activity_list",
        "GET",
        M,
        "view",
        lambda t: "/outreach/activities/",
        _activities,
        marker=lambda a: a.title,
        scoped=False,
    ),
    Endpoint(
        "outreach.activity_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/outreach/activities/new/",
        _activities,
        scoped=False,
    ),
    Endpoint(
        "outreach.activity_create",
        "POST",
        M,
        "edit",
        lambda t: "/outreach/activities/new/",
        _orgs,
        data=lambda org: _form(org, org=org.pk),
        snapshot=_count(title="矩阵宣讲"),
        success=(302,),
    ),
    Endpoint(
        "outreach.activity_detail",
        "GET",
        M,
        "view",
        lambda a: f"/outreach/activities/{a.pk}/",
        _activities,
    ),
    Endpoint(
        "outreach.activity_edit_form",
        "GET",
        M,
        "edit",
        lambda a: f"/outreach/activities/{a.pk}/edit/",
        _activities,
    ),
    Endpoint(
        "outreach.activity_edit",
        "POST",
        M,
        "edit",
        lambda a: f"/outreach/activities/{a.pk}/edit/",
        _activities,
        data=lambda a: _form(a, title=a.title + "改", attendance_mode="names", version=a.version),
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.activity_record_form",
        "GET",
        M,
        "edit",
        lambda a: f"/outreach/activities/{a.pk}/record/",
        _activities,
    ),
    Endpoint(
        "outreach.activity_record",
        "POST",
        M,
        "edit",
        lambda a: f"/outreach/activities/{a.pk}/record/",
        _activities,
        data=lambda a: {"summary": "矩阵小结"},
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.activity_cancel",
        "POST",
        M,
        "edit",
        lambda a: f"/outreach/activities/{a.pk}/cancel/",
        _activities,
        data=lambda a: {"reason": "矩阵取消"},
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.activity_checkin",
        "POST",
        M,
        "edit",
        lambda a: f"/outreach/activities/{a.pk}/checkin/",
        _activities,
        data=lambda a: {"open": "1"},
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.attendee_add",
        "POST",
        M,
        "edit",
        lambda a: f"/outreach/activities/{a.pk}/attendees/",
        _activities,
        data=lambda a: {"name": "矩阵签到"},
        snapshot=lambda a: ActivityAttendee.objects.filter(activity=a).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.activity_qr",
        "GET",
        M,
        "view",
        lambda a: f"/outreach/activities/{a.pk}/qr/",
        _activities,
    ),
    Endpoint(
        "outreach.activity_photo_add",
        "POST",
        M,
        "edit",
        lambda a: f"/outreach/activities/{a.pk}/photos/",
        _activities,
        data=lambda a: {"image": png_upload()},
        snapshot=lambda a: ActivityPhoto.objects.filter(activity=a).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.activity_photo",
        "GET",
        M,
        "view",
        lambda p: f"/outreach/activities/{p.activity_id}/photos/{p.pk}/",
        _photos,
    ),
    Endpoint(
        "outreach.activity_photo_remove",
        "POST",
        M,
        "edit",
        lambda p: f"/outreach/activities/{p.activity_id}/photos/{p.pk}/remove/",
        _photos,
        snapshot=lambda p: ActivityPhoto.objects.filter(pk=p.pk).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.api.activity_list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/activities",
        _activities,
        api=True,
        marker=lambda a: a.title,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "outreach.api.activity_detail",
        "GET",
        M,
        "view",
        lambda a: f"/api/v1/outreach/activities/{a.pk}",
        _activities,
        api=True,
    ),
    Endpoint(
        "outreach.api.activity_create",
        "POST",
        M,
        "edit",
        lambda t: "/api/v1/outreach/activities",
        _orgs,
        data=lambda org: {
            "org_id": org.pk,
            "kind": "lecture",
            "title": "矩阵接口活动",
            "starts_at": timezone.now().isoformat(),
            "place": "礼堂",
        },
        snapshot=_count(title="矩阵接口活动"),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.activity_record",
        "POST",
        M,
        "edit",
        lambda a: f"/api/v1/outreach/activities/{a.pk}/record",
        _activities,
        data=lambda a: {"summary": "接口小结"},
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.attendee_list",
        "GET",
        M,
        "view",
        lambda a: f"/api/v1/outreach/activities/{a.pk}/attendees",
        _activities,
        api=True,
    ),
    Endpoint(
        "outreach.api.attendee_add",
        "POST",
        M,
        "edit",
        lambda a: f"/api/v1/outreach/activities/{a.pk}/attendees",
        _activities,
        data=lambda a: {"name": "矩阵接口签到", "unit": "甲镇电子厂"},
        snapshot=lambda a: ActivityAttendee.objects.filter(activity=a).count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.activity_cancel",
        "POST",
        M,
        "edit",
        lambda a: f"/api/v1/outreach/activities/{a.pk}/cancel",
        _activities,
        data=lambda a: {"reason": "矩阵取消"},
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.activity_update",
        "PATCH",
        M,
        "edit",
        lambda a: f"/api/v1/outreach/activities/{a.pk}",
        _activities,
        data=lambda a: {"title": a.title + "改", "version": a.version},
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.activity_checkin",
        "POST",
        M,
        "edit",
        lambda a: f"/api/v1/outreach/activities/{a.pk}/checkin",
        _activities,
        data=lambda a: {"open": True},
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.activity_photo_list",
        "GET",
        M,
        "view",
        lambda p: f"/api/v1/outreach/activities/{p.activity_id}/photos",
        _photos,
        api=True,
    ),
    Endpoint(
        "outreach.api.activity_photo_add",
        "POST",
        M,
        "edit",
        lambda a: f"/api/v1/outreach/activities/{a.pk}/photos",
        _activities,
        data=lambda a: {"image": png_upload()},
        snapshot=lambda a: ActivityPhoto.objects.filter(activity=a).count(),
        api=True,
        success=(201,),
        extra={"multipart": True},
    ),
    Endpoint(
        "outreach.api.activity_photo",
        "GET",
        M,
        "view",
        lambda p: f"/api/v1/outreach/activities/{p.activity_id}/photos/{p.pk}",
        _photos,
        api=True,
    ),
    Endpoint(
        "outreach.api.activity_photo_remove",
        "DELETE",
        M,
        "edit",
        lambda p: f"/api/v1/outreach/activities/{p.activity_id}/photos/{p.pk}",
        _photos,
        snapshot=lambda p: ActivityPhoto.objects.filter(pk=p.pk).count(),
        api=True,
        success=(204,),
    ),
]
