"""The 五小 API's detail and attachments: a file uploaded with the page's checks, listed,
downloaded; a file of the wrong kind refused in Chinese with nothing written; township B's
innovation out of township A's reach (404)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.testing.matrix import json_text
from gonghui.workforce.innovations.models import InnovationAttachment
from gonghui.workforce.innovations.services import innovation_submit
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
BASE = "/api/v1/workforce/innovations"


@pytest.fixture
def token(users):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.township_staff, name="workforce")  # at township A
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _innovation(org):
    return innovation_submit(
        actor=None, member=f.member(org), category="innovation", title="焊枪夹具改进",
        description="改进了焊枪夹具的结构，减少返工。", year=TODAY.year,
    )  # fmt: skip


def test_an_attachment_is_uploaded_listed_and_downloaded(client, token, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = _innovation(tree.a1)
    url = f"{BASE}/{item.pk}/attachments"
    program = SimpleUploadedFile("工具.exe", b"MZ\x90\x00")
    refused = client.post(url, {"file": program}, **token)
    assert refused.status_code == 422
    assert "附件只能是 PDF、图片、Word 或 Excel 文件" in json_text(refused)
    assert not InnovationAttachment.objects.exists()
    pdf = SimpleUploadedFile("图纸说明.pdf", b"%PDF-1.4 drawing")
    uploaded = client.post(url, {"file": pdf}, **token)
    assert uploaded.status_code == 201 and uploaded.json()["name"] == "图纸说明.pdf"
    pk = uploaded.json()["id"]
    assert [a["id"] for a in client.get(url, **token).json()] == [pk]
    detail = client.get(f"{BASE}/{item.pk}", **token).json()
    assert (detail["description"], [a["id"] for a in detail["attachments"]]) == (
        "改进了焊枪夹具的结构，减少返工。",
        [pk],
    )
    file = client.get(f"{url}/{pk}", **token)
    assert file.status_code == 200 and b"".join(file.streaming_content) == b"%PDF-1.4 drawing"
    theirs = _innovation(tree.b1)
    other = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 b")
    assert (
        client.post(f"{BASE}/{theirs.pk}/attachments", {"file": other}, **token).status_code == 404
    )
    assert client.get(f"{BASE}/{theirs.pk}", **token).status_code == 404
    assert InnovationAttachment.objects.count() == 1
