"""The API of teams, 优秀班组, team trainings, employer incidents and barred-year rules: each
resource created, read and changed as the pages do, a bad input refused in Chinese with
nothing written, and a record of township B out of township A's reach (404)."""

import datetime

import pytest

from gonghui.core.testing.matrix import json_text
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.pioneers import services
from gonghui.workforce.pioneers.models import BarRule, EmployerIncident, Team, TeamTraining
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
BASE = "/api/v1/workforce"


def _auth(user) -> dict:
    from gonghui.accounts.services import token_create

    token = token_create(user=user, name="workforce")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}


@pytest.fixture
def auth(users):
    return _auth(users.township_staff)  # at township A: B's records are out of reach


def _team(org, name="焊接一班"):
    return services.team_create(
        actor=None, enterprise=f.covered_enterprise(org, has_union=True), name=name, kind="crew"
    )


def test_a_team_is_created_read_and_changed_and_a_duplicate_name_refused(client, auth, tree):
    employer = f.enterprise(tree.a1)
    body = {"enterprise": employer.credit_code, "name": "焊接一班", "kind": "crew"}
    created = client.post(f"{BASE}/teams", body, **auth)
    assert created.status_code == 201
    pk = created.json()["id"]
    read = client.get(f"{BASE}/teams/{pk}", **auth).json()
    assert (read["name"], read["enterprise"]["id"]) == ("焊接一班", employer.pk)
    changed = client.patch(f"{BASE}/teams/{pk}", {"headcount": 12, "leader_name": "王师傅"}, **auth)
    assert (changed.json()["headcount"], changed.json()["leader_name"]) == (12, "王师傅")
    again = client.post(f"{BASE}/teams", body, **auth)
    assert again.status_code == 422
    assert f"{employer.name}已有名为“焊接一班”的班组" in json_text(again)
    assert Team.objects.count() == 1
    assert client.get(f"{BASE}/teams/{_team(tree.b1).pk}", **auth).status_code == 404


def test_an_excellent_team_is_proposed_and_selected_once(client, auth, tree):
    team = _team(tree.a1)
    proposal = {"team_id": team.pk, "year": TODAY.year, "reason": "安全生产无事故"}
    created = client.post(f"{BASE}/excellent-teams", proposal, **auth)
    assert created.status_code == 201 and created.json()["status"] == "candidate"
    pk = created.json()["id"]
    twice = client.post(f"{BASE}/excellent-teams", proposal, **auth)
    assert twice.status_code == 422
    assert "该班组本年度已参加同级优秀班组评选" in json_text(twice)
    listed = client.get(f"{BASE}/excellent-teams?year={TODAY.year}", **auth).json()["items"]
    assert [i["team"]["name"] for i in listed] == ["焊接一班"]
    decided = client.post(f"{BASE}/excellent-teams/{pk}/decide", {"selected": True}, **auth)
    assert decided.json()["status"] == "selected"
    assert Honour.objects.filter(team=team).count() == 1
    again = client.post(f"{BASE}/excellent-teams/{pk}/decide", {"selected": False}, **auth)
    assert again.status_code == 422
    assert "该班组的评选结果已记录为“已评选”" in json_text(again)
    assert Honour.objects.filter(team=team).count() == 1
    other = services.excellent_team_propose(actor=None, team=_team(tree.b1), year=TODAY.year)
    outside = client.post(f"{BASE}/excellent-teams/{other.pk}/decide", {"selected": True}, **auth)
    assert outside.status_code == 404


def test_a_team_training_is_recorded_and_listed_in_scope(client, auth, tree):
    team = _team(tree.a1)
    session = {"org_id": tree.a1.pk, "team_id": team.pk, "held_on": TODAY.isoformat(),
               "topic": "安全操作规程", "trainer": "李工", "attendees": 15, "hours": "2.5"}  # fmt: skip
    created = client.post(f"{BASE}/trainings", session, **auth)
    assert created.status_code == 201
    body = created.json()
    assert (body["team"]["id"], body["enterprise"]["id"], body["attendees"]) == (
        team.pk,
        team.enterprise_id,
        15,
    )
    empty = client.post(f"{BASE}/trainings", session | {"attendees": 0}, **auth)
    assert empty.status_code == 422
    assert "参训人数应为 1 到 100000 之间的整数" in json_text(empty)
    outside = client.post(f"{BASE}/trainings", session | {"org_id": tree.b1.pk}, **auth)
    assert outside.status_code == 404
    assert TeamTraining.objects.count() == 1
    listed = client.get(f"{BASE}/trainings?year={TODAY.year}", **auth).json()["items"]
    assert [t["topic"] for t in listed] == ["安全操作规程"]


def test_an_employer_incident_is_recorded_and_b_s_stay_out_of_the_list(client, auth, tree):
    employer = f.enterprise(tree.a1)
    record = {"enterprise": employer.credit_code, "kind": "safety_accident",
              "occurred_on": TODAY.isoformat(), "description": "较大生产安全事故"}  # fmt: skip
    future = client.post(
        f"{BASE}/incidents",
        record | {"occurred_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
        **auth,
    )
    assert future.status_code == 422 and "发生日期不能晚于今天" in json_text(future)
    assert not EmployerIncident.objects.exists()
    assert client.post(f"{BASE}/incidents", record, **auth).status_code == 201
    services.incident_record(
        actor=None, enterprise=f.enterprise(tree.b1, name="乙镇单位"), kind="mass_incident",
        occurred_on=TODAY, description="群体性事件",
    )  # fmt: skip
    listed = client.get(f"{BASE}/incidents", **auth).json()["items"]
    assert [i["enterprise"]["id"] for i in listed] == [employer.pk]


def test_bar_rules_are_set_by_the_county_admin_and_read_by_the_township(client, auth, users, tree):
    admin = _auth(users.county_admin)
    bad = client.post(f"{BASE}/bar-rules", {"kind": "mass_incident", "years": 11}, **admin)
    assert bad.status_code == 422 and "限制年限应为 1 到 10 之间的整数" in json_text(bad)
    refused = client.post(f"{BASE}/bar-rules", {"kind": "mass_incident", "years": 2}, **auth)
    assert refused.status_code == 403
    assert "只有县总工会管理员可以修改" in json_text(refused)
    assert not BarRule.objects.exists()
    saved = client.post(f"{BASE}/bar-rules", {"kind": "mass_incident", "years": 2}, **admin)
    assert saved.json()["rules"][0]["years"] == 2
    changed = client.post(
        f"{BASE}/bar-rules", {"kind": "mass_incident", "years": 3, "is_active": False}, **admin
    )
    assert [(r["years"], r["is_active"]) for r in changed.json()["rules"]] == [(3, False)]
    seen = client.get(f"{BASE}/bar-rules", **auth).json()
    assert (seen["county"]["id"], seen["editable"], len(seen["rules"])) == (
        tree.county.pk,
        False,
        1,
    )
