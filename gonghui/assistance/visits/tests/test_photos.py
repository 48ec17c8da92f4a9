"""Visit photos show people's homes: every serving is audited as an unmasked view of the
household's archive (as archive attachments' downloads are), and out of scope is a 404
with nothing recorded."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.assistance.archives.tests.factories import PNG_BYTES
from gonghui.assistance.programmes.tests.factories import archived
from gonghui.assistance.visits import services as visits
from gonghui.audit.models import AuditEvent
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def _photo(org):
    household = archived(org, name="走访照片户")
    visit = visits.visit_record(
        actor=None,
        archive=household,
        visited_on=datetime.date(2026, 2, 1),
        findings="入户走访",
        visitor_names="张三",
        photos=[SimpleUploadedFile("门口.png", PNG_BYTES)],
    )
    return household, visit.photos.get()


def test_serving_a_visit_photo_is_audited(tree, users, login):
    # given a visit with a photo at A1
    household, photo = _photo(tree.a1)
    # when township staff of A open the photo
    response = login(users.township_staff).get(f"/assistance/visits/photos/{photo.pk}/")
    # then they get the image, kept out of caches, and the viewing is recorded on the archive
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="unmasked")
    assert event.user == users.township_staff
    assert (event.object_type, event.object_id) == ("assistance.HardshipArchive", str(household.pk))
    assert event.detail == {"fields": [f"visit_photo:{photo.pk}"], "reason": "查看走访照片"}
    # and a second viewing is a second event
    login(users.township_staff).get(f"/assistance/visits/photos/{photo.pk}/")
    assert AuditEvent.objects.filter(action="unmasked").count() == 2


def test_a_photo_out_of_scope_is_404_and_not_audited(tree, users, login):
    _household, photo = _photo(tree.a1)
    outsider = make_user("b_staff", "township_staff", tree.b)
    response = login(outsider).get(f"/assistance/visits/photos/{photo.pk}/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="unmasked").exists()
