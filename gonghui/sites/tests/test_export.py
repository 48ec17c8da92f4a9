"""The site list export: filtered, phones masked unless unmasked with a reason, audited, and
readable back by the "sites" import unchanged."""

import io

import pytest
from python_calamine import CalamineWorkbook

from gonghui.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_export_is_filtered_masked_and_audited(login, users, site_factory):
    canteen = site_factory(name="职工食堂甲", kind="canteen", contact_phone="13912345678")
    site_factory(name="驿站乙", kind="love_station")

    response = login(users.leader).get("/sites/export/?kind=canteen")

    rows = _rows(response)
    assert rows[0][:3] == ["站点编码", "名称", "类型"]
    assert [r[1] for r in rows[1:]] == ["职工食堂甲"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["站点编码"] == canteen.site_code
    assert row["联系电话"] == "139****5678"
    assert row["开放时间"] == "周一至周五 08:00-18:00"
    assert row["设施"] == "休息场所,冷热饮水"
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.detail["what"] == "sites" and event.detail["masked"] is True
    assert event.detail["rows"] == 1


def test_unmasked_export_needs_a_reason_and_records_it(login, users, site_factory):
    site_factory(contact_phone="13912345678")
    client = login(users.county_staff)

    form = client.get("/sites/export/?unmask=1")
    assert "导出文件将包含完整的联系电话" in form.content.decode()
    refused = client.post("/sites/export/", {"reason": ""})
    assert "请填写原因。" in refused.content.decode()

    response = client.post("/sites/export/", {"reason": "核对站点联系人"})

    row = dict(zip(*_rows(response)[:2], strict=True))
    assert row["联系电话"] == "13912345678"
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.detail["masked"] is False and event.detail["reason"] == "核对站点联系人"


def test_unmasked_export_is_404_without_view_sensitive(login, users, site_factory):
    site_factory()
    assert login(users.township_staff).post("/sites/export/", {"reason": "x"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()
