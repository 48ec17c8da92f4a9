"""Member export: masked by default, unmasked only with view-sensitive and a reason, audited,
formula-neutralised, filtered like the list, capped."""

import io

import pytest
from python_calamine import CalamineWorkbook

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.members import views

pytestmark = pytest.mark.django_db


def sheet(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_export_is_masked_filtered_and_audited(login, users, tree, member_factory):
    courier = member_factory(
        name="张三", phone="13812345678", employment_form="courier", hukou_place="浙江杭州"
    )
    member_factory(name="李四")
    member_factory(org=tree.b1, name="乙镇会员")
    response = login(users.grassroots_staff).get("/members/export/", {"employment_form": "courier"})
    assert response.status_code == 200
    rows = sheet(response)
    assert rows[0] == views.EXPORT_HEADERS
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["姓名"] == "张三"
    assert row["会员卡号"] == courier.card_number
    assert row["身份证号"] == courier.id_number[:4] + "*" * 10 + courier.id_number[-4:]
    assert row["手机号码"] == "138****5678"
    assert row["就业形态"] == "快递员"
    assert row["所属工会"] == "甲镇一村工会"
    assert courier.id_number.encode() not in response.content
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.user == users.grassroots_staff
    assert event.detail == {
        "what": "members",
        "rows": 1,
        "filters": {
            "q": "",
            "org": "",
            "employment_form": "courier",
            "new_form_only": "",
            "migrant": "",
            "joined_year": "",
            "status": "",
            "incomplete": "",
        },
        "masked": True,
        "reason": "",
    }


def test_export_neutralises_formulas(login, users, member_factory):
    member_factory(name="公式会员", hukou_place='=HYPERLINK("http://x","点我")')
    rows = sheet(login(users.grassroots_staff).get("/members/export/"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["户籍所在地"] == '\'=HYPERLINK("http://x","点我")'


def test_unmasked_export_needs_view_sensitive(login, users, member_factory):
    member_factory()
    client = login(users.township_staff)  # export, but no view-sensitive
    assert client.get("/members/export/", {"unmask": "1"}).status_code == 404
    assert client.post("/members/export/", {"reason": "核对"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()


def test_unmasked_export_asks_for_a_reason_then_audits_it(login, users, tree, member_factory):
    m = member_factory(name="张三", phone="13812345678")
    client = login(users.county_staff)
    form = client.get("/members/export/", {"unmask": "1", "org": tree.a.pk})
    page = form.content.decode()
    assert form.status_code == 200
    assert f'<input type="hidden" name="org" value="{tree.a.pk}">' in page
    assert 'name="reason"' in page
    missing = client.post("/members/export/", {"org": tree.a.pk, "reason": " "})
    assert missing.status_code == 200
    assert "请填写原因。" in missing.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()

    response = client.post("/members/export/", {"org": tree.a.pk, "reason": "年度会员核对"})
    rows = sheet(response)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["身份证号"] == m.id_number
    assert row["手机号码"] == "13812345678"
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.detail["masked"] is False
    assert event.detail["reason"] == "年度会员核对"
    assert event.detail["rows"] == 1
    assert event.detail["filters"]["org"] == str(tree.a.pk)


def test_export_of_an_org_out_of_scope_is_404(login, users, tree):
    response = login(users.grassroots_staff).get("/members/export/", {"org": tree.b1.pk})
    assert response.status_code == 404


def test_export_over_the_cap_is_refused_in_chinese(login, users, member_factory, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 1)
    member_factory()
    member_factory()
    client = login(users.grassroots_staff)
    response = client.get("/members/export/", {"status": "active"})
    assert response.status_code == 302
    assert response["Location"] == "/members/?status=active"
    page = client.get(response["Location"]).content.decode()
    assert "符合条件的会员超过 1 人，无法一次导出，请缩小筛选范围后再导出。" in page
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()
