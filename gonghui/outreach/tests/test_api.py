"""The outreach API's later endpoints walked end to end: the registration export, stop and
activity photos, the follow-up settings, contest edits and withdrawals, volunteer teams and
activity edits. Each group has a bad input (422, nothing written) and a record out of scope
(404)."""

import datetime
import io
import json
import os

import pytest
from django.utils import timezone
from PIL import Image

from gonghui.accounts.services import token_create
from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import xlsx_text
from gonghui.outreach.caravans.models import StopPhoto
from gonghui.outreach.caravans.tests.factories import build_stop, register
from gonghui.outreach.contests.tests.factories import png_upload

pytestmark = pytest.mark.django_db


def _api(client, user):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}

    def call(method, path, body=None, **extra):
        url = f"/api/v1/outreach{path}"
        if method in ("get", "delete"):
            return getattr(client, method)(url, **auth)
        if extra.get("multipart"):
            return client.post(url, body or {}, **auth)
        return getattr(client, method)(
            url, json.dumps(body or {}), content_type="application/json", **auth
        )

    return call


def test_the_registration_export_is_masked_scoped_and_audited(tree, users, client):
    call = _api(client, users.social_worker)
    register(build_stop(org=tree.a1), name="甲镇职工", consent=True, phone="13812345678")
    register(build_stop(org=tree.b1), name="乙镇职工", consent=True, phone="13887654321")

    masked = call("get", "/registrations/export")
    assert masked.status_code == 200
    text = xlsx_text(masked)
    assert "甲镇职工" in text and "乙镇职工" not in text
    assert "13812345678" not in text and "138****5678" in text
    event = AuditEvent.objects.filter(action="exported").latest("id")
    assert event.detail["masked"] is True

    refused = call("post", "/registrations/export", {"reason": "  "})
    assert refused.status_code == 422 and "reason" in refused.json()["fields"]
    assert AuditEvent.objects.filter(action="exported").count() == 1

    plain = call("post", "/registrations/export", {"reason": "电话回访"})
    assert plain.status_code == 200 and "13812345678" in xlsx_text(plain)
    event = AuditEvent.objects.filter(action="exported").latest("id")
    assert event.detail["masked"] is False and event.detail["reason"] == "电话回访"


def test_stop_photos_are_listed_uploaded_checked_and_served(tree, users, client):
    call = _api(client, users.township_staff)
    stop = build_stop(org=tree.a1)
    other = build_stop(org=tree.b1)

    added = call(
        "post",
        f"/stops/{stop.pk}/photos",
        {"image": png_upload(), "caption": "现场"},
        multipart=True,
    )
    assert added.status_code == 201, added.content
    photo = added.json()
    assert (photo["caption"], photo["width"], photo["height"]) == ("现场", 40, 30)

    fake = io.BytesIO(b"%PDF-1.4 not a picture")
    fake.name = "fake.png"
    refused = call("post", f"/stops/{stop.pk}/photos", {"image": fake}, multipart=True)
    assert refused.status_code == 422
    assert refused.json()["fields"]["image"] == [
        "上传的文件不是有效的图片，请上传 JPG、PNG 或 WebP 格式的图片。"
    ]
    assert StopPhoto.objects.filter(stop=stop).count() == 1

    listed = call("get", f"/stops/{stop.pk}/photos")
    assert [p["id"] for p in listed.json()] == [photo["id"]]
    served = call("get", f"/stops/{stop.pk}/photos/{photo['id']}")
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"

    assert (
        call(
            "post", f"/stops/{other.pk}/photos", {"image": png_upload()}, multipart=True
        ).status_code
        == 404
    )
    assert call("get", f"/stops/{other.pk}/photos/{photo['id']}").status_code == 404
    assert call("delete", f"/stops/{stop.pk}/photos/{photo['id']}").status_code == 204
    assert not StopPhoto.objects.filter(stop=stop).exists()


def test_activity_edit_checkin_and_photos(tree, users, client, monkeypatch):
    from gonghui.outreach.activities import services
    from gonghui.outreach.activities.models import Activity, ActivityPhoto

    call = _api(client, users.township_staff)
    made = {
        org: services.activity_create(
            actor=None,
            org=org,
            kind="lecture",
            title="职工大讲堂",
            starts_at=timezone.now() + datetime.timedelta(days=2),
            place="礼堂",
            attendance_mode="names",
        )
        for org in (tree.a1, tree.b1)
    }
    mine, other = made[tree.a1], made[tree.b1]

    edited = call("patch", f"/activities/{mine.pk}", {"title": "劳模工匠大讲堂", "version": 1})
    assert edited.status_code == 200 and edited.json()["title"] == "劳模工匠大讲堂"
    bad = call("patch", f"/activities/{mine.pk}", {"title": ""})
    assert bad.status_code == 422 and "title" in bad.json()["fields"]
    assert Activity.objects.get(pk=mine.pk).title == "劳模工匠大讲堂"
    assert call("patch", f"/activities/{other.pk}", {"title": "改"}).status_code == 404

    opened = call("post", f"/activities/{mine.pk}/checkin", {"open": True})
    assert opened.status_code == 200 and opened.json()["checkin_open"] is True
    assert call("post", f"/activities/{other.pk}/checkin", {"open": True}).status_code == 404

    added = call("post", f"/activities/{mine.pk}/photos", {"image": png_upload()}, multipart=True)
    assert added.status_code == 201
    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 1024 * 1024)
    big = io.BytesIO()
    Image.frombytes("RGB", (800, 600), os.urandom(800 * 600 * 3)).save(big, format="PNG")
    big.seek(0)
    big.name = "big.png"
    refused = call("post", f"/activities/{mine.pk}/photos", {"image": big}, multipart=True)
    assert refused.status_code == 422, refused.content
    assert refused.json()["fields"]["image"] == ["照片不能超过 1 MB。"]
    assert ActivityPhoto.objects.filter(activity=mine).count() == 1
    listed = call("get", f"/activities/{mine.pk}/photos").json()
    assert [p["id"] for p in listed] == [added.json()["id"]]
    photo_url = f"/activities/{mine.pk}/photos/{listed[0]['id']}"
    assert call("get", photo_url).status_code == 200
    assert call("get", f"/activities/{other.pk}/photos").status_code == 404


def test_followup_settings_are_read_in_the_county_and_set_by_it(tree, users, client):
    from gonghui.outreach.followups.models import FollowUpSettings

    township = _api(client, users.township_staff)
    read = township("get", "/followups/settings")
    assert read.status_code == 200
    assert read.json() == {
        "county": {"id": tree.county.pk, "name": tree.county.name},
        "offsets": [7, 30, 90],
        "working_days_only": True,
        "is_default": True,
        "can_set": False,
    }
    assert township("put", "/followups/settings", {"offsets": [5, 20]}).status_code == 404

    county = _api(client, users.county_admin)
    bad = county("put", "/followups/settings", {"offsets": [30, 7]})
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"offsets": ["回访时间应从小到大排列且不重复，如 7,30,90。"]}
    assert not FollowUpSettings.objects.exists()
    saved = county("put", "/followups/settings", {"offsets": [7, 60], "working_days_only": False})
    assert saved.status_code == 200
    assert (saved.json()["offsets"], saved.json()["is_default"]) == ([7, 60], False)
    assert township("get", "/followups/settings").json()["offsets"] == [7, 60]
    assert AuditEvent.objects.filter(detail__what="followup_settings").count() == 1


def test_contest_edit_and_entry_withdraw(tree, users, client):
    from gonghui.outreach.contests.models import Entry, WorksContest
    from gonghui.outreach.contests.tests.factories import build_contest, submit

    call = _api(client, users.township_staff)
    mine = build_contest(org=tree.a1, title="甲镇征文")
    other = build_contest(org=tree.b1, title="乙镇征文")
    entry = submit(mine)
    foreign = submit(other)

    edited = call("patch", f"/contests/{mine.pk}", {"title": "甲镇劳动征文", "version": 1})
    assert edited.status_code == 200
    assert (edited.json()["title"], edited.json()["version"]) == ("甲镇劳动征文", 2)
    bad = call("patch", f"/contests/{mine.pk}", {"deadline": mine.opens_at.isoformat()})
    assert bad.status_code == 422 and "deadline" in bad.json()["fields"]
    assert WorksContest.objects.get(pk=mine.pk).deadline == mine.deadline
    assert call("patch", f"/contests/{other.pk}", {"title": "改"}).status_code == 404

    unexplained = call("post", f"/entries/{entry.pk}/withdraw", {"note": " "})
    assert unexplained.status_code == 422
    assert unexplained.json()["fields"] == {"note": ["请填写撤回说明(不超过 200 个字)。"]}
    withdrawn = call("post", f"/entries/{entry.pk}/withdraw", {"note": "作者要求撤回"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert "*" in withdrawn.json()["phone"]
    again = call("post", f"/entries/{entry.pk}/withdraw", {"note": "再撤"})
    assert again.status_code == 409 and again.json()["message"] == "该作品已撤回。"
    assert call("post", f"/entries/{foreign.pk}/withdraw", {"note": "撤"}).status_code == 404
    assert Entry.objects.get(pk=foreign.pk).status != "withdrawn"


def test_volunteer_team_edit_leave_and_dissolve(tree, users, client):
    from gonghui.members.tests.factories import build_member
    from gonghui.outreach.volunteers import services
    from gonghui.outreach.volunteers.models import Volunteer

    call = _api(client, users.township_staff)
    joined = timezone.localdate() - datetime.timedelta(days=10)

    def team_with_volunteer(org, name):
        team = services.team_create(actor=None, org=org, name=name, kind="team")
        card = build_member(org=org).card_number
        services.volunteer_add(actor=None, team=team, member_card=card, joined_on=joined)
        return team, team.volunteers.get()

    team, volunteer = team_with_volunteer(tree.a1, "甲镇志愿队")
    other, stranger = team_with_volunteer(tree.b1, "乙镇志愿队")

    edited = call("patch", f"/volunteer-teams/{team.pk}", {"leader_name": "王芳"})
    assert edited.status_code == 200 and edited.json()["leader_name"] == "王芳"
    assert call("patch", f"/volunteer-teams/{team.pk}", {"name": None}).status_code == 422
    assert call("patch", f"/volunteer-teams/{other.pk}", {"name": "改"}).status_code == 404

    leave = f"/volunteer-teams/{team.pk}/volunteers/{volunteer.pk}/leave"
    early = (joined - datetime.timedelta(days=1)).isoformat()
    refused = call("post", leave, {"left_on": early})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"left_on": ["退出日期不能早于加入日期。"]}
    assert Volunteer.objects.get(pk=volunteer.pk).left_on is None
    left = call("post", leave, {})
    assert left.status_code == 200 and left.json()["left_on"] == timezone.localdate().isoformat()
    cross = f"/volunteer-teams/{team.pk}/volunteers/{stranger.pk}/leave"
    assert call("post", cross, {}).status_code == 404

    dissolved = call("post", f"/volunteer-teams/{team.pk}/dissolve")
    assert dissolved.status_code == 200 and dissolved.json()["status"] == "dissolved"
    assert call("post", f"/volunteer-teams/{team.pk}/dissolve").status_code == 409
    assert call("post", f"/volunteer-teams/{other.pk}/dissolve").status_code == 404
    assert Volunteer.objects.get(pk=stranger.pk).left_on is None
