"""The outreach API's later endpoints walked end to end: the registration export, stop and
activity photos, the follow-up settings, contest edits and withdrawals, volunteer teams and
activity edits. Each group has a bad input (422, nothing written) and a record out of scope
(404)."""

import io
import json

import pytest

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
