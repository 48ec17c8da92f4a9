"""Activities: attendance by head count or by names (QR check-in on the portal), bad input."""

import datetime

import pytest
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import Conflict, ValidationFailed
from gonghui.outreach.activities import services
from gonghui.outreach.activities.models import Activity, ActivityAttendee

pytestmark = pytest.mark.django_db


def build_activity(org, *, days=-1, **overrides):
    data = dict(
        kind="lecture",
        title="职工大讲堂：劳动合同知多少",
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="甲镇文化礼堂",
        audience="园区职工",
    )
    data.update(overrides)
    return services.activity_create(actor=None, org=org, **data)


def test_a_head_count_is_recorded_with_the_summary(tree, users):
    activity = build_activity(tree.a1)
    held = services.activity_record(
        actor=users.township_staff, activity=activity, attendance=120, summary="讲解劳动合同"
    )
    assert (held.status, held.attendance) == ("held", 120)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.activity_record(actor=users.township_staff, activity=activity, attendance=-3)
    assert refused.value.fields["attendance"] == ["参加人数应在 0 到 100,000 之间。"]
    assert Activity.objects.get(pk=activity.pk).attendance == 120
    assert AuditEvent.objects.count() == before


def test_a_future_activity_cannot_be_recorded_as_held(tree, users):
    activity = build_activity(tree.a1, days=3)
    with pytest.raises(ValidationFailed) as refused:
        services.activity_record(actor=users.township_staff, activity=activity, attendance=10)
    assert refused.value.message == "活动尚未开始，不能登记举办情况。"
    assert Activity.objects.get(pk=activity.pk).status == "planned"


def test_names_are_checked_in_once_each_by_qr_or_by_staff(tree, users, client):
    activity = build_activity(tree.a1, attendance_mode="names", kind="models_to_school")
    with pytest.raises(ValidationFailed):
        services.checkin_public(token=activity.checkin_token, name="王芳")
    services.activity_checkin_set(actor=users.township_staff, activity=activity, open_=True)
    url = f"/portal/outreach/checkin/{activity.checkin_token}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "王芳", "unit": "甲镇电子厂"})
    assert response.status_code == 302
    assert "签到成功" in client.get(url).content.decode()
    client.post(url, {"name": "王 芳", "unit": "甲镇电子厂"})  # the same person again
    services.attendee_add(actor=users.township_staff, activity=activity, name="李强")
    activity.refresh_from_db()
    assert activity.attendance == 2
    assert list(ActivityAttendee.objects.values_list("name", "by_staff").order_by("id")) == [
        ("王芳", False),
        ("李强", True),
    ]
    held = services.activity_record(actor=users.township_staff, activity=activity)
    assert held.attendance == 2  # a names list counts itself
    with pytest.raises(ValidationFailed) as refused:
        services.activity_update(
            actor=users.township_staff, activity=activity, attendance_mode="count"
        )
    assert "签到名单" in refused.value.fields["attendance_mode"][0]


def test_cancelled_activities_take_no_check_in(tree, users, client):
    activity = build_activity(tree.a1, days=2, attendance_mode="names")
    services.activity_checkin_set(actor=users.township_staff, activity=activity, open_=True)
    services.activity_cancel(actor=users.township_staff, activity=activity, reason="暴雨")
    with pytest.raises(Conflict):
        services.activity_checkin_set(actor=users.township_staff, activity=activity, open_=True)
    response = client.get(f"/portal/outreach/checkin/{activity.checkin_token}/")
    assert response.status_code == 404


def test_activity_pages(tree, users, login):
    activity = build_activity(tree.a1, attendance_mode="names")
    client = login(users.township_staff)
    assert "职工大讲堂" in client.get("/outreach/activities/").content.decode()
    assert client.get(f"/outreach/activities/{activity.pk}/").status_code == 200
    assert client.get(f"/outreach/activities/{activity.pk}/qr/").status_code == 200
    response = client.post(
        "/outreach/activities/new/",
        {"org": tree.a1.pk, "kind": "", "title": "", "starts_at": "", "place": ""},
    )
    errors = response.context["form"].errors
    assert {"kind", "title", "starts_at", "place"} <= set(errors)


def test_recording_a_cancelled_activity_with_bad_input_says_why_in_one_round(tree, users, login):
    activity = build_activity(tree.a1)
    services.activity_cancel(actor=None, activity=activity, reason="台风")
    client = login(users.township_staff)
    response = client.post(f"/outreach/activities/{activity.pk}/record/", {"attendance": "x"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["attendance"] and errors["__all__"] == ["已取消的活动不能登记举办情况。"]
    activity.refresh_from_db()
    assert (activity.status, activity.attendance) == ("cancelled", 0)
