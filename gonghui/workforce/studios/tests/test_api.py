"""The studios API beyond the application and reports: members joining and leaving, naming,
the yearly appraisal and revocation, the county's appraisal standards; each done and read
back, a bad input refused in Chinese with nothing written, and township B's studio out of
township A's reach (404)."""

import datetime
from decimal import Decimal

import pytest

from gonghui.core.testing.matrix import json_text
from gonghui.workforce.studios import services
from gonghui.workforce.studios.models import StandardItem, StudioAppraisal, StudioMember
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
BASE = "/api/v1/workforce/studios"


@pytest.fixture
def auth(users):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.township_staff, name="workforce")  # at township A
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}


def _studio(org):
    return services.studio_create(
        actor=None, lead=f.member(org, name="王领衔"), host=f.enterprise(org),
        name="焊接创新工作室", kind="craftsman", founded_on=TODAY,
    )  # fmt: skip


def test_members_join_and_leave_a_studio(client, auth, tree):
    studio = _studio(tree.a1)
    url = f"{BASE}/{studio.pk}/members"
    person = f.member(tree.a1, name="赵成员")
    joining = {"member": person.card_number, "role": "core", "joined_on": TODAY.isoformat()}
    added = client.post(url, joining, **auth)
    assert added.status_code == 201 and added.json()["role"] == "core"
    twice = client.post(url, joining, **auth)
    assert twice.status_code == 422 and "赵成员已是工作室成员" in json_text(twice)
    rows = {r["member"]["name"]: r for r in client.get(url, **auth).json()}
    lead = rows["王领衔"]
    refused = client.post(f"{url}/{lead['id']}/leave", {"left_on": TODAY.isoformat()}, **auth)
    assert refused.status_code == 422 and "领衔人不能退出工作室" in json_text(refused)
    assert StudioMember.objects.filter(studio=studio, left_on__isnull=True).count() == 2
    left = client.post(
        f"{url}/{rows['赵成员']['id']}/leave", {"left_on": TODAY.isoformat()}, **auth
    )
    assert left.json()["left_on"] == TODAY.isoformat()
    theirs = _studio(tree.b1)
    assert client.get(f"{BASE}/{theirs.pk}/members", **auth).status_code == 404


def test_a_studio_is_named_appraised_and_revoked(client, auth, tree):
    studio = _studio(tree.a1)
    url = f"{BASE}/{studio.pk}"
    year = TODAY.year - 1
    early = client.post(f"{url}/appraisal", {"year": year, "manual_scores": {}}, **auth)
    assert early.status_code == 422
    assert "只有已命名的工作室参加年度考评" in json_text(early)
    assert "请为“标志”打分" in json_text(early)
    assert client.post(f"{url}/name", {"level": "county"}, **auth).json()["level"] == "county"
    preview = client.get(f"{url}/appraisal?year={year}&sign=8", **auth).json()
    assert Decimal(next(i for i in preview["items"] if i["code"] == "sign")["score"]) == 8
    assert not StudioAppraisal.objects.exists()
    marks = {"sign": "8", "facilities": "12", "rules": "8"}
    saved = client.post(f"{url}/appraisal", {"year": year, "manual_scores": marks}, **auth)
    assert saved.status_code == 201 and saved.json()["year"] == year
    revoked = client.post(f"{url}/revoke", {"reason": "不再开展活动"}, **auth)
    assert revoked.json()["status"] == "revoked"
    again = client.post(f"{url}/revoke", {"reason": "再次"}, **auth)
    assert again.status_code == 422 and "工作室已撤销" in json_text(again)
    theirs = _studio(tree.b1)
    assert client.post(f"{BASE}/{theirs.pk}/name", {"level": "county"}, **auth).status_code == 404


def test_the_county_admin_sets_the_appraisal_standards(client, auth, users, tree):
    from gonghui.accounts.services import token_create

    token = token_create(user=users.county_admin, name="workforce")
    admin = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    item = {"code": "safety", "name": "安全", "max_score": 5, "basis": "reports"}
    no_target = client.post(f"{BASE}/standards", item, **admin)
    assert no_target.status_code == 422
    assert "按记录计分的项目须填写满分所需的数量" in json_text(no_target)
    assert not StandardItem.objects.filter(code="safety").exists()
    refused = client.post(f"{BASE}/standards", item | {"target": "4"}, **auth)
    assert refused.status_code == 403 and "只有县总工会管理员可以修改" in json_text(refused)
    saved = client.post(f"{BASE}/standards", item | {"target": "4"}, **admin).json()
    assert "safety" in [i["code"] for i in saved["items"]]
    seen = client.get(f"{BASE}/standards", **auth).json()
    assert seen["editable"] is False
    assert [i["max_score"] for i in seen["items"] if i["code"] == "safety"] == [5]
