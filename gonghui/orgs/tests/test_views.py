"""Org and employer pages through HTTP: validation messages, moves, unmasking, exports."""

import io

import pytest
from python_calamine import CalamineWorkbook

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.orgs.models import Enterprise, Org

pytestmark = pytest.mark.django_db


def _sheet_rows(response) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_create_org_with_missing_fields_shows_chinese_errors_and_writes_nothing(login, users, tree):
    client = login(users.county_admin)
    before = Org.objects.count()
    response = client.post("/orgs/new/", {"parent": tree.a.pk, "name": "", "type": "", "level": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写组织名称。" in page and "请选择组织类型。" in page
    assert "这个字段是必填项" not in page
    assert Org.objects.count() == before


def test_create_org_below_parent_level_rule(login, users, tree):
    client = login(users.county_admin)
    response = client.post(
        "/orgs/new/", {"parent": tree.a.pk, "name": "错误层级工会", "type": "township", "level": 5}
    )
    assert "层级必须低于上级组织" in response.content.decode()
    assert not Org.objects.filter(name="错误层级工会").exists()


def test_create_org_generates_code_from_parent(login, users, tree):
    client = login(users.township_staff)
    response = client.post(
        "/orgs/new/", {"parent": tree.a.pk, "name": "甲镇新村工会", "type": "community", "level": 6}
    )
    org = Org.objects.get(name="甲镇新村工会")
    assert response["Location"] == f"/orgs/{org.pk}/"
    assert org.code == "999001003"
    assert org.path == f"{tree.a.path}{org.pk}/"


def test_move_under_own_descendant_is_refused_and_nothing_changes(login, users, tree):
    from gonghui.orgs.services import org_create

    child = org_create(actor=None, parent=tree.a1, name="甲一村分会", type="enterprise", level=7)
    client = login(users.county_admin)
    # The form does not even offer descendants; a crafted POST is refused by the service
    response = client.post(f"/orgs/{tree.a.pk}/move/", {"new_parent": child.pk})
    assert response.status_code == 200
    tree.a.refresh_from_db()
    assert tree.a.parent_id == tree.county.pk
    assert Org.objects.get(pk=child.pk).path.startswith(tree.a.path)


def test_move_subtree_updates_paths(login, users, tree):
    from gonghui.orgs.services import org_create

    branch = org_create(
        actor=None, parent=tree.a1, name="甲一村车间分会", type="enterprise", level=7
    )
    client = login(users.county_admin)
    response = client.post(f"/orgs/{branch.pk}/move/", {"new_parent": tree.ae.pk})
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.parent_id == tree.ae.pk
    assert branch.path == f"{tree.ae.path}{branch.pk}/"
    assert (
        AuditEvent.objects.filter(action=AuditAction.MOVED, object_id=str(branch.pk)).count() == 1
    )


def test_deactivate_requires_reason_and_keeps_records(login, users, tree, enterprise_factory):
    enterprise = enterprise_factory(org=tree.a1)
    client = login(users.township_staff)
    empty = client.post(f"/orgs/{tree.a1.pk}/deactivate/", {"reason": ""})
    assert empty.status_code == 200
    tree.a1.refresh_from_db()
    assert tree.a1.is_active
    done = client.post(f"/orgs/{tree.a1.pk}/deactivate/", {"reason": "村改社区合并"})
    assert done.status_code == 302
    tree.a1.refresh_from_db()
    assert not tree.a1.is_active
    assert tree.a1.deactivation_reason == "村改社区合并"
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()
    # Deleting an org that owns records is refused
    client.post(f"/orgs/{tree.a1.pk}/delete/")
    assert Org.objects.filter(pk=tree.a1.pk).exists()


def test_tree_search_expands_and_highlights_the_match(login, users, tree):
    client = login(users.county_admin)
    page = client.get("/orgs/", {"q": "乙镇一村"}).content.decode()
    assert 'class="tree-row match"' in page
    assert "乙镇一村工会" in page
    children = client.get(f"/orgs/{tree.a.pk}/children/").content.decode()
    assert "甲镇一村工会" in children and "甲镇某公司工会" in children


def test_enterprise_form_rejects_bad_credit_code_at_the_field(login, users, tree):
    client = login(users.county_admin)
    response = client.post(
        "/orgs/enterprises/new/",
        {
            "name": "校验位错误有限公司",
            "credit_code": "91999001MA00000010",
            "org": tree.a.pk,
            "industry": "C",
            "size": "small",
            "economic_type": "private",
            "employee_count": 5,
            "status": "active",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in page
    assert not Enterprise.objects.filter(name="校验位错误有限公司").exists()


def test_enterprise_form_reports_every_error_in_one_round(login, users, tree):
    """An empty name and size (the form's checks) and a bad credit code and phone (the
    service's) all show on the first submit."""
    client = login(users.county_admin)
    data = {
        "name": "",
        "credit_code": "91999001MA00000010",
        "org": tree.a.pk,
        "industry": "C",
        "size": "",
        "economic_type": "private",
        "employee_count": 5,
        "status": "active",
        "contact_phone": "12",
    }
    page = client.post("/orgs/enterprises/new/", data).content.decode()
    assert "请填写单位名称。" in page and "请选择规模。" in page
    assert "统一社会信用代码校验位不正确" in page
    assert "联系电话格式不正确" in page
    assert not Enterprise.objects.exists()


def test_org_form_reports_every_error_in_one_round(login, users, tree):
    client = login(users.county_admin)
    before = Org.objects.count()
    data = {"parent": tree.a.pk, "name": "", "type": "", "level": "", "division_code": "12"}
    page = client.post("/orgs/new/", data).content.decode()
    assert "请填写组织名称。" in page and "请选择层级。" in page
    assert "行政区划代码" in page.split('id="id_division_code_errors"')[1][:200]
    assert Org.objects.count() == before


def test_enterprise_phone_masked_until_unmasked_with_reason(login, users, tree, enterprise_factory):
    enterprise = enterprise_factory(org=tree.a1, contact_phone="13812345678")
    client = login(users.county_staff)
    detail = client.get(f"/orgs/enterprises/{enterprise.pk}/").content.decode()
    assert "138****5678" in detail and "13812345678" not in detail
    refused = client.post(f"/orgs/enterprises/{enterprise.pk}/unmask/", {"reason": ""})
    assert refused.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.UNMASKED).exists()
    shown = client.post(f"/orgs/enterprises/{enterprise.pk}/unmask/", {"reason": "核实联系人"})
    assert "13812345678" in shown.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.UNMASKED)
    assert event.detail == {"fields": ["contact_phone"], "reason": "核实联系人"}
    assert event.object_id == str(enterprise.pk)


def test_township_staff_cannot_unmask(login, users, tree, enterprise_factory):
    enterprise = enterprise_factory(org=tree.a1)
    client = login(users.township_staff)
    response = client.post(f"/orgs/enterprises/{enterprise.pk}/unmask/", {"reason": "想看看"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.UNMASKED).exists()


def test_enterprise_export_is_masked_formula_safe_and_audited(
    login, users, tree, enterprise_factory
):
    enterprise_factory(
        org=tree.a1, name='=HYPERLINK("http://x")有限公司', contact_phone="13812345678"
    )
    client = login(users.county_admin)
    response = client.get("/orgs/enterprises/export/")
    rows = _sheet_rows(response)
    assert rows[0][:2] == ["单位名称", "统一社会信用代码"]
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")有限公司' in names
    phones = {row[14] for row in rows[1:]}
    assert phones == {"138****5678"}
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.detail["what"] == "enterprises"
    assert event.detail["rows"] == 1


def test_org_list_filters_and_paginates(login, users, tree):
    from gonghui.orgs.services import org_create

    for i in range(25):
        org_create(
            actor=None, parent=tree.a, name=f"甲镇第{i:02d}村工会", type="community", level=6
        )
    client = login(users.county_admin)
    first = client.get("/orgs/list/", {"q": "甲镇第"}).content.decode()
    assert "共 25 条，第 1 / 2 页" in first
    second = client.get("/orgs/list/", {"q": "甲镇第", "page": 2}).content.decode()
    assert "甲镇第24村工会" in second
    townships = client.get("/orgs/list/", {"type": "township"}).content.decode()
    assert "甲镇总工会" in townships and "甲镇一村工会" not in townships


def test_org_phone_is_masked_on_detail_edit_and_export(login, users, tree):
    from gonghui.orgs.services import org_update

    org_update(actor=None, org=tree.a1, contact_phone="13812345678")
    client = login(users.county_admin)
    detail = client.get(f"/orgs/{tree.a1.pk}/").content.decode()
    assert "138****5678" in detail and "13812345678" not in detail
    form = client.get(f"/orgs/{tree.a1.pk}/edit/").content.decode()
    assert "13812345678" not in form
    tree.a1.refresh_from_db()
    # Posting the mask back keeps the stored number
    client.post(
        f"/orgs/{tree.a1.pk}/edit/",
        {
            "name": tree.a1.name,
            "type": tree.a1.type,
            "level": tree.a1.level,
            "contact_phone": "138****5678",
            "version": tree.a1.version,
        },
    )
    tree.a1.refresh_from_db()
    assert tree.a1.contact_phone == "13812345678"
    rows = _sheet_rows(client.get("/orgs/export/"))
    phones = {row[8] for row in rows[1:] if row[0] == tree.a1.name}
    assert phones == {"138****5678"}


# --- lists (issue 14 #9) ---------------------------------------------------------------------------


def test_the_tree_opens_its_first_level_in_org_code_order(login, users, tree):
    """The root used to open collapsed, its children in code-point order of their names
    (乙 U+4E59 before 甲 U+7532); now open, by org code (甲镇 999001, 乙镇 999002)."""
    page = login(users.county_admin).get("/orgs/").content.decode()
    county_node = page.split(f'data-org-id="{tree.county.pk}"', 1)[1]
    assert 'aria-expanded="true"' in county_node.split("</div>", 1)[0]
    assert county_node.index(tree.a.name) < county_node.index(tree.b.name)


def test_org_list_rows_have_actions_for_what_the_user_may_do(login, users, tree):
    admin_page = login(users.county_admin).get("/orgs/list/").content.decode()
    assert f'href="/orgs/{tree.a.pk}/edit/">编辑</a>' in admin_page
    assert f'href="/orgs/new/?parent={tree.a.pk}">新建下级</a>' in admin_page
    leader_page = login(users.leader).get("/orgs/list/").content.decode()
    assert f'href="/orgs/{tree.a.pk}/">查看</a>' in leader_page
    assert "编辑</a>" not in leader_page and "新建下级" not in leader_page
    township_page = login(users.township_staff).get("/orgs/list/").content.decode()
    assert f'href="/orgs/{tree.a1.pk}/edit/">编辑</a>' in township_page


def test_enterprise_list_rows_have_actions_without_a_query_per_row(
    login, users, tree, enterprise_factory
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    firms = [enterprise_factory(org=tree.a1)]
    client = login(users.township_staff)
    client.get("/orgs/enterprises/")  # warms the session and scope caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/orgs/enterprises/").content.decode()
        assert page.count('class="row-actions"') == len(firms)
        return len(captured.captured_queries)

    one = queries()
    firms += [enterprise_factory(org=tree.a1) for _ in range(4)]
    assert queries() == one
    page = client.get("/orgs/enterprises/").content.decode()
    for firm in firms:
        assert f'href="/orgs/enterprises/{firm.pk}/edit/">编辑</a>' in page
