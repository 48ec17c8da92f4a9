"""The mentorships API beyond the agreement: 拜师仪式 with the pairs they formed, an
agreement's checkpoints and the county's allowance and reward rule; each created, read and
recorded, a bad input refused in Chinese with nothing written, and township B's records out
of township A's reach (404)."""

import datetime

import pytest

from gonghui.core.testing.matrix import json_text
from gonghui.workforce.mentorships import services
from gonghui.workforce.mentorships.models import Ceremony, Checkpoint, MentorshipPolicy
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
BASE = "/api/v1/workforce/mentorships"


@pytest.fixture
def auth(users):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.township_staff, name="workforce")  # at township A
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}


def _pair(org, **extra):
    return services.mentorship_create(
        actor=None, master=f.member(org, name="张师傅"), apprentice=f.member(org, name="李徒弟"),
        trade=f.trade(), signed_on=TODAY, starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=365), goals="掌握焊接", **extra,
    )  # fmt: skip


def test_a_ceremony_is_held_and_lists_the_pairs_formed_at_it(client, auth, tree):
    ceremony = {"org_id": tree.a1.pk, "name": "2026 年拜师仪式", "held_on": TODAY.isoformat()}
    unnamed = client.post(f"{BASE}/ceremonies", ceremony | {"name": " "}, **auth)
    assert unnamed.status_code == 422 and "请填写仪式名称" in json_text(unnamed)
    assert not Ceremony.objects.exists()
    created = client.post(f"{BASE}/ceremonies", ceremony, **auth)
    assert created.status_code == 201 and created.json()["pairs"] == []
    pk = created.json()["id"]
    pair = {"master": f.member(tree.a1, name="张师傅").card_number,
            "apprentice": f.member(tree.a1, name="李徒弟").card_number,
            "trade_id": f.trade().pk, "signed_on": TODAY.isoformat(),
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=365)).isoformat(),
            "goals": "掌握焊接", "ceremony_id": pk}  # fmt: skip
    signed = client.post(BASE, pair, **auth)
    assert signed.status_code == 201 and signed.json()["ceremony_id"] == pk
    read = client.get(f"{BASE}/ceremonies/{pk}", **auth).json()
    assert [(p["master"]["name"], p["apprentice"]["name"]) for p in read["pairs"]] == [
        ("张师傅", "李徒弟")
    ]
    listed = client.get(f"{BASE}/ceremonies", **auth).json()["items"]
    assert [c["name"] for c in listed] == ["2026 年拜师仪式"]
    theirs = services.ceremony_create(actor=None, org=tree.b1, name="乙镇仪式", held_on=TODAY)
    assert client.get(f"{BASE}/ceremonies/{theirs.pk}", **auth).status_code == 404
    outside = client.post(f"{BASE}/ceremonies", ceremony | {"org_id": tree.b1.pk}, **auth)
    assert outside.status_code == 404
    assert Ceremony.objects.count() == 2


def test_a_checkpoint_is_added_recorded_and_corrected(client, auth, tree):
    mentorship = _pair(tree.a1)
    url = f"{BASE}/{mentorship.pk}/checkpoints"
    late = {"title": "独立完成平焊", "due_on": (TODAY + datetime.timedelta(days=400)).isoformat()}
    refused = client.post(url, late, **auth)
    assert refused.status_code == 422 and "计划日期应在带徒期间内" in json_text(refused)
    assert not Checkpoint.objects.exists()
    due = (TODAY + datetime.timedelta(days=90)).isoformat()
    added = client.post(url, late | {"due_on": due}, **auth)
    assert added.status_code == 201 and added.json()["done_on"] is None
    done_url = f"{url}/{added.json()['id']}/done"
    done = client.post(done_url, {"done_on": TODAY.isoformat(), "note": "合格"}, **auth).json()
    assert (done["done_on"], done["note"]) == (TODAY.isoformat(), "合格")
    client.post(done_url, {"done_on": TODAY.isoformat(), "note": "良好"}, **auth)
    assert [c["note"] for c in client.get(url, **auth).json()] == ["良好"]
    theirs = _pair(tree.b1)
    assert client.get(f"{BASE}/{theirs.pk}/checkpoints", **auth).status_code == 404


def test_the_county_admin_sets_the_allowance_and_reward_rule(client, auth, users, tree):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.county_admin, name="workforce")
    admin = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    before = client.get(f"{BASE}/policy", **auth).json()
    assert (before["editable"], before["policy"]["pass_share"]) == (False, 50)
    assert not MentorshipPolicy.objects.exists()  # reading it writes nothing
    changed = client.post(f"{BASE}/policy", {"pass_share": 100, "fail_share": 80}, **admin)
    assert changed.json()["policy"]["fail_share"] == 80
    wrong = client.post(f"{BASE}/policy", {"pass_share": 50, "fail_share": 90}, **admin)
    assert wrong.status_code == 422 and "发放比例应为 优秀 ≥ 合格 ≥ 不合格" in json_text(wrong)
    refused = client.post(f"{BASE}/policy", {"monthly_allowance": "500"}, **auth)
    assert refused.status_code == 403 and "只有县总工会管理员可以修改" in json_text(refused)
    policy = MentorshipPolicy.objects.get(org=tree.county)
    assert (policy.pass_share, policy.fail_share, policy.monthly_allowance) == (100, 80, 300)
    seen = client.get(f"{BASE}/policy", **auth).json()["policy"]
    assert (seen["pass_share"], seen["fail_share"]) == (100, 80)
