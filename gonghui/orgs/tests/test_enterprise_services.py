"""Employers: credit-code validation, duplicates, scope (DESIGN §2)."""

import pytest
from stdnum.cn import uscc

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.orgs.models import Enterprise
from gonghui.orgs.services import enterprise_create, enterprise_update

BODY = "91999001MA0000001"
VALID = BODY + uscc.calc_check_digit(BODY)
WRONG_CHECK = BODY + ("0" if VALID[-1] != "0" else "1")


def _data(tree, **overrides):
    data = dict(
        name="青禾华禾机械制造有限公司",
        credit_code=VALID,
        industry="C",
        size="medium",
        employee_count=320,
        has_union=False,
        union=None,
        org=tree.a,
        contact_phone="138 0000 1234",
    )
    data.update(overrides)
    return data


def _rows():
    return list(
        Enterprise.objects.order_by("pk").values_list(
            "pk", "name", "credit_code", "org_id", "version"
        )
    )


def test_create_normalises_and_audits(tree, users):
    # when
    enterprise = enterprise_create(
        actor=users.township_staff, **_data(tree, name="　青禾华禾机械制造有限公司 ")
    )
    # then
    assert enterprise.name == "青禾华禾机械制造有限公司"
    assert enterprise.credit_code == VALID
    assert enterprise.contact_phone == "13800001234"
    assert enterprise.contact_phone_hash == keyed_hash("13800001234")
    event = AuditEvent.objects.get(action=AuditAction.CREATED, object_type="orgs.Enterprise")
    assert (event.user, event.org, event.object_id) == (
        users.township_staff,
        tree.a,
        str(enterprise.pk),
    )


def test_lower_case_and_full_width_credit_codes_are_normalised(tree):
    # given
    typed = "".join(chr(ord(c) + 0xFEE0) for c in VALID.lower()[:6]) + VALID.lower()[6:]
    # when
    enterprise = enterprise_create(
        actor=None, **_data(tree, credit_code=f" {typed[:9]}-{typed[9:]}")
    )
    # then
    assert enterprise.credit_code == VALID
    assert Enterprise.objects.get(pk=enterprise.pk).credit_code == VALID


@pytest.mark.parametrize(
    ("credit_code", "message"),
    [
        (WRONG_CHECK, "统一社会信用代码校验位不正确，请核对。"),
        ("9199900", "统一社会信用代码应为 18 位，当前为 7 位。"),
        ("91999001MA000000I" + "1", "统一社会信用代码格式不正确。"),
        ("", "请填写统一社会信用代码。"),
    ],
)
def test_invalid_credit_code_gets_a_chinese_message_and_nothing_is_written(
    tree, credit_code, message
):
    # given
    events = AuditEvent.objects.count()
    # when
    with pytest.raises(ValidationFailed) as excinfo:
        enterprise_create(actor=None, **_data(tree, credit_code=credit_code))
    # then
    assert excinfo.value.fields == {"credit_code": [message]}
    assert _rows() == []
    assert AuditEvent.objects.count() == events


def test_duplicate_credit_code_is_refused(tree, enterprise_factory):
    # given
    first = enterprise_create(actor=None, **_data(tree))
    before = _rows()
    # when
    with pytest.raises(ValidationFailed) as excinfo:
        enterprise_create(actor=None, **_data(tree, name="另一家公司", credit_code=VALID.lower()))
    # then
    assert excinfo.value.fields == {"credit_code": ["该统一社会信用代码已登记。"]}
    assert _rows() == before == [(first.pk, first.name, VALID, tree.a.pk, 1)]


def test_update_to_another_enterprises_credit_code_is_refused(tree, enterprise_factory):
    first = enterprise_factory()
    second = enterprise_factory()
    before = _rows()
    with pytest.raises(ValidationFailed) as excinfo:
        enterprise_update(actor=None, enterprise=second, credit_code=first.credit_code)
    assert excinfo.value.fields == {"credit_code": ["该统一社会信用代码已登记。"]}
    assert _rows() == before


def test_create_at_an_org_outside_scope_is_refused(tree, users):
    # given
    events = AuditEvent.objects.count()
    # when
    with pytest.raises(ValidationFailed) as excinfo:
        enterprise_create(actor=users.township_staff, **_data(tree, org=tree.b1))
    # then
    assert excinfo.value.fields == {"org": ["所选工会组织不在您的管理范围内。"]}
    assert _rows() == []
    assert AuditEvent.objects.count() == events


def test_create_reports_every_invalid_field(tree):
    with pytest.raises(ValidationFailed) as excinfo:
        enterprise_create(
            actor=None,
            **_data(
                tree,
                name=" ",
                industry="Z",
                size="huge",
                employee_count=-1,
                org=None,
                contact_phone="12ab",
                division_code="1234",
            ),
        )
    assert excinfo.value.fields == {
        "name": ["请填写单位名称。"],
        "industry": ["请选择行业。"],
        "size": ["请选择规模。"],
        "employee_count": ["职工人数应为不小于 0 的整数。"],
        "division_code": ["行政区划代码应为 6 位(县级)、9 位(乡镇级)或 12 位(村级)数字。"],
        "org": ["请选择覆盖该单位的工会组织。"],
        "contact_phone": ["联系电话格式不正确(7–12 位数字)。"],
    }
    assert _rows() == []


def test_update_in_scope_bumps_version_and_audits_the_changed_fields(
    tree, users, enterprise_factory
):
    # given
    enterprise = enterprise_factory(org=tree.a1)
    # when
    updated = enterprise_update(
        actor=users.township_staff,
        enterprise=enterprise,
        version=1,
        employee_count=75,
        has_union=True,
    )
    # then
    assert (updated.employee_count, updated.has_union, updated.version) == (75, True, 2)
    event = AuditEvent.objects.get(action=AuditAction.UPDATED, object_type="orgs.Enterprise")
    assert event.detail == {"changed": ["employee_count", "has_union"]}


def test_update_outside_scope_answers_not_found_and_changes_nothing(
    tree, users, enterprise_factory
):
    # given
    enterprise = enterprise_factory(org=tree.b1)
    before = _rows()
    # when
    with pytest.raises(NotFound):
        enterprise_update(actor=users.township_staff, enterprise=enterprise, name="越权改名")
    # then
    assert _rows() == before


def test_read_only_leader_cannot_update(tree, users, enterprise_factory):
    enterprise = enterprise_factory(org=tree.a)
    before = _rows()
    with pytest.raises(NotFound):
        enterprise_update(actor=users.leader, enterprise=enterprise, employee_count=1)
    assert _rows() == before
