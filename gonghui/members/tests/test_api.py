"""API for members: exact JSON, masking, filters, keyset cursor pagination without COUNT,
scope (404, never leaking), 403 without the module action, validation in Chinese,
optimistic locking, OpenAPI document."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.accounts.services import token_create
from gonghui.core.api import cursor_encode
from gonghui.members.models import Member, MemberStatus
from gonghui.members.services import member_deactivate
from gonghui.members.tests.factories import make_id_number
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "message": "记录不存在或您无权访问。", "fields": {}}
DENIED = {"code": "permission_denied", "message": "您没有使用该功能的权限。", "fields": {}}
ID_1 = make_id_number(birth=datetime.date(1985, 6, 15), n=501)  # male
ID_2 = make_id_number(birth=datetime.date(1990, 2, 3), male=False, n=502)


class Api:
    def __init__(self, client, user):
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, **self.auth)

    def post(self, path, body):
        return self.client.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **self.auth
        )

    def patch(self, path, body):
        return self.client.patch(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **self.auth
        )


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


def iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def member_json(m: Member, **overrides) -> dict:
    m.refresh_from_db()
    data = {
        "id": m.pk,
        "card_number": m.card_number,
        "name": m.name,
        "gender": m.gender,
        "gender_display": m.get_gender_display(),
        "birth_date": m.birth_date.isoformat(),
        "ethnicity": "01",
        "ethnicity_display": "汉族",
        "id_number": m.id_number[:4] + "*" * 10 + m.id_number[-4:],
        "phone": m.phone[:3] + "****" + m.phone[-4:] if m.phone else "",
        "education": "",
        "education_display": "",
        "skill_level": "none",
        "skill_level_display": "无",
        "hukou_type": m.hukou_type,
        "hukou_type_display": m.get_hukou_type_display(),
        "hukou_place": "",
        "political_status": "masses",
        "political_status_display": "群众",
        "employer": None,
        "employer_name": m.employer_name,
        "is_migrant_worker": False,
        "employment_form": "standard",
        "employment_form_display": "单位职工(标准劳动关系)",
        "is_new_employment_form": False,
        "org": {"id": m.org_id, "name": m.org.name},
        "joined_on": m.joined_on.isoformat() if m.joined_on else None,
        "to_complete": m.to_complete,
        "status": "active",
        "status_display": "在册",
        "deactivated_on": None,
        "deactivation_reason": "",
        "version": m.version,
        "created_at": iso(m.created_at),
        "updated_at": iso(m.updated_at),
    }
    data.update(overrides)
    return data


def test_detail_is_exact_and_masked(api, users, tree, member_factory):
    m = member_factory(name="张三", id_number=ID_1, phone="13812345678")
    response = api(users.grassroots_staff).get(f"/members/{m.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body == member_json(m, gender="male", gender_display="男", birth_date="1985-06-15")
    assert body["id_number"] == ID_1[:4] + "**********" + ID_1[-4:]
    assert body["phone"] == "138****5678"
    assert ID_1 not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_list_newest_first_with_cursor_pages_and_no_count(api, users, tree, member_factory):
    members = [member_factory(name=f"会员{i}") for i in range(5)]
    client = api(users.township_staff)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/members", {"limit": 2})
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert first.status_code == 200
    assert first.json() == {
        "items": [member_json(members[4]), member_json(members[3])],
        "next_cursor": cursor_encode(members[3].pk),
    }
    second = client.get("/members", {"limit": 2, "cursor": first.json()["next_cursor"]})
    assert [i["name"] for i in second.json()["items"]] == ["会员2", "会员1"]
    last = client.get("/members", {"limit": 2, "cursor": second.json()["next_cursor"]})
    assert last.json() == {"items": [member_json(members[0])], "next_cursor": None}


def test_list_filters(api, users, tree, member_factory):
    courier = member_factory(
        name="李四", employment_form="courier", is_migrant_worker=True, phone="13900005678"
    )
    old = member_factory(name="王五", joined_on=datetime.date(2015, 3, 1))
    in_ae = member_factory(org=tree.ae, name="赵六")
    gone = member_factory(name="钱七")
    member_deactivate(actor=None, member=gone, reason="调离")
    client = api(users.township_staff)

    def names(**params):
        response = client.get("/members", params)
        assert response.status_code == 200, response.content
        return [i["name"] for i in response.json()["items"]]

    assert names(q="lisi") == ["李四"]
    assert names(q="ww") == ["王五"]
    assert names(q="5678") == ["李四"]
    assert names(employment_form="courier") == ["李四"]
    assert names(new_form_only="true") == ["李四"]
    assert names(migrant="true") == ["李四"]
    assert names(migrant="false") == ["钱七", "赵六", "王五"]
    assert names(joined_year=2015) == ["王五"]
    assert names(org=tree.ae.pk) == ["赵六"]
    assert names(status="deactivated") == ["钱七"]
    assert names(status="active", org=tree.a1.pk) == ["王五", "李四"]
    # An org outside the scope: an empty page, as for one that does not exist.
    assert names(org=tree.b1.pk) == []
    assert names(org=999999) == []
    assert courier.pk and old.pk and in_ae.pk


def test_list_bad_filters_answer_in_chinese(api, users):
    client = api(users.township_staff)
    response = client.get("/members", {"employment_form": "pilot"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["fields"]["employment_form"][0].startswith("取值无效，可选值：")
    response = client.get("/members", {"cursor": "nonsense!"})
    assert response.json() == {
        "code": "validation_error",
        "message": "请检查填写的内容。",
        "fields": {"cursor": ["分页游标无效，请从第一页重新获取。"]},
    }


def test_scope_out_of_subtree_is_404_and_no_module_grant_is_403(
    api, users, tree, member_factory, client
):
    other = member_factory(org=tree.b1, name="乙镇会员")
    response = api(users.grassroots_staff).get(f"/members/{other.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert api(users.grassroots_staff).get("/members/987654").json() == NOT_FOUND
    # A user without any members grant: 403, the module is not theirs at all.
    from gonghui.accounts.services import user_create

    outsider = user_create(
        actor=None, username="nobody", password="Test@Gonghui2026", org=tree.a1, full_name="无"
    )
    response = api(outsider).get("/members")
    assert (response.status_code, response.json()) == (403, DENIED)
    assert client.get("/api/v1/members").status_code == 401


def test_leader_cannot_create_403(api, users, tree):
    response = api(users.leader).post(
        "/members", {"org_id": tree.a1.pk, "name": "甲", "id_number": ID_2}
    )
    assert (response.status_code, response.json()) == (403, DENIED)


def test_create_returns_the_member_with_a_card(api, users, tree):
    employer = build_enterprise(org=tree.a1, name="甲镇快递有限公司")
    response = api(users.grassroots_staff).post(
        "/members",
        {
            "org_id": tree.a1.pk,
            "name": "孙八",
            "id_number": ID_2.lower(),
            "phone": "13700001111",
            "joined_on": "2024-03-01",
            "employment_form": "courier",
            "employer_id": employer.pk,
            "education": "bachelor",
            "is_migrant_worker": True,
        },
    )
    assert response.status_code == 201, response.content
    m = Member.objects.get(name="孙八")
    assert response.json() == member_json(
        m,
        gender="female",
        gender_display="女",
        birth_date="1990-02-03",
        employment_form="courier",
        employment_form_display="快递员",
        is_new_employment_form=True,
        is_migrant_worker=True,
        education="bachelor",
        education_display="大学本科",
        employer={"id": employer.pk, "name": "甲镇快递有限公司"},
        phone="137****1111",
        joined_on="2024-03-01",
    )
    assert len(m.card_number) == 15


def test_create_validation_in_chinese_and_nothing_written(api, users, tree, member_factory):
    client = api(users.grassroots_staff)
    response = client.post(
        "/members",
        {
            "org_id": tree.a1.pk,
            "name": "周九",
            "id_number": "110105194912310021",
            "phone": "12345",
        },
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "请检查填写的内容。",
        "fields": {
            "id_number": ["身份证号校验位不正确，请核对后重新输入。"],
            "phone": ["手机号码应为 11 位中国大陆手机号，如 13800001234。"],
        },
    }
    response = client.post(
        "/members", {"org_id": tree.a1.pk, "name": "周九", "id_number": ID_1, "employer_id": 9999}
    )
    assert response.json()["fields"] == {
        "employer_id": ["所选工作单位不存在或不在您的管理范围内。"]
    }
    response = client.post("/members", {"org_id": tree.a1.pk, "name": "周九", "bogus": 1})
    assert response.json()["fields"] == {
        "id_number": ["此项为必填项。"],
        "bogus": ["不支持该字段。"],
    }
    # An org outside the user's edit scope looks like a missing one.
    response = client.post("/members", {"org_id": tree.b1.pk, "name": "周九", "id_number": ID_1})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert not Member.objects.filter(name="周九").exists()
    # The same ID number twice.
    member_factory(name="已在册", id_number=ID_1)
    response = client.post("/members", {"org_id": tree.a1.pk, "name": "周九", "id_number": ID_1})
    assert response.status_code == 422
    assert response.json()["fields"]["id_number"][0].startswith("该身份证号已是在册会员：已在册")


def test_update_with_version_and_stale_version(api, users, tree, member_factory):
    m = member_factory(name="吴十", phone="13800001234")
    client = api(users.grassroots_staff)
    response = client.patch(
        f"/members/{m.pk}",
        {
            "version": m.version,
            "name": "吴拾",
            "phone": "13911112222",
            "employment_form": "caregiver",
        },
    )
    assert response.status_code == 200, response.content
    m.refresh_from_db()
    assert response.json() == member_json(
        m,
        name="吴拾",
        gender=m.gender,
        gender_display=m.get_gender_display(),
        phone="139****2222",
        employment_form="caregiver",
        employment_form_display="护工护理员",
        is_new_employment_form=True,
        version=2,
    )
    assert m.name_pinyin == "wushi"
    stale = client.patch(f"/members/{m.pk}", {"version": 1, "name": "吴某"})
    assert stale.status_code == 409
    assert stale.json() == {
        "code": "stale_version",
        "message": "该会员信息已被他人修改，请刷新后重试。",
        "fields": {},
    }
    nulled = client.patch(f"/members/{m.pk}", {"version": 2, "name": None})
    assert nulled.status_code == 422
    assert nulled.json()["fields"] == {"name": ["此项不能为空。"]}
    cleared = client.patch(f"/members/{m.pk}", {"version": 2, "phone": None})
    assert cleared.status_code == 200
    assert cleared.json()["phone"] == ""


def test_update_out_of_scope_or_deactivated(api, users, tree, member_factory):
    other = member_factory(org=tree.b1)
    client = api(users.grassroots_staff)
    response = client.patch(f"/members/{other.pk}", {"version": 1, "name": "改"})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    gone = member_factory()
    member_deactivate(actor=None, member=gone, reason="调离")
    gone.refresh_from_db()
    response = client.patch(f"/members/{gone.pk}", {"version": gone.version, "name": "改"})
    assert response.status_code == 422
    assert response.json()["message"] == "已退会的会员不能修改信息。"
    assert Member.objects.get(pk=gone.pk).status == MemberStatus.DEACTIVATED


def test_openapi_document_lists_the_member_endpoints(api, users):
    schema = api(users.county_admin).get("/openapi.json").json()
    summaries = {
        (path, method): op["summary"]
        for path, ops in schema["paths"].items()
        if path.startswith("/api/v1/members")
        for method, op in ops.items()
    }
    assert summaries[("/api/v1/members", "get")] == "会员列表"
    assert summaries[("/api/v1/members", "post")] == "登记会员"
    detail = next(p for p in schema["paths"] if p.startswith("/api/v1/members/{"))
    assert summaries[(detail, "get")] == "会员详情"
    assert summaries[(detail, "patch")] == "修改会员信息"
