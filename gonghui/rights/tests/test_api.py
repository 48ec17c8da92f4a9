"""The API beyond the matrix: a county campaign's records as each township sees them, a
renewal through the API opening its offer, a season's list worked by the API, personal
data left out of the rosters."""

import datetime

import pytest

from gonghui.rights.bargaining.models import BargainingOffer, SeasonTarget
from gonghui.rights.reminders.models import ReminderStatus
from gonghui.rights.tests import factories
from gonghui.rights.tests import permission_targets as m

pytestmark = pytest.mark.django_db
API = "/api/v1/rights"


def test_a_county_campaign_shows_each_township_its_own_records(client, tree, users):
    campaign = m.campaign_at(tree.county, "县检查")
    own = factories.union_enterprise(parent=tree.a, name="甲镇工地")
    other = factories.union_enterprise(parent=tree.b, name="乙镇工地")
    client.force_login(users.township_staff)
    for firm, status in ((own, 201), (other, 404)):
        response = client.post(
            f"{API}/wage-checks/{campaign.pk}/records",
            {
                "enterprise_id": firm.pk,
                "checked_on": m.today().isoformat(),
                "inspectors": "张三",
                "results": {"on_time": "fail", "real_name": "ok"},
            },
            content_type="application/json",
        )
        assert response.status_code == status
    bad = client.post(
        f"{API}/wage-checks/{campaign.pk}/records",
        {"enterprise_id": own.pk, "checked_on": m.today().isoformat(), "inspectors": "张三",
         "results": {"no_such_item": "ok"}},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422 and "检查结果含有无效的项目" in bad.content.decode()
    client.force_login(users.county_staff)
    from gonghui.rights.wagechecks.services import record_add

    record_add(
        actor=None,
        campaign=campaign,
        enterprise=other,
        checked_on=m.today(),
        inspectors="李四",
        results={"on_time": "ok"},
    )
    client.force_login(users.township_staff)
    detail = client.get(f"{API}/wage-checks/{campaign.pk}").json()
    assert [r["enterprise_id"] for r in detail["records"]] == [own.pk]
    assert detail["records"][0]["results"] == {"on_time": "fail", "real_name": "ok"}


def test_renewal_season_offers_and_reminders_through_the_api(client, tree, users):
    firm = factories.union_enterprise(parent=tree.a, name="甲镇续签")
    contract = m.contract_in_force_expiring(firm, tree)
    client.force_login(users.township_staff)
    too_early = client.post(
        f"{API}/contracts/{contract.pk}/renewal",
        {"on": (contract.end_on - datetime.timedelta(days=120)).isoformat()},
        content_type="application/json",
    )
    assert too_early.status_code == 422 and "届满前 3 个月内" in too_early.content.decode()
    renewed = client.post(
        f"{API}/contracts/{contract.pk}/renewal",
        {"on": m.today().isoformat()},
        content_type="application/json",
    ).json()
    assert renewed["contract"]["id"] == contract.pk
    assert BargainingOffer.objects.get(pk=renewed["offer_id"]).enterprise == firm

    target_firm = factories.union_enterprise(parent=tree.a, name="甲镇名单")
    season = m.season_at(tree.county, "县行动")
    targets = client.get(f"{API}/seasons/{season.pk}/targets?state=todo").json()["items"]
    target = next(t for t in targets if t["enterprise_id"] == target_firm.pk)
    sent = client.post(f"{API}/seasons/{season.pk}/targets/{target['id']}/offer")
    assert sent.status_code == 201
    assert SeasonTarget.objects.get(pk=target["id"]).offer_id == sent.json()["id"]

    reminder = m.reminder(factories.union_enterprise(parent=tree.a, name="甲镇逾期"), tree)
    closed = client.post(
        f"{API}/reminders/{reminder.pk}/close",
        {"note": "已电话催告"},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == ReminderStatus.DONE


def test_rosters_leave_phones_out(client, tree, users):
    from gonghui.rights.supervision.services import supervisor_appoint

    supervisor_appoint(
        actor=None, org=tree.a, name="监督员甲", appointed_on=m.days_ago(10), phone="13912345678"
    )
    client.force_login(users.township_staff)
    body = client.get(f"{API}/supervisors").content.decode()
    assert "监督员甲" in body and "13912345678" not in body and "phone" not in body


def test_a_photo_of_the_wrong_type_is_refused_in_chinese_and_nothing_kept(client, tree, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.rights.wagechecks.models import FindingPhoto

    finding = m.finding_open(factories.union_enterprise(parent=tree.a, name="甲镇照片"), tree)
    client.force_login(users.township_staff)
    fake = SimpleUploadedFile("现场.png", b"MZ\x90\x00 not an image", content_type="image/png")
    refused = client.post(f"{API}/findings/{finding.pk}/photos", {"image": fake})
    assert refused.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.json()["message"])
    assert not FindingPhoto.objects.exists()
    good = client.post(f"{API}/findings/{finding.pk}/photos", {"image": m.png_upload()})
    assert good.status_code == 201 and FindingPhoto.objects.get().finding == finding


def test_files_are_served_in_scope_and_legal_aid_papers_audited(client, tree, users):
    from gonghui.audit.models import AuditEvent
    from gonghui.rights.legalaid.models import CaseAttachment

    contract = m.contract_signed(factories.union_enterprise(parent=tree.a, name="甲镇合同"), tree)
    from gonghui.rights.contracts.services import contract_attachment_add

    saved = contract_attachment_add(actor=None, contract=contract, upload=m.pdf_upload("文本.pdf"))
    other = m.contract_attachment(factories.union_enterprise(parent=tree.b, name="乙镇合同"), tree)
    client.force_login(users.township_staff)
    listed = client.get(f"{API}/contracts/{contract.pk}/attachments").json()
    assert [a["name"] for a in listed] == ["文本.pdf"]
    got = client.get(f"{API}/contracts/{contract.pk}/attachments/{saved.pk}")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF-")
    assert "filename*=UTF-8''%E6%96%87%E6%9C%AC.pdf" in got["Content-Disposition"]
    # Another contract's file through this contract, and a sibling township's: missing.
    assert client.get(f"{API}/contracts/{contract.pk}/attachments/{other.pk}").status_code == 404
    assert (
        client.get(f"{API}/contracts/{other.contract_id}/attachments/{other.pk}").status_code == 404
    )
    version = client.get(f"{API}/contracts/{contract.pk}/versions/1").json()
    assert version["text"] == "第一条 总则"

    case = m.case_applied(factories.union_enterprise(parent=tree.a, name="甲镇援助"), tree)
    fake = m.pdf_upload("证明.exe")
    refused = client.post(f"{API}/legal-aid/{case.pk}/attachments", {"file": fake})
    assert refused.status_code == 422 and "扩展名" in refused.json()["fields"]["file"][0]
    assert not CaseAttachment.objects.exists()
    added = client.post(f"{API}/legal-aid/{case.pk}/attachments", {"file": m.pdf_upload()})
    assert added.status_code == 201
    file_id = added.json()["id"]
    assert AuditEvent.objects.filter(action="unmasked").count() == 0
    download = client.get(f"{API}/legal-aid/{case.pk}/attachments/{file_id}")
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="unmasked")
    assert event.user == users.township_staff and event.object_id == str(case.pk)
    assert event.detail["fields"] == [f"attachment:{file_id}"]


def test_unmasking_a_case_needs_the_grant_and_a_reason_and_is_audited(client, tree, users):
    from gonghui.audit.models import AuditEvent

    firm = factories.union_enterprise(parent=tree.a, name="甲镇工伤")
    case = factories.case(firm.org, n=7, enterprise=firm, health_details="工伤致左手骨折")
    full_id = factories.valid_id_number(7)
    client.force_login(users.township_staff)  # no view_sensitive
    masked = client.get(f"{API}/legal-aid/{case.pk}").json()
    assert masked["applicant_id_number"] != full_id and masked["health_details"] == "******"
    denied = client.post(
        f"{API}/legal-aid/{case.pk}/unmask", {"reason": "联系"}, content_type="application/json"
    )
    assert denied.status_code == 403
    client.force_login(users.county_staff)
    blank = client.post(
        f"{API}/legal-aid/{case.pk}/unmask", {"reason": "  "}, content_type="application/json"
    )
    assert blank.status_code == 422 and "事由" in blank.content.decode()
    assert not AuditEvent.objects.filter(action="unmasked").exists()
    plain = client.post(
        f"{API}/legal-aid/{case.pk}/unmask",
        {"reason": "约见申请人"},
        content_type="application/json",
    ).json()
    assert plain["applicant_id_number"] == full_id
    assert plain["health_details"] == "工伤致左手骨折"
    event = AuditEvent.objects.get(action="unmasked")
    assert event.detail["reason"] == "约见申请人" and event.user == users.county_staff


def test_the_county_edits_its_settings_and_checklist_townships_only_read(client, tree, users):
    from gonghui.rights.legalaid.models import LegalAidSettings
    from gonghui.rights.wagechecks.models import CheckItem, NoticeSettings

    client.force_login(users.township_staff)
    shown = client.get(f"{API}/notice-settings").json()
    assert shown["org_id"] == tree.county.pk and shown["can_edit"] is False
    assert shown["prompt_days"] == 15
    settings = {"letterhead": "测试县总工会", "labour_bureau": "县人社局", "opinion_days": 10}
    put = client.put(
        f"{API}/notice-settings", {**settings, "prompt_days": 7}, content_type="application/json"
    )
    assert put.status_code == 404 and not NoticeSettings.objects.exists()
    added = client.post(f"{API}/check-items", {"name": "镇加项"}, content_type="application/json")
    assert added.status_code == 404

    client.force_login(users.county_admin)
    bad = client.put(
        f"{API}/notice-settings", {**settings, "prompt_days": 0}, content_type="application/json"
    )
    assert bad.status_code == 422 and "1 至 90 天" in bad.json()["fields"]["prompt_days"][0]
    assert not NoticeSettings.objects.exists()
    saved = client.put(
        f"{API}/notice-settings", {**settings, "prompt_days": 7}, content_type="application/json"
    ).json()
    assert saved["prompt_days"] == 7 and saved["can_edit"] is True
    assert NoticeSettings.objects.get(org=tree.county).letterhead == "测试县总工会"

    added = client.post(
        f"{API}/check-items",
        {"name": "外卖骑手意外险", "order": 20},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["code"].startswith("custom_")
    off = client.put(
        f"{API}/check-items/deposit",
        {"name": "工资保证金", "scope": "construction", "is_active": False},
        content_type="application/json",
    )
    assert off.status_code == 200 and off.json()["is_active"] is False
    bad_order = client.put(
        f"{API}/check-items/deposit", {"name": "工资保证金", "order": -1},
        content_type="application/json",
    )  # fmt: skip
    assert bad_order.status_code == 422 and "顺序" in bad_order.content.decode()
    items = {i["code"]: i for i in client.get(f"{API}/check-items").json()}
    assert items["deposit"]["is_active"] is False and "外卖骑手意外险" in {
        i["name"] for i in items.values()
    }
    assert CheckItem.objects.filter(org=tree.county).count() == len(items)

    slow = client.put(
        f"{API}/legal-aid-settings",
        {"income_proof_required": True, "deadline_working_days": 0},
        content_type="application/json",
    )
    assert slow.status_code == 422 and not LegalAidSettings.objects.exists()
    kept = client.put(
        f"{API}/legal-aid-settings",
        {"income_proof_required": True, "deadline_working_days": 20},
        content_type="application/json",
    ).json()
    assert kept["deadline_working_days"] == 20 and kept["income_proof_required"] is True
    client.force_login(users.grassroots_staff)
    assert client.get(f"{API}/legal-aid-settings").json()["deadline_working_days"] == 20


def test_lawyers_are_added_at_a_county_or_township_union_phones_kept_out(client, tree, users):
    from gonghui.rights.legalaid.models import AidLawyer

    client.force_login(users.township_staff)
    payload = {"name": "王律师", "firm": "某律师事务所", "phone": "13912345678"}
    low = client.post(
        f"{API}/lawyers", {**payload, "org_id": tree.a1.pk}, content_type="application/json"
    )
    assert low.status_code == 422 and "乡镇" in low.json()["fields"]["org_id"][0]
    assert not AidLawyer.objects.exists()
    made = client.post(
        f"{API}/lawyers", {**payload, "org_id": tree.a.pk}, content_type="application/json"
    )
    assert made.status_code == 201 and "13912345678" not in made.content.decode()
    assert AidLawyer.objects.get().phone == "13912345678"
