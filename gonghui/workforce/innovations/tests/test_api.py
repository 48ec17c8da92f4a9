"""The 五小 API's detail and attachments: a file uploaded with the page's checks (its
content decides, a renamed program is refused), stored under a random name, listed,
downloaded under its uploaded name; a file of the wrong kind refused in Chinese with nothing written; township B's
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


def test_an_attachment_is_uploaded_listed_and_downloaded(
    client, users, token, tree, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = _innovation(tree.a1)
    url = f"{BASE}/{item.pk}/attachments"
    program = SimpleUploadedFile("工具.exe", b"MZ\x90\x00")
    refused = client.post(url, {"file": program}, **token)
    assert refused.status_code == 422
    assert "只能上传 PDF、JPG、PNG、Word(.docx) 文件" in json_text(refused)
    renamed = SimpleUploadedFile("图纸.pdf", b"MZ\x90\x00 a program under a .pdf name")
    refused = client.post(url, {"file": renamed}, **token)
    assert refused.status_code == 422 and "所选文件不是" in json_text(refused)
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
    stored = InnovationAttachment.objects.get()
    assert "图纸说明" not in stored.file.name and stored.file.name.endswith(".pdf")
    file = client.get(f"{url}/{pk}", **token)
    assert file.status_code == 200 and b"".join(file.streaming_content) == b"%PDF-1.4 drawing"
    assert file["Content-Type"] == "application/pdf"
    assert (
        "filename*=UTF-8''%E5%9B%BE%E7%BA%B8%E8%AF%B4%E6%98%8E.pdf" in file["Content-Disposition"]
    )
    client.force_login(users.township_staff)  # the staff page serves it the same way
    page = client.get(f"/workforce/innovations/attachments/{pk}/")
    assert page.status_code == 200 and page["Content-Disposition"] == file["Content-Disposition"]
    theirs = _innovation(tree.b1)
    other = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 b")
    assert (
        client.post(f"{BASE}/{theirs.pk}/attachments", {"file": other}, **token).status_code == 404
    )
    assert client.get(f"{BASE}/{theirs.pk}", **token).status_code == 404
    assert InnovationAttachment.objects.count() == 1
