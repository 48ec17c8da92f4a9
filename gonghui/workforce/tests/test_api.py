"""The workforce API beyond the permission matrix: a nomination walked through every step,
a competition changed with its version (a stale one refused), a studio applied for and
reported on, an honour recorded; refusals in Chinese with nothing written."""

import datetime

import pytest

from gonghui.core.testing.matrix import json_text
from gonghui.workforce.competitions.models import Award, Competition
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.pioneers import services as pioneers
from gonghui.workforce.studios.models import InnovationStudio
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
BASE = "/api/v1/workforce"


@pytest.fixture
def auth(users):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.county_admin, name="workforce")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}


def test_a_nomination_through_review_notice_objection_and_approval(client, auth, tree):
    team = pioneers.team_create(
        actor=None,
        enterprise=f.covered_enterprise(tree.a1, has_union=True),
        name="焊接一班",
        kind="crew",
    )
    nomination = pioneers.nomination_create(
        actor=None, org=tree.a1, kind="pioneer", level="county", year=TODAY.year, team=team,
        deeds="事迹", workers_heard_on=TODAY, workers_heard_note="班组会",
    )  # fmt: skip
    url = f"{BASE}/nominations/{nomination.pk}"
    assert client.post(f"{url}/review", {"note": "同意"}, **auth).json()["status"] == "reviewed"
    short = {"notice_from": TODAY.isoformat(), "notice_until": TODAY.isoformat()}
    refused = client.post(f"{url}/notice", short, **auth)
    assert refused.status_code == 422
    assert "公示期不少于 5 天" in json_text(refused)
    week = {
        "notice_from": (TODAY - datetime.timedelta(days=8)).isoformat(),
        "notice_until": (TODAY - datetime.timedelta(days=2)).isoformat(),
    }
    assert client.post(f"{url}/notice", week, **auth).json()["status"] == "notice"
    body = client.post(
        f"{url}/objections", {"received_on": TODAY.isoformat(), "content": "反映违章"}, **auth
    )
    assert body.status_code == 201
    objection = body.json()["objections"][0]
    assert objection["outcome"] == "pending"
    blocked = client.post(f"{url}/approve", **auth)
    assert blocked.status_code == 422 and "有尚未核实的公示异议" in json_text(blocked)
    resolved = client.post(
        f"{url}/objections/{objection['id']}/resolve",
        {"outcome": "dismissed", "outcome_note": "经核实不属实"},
        **auth,
    )
    assert resolved.json()["objections"][0]["outcome"] == "dismissed"
    assert client.post(f"{url}/approve", **auth).json()["status"] == "approved"
    revoked = client.post(f"{url}/revoke", {"reason": "发生安全事故"}, **auth).json()
    assert (revoked["status"], revoked["revoke_reason"]) == ("revoked", "发生安全事故")
    assert Honour.objects.get(team=team).revoked


def test_a_competition_patch_with_a_stale_version_is_refused(client, auth, tree):
    comp = f.competition(tree.county, name="原名称")
    url = f"{BASE}/competitions/{comp.pk}"
    body = client.patch(url, {"version": comp.version, "theme": "建功十四五"}, **auth).json()
    assert (body["theme"], body["version"]) == ("建功十四五", comp.version + 1)
    stale = client.patch(url, {"version": comp.version, "name": "旧页面的名称"}, **auth)
    assert stale.status_code == 409
    assert "已被他人修改" in json_text(stale)
    bad = client.patch(url, {"version": comp.version + 1, "practical_weight": 10}, **auth)
    assert bad.status_code == 422
    assert "合计应为 100%" in json_text(bad)
    assert Competition.objects.get(pk=comp.pk).name == "原名称"


def test_a_studio_applied_for_changed_and_reported_on(client, auth, tree):
    employer, lead = f.enterprise(tree.a1), f.member(tree.a1)
    studio = {"name": "焊接创新工作室", "kind": "craftsman", "lead": lead.card_number,
              "host": employer.name, "founded_on": TODAY.isoformat()}  # fmt: skip
    created = client.post(f"{BASE}/studios", studio, **auth)
    assert created.status_code == 201
    pk = created.json()["id"]
    again = client.post(f"{BASE}/studios", studio, **auth)
    assert again.status_code == 422 and "已有名为" in json_text(again)
    assert client.patch(f"{BASE}/studios/{pk}", {"site": "二楼"}, **auth).json()["site"] == "二楼"
    report = {"year": TODAY.year, "quarter": 1, "activities": 3, "summary": "开展技术攻关"}
    assert client.post(f"{BASE}/studios/{pk}/reports", report, **auth).status_code == 201
    twice = client.post(f"{BASE}/studios/{pk}/reports", report, **auth)
    assert twice.status_code == 422 and "已报送" in json_text(twice)
    assert InnovationStudio.objects.get(pk=pk).reports.count() == 1


def test_an_honour_is_recorded_for_one_holder_only(client, auth, tree):
    person, employer = f.member(tree.a1), f.enterprise(tree.a1)
    medal = {"kind": "medal", "name": "市五一劳动奖章", "level": "city",
             "awarded_on": TODAY.isoformat(), "member": person.card_number}  # fmt: skip
    both = client.post(f"{BASE}/honours", medal | {"enterprise": employer.name}, **auth)
    assert both.status_code == 422 and "三者选一" in json_text(both)
    assert not Honour.objects.exists()
    saved = client.post(f"{BASE}/honours", medal, **auth)
    assert saved.status_code == 201 and saved.json()["holder"] == person.name


def test_an_innovation_is_decided_only_after_its_exclusions_and_a_review(client, auth, tree):
    from gonghui.workforce.innovations.services import innovation_submit

    item = innovation_submit(
        actor=None, member=f.member(tree.a1), category="innovation", title="焊枪夹具改进",
        description="改进了焊枪夹具的结构，减少返工。", year=TODAY.year,
    )  # fmt: skip
    url = f"{BASE}/innovations/{item.pk}"
    first = {"award": "first", "level": "county"}
    early = client.post(f"{url}/decide", first, **auth)
    assert early.status_code == 422
    assert "请先核实并记录" in json_text(early) and "至少有一位评审专家" in json_text(early)
    answers = {"funded_by_science_plan": False, "awarded_elsewhere": False}
    assert client.post(f"{url}/exclusions", answers, **auth).status_code == 200
    assert client.post(f"{url}/reviews", {"score": "92"}, **auth).status_code == 201
    decided = client.post(f"{url}/decide", first, **auth).json()
    assert (decided["status"], decided["award"]) == ("awarded", "first")


def test_an_award_outside_the_titles_is_refused_and_a_withdrawal_is_recorded(client, auth, tree):
    expert, other = f.title("技术能手"), f.title("岗位能手")
    comp = f.competition(tree.county, titles=[expert])
    entry = f.entry(comp, f.member(tree.a1))
    url = f"{BASE}/competitions/entries/{entry.pk}"
    refused = client.post(f"{url}/awards", {"title_id": other.pk, "note": "特别奖"}, **auth)
    assert refused.status_code == 422
    assert "“岗位能手”不在本次竞赛可授予的称号中" in json_text(refused)
    assert not Award.objects.exists()
    granted = client.post(f"{url}/awards", {"title_id": expert.pk, "note": "特别奖"}, **auth)
    assert granted.status_code == 201
    assert [a["title"] for a in granted.json()["awards"]] == ["技术能手"]
    left = client.post(f"{url}/withdraw", {"reason": "因病"}, **auth)
    assert left.json()["status"] == "withdrawn"
