"""The honours API beyond the member's ledger: a team's and an employer's ledger as the pages
show them, and revoking a recorded honour (refused twice, in Chinese); township B's records
out of township A's reach (404)."""

import datetime

import pytest

from gonghui.core.testing.matrix import json_text
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.honours.services import honour_record
from gonghui.workforce.pioneers import services as pioneers
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
BASE = "/api/v1/workforce/honours"


@pytest.fixture
def auth(users):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.township_staff, name="workforce")  # at township A
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}


def _team(org):
    return pioneers.team_create(
        actor=None, enterprise=f.covered_enterprise(org, has_union=True), name="焊接一班",
        kind="crew",
    )  # fmt: skip


def test_a_team_s_and_its_employer_s_ledgers(client, auth, tree):
    team = _team(tree.a1)
    item = pioneers.excellent_team_propose(actor=None, team=team, year=TODAY.year)
    pioneers.excellent_team_decide(actor=None, item=item, selected=True)
    pioneers.training_record(
        actor=None, org=tree.a1, team=team, held_on=TODAY, topic="安全规程", trainer="李工",
        attendees=9,
    )  # fmt: skip
    ledger = client.get(f"{BASE}/teams/{team.pk}", **auth).json()
    assert ledger["team"]["enterprise"]["id"] == team.enterprise_id
    assert [h["source"] for h in ledger["honours"]] == ["excellent_team"]
    assert [e["status"] for e in ledger["excellent"]] == ["已评选"]
    assert [t["attendees"] for t in ledger["trainings"]] == [9]
    employer = client.get(f"{BASE}/enterprises/{team.enterprise_id}", **auth).json()
    assert [t["id"] for t in employer["teams"]] == [team.pk]
    assert [h["holder"] for h in employer["honours"]] == ["焊接一班"]
    union = next(c for c in employer["checks"] if c["code"] == "union")
    assert union["status"] == "passed"
    theirs = _team(tree.b1)
    assert client.get(f"{BASE}/teams/{theirs.pk}", **auth).status_code == 404
    assert client.get(f"{BASE}/enterprises/{theirs.enterprise_id}", **auth).status_code == 404


def test_a_recorded_honour_is_revoked_once(client, auth, tree):
    def medal(org):
        return honour_record(
            actor=None, kind="medal", name="市五一劳动奖章", level="city", awarded_on=TODAY,
            member=f.member(org),
        )  # fmt: skip

    honour = medal(tree.a1)
    url = f"{BASE}/{honour.pk}/revoke"
    blank = client.post(url, {"reason": " "}, **auth)
    assert blank.status_code == 422 and "请填写撤销原因" in json_text(blank)
    revoked = client.post(url, {"reason": "经查不实"}, **auth)
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    again = client.post(url, {"reason": "再次"}, **auth)
    assert again.status_code == 422 and "该荣誉已撤销" in json_text(again)
    assert Honour.objects.get(pk=honour.pk).revoke_reason == "经查不实"
    theirs = medal(tree.b1)
    assert client.post(f"{BASE}/{theirs.pk}/revoke", {"reason": "x"}, **auth).status_code == 404
    assert not Honour.objects.get(pk=theirs.pk).revoked
