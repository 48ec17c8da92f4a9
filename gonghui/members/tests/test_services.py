"""Member registry services: registration, duplicates across unions, scope, edits, 退会."""

import datetime

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.members.models import Member, MembershipEvent, MemberStatus
from gonghui.members.services import (
    DUPLICATE_ELSEWHERE,
    card_number_format,
    member_deactivate,
    member_register,
    member_update,
)
from gonghui.members.tests.factories import build_member, make_id_number

pytestmark = pytest.mark.django_db


def _register(actor, org, **overrides):
    data = dict(
        name="张三",
        id_number=make_id_number(),
        phone="13800001234",
        joined_on=datetime.date(2021, 3, 5),
    )
    data.update(overrides)
    return member_register(actor=actor, org=org, **data)


def test_register_stores_normalised_encrypted_hashed_record_with_card_and_history(users, tree):
    # Given a full-width ID number with a lowercase x, typed by grassroots staff at A1
    member = _register(
        users.grassroots_staff,
        tree.a1,
        id_number="１１０１０５１９４９１２３１００２ｘ",
        phone="138 0000 5678",
    )
    # Then the record is canonical, hashed for lookup and the card is issued
    member.refresh_from_db()
    assert member.id_number == "11010519491231002X"
    assert member.id_number_hash == keyed_hash("11010519491231002X")
    assert member.id_last4 == "002X"
    assert member.phone == "13800005678"
    assert member.phone_last4 == "5678"
    assert member.gender == "female"
    assert member.birth_date == datetime.date(1949, 12, 31)
    assert (member.name_pinyin, member.name_initials) == ("zhangsan", "zs")
    assert member.card_number == card_number_format("000000", 1)
    assert member.org_anchor_id == tree.a.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM members_member WHERE id = %s", [member.pk])
        raw = cursor.fetchone()
    assert raw[0].startswith("v1:") and "1101" not in raw[0]
    assert raw[1].startswith("v1:")
    assert list(member.events.values_list("kind", "org_id", "by_id")) == [
        ("joined", tree.a1.pk, users.grassroots_staff.pk)
    ]
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATED, object_id=str(member.pk), user=users.grassroots_staff
    ).exists()


@pytest.mark.parametrize("prefix", ["339901", "000000", "110105"])
def test_card_number_check_character_is_iso_7064_mod_11_2(prefix):
    from stdnum.iso7064 import mod_11_2

    cards = [card_number_format(prefix, n) for n in range(1, 2000)]
    assert all(card[:14] + mod_11_2.calc_check_digit(card[:14]) == card for card in cards)
    assert {card[-1] for card in cards} == set("0123456789X")  # every check character seen


def test_card_numbers_use_the_county_division_code_and_run_in_sequence(users, tree):
    from gonghui.orgs.models import Org

    Org.objects.filter(pk=tree.county.pk).update(division_code="339901")
    first = _register(users.county_admin, tree.a1)
    second = _register(users.county_admin, tree.b1)
    assert first.card_number == card_number_format("339901", 1)
    assert second.card_number == card_number_format("339901", 2)
    assert len(first.card_number) == 15


def test_duplicate_id_in_a_union_in_scope_names_the_existing_membership(users, tree):
    number = make_id_number()
    existing = _register(users.county_admin, tree.a1, id_number=number, name="李四")
    with pytest.raises(ValidationFailed) as exc:
        _register(users.township_staff, tree.ae, id_number=number, name="李四")
    assert exc.value.fields["id_number"] == [
        f"该身份证号已是在册会员：李四，甲镇一村工会，会员卡号 {existing.card_number}。"
    ]
    assert Member.objects.count() == 1


def test_duplicate_id_in_another_union_out_of_scope_does_not_say_which(users, tree):
    # Given a member of B1 (outside township A)
    number = make_id_number()
    _register(users.county_admin, tree.b1, id_number=number, name="王五")
    # When township A registers the same person
    with pytest.raises(ValidationFailed) as exc:
        _register(users.township_staff, tree.a1, id_number=number, name="王五")
    # Then the message says only that the person is a member elsewhere
    assert exc.value.fields["id_number"] == [DUPLICATE_ELSEWHERE]
    assert "乙镇" not in str(exc.value.fields)
    assert Member.objects.count() == 1


def test_fifteen_digit_number_is_the_same_person_as_its_eighteen_digit_form(users, tree):
    _register(users.county_admin, tree.b1, id_number="11010519491231002X")
    with pytest.raises(ValidationFailed) as exc:
        _register(users.county_admin, tree.a1, id_number="110105491231002")
    assert list(exc.value.fields) == ["id_number"]


def test_the_database_allows_one_active_record_per_id_and_any_number_of_former_ones(tree):
    """The unique (ID hash, active) index, behind the services' own check."""
    from django.db import IntegrityError, transaction

    first = build_member(org=tree.a1)
    member_deactivate(actor=None, member=first, reason="调离")
    second = build_member(org=tree.a1, id_number=first.id_number)  # re-joins: allowed
    member_deactivate(actor=None, member=second, reason="调离")
    third = build_member(org=tree.b1, id_number=first.id_number)  # two former records
    clone = Member.objects.filter(pk=third.pk).values().get()
    clone.update(id=None, card_number="339901999999990")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(**clone)  # a second active record for the same ID
    clone["status"] = MemberStatus.DEACTIVATED
    Member.objects.create(**clone)  # a third former one is fine
    assert Member.objects.filter(id_number_hash=keyed_hash(first.id_number)).count() == 4


def test_register_out_of_scope_is_refused_and_nothing_changes(users, tree):
    before = (Member.objects.count(), MembershipEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(NotFound):
        _register(users.township_staff, tree.b1)
    assert (
        Member.objects.count(),
        MembershipEvent.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_register_without_edit_grant_is_refused(users, tree):
    with pytest.raises(NotFound):
        _register(users.leader, tree.a1)
    assert Member.objects.count() == 0


def test_entered_gender_and_birth_date_must_match_the_id(users, tree):
    number = make_id_number(birth=datetime.date(1990, 1, 2), male=True, n=5)
    with pytest.raises(ValidationFailed) as exc:
        _register(
            users.county_admin,
            tree.a1,
            id_number=number,
            gender="female",
            birth_date=datetime.date(1990, 1, 3),
        )
    assert exc.value.fields == {
        "gender": ["性别与身份证号不符：身份证号显示为男性。"],
        "birth_date": ["出生日期与身份证号不符：身份证号显示为 1990-01-02。"],
    }
    assert Member.objects.count() == 0


def test_bad_input_gets_a_chinese_message_per_field(users, tree):
    with pytest.raises(ValidationFailed) as exc:
        _register(
            users.county_admin,
            tree.a1,
            name=" ",
            id_number="110105194912310021",
            phone="0571-8888",
            employment_form="astronaut",
            joined_on=datetime.date.today() + datetime.timedelta(days=1),
        )
    assert exc.value.fields == {
        "name": ["请填写姓名。"],
        "id_number": ["身份证号校验位不正确，请核对后重新输入。"],
        "phone": ["手机号码应为 11 位中国大陆手机号，如 13800001234。"],
        "employment_form": ["请选择就业形态。"],
        "joined_on": ["入会日期不能晚于今天。"],
    }


def test_employer_out_of_view_scope_is_refused(users, tree, enterprise_factory):
    employer_b = enterprise_factory(org=tree.b1)
    with pytest.raises(ValidationFailed) as exc:
        _register(users.township_staff, tree.a1, employer=employer_b)
    assert exc.value.fields == {"employer": ["所选工作单位不存在或不在您的管理范围内。"]}


def test_update_rederives_gender_and_birth_date_from_a_new_id(users, tree, member_factory):
    member = member_factory(org=tree.a1)
    new_number = make_id_number(birth=datetime.date(1975, 6, 1), male=False, n=9)
    updated = member_update(
        actor=users.grassroots_staff,
        member=member,
        version=member.version,
        id_number=new_number,
        name="张  三丰",
    )
    assert (updated.gender, updated.birth_date) == ("female", datetime.date(1975, 6, 1))
    assert (updated.name, updated.name_pinyin, updated.name_initials) == (
        "张 三丰",
        "zhangsanfeng",
        "zsf",
    )
    assert updated.id_number_hash == keyed_hash(new_number)
    assert updated.version == member.version + 1
    assert updated.events.filter(kind="updated").count() == 1
    event = AuditEvent.objects.get(action=AuditAction.UPDATED, object_id=str(member.pk))
    assert event.detail == {"changed": ["name", "id_number", "gender", "birth_date"]}


def test_update_with_stale_version_is_refused(users, tree, member_factory):
    member = member_factory(org=tree.a1)
    member_update(actor=users.county_admin, member=member, version=member.version, name="甲")
    with pytest.raises(Conflict):
        member_update(actor=users.county_admin, member=member, version=member.version, name="乙")
    assert Member.objects.get(pk=member.pk).name == "甲"


def test_update_out_of_scope_is_refused_and_nothing_changes(users, tree, member_factory):
    member = member_factory(org=tree.b1)
    before = model_to_dict(Member.objects.get(pk=member.pk))
    with pytest.raises(NotFound):
        member_update(actor=users.township_staff, member=member, name="改名")
    assert model_to_dict(Member.objects.get(pk=member.pk)) == before
    assert member.events.count() == 1


def test_deactivate_keeps_record_and_history_and_frees_the_id(users, tree, member_factory):
    number = make_id_number()
    member = member_factory(org=tree.a1, id_number=number)
    with pytest.raises(ValidationFailed) as exc:
        member_deactivate(actor=users.grassroots_staff, member=member, reason="  ")
    assert exc.value.fields == {"reason": ["请填写退会原因。"]}

    member_deactivate(actor=users.grassroots_staff, member=member, reason="调离本单位")

    member.refresh_from_db()
    assert member.status == MemberStatus.DEACTIVATED
    assert member.deactivated_on == datetime.date.today()
    assert member.deactivation_reason == "调离本单位"
    assert list(member.events.order_by("id").values_list("kind", flat=True)) == [
        "joined",
        "deactivated",
    ]
    # The same person may join another union afterwards; the old record stays
    again = _register(users.county_admin, tree.b1, id_number=number)
    assert again.card_number != member.card_number
    assert Member.objects.filter(id_number_hash=keyed_hash(number)).count() == 2
    with pytest.raises(ValidationFailed):
        member_deactivate(actor=users.county_admin, member=member, reason="再次")


def test_deactivate_out_of_scope_is_refused(users, tree, member_factory):
    member = member_factory(org=tree.b1)
    with pytest.raises(NotFound):
        member_deactivate(actor=users.township_staff, member=member, reason="越权")
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert member.events.count() == 1


@given(
    st.text(
        alphabet=st.sampled_from(list("张三李四王五单曾区朴长乐重庆·．Anna Lee-0123")),
        min_size=1,
        max_size=8,
    )
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_name_pinyin_initials_match_pypinyin_first_letter_style(name):
    """One pypinyin call gives what the two-call version (normal + FIRST_LETTER) gave."""
    import re

    from pypinyin import Style, lazy_pinyin

    from gonghui.members.services import name_pinyin

    def letters(text):
        return re.sub(r"[^a-z0-9]", "", text.lower())

    expected_initials = letters("".join(lazy_pinyin(name, style=Style.FIRST_LETTER)))[:30]
    assert name_pinyin(name) == (letters("".join(lazy_pinyin(name)))[:120], expected_initials)


def test_history_keeps_its_org_and_user_references_through_the_orm(users, tree):
    """MembershipEvent.org and .by have no database constraints (an import writes one event
    per member); deleting through the ORM still protects the org and clears the user."""
    from django.contrib.auth import get_user_model
    from django.db.models import ProtectedError

    from gonghui.orgs.models import OrgLevel, OrgType
    from gonghui.orgs.services import org_create

    clerk = get_user_model().objects.create_user(username="temp-clerk", password="x" * 12)
    member = _register(users.county_admin, tree.a1)
    event = MembershipEvent.objects.get(member=member)
    event.by = clerk
    event.save()
    org = org_create(
        actor=None, parent=tree.b, name="临时工会", type=OrgType.COMMUNITY,
        level=OrgLevel.GRASSROOTS, code="999002009",
    )  # fmt: skip
    MembershipEvent.objects.filter(pk=event.pk).update(org=org)  # as after a transfer away
    with pytest.raises(ProtectedError):
        org.delete()
    clerk.delete()
    event.refresh_from_db()
    assert event.by_id is None and event.org_id == org.pk
