"""API for orgs and enterprises: happy paths with exact JSON, scope (404, never leaking),
validation in Chinese, optimistic locking, masking."""

import json

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from stdnum.cn import uscc

from gonghui.accounts.services import token_create
from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.orgs.models import Enterprise, Org, OrgLevel, OrgType
from gonghui.orgs.services import org_create, org_update

NOT_FOUND = {"code": "not_found", "message": "记录不存在或您无权访问。", "fields": {}}


class Api:
    """Calls /api/v1 as one user, with a bearer token."""

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


def org_json(org, *, parent=None, **overrides) -> dict:
    """The API's rendering of an org whose attributes are the fixtures' defaults."""
    org.refresh_from_db()
    data = {
        "id": org.pk,
        "code": org.code,
        "name": org.name,
        "short_name": "",
        "parent": parent,
        "depth": org.depth,
        "type": org.type,
        "type_display": org.get_type_display(),
        "level": org.level,
        "level_display": org.get_level_display(),
        "division_code": "",
        "status": "active",
        "status_display": "正常",
        "chair_name": "",
        "contact_phone": "",
        "address": "",
        "founded_on": None,
        "deactivated_at": None,
        "deactivation_reason": "",
        "version": org.version,
        "created_at": iso(org.created_at),
        "updated_at": iso(org.updated_at),
    }
    data.update(overrides)
    return data


def _orgs_state():
    return list(Org.objects.order_by("pk").values())


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# --- org reads --------------------------------------------------------------------------


def test_org_list_pages_with_a_keyset_cursor(api, tree, users):
    # given
    county = api(users.county_admin)
    # when
    first = county.get("/orgs", {"limit": 3})
    second = county.get("/orgs", {"limit": 3, "cursor": first.json()["next_cursor"]})
    # then
    assert first.status_code == second.status_code == 200
    assert _ids(first) == [tree.county.pk, tree.a.pk, tree.a1.pk]
    assert _ids(second) == [tree.ae.pk, tree.b.pk, tree.b1.pk]
    assert second.json()["next_cursor"] is None


def test_org_list_of_a_township_user_shows_only_their_subtree(api, tree, users):
    # when
    response = api(users.township_staff).get("/orgs")
    # then
    assert response.status_code == 200
    assert _ids(response) == [tree.a.pk, tree.a1.pk, tree.ae.pk]
    assert response.json()["items"][0] == org_json(tree.a)  # parent (the county) is not shown
    assert response.json()["next_cursor"] is None


def test_org_list_filters(api, tree, users):
    # given
    county = api(users.county_admin)
    Org.objects.filter(pk=tree.b1.pk).update(status="inactive")
    # then
    assert _ids(county.get("/orgs", {"q": "甲镇"})) == [tree.a.pk, tree.a1.pk, tree.ae.pk]
    assert _ids(county.get("/orgs", {"type": "community"})) == [tree.a1.pk, tree.b1.pk]
    assert _ids(county.get("/orgs", {"level": 5})) == [tree.a.pk, tree.b.pk]
    assert _ids(county.get("/orgs", {"status": "inactive"})) == [tree.b1.pk]
    assert _ids(county.get("/orgs", {"q": "乙镇", "status": "active"})) == [tree.b.pk]


def test_org_detail_exact_json_with_masked_phone_and_counts(api, tree, users, enterprise_factory):
    # given
    org_update(actor=None, org=tree.a1, contact_phone="13812345678", chair_name="张三")
    enterprise_factory(org=tree.a1, has_union=True)
    # when
    response = api(users.township_staff).get(f"/orgs/{tree.a1.pk}")
    # then
    assert response.status_code == 200
    assert response.json() == {
        **org_json(
            tree.a1,
            parent={"id": tree.a.pk, "name": "甲镇总工会"},
            chair_name="张三",
            contact_phone="138****5678",
        ),
        "counts": {"orgs": 1, "active_orgs": 1, "enterprises": 1, "enterprises_with_union": 1},
    }
    assert response.json()["version"] == 2
    assert "13812345678" not in response.content.decode()


def test_org_detail_outside_scope_is_indistinguishable_from_missing(api, tree, users):
    # given
    township = api(users.township_staff)
    # when
    sibling = township.get(f"/orgs/{tree.b.pk}")
    parent = township.get(f"/orgs/{tree.county.pk}")
    missing = township.get("/orgs/987654")
    # then
    assert sibling.status_code == parent.status_code == missing.status_code == 404
    assert sibling.json() == parent.json() == missing.json() == NOT_FOUND


def test_org_children_in_scope_and_out(api, tree, users):
    # given
    township = api(users.township_staff)
    # when
    own = township.get(f"/orgs/{tree.a.pk}/children")
    sibling = township.get(f"/orgs/{tree.b.pk}/children")
    # then
    assert own.status_code == 200
    assert own.json() == {
        "items": [
            {**org_json(tree.a1, parent={"id": tree.a.pk, "name": "甲镇总工会"}), "child_count": 0},
            {**org_json(tree.ae, parent={"id": tree.a.pk, "name": "甲镇总工会"}), "child_count": 0},
        ],
        "next_cursor": None,
    }
    assert sibling.status_code == 404
    assert sibling.json() == NOT_FOUND


def test_a_user_without_the_module_gets_permission_denied(api, tree, users):
    # given a user whose only role grants nothing in orgs
    from gonghui.accounts.models import Role, RoleAssignment

    Role.objects.create(code="nothing", name="无权限", permissions={})
    RoleAssignment.objects.filter(user=users.social_worker).update(
        role=Role.objects.get(code="nothing")
    )
    # when
    response = api(users.social_worker).get("/orgs")
    # then
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "您没有使用该功能的权限。",
        "fields": {},
    }


# --- org writes -------------------------------------------------------------------------


def test_org_create_under_a_parent_in_scope(api, tree, users):
    # when
    response = api(users.township_staff).post(
        "/orgs",
        {
            "parent_id": tree.a.pk,
            "name": " 甲镇二村工会 ",
            "type": "community",
            "level": 6,
            "division_code": "999001002",
            "contact_phone": "13900001111",
        },
    )
    # then
    assert response.status_code == 201, response.content
    org = Org.objects.get(parent=tree.a, name="甲镇二村工会")
    assert response.json() == org_json(
        org,
        parent={"id": tree.a.pk, "name": "甲镇总工会"},
        division_code="999001002",
        contact_phone="139****1111",
    )
    assert org.code == "999001003"
    event = AuditEvent.objects.get(action=AuditAction.CREATED, object_id=str(org.pk))
    assert event.user == users.township_staff


def test_org_create_under_an_out_of_scope_parent_answers_404_and_creates_nothing(api, tree, users):
    # given
    before = _orgs_state()
    body = {"parent_id": tree.b.pk, "name": "乙镇二村工会", "type": "community", "level": 6}
    # when
    response = api(users.township_staff).post("/orgs", body)
    # then
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert _orgs_state() == before


def test_org_create_rejects_bad_input_in_chinese(api, tree, users):
    # given
    before = _orgs_state()
    body = {
        "parent_id": tree.a.pk,
        "name": "甲镇一村工会",
        "type": "community",
        "level": 5,
        "division_code": "12",
    }
    # when
    response = api(users.township_staff).post("/orgs", body)
    # then
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "请检查填写的内容。",
        "fields": {
            "level": ["层级必须低于上级组织(乡镇(街道、园区)级)。"],
            "division_code": ["行政区划代码应为 6 位(县级)、9 位(乡镇级)或 12 位(村级)数字。"],
            "name": ["同一上级组织下已有同名组织。"],
        },
    }
    assert _orgs_state() == before


def test_org_patch_changes_only_the_fields_sent_and_bumps_the_version(api, tree, users):
    # when
    response = api(users.township_staff).patch(
        f"/orgs/{tree.a1.pk}",
        {"version": 1, "short_name": "一村", "chair_name": "李四", "founded_on": "2020-05-01"},
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json() == org_json(
        tree.a1,
        parent={"id": tree.a.pk, "name": "甲镇总工会"},
        short_name="一村",
        chair_name="李四",
        founded_on="2020-05-01",
        version=2,
    )
    assert Org.objects.get(pk=tree.a1.pk).name == "甲镇一村工会"


def test_org_patch_with_a_stale_version_answers_409_and_changes_nothing(api, tree, users):
    # given someone else saved first
    org_update(actor=None, org=tree.a1, chair_name="王五")
    before = _orgs_state()
    # when
    response = api(users.township_staff).patch(
        f"/orgs/{tree.a1.pk}", {"version": 1, "chair_name": "李四"}
    )
    # then
    assert response.status_code == 409
    assert response.json() == {
        "code": "stale_version",
        "message": "该组织已被他人修改，请刷新后重试。",
        "fields": {},
    }
    assert _orgs_state() == before


def test_org_patch_outside_scope_answers_404_and_changes_nothing(api, tree, users):
    # given
    before = _orgs_state()
    # when
    response = api(users.township_staff).patch(
        f"/orgs/{tree.b1.pk}", {"version": 1, "name": "被改名"}
    )
    # then
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert _orgs_state() == before


def test_org_patch_needs_the_version_and_refuses_nulls(api, tree, users):
    # given
    township = api(users.township_staff)
    # when
    no_version = township.patch(f"/orgs/{tree.a1.pk}", {"name": "新名"})
    null_name = township.patch(f"/orgs/{tree.a1.pk}", {"version": 1, "name": None})
    # then
    assert no_version.status_code == null_name.status_code == 422
    assert no_version.json()["fields"] == {"version": ["此项为必填项。"]}
    assert null_name.json()["fields"] == {"name": ["此项不能为空。"]}


def test_org_patch_by_a_read_only_role_is_refused(api, tree, users):
    # given the leader may view orgs but edit nowhere
    before = _orgs_state()
    # when
    response = api(users.leader).patch(f"/orgs/{tree.a1.pk}", {"version": 1, "name": "新名"})
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _orgs_state() == before


def _sub_unit(parent, name):
    return org_create(
        actor=None, parent=parent, name=name, type=OrgType.ENTERPRISE, level=OrgLevel.SUB_UNIT
    )


def test_org_move_within_scope(api, tree, users):
    # given
    unit = _sub_unit(tree.a1, "甲一村车间分会")
    # when
    response = api(users.township_staff).post(
        f"/orgs/{unit.pk}/move", {"new_parent_id": tree.ae.pk}
    )
    # then
    assert response.status_code == 200, response.content
    unit.refresh_from_db()
    assert unit.parent_id == tree.ae.pk
    assert unit.path == f"{tree.ae.path}{unit.pk}/"
    assert response.json() == org_json(unit, parent={"id": tree.ae.pk, "name": "甲镇某公司工会"})


def test_org_move_into_its_own_subtree_is_refused(api, tree, users):
    # given
    unit = _sub_unit(tree.a1, "甲一村车间分会")
    before = _orgs_state()
    # when
    response = api(users.county_admin).post(f"/orgs/{tree.a.pk}/move", {"new_parent_id": unit.pk})
    # then
    assert response.status_code == 422
    assert response.json() == {
        "code": "move_into_own_subtree",
        "message": "不能把组织移动到它自己或它的下级组织之下。",
        "fields": {"new_parent_id": ["不能移动到自身或下级组织之下。"]},
    }
    assert _orgs_state() == before


@pytest.mark.parametrize("relation", ["org", "new_parent"])
def test_org_move_touching_another_subtree_answers_404_and_changes_nothing(
    api, tree, users, relation
):
    # given one side of the move lies in township B
    own, other = _sub_unit(tree.a1, "甲一村车间分会"), _sub_unit(tree.b1, "乙一村车间分会")
    org, new_parent = (other, tree.ae) if relation == "org" else (own, tree.b1)
    before = _orgs_state()
    # when
    response = api(users.township_staff).post(
        f"/orgs/{org.pk}/move", {"new_parent_id": new_parent.pk}
    )
    # then
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert _orgs_state() == before


def test_org_deactivate(api, tree, users):
    # when
    response = api(users.township_staff).post(f"/orgs/{tree.a1.pk}/deactivate", {"reason": "合并"})
    # then
    assert response.status_code == 200, response.content
    org = Org.objects.get(pk=tree.a1.pk)
    assert response.json() == org_json(
        org,
        parent={"id": tree.a.pk, "name": "甲镇总工会"},
        status="inactive",
        status_display="已撤销",
        deactivated_at=iso(org.deactivated_at),
        deactivation_reason="合并",
        version=2,
    )


def test_org_deactivate_outside_scope_or_without_reason(api, tree, users):
    # given
    township = api(users.township_staff)
    before = _orgs_state()
    # when
    outside = township.post(f"/orgs/{tree.b1.pk}/deactivate", {"reason": "合并"})
    blank = township.post(f"/orgs/{tree.a1.pk}/deactivate", {"reason": "  "})
    # then
    assert outside.status_code == 404
    assert outside.json() == NOT_FOUND
    assert blank.status_code == 422
    assert blank.json()["fields"] == {"reason": ["请填写撤销原因。"]}
    assert _orgs_state() == before


# --- enterprises ------------------------------------------------------------------------


def credit_code(n: int) -> str:
    body = f"91999001MC{n:07d}"
    return body + uscc.calc_check_digit(body)


def enterprise_json(enterprise, **overrides) -> dict:
    enterprise.refresh_from_db()
    data = {
        "id": enterprise.pk,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "industry": "C",
        "industry_display": "制造业",
        "size": "small",
        "size_display": "小型",
        "economic_type": "private",
        "economic_type_display": "私营",
        "employee_count": 50,
        "has_union": False,
        "union": None,
        "org": {"id": enterprise.org_id, "name": enterprise.org.name},
        "division_code": "",
        "address": "",
        "legal_representative": "",
        "contact_name": "",
        "contact_phone": "138****1234",
        "status": "active",
        "status_display": "存续",
        "verified": True,
        "version": enterprise.version,
        "created_at": iso(enterprise.created_at),
        "updated_at": iso(enterprise.updated_at),
    }
    data.update(overrides)
    return data


def test_enterprise_list_is_scoped_newest_first_and_masks_phones(
    api, tree, users, enterprise_factory
):
    # given
    a1 = enterprise_factory(org=tree.a1)
    ae = enterprise_factory(org=tree.ae)
    enterprise_factory(org=tree.b1)
    enterprise_factory(org=tree.county)
    # when
    response = api(users.township_staff).get("/enterprises")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "items": [enterprise_json(ae), enterprise_json(a1)],
        "next_cursor": None,
    }
    assert "13800001234" not in response.content.decode()


def test_enterprise_list_filters_and_pages(api, tree, users, enterprise_factory):
    # given
    e1 = enterprise_factory(org=tree.a1, industry="F", has_union=True, name="甲镇商贸有限公司")
    e2 = enterprise_factory(org=tree.ae, size="micro")
    e3 = enterprise_factory(org=tree.a1)
    township = api(users.township_staff)
    # then
    assert _ids(township.get("/enterprises", {"industry": "F"})) == [e1.pk]
    assert _ids(township.get("/enterprises", {"has_union": "true"})) == [e1.pk]
    assert _ids(township.get("/enterprises", {"has_union": "false"})) == [e3.pk, e2.pk]
    assert _ids(township.get("/enterprises", {"size": "micro"})) == [e2.pk]
    assert _ids(township.get("/enterprises", {"q": "商贸"})) == [e1.pk]
    assert _ids(township.get("/enterprises", {"org": tree.a1.pk})) == [e3.pk, e1.pk]
    assert _ids(township.get("/enterprises", {"org": tree.b.pk})) == []  # outside: nothing
    first = township.get("/enterprises", {"limit": 2})
    assert _ids(first) == [e3.pk, e2.pk]
    rest = township.get("/enterprises", {"limit": 2, "cursor": first.json()["next_cursor"]})
    assert _ids(rest) == [e1.pk]
    assert rest.json()["next_cursor"] is None


def test_enterprise_detail_in_and_out_of_scope(api, tree, users, enterprise_factory):
    # given
    own = enterprise_factory(org=tree.a1, union=tree.ae)
    other = enterprise_factory(org=tree.b1)
    township = api(users.township_staff)
    # when
    ok = township.get(f"/enterprises/{own.pk}")
    outside = township.get(f"/enterprises/{other.pk}")
    missing = township.get("/enterprises/987654")
    # then
    assert ok.status_code == 200
    assert ok.json() == enterprise_json(
        own, has_union=True, union={"id": tree.ae.pk, "name": "甲镇某公司工会"}
    )
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json() == NOT_FOUND


def test_enterprise_create(api, tree, users):
    # when
    response = api(users.township_staff).post(
        "/enterprises",
        {
            "name": "甲镇新材料有限公司",
            "credit_code": credit_code(1).lower(),
            "industry": "C",
            "size": "small",
            "employee_count": 50,
            "org_id": tree.a1.pk,
            "contact_phone": "138-0000-1234",
        },
    )
    # then
    assert response.status_code == 201, response.content
    enterprise = Enterprise.objects.get(credit_code=credit_code(1))
    assert response.json() == enterprise_json(enterprise)
    assert enterprise.contact_phone == "13800001234"  # stored in full, shown masked


def test_enterprise_create_with_an_invalid_credit_code_is_refused_in_chinese(api, tree, users):
    # given
    bad = credit_code(1)[:-1] + ("0" if credit_code(1)[-1] != "0" else "1")
    # when
    response = api(users.township_staff).post(
        "/enterprises",
        {
            "name": "甲镇新材料有限公司",
            "credit_code": bad,
            "industry": "C",
            "size": "small",
            "org_id": tree.a1.pk,
            "contact_phone": "12ab",
        },
    )
    # then
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "请检查填写的内容。",
        "fields": {"contact_phone": ["联系电话格式不正确(7–12 位数字)。"]},
    }
    # when the phone is fixed, the service's own check speaks
    response = api(users.township_staff).post(
        "/enterprises",
        {
            "name": "甲镇新材料有限公司",
            "credit_code": bad,
            "industry": "C",
            "size": "small",
            "org_id": tree.a1.pk,
        },
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"credit_code": ["统一社会信用代码校验位不正确，请核对。"]}
    assert not Enterprise.objects.exists()


def test_enterprise_create_under_an_out_of_scope_org_answers_404(api, tree, users):
    # when
    response = api(users.township_staff).post(
        "/enterprises",
        {
            "name": "乙镇新材料有限公司",
            "credit_code": credit_code(2),
            "industry": "C",
            "size": "small",
            "org_id": tree.b1.pk,
        },
    )
    # then
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert not Enterprise.objects.exists()


def test_enterprise_patch(api, tree, users, enterprise_factory):
    # given
    enterprise = enterprise_factory(org=tree.a1)
    # when
    response = api(users.township_staff).patch(
        f"/enterprises/{enterprise.pk}",
        {"version": 1, "employee_count": 80, "has_union": True, "union_id": tree.ae.pk},
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json() == enterprise_json(
        enterprise,
        employee_count=80,
        has_union=True,
        union={"id": tree.ae.pk, "name": "甲镇某公司工会"},
        version=2,
    )


def test_enterprise_patch_with_a_stale_version_answers_409(api, tree, users, enterprise_factory):
    # given
    enterprise = enterprise_factory(org=tree.a1)
    township = api(users.township_staff)
    assert (
        township.patch(
            f"/enterprises/{enterprise.pk}", {"version": 1, "employee_count": 60}
        ).status_code
        == 200
    )
    before = model_to_dict(Enterprise.objects.get(pk=enterprise.pk))
    # when
    response = township.patch(f"/enterprises/{enterprise.pk}", {"version": 1, "employee_count": 70})
    # then
    assert response.status_code == 409
    assert response.json() == {
        "code": "stale_version",
        "message": "该单位信息已被他人修改，请刷新后重试。",
        "fields": {},
    }
    assert model_to_dict(Enterprise.objects.get(pk=enterprise.pk)) == before


@pytest.mark.parametrize("how", ["record_outside", "move_outside"])
def test_enterprise_patch_reaching_outside_scope_answers_404_and_changes_nothing(
    api, tree, users, enterprise_factory, how
):
    # given
    target = enterprise_factory(org=tree.b1 if how == "record_outside" else tree.a1)
    body = {"version": 1, "name": "被改名有限公司"}
    if how == "move_outside":
        body["org_id"] = tree.b1.pk
    before = model_to_dict(Enterprise.objects.get(pk=target.pk))
    # when
    response = api(users.township_staff).patch(f"/enterprises/{target.pk}", body)
    # then
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert model_to_dict(Enterprise.objects.get(pk=target.pk)) == before


def test_list_queries_do_not_grow_with_the_rows(api, tree, users, enterprise_factory):
    # given
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    township = api(users.township_staff)
    township.get("/enterprises")  # the token's first use is recorded once

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert township.get(path).status_code == 200
        return len(ctx.captured_queries)

    enterprise_factory(org=tree.a1, union=tree.ae)
    few = queries("/enterprises"), queries("/orgs")
    for _ in range(5):
        enterprise_factory(org=tree.a1, union=tree.ae)
        _sub_unit(tree.a1, f"车间分会{_}")
    # then
    assert (queries("/enterprises"), queries("/orgs")) == few
