"""Org tree writes: create, update, move, deactivate, delete (scope, validation, audit)."""

import pytest

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.orgs.models import Enterprise, Org, OrgLevel, OrgStatus, OrgType
from gonghui.orgs.services import (
    org_create,
    org_deactivate,
    org_delete,
    org_move,
    org_reactivate,
    org_update,
)


def _snapshot():
    """Everything a denied tree write must leave as it was."""
    return list(
        Org.objects.order_by("pk").values_list(
            "pk", "parent_id", "path", "depth", "name", "status", "version"
        )
    )


def test_create_under_a_parent_in_scope_sets_path_depth_and_audits(tree, users):
    # when
    org = org_create(
        actor=users.township_staff,
        parent=tree.a,
        name=" 甲镇二村工会 ",
        type=OrgType.COMMUNITY,
        level=OrgLevel.GRASSROOTS,
        division_code="999001002",
    )
    # then
    assert org.name == "甲镇二村工会"
    assert org.path == f"{tree.a.path}{org.pk}/"
    assert org.depth == tree.a.depth + 1 == 3
    assert org.code == "999001003"  # next free child code of A (001, 002 are taken)
    event = AuditEvent.objects.get(action=AuditAction.CREATED, object_id=str(org.pk))
    assert (event.user, event.org, event.object_type) == (users.township_staff, org, "orgs.Org")


def test_create_outside_scope_answers_not_found_and_changes_nothing(tree, users):
    # given
    before, events = _snapshot(), AuditEvent.objects.count()
    # when
    with pytest.raises(NotFound):
        org_create(
            actor=users.township_staff,
            parent=tree.b,
            name="乙镇二村工会",
            type=OrgType.COMMUNITY,
            level=OrgLevel.GRASSROOTS,
        )
    # then
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events


def test_create_rejects_duplicate_name_and_bad_level_in_chinese(tree, users):
    # given
    before = _snapshot()
    # when
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(
            actor=users.county_admin,
            parent=tree.a,
            name="甲镇一村工会",
            type=OrgType.COMMUNITY,
            level=OrgLevel.TOWNSHIP,
            division_code="12",
        )
    # then
    assert excinfo.value.fields == {
        "level": ["层级必须低于上级组织(乡镇(街道、园区)级)。"],
        "division_code": ["行政区划代码应为 6 位(县级)、9 位(乡镇级)或 12 位(村级)数字。"],
        "name": ["同一上级组织下已有同名组织。"],
    }
    assert _snapshot() == before


def test_only_the_cli_may_create_a_root(users):
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(
            actor=users.county_admin,
            parent=None,
            name="另一个市总工会",
            type=OrgType.FEDERATION,
            level=OrgLevel.CITY,
        )
    assert excinfo.value.fields == {"parent": ["请选择上级组织。"]}
    assert _snapshot() == before


def test_update_changes_fields_bumps_version_and_audits(tree, users):
    # when
    org = org_update(
        actor=users.township_staff,
        org=tree.a1,
        version=1,
        name="甲镇一村联合工会",
        chair_name="李 华",
    )
    # then
    assert (org.name, org.chair_name, org.version) == ("甲镇一村联合工会", "李 华", 2)
    event = AuditEvent.objects.get(action=AuditAction.UPDATED, object_id=str(tree.a1.pk))
    assert event.detail == {"changed": ["name", "chair_name"]}


def test_update_with_a_stale_version_is_refused(tree, users):
    org_update(actor=users.county_admin, org=tree.a1, name="先改的名字")
    before = _snapshot()
    with pytest.raises(Conflict) as excinfo:
        org_update(actor=users.county_admin, org=tree.a1, version=1, name="后改的名字")
    assert excinfo.value.code == "stale_version"
    assert _snapshot() == before


def test_update_outside_scope_answers_not_found_and_changes_nothing(tree, users):
    before = _snapshot()
    with pytest.raises(NotFound):
        org_update(actor=users.township_staff, org=tree.b1, name="越权改名")
    assert _snapshot() == before


def test_move_updates_paths_and_depths_of_the_whole_subtree(tree, users):
    # when: township A (with A1, AE below) moves from the county straight under the city
    org_move(actor=None, org=tree.a, new_parent=tree.city)
    # then
    a, a1, ae = (Org.objects.get(pk=o.pk) for o in (tree.a, tree.a1, tree.ae))
    city = tree.city.pk
    assert (a.parent_id, a.path, a.depth) == (city, f"/{city}/{a.pk}/", 1)
    assert (a1.path, a1.depth) == (f"/{city}/{a.pk}/{a1.pk}/", 2)
    assert (ae.path, ae.depth) == (f"/{city}/{a.pk}/{ae.pk}/", 2)
    assert a.version == 2
    b1 = Org.objects.get(pk=tree.b1.pk)
    assert (b1.path, b1.depth) == (tree.b1.path, 3)


def test_move_by_an_admin_is_audited(tree, users):
    org_move(actor=users.county_admin, org=tree.a1, new_parent=tree.b)
    a1 = Org.objects.get(pk=tree.a1.pk)
    assert a1.path == f"{tree.b.path}{a1.pk}/"
    event = AuditEvent.objects.get(action=AuditAction.MOVED)
    assert event.user == users.county_admin
    assert event.detail == {
        "from": "甲镇总工会",
        "from_id": tree.a.pk,
        "to": "乙镇总工会",
        "to_id": tree.b.pk,
    }


@pytest.mark.parametrize("target", ["a", "a1", "ae"])
def test_move_under_itself_or_a_descendant_is_refused(tree, users, target):
    # given
    before, events = _snapshot(), AuditEvent.objects.count()
    # when
    with pytest.raises(ValidationFailed) as excinfo:
        org_move(actor=users.county_admin, org=tree.a, new_parent=getattr(tree, target))
    # then
    assert excinfo.value.code == "move_into_own_subtree"
    assert excinfo.value.message == "不能把组织移动到它自己或它的下级组织之下。"
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events


def test_move_out_of_or_into_a_foreign_subtree_answers_not_found(tree, users):
    before = _snapshot()
    with pytest.raises(NotFound):
        org_move(actor=users.township_staff, org=tree.a1, new_parent=tree.b)
    with pytest.raises(NotFound):
        org_move(actor=users.township_staff, org=tree.b1, new_parent=tree.a)
    assert _snapshot() == before


def test_move_under_a_parent_of_the_same_level_is_refused(tree, users):
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_move(actor=users.county_admin, org=tree.b1, new_parent=tree.a1)
    assert excinfo.value.fields == {"new_parent": ["层级不符。"]}
    assert _snapshot() == before


def test_deactivate_is_refused_while_active_children_remain(tree, users):
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_deactivate(actor=users.county_admin, org=tree.a, reason="撤并")
    assert excinfo.value.message == "该组织下还有 2 个未撤销的下级组织，请先移动或撤销它们。"
    assert _snapshot() == before


def test_deactivate_needs_a_reason(tree, users):
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_deactivate(actor=users.county_admin, org=tree.ae, reason="  ")
    assert excinfo.value.fields == {"reason": ["请填写撤销原因。"]}
    assert _snapshot() == before


def test_deactivate_keeps_the_records_and_blocks_new_ones(tree, users, enterprise_factory):
    # given
    enterprise = enterprise_factory(org=tree.ae)
    # when
    org = org_deactivate(actor=users.county_admin, org=tree.ae, reason="企业关停")
    # then
    assert (org.status, org.deactivation_reason, org.version) == (OrgStatus.INACTIVE, "企业关停", 2)
    assert org.deactivated_at is not None
    assert Enterprise.objects.get(pk=enterprise.pk).org_id == tree.ae.pk
    event = AuditEvent.objects.get(action=AuditAction.DEACTIVATED)
    assert (event.user, event.detail) == (users.county_admin, {"reason": "企业关停"})
    with pytest.raises(ValidationFailed):
        org_create(
            actor=users.county_admin,
            parent=org,
            name="下属分会",
            type=OrgType.ENTERPRISE,
            level=OrgLevel.GRASSROOTS,
        )
    with pytest.raises(ValidationFailed):
        enterprise_factory(org=org)
    assert Enterprise.objects.count() == 1


def test_reactivate_restores_a_deactivated_org(tree, users):
    org_deactivate(actor=users.county_admin, org=tree.ae, reason="误操作")
    org = org_reactivate(actor=users.county_admin, org=tree.ae)
    assert (org.status, org.deactivated_at, org.deactivation_reason) == (OrgStatus.ACTIVE, None, "")


def test_deactivate_outside_scope_answers_not_found(tree, users):
    before = _snapshot()
    with pytest.raises(NotFound):
        org_deactivate(actor=users.township_staff, org=tree.b1, reason="越权")
    assert _snapshot() == before


def test_delete_is_refused_when_the_org_owns_records(tree, users, enterprise_factory):
    # given
    enterprise_factory(org=tree.ae)
    before, events = _snapshot(), AuditEvent.objects.count()
    # when
    with pytest.raises(ValidationFailed) as excinfo:
        org_delete(actor=users.county_admin, org=tree.ae)
    # then
    assert excinfo.value.code == "org_owns_records"
    assert excinfo.value.message == "该组织下有业务记录，不能删除，只能撤销。"
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events


def test_delete_is_refused_when_only_membership_history_names_the_org(tree, users):
    """A member transferred away leaves the union in their history, which is not an
    org-owned record: the delete is refused in Chinese, not a server error."""
    from gonghui.members.models import MembershipEvent
    from gonghui.members.tests.factories import build_member

    mistake = org_create(
        actor=users.county_admin, parent=tree.b, name="录错的工会",
        type=OrgType.COMMUNITY, level=OrgLevel.GRASSROOTS,
    )  # fmt: skip
    member = build_member(org=tree.b1)
    MembershipEvent.objects.create(member=member, kind="transferred", org=mistake)
    before, events = _snapshot(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as excinfo:
        org_delete(actor=users.county_admin, org=mistake)
    assert excinfo.value.code == "org_owns_records"
    assert excinfo.value.message == "该组织下有业务记录，不能删除，只能撤销。"
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events


def test_delete_is_refused_when_the_org_has_children_users_or_roles(tree, users):
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_delete(actor=users.county_admin, org=tree.a)
    assert excinfo.value.message == "该组织下有下级组织、用户或角色，不能删除，只能撤销。"
    assert _snapshot() == before


def test_delete_of_an_org_created_by_mistake_is_audited(tree, users):
    # given
    mistake = org_create(
        actor=users.county_admin,
        parent=tree.b,
        name="录错的工会",
        type=OrgType.COMMUNITY,
        level=OrgLevel.GRASSROOTS,
    )
    # when
    org_delete(actor=users.county_admin, org=mistake)
    # then
    assert not Org.objects.filter(pk=mistake.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETED)
    assert (event.org, event.object_id) == (tree.b, str(mistake.pk))
    assert event.detail == {"name": "录错的工会", "code": mistake.code}
