"""The competitions API beyond registration and scores: quotas per unit, a project
competition's participants and their periodic scores, removing a hand-entered award, the
county's trades, titles and title rules; each set, read and changed, a bad input refused in
Chinese with nothing written, and township B's records out of township A's reach (404)."""

import datetime
from decimal import Decimal

import pytest

from gonghui.core.testing.matrix import json_text
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.competitions.models import (
    Award,
    AwardSource,
    CompetitionKind,
    CompetitionStatus,
    ProjectParticipant,
    Quota,
    TitleRule,
)
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
BASE = "/api/v1/workforce/competitions"


@pytest.fixture
def auth(users):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.township_staff, name="workforce")  # at township A
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}


def test_a_unit_quota_is_set_changed_refused_and_removed(client, auth, tree):
    comp = f.competition(tree.a1, status=CompetitionStatus.APPROVED, level=ContestLevel.ENTERPRISE)
    url = f"{BASE}/{comp.pk}/quotas"
    set_ = client.post(url, {"org_id": tree.a1.pk, "places": 2}, **auth)
    assert [(q["org"]["id"], q["places"], q["taken"]) for q in set_.json()] == [(tree.a1.pk, 2, 0)]
    assert client.post(url, {"org_id": tree.a1.pk, "places": 3}, **auth).json()[0]["places"] == 3
    negative = client.post(url, {"org_id": tree.a1.pk, "places": -1}, **auth)
    assert negative.status_code == 422 and "名额应在 0 到 100000 之间" in json_text(negative)
    other_trade = f.trade("电工")
    wrong = client.post(
        url, {"org_id": tree.a1.pk, "trade_id": other_trade.pk, "places": 1}, **auth
    )
    assert wrong.status_code == 422 and "该工种不在本次竞赛中" in json_text(wrong)
    assert list(Quota.objects.values_list("places", "trade")) == [(3, None)]
    assert client.get(url, **auth).json()[0]["places"] == 3
    assert client.post(url, {"org_id": tree.a1.pk, "places": None}, **auth).json() == []
    theirs = f.competition(tree.b1, status=CompetitionStatus.APPROVED)
    assert client.get(f"{BASE}/{theirs.pk}/quotas", **auth).status_code == 404


def test_a_project_participant_is_added_and_scored_per_period(client, auth, tree):
    comp = f.competition(tree.a1, kind=CompetitionKind.PROJECT, level=ContestLevel.ENTERPRISE)
    employer = f.enterprise(tree.a1)
    added = client.post(
        f"{BASE}/{comp.pk}/participants", {"enterprise": employer.name, "section": "一标"}, **auth
    )
    assert added.status_code == 201
    pk = added.json()["id"]
    url = f"{BASE}/participants/{pk}/scores"
    first = {"period": TODAY.isoformat(), "scores": {"progress": "90", "quality": "80"}}
    assert client.post(url, first, **auth).status_code == 200
    changed = client.post(url, {"period": TODAY.isoformat(), "scores": {"progress": "95"}}, **auth)
    period = changed.json()["periods"][0]
    assert period["period"] == TODAY.replace(day=1).isoformat()
    assert {k: Decimal(v) for k, v in period["scores"].items()} == {
        "progress": Decimal(95),
        "quality": Decimal(80),
    }
    over = client.post(url, {"period": TODAY.isoformat(), "scores": {"quality": "101"}}, **auth)
    assert over.status_code == 422 and "比质量应在 0 到 100 之间" in json_text(over)
    standings = client.get(f"{BASE}/{comp.pk}/participants", **auth).json()
    assert [(s["enterprise"]["id"], s["rank"], Decimal(s["mean"])) for s in standings] == [
        (employer.pk, 1, Decimal("87.5"))
    ]
    theirs = f.competition(tree.b1, kind=CompetitionKind.PROJECT)
    participant = ProjectParticipant.objects.create(
        org=tree.b1, competition=theirs, enterprise=f.enterprise(tree.b1)
    )
    outside = client.post(f"{BASE}/participants/{participant.pk}/scores", first, **auth)
    assert outside.status_code == 404
    assert not participant.scores.exists()


def test_a_hand_entered_award_is_removed_and_a_rule_award_is_not(client, auth, tree):
    title = f.title("技术能手")
    comp = f.competition(tree.a1, level=ContestLevel.ENTERPRISE, titles=[title])
    entry = f.entry(comp, f.member(tree.a1))
    manual = Award.objects.create(
        entry=entry, title=title, source=AwardSource.MANUAL, note="特别奖"
    )
    results = client.get(f"{BASE}/{comp.pk}/results", **auth).json()
    assert [a["id"] for a in results[0]["awards"]] == [manual.pk]
    assert client.delete(f"{BASE}/awards/{manual.pk}", **auth).status_code == 204
    assert not Award.objects.filter(pk=manual.pk).exists()
    by_rule = Award.objects.create(entry=entry, title=title, source=AwardSource.RULE)
    refused = client.delete(f"{BASE}/awards/{by_rule.pk}", **auth)
    assert refused.status_code == 422
    assert "按规则授予的称号随名次自动计算，不能单独删除" in json_text(refused)
    assert Award.objects.filter(pk=by_rule.pk).exists()
    theirs = f.entry(f.competition(tree.b1, titles=[title]), f.member(tree.b1))
    other = Award.objects.create(entry=theirs, title=title, source=AwardSource.MANUAL)
    assert client.delete(f"{BASE}/awards/{other.pk}", **auth).status_code == 404
    assert Award.objects.filter(pk=other.pk).exists()


def test_the_county_admin_sets_trades_titles_and_title_rules(client, auth, users, tree):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.county_admin, name="workforce")
    admin = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    trade = client.post(f"{BASE}/trades", {"name": "电焊工", "category": "制造"}, **admin)
    assert trade.status_code == 201
    again = client.post(f"{BASE}/trades", {"name": "电焊工"}, **admin)
    assert again.status_code == 422 and "工种“电焊工”已存在" in json_text(again)
    title = client.post(f"{BASE}/titles", {"name": "岗位能手"}, **admin).json()
    rule = {"level": "county", "rank_to": 3, "title_id": title["id"], "grade_steps": 1}
    backwards = client.post(f"{BASE}/title-rules", rule | {"rank_from": 5}, **admin)
    assert backwards.status_code == 422 and "名次至不能小于名次自" in json_text(backwards)
    refused = client.post(f"{BASE}/title-rules", rule, **auth)  # township staff
    assert refused.status_code == 403 and "只有县总工会管理员可以修改" in json_text(refused)
    assert not TitleRule.objects.exists()
    created = client.post(f"{BASE}/title-rules", rule, **admin).json()
    pk = created["rules"][0]["id"]
    assert (created["rules"][0]["title"]["name"], created["rules"][0]["is_active"]) == (
        "岗位能手",
        True,
    )
    off = client.post(f"{BASE}/title-rules/{pk}/active", {"is_active": False}, **admin)
    assert off.json()["rules"][0]["is_active"] is False
    seen = client.get(f"{BASE}/title-rules", **auth).json()
    assert (seen["county"]["id"], seen["editable"], [r["id"] for r in seen["rules"]]) == (
        tree.county.pk,
        False,
        [pk],
    )
    assert "电焊工" in [t["name"] for t in client.get(f"{BASE}/trades", **auth).json()]
