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
