"""member_list: search by name, pinyin, last 4 digits, card number; filters; scope."""

import datetime

import pytest

from gonghui.members.selectors import member_get, member_list
from gonghui.members.services import member_deactivate
from gonghui.members.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def _names(queryset) -> list[str]:
    return sorted(m.name for m in queryset)


@pytest.fixture
def roster(tree, member_factory, enterprise_factory):
    zhang = member_factory(
        org=tree.a1,
        name="张三",
        id_number=make_id_number(birth=datetime.date(1990, 1, 1), n=1),
        phone="13800005678",
        joined_on=datetime.date(2021, 3, 5),
    )
    zhao = member_factory(
        org=tree.ae,
        name="赵四",
        phone="13900001111",
        employment_form="courier",
        is_migrant_worker=True,
        hukou_type="rural",
        joined_on=datetime.date(2023, 7, 1),
    )
    li = member_factory(
        org=tree.a1,
        name="李小红",
        id_number="11010519491231002X",
        phone="",
        employment_form="flexible",
        joined_on=datetime.date(2023, 1, 9),
    )
    wang = member_factory(org=tree.b1, name="张三丰", phone="13700005678")
    return {"zhang": zhang, "zhao": zhao, "li": li, "wang": wang}


def test_pinyin_full_and_initials_find_the_name(users, roster):
    user = users.county_admin
    assert _names(member_list(user, q="zhangsan")) == ["张三", "张三丰"]
    assert _names(member_list(user, q="zs")) == ["张三", "张三丰", "赵四"]  # zhao si too
    assert _names(member_list(user, q="zhaos")) == ["赵四"]
    assert _names(member_list(user, q="ZSF")) == ["张三丰"]
    assert _names(member_list(user, q="lxh")) == ["李小红"]


def test_name_contains(users, roster):
    assert _names(member_list(users.county_admin, q="三")) == ["张三", "张三丰"]
    assert _names(member_list(users.county_admin, q="小红")) == ["李小红"]


def test_last_four_digits_of_phone_or_id(users, roster):
    assert _names(member_list(users.county_admin, q="5678")) == ["张三", "张三丰"]
    assert _names(member_list(users.county_admin, q="002x")) == ["李小红"]
    assert _names(member_list(users.county_admin, q="002X")) == ["李小红"]


def test_full_id_number_and_full_phone_match_exactly(users, roster):
    zhang = roster["zhang"]
    assert _names(member_list(users.county_admin, q=zhang.id_number.lower())) == ["张三"]
    assert _names(member_list(users.county_admin, q="139 0000 1111")) == ["赵四"]


def test_card_number_exact_and_prefix(users, roster):
    zhao = roster["zhao"]
    assert _names(member_list(users.county_admin, q=zhao.card_number)) == ["赵四"]
    assert len(member_list(users.county_admin, q=zhao.card_number[:10])) == 4


def test_card_prefix_search_uses_the_unique_index_on_postgres(users, roster):
    """Codes compare byte by byte (COLLATE "C"), so the unique index answers LIKE 'prefix%'
    and no second varchar_pattern_ops index is kept for it."""
    from django.db import connection

    if connection.vendor != "postgresql":  # SQLite compares bytes already: no COLLATE there
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'members_member'")
            assert "COLLATE" not in cursor.fetchone()[0].upper()
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, collation_name FROM information_schema.columns "
            "WHERE table_name = 'members_member' AND column_name IN "
            "('card_number', 'id_number_hash', 'phone_hash', 'id_last4', 'phone_last4')"
        )
        assert {collation for _, collation in cursor.fetchall()} == {"C"}
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM members_member WHERE card_number LIKE %s", ["339901%"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "member_card_number_unique" in plan


def test_filters(users, roster, tree):
    user = users.county_admin
    assert _names(member_list(user, employment_form="courier")) == ["赵四"]
    assert _names(member_list(user, new_form_only="1")) == ["赵四"]
    assert _names(member_list(user, migrant="1")) == ["赵四"]
    assert _names(member_list(user, migrant="0")) == ["张三", "张三丰", "李小红"]
    assert _names(member_list(user, joined_year="2023")) == ["李小红", "赵四"]
    assert _names(member_list(user, org=tree.a)) == ["张三", "李小红", "赵四"]
    assert _names(member_list(user, org=tree.a1)) == ["张三", "李小红"]
    member_deactivate(actor=None, member=roster["li"], reason="离职")
    assert _names(member_list(user, status="deactivated")) == ["李小红"]
    assert _names(member_list(user, status="active", org=tree.a1)) == ["张三"]


def test_scope_hides_other_townships(users, roster, tree):
    assert _names(member_list(users.township_staff)) == ["张三", "李小红", "赵四"]
    assert _names(member_list(users.grassroots_staff)) == ["张三", "李小红"]
    assert _names(member_list(users.township_staff, q="zs")) == ["张三", "赵四"]
    assert _names(member_list(users.township_staff, q="5678")) == ["张三"]


def test_member_get_out_of_scope_is_404(users, roster):
    from django.http import Http404

    assert member_get(users.township_staff, roster["zhang"].pk).name == "张三"
    with pytest.raises(Http404):
        member_get(users.township_staff, roster["wang"].pk)


NAMES = ["张三", "张三丰", "王芳", "王小芳", "欧阳芳芳", "阿依古丽·买买提", "Anna Lee", "芳"]


@pytest.mark.parametrize(
    "query",
    ["张", "芳", "张三", "三丰", "小芳", "芳芳", "欧阳芳", "丽·买", "买买提", "·", "王芳芳", "李"],
)
def test_name_contains_search_equals_a_substring_test(tree, users, member_factory, query):
    """On PostgreSQL the GIN index on name_grams narrows the search; the answer must be exactly
    what `query in name` says, for one, two and more characters."""
    for index, name in enumerate(NAMES):
        member_factory(org=tree.a1, name=name, id_number=make_id_number(n=900 + index))
    found = _names(member_list(users.county_admin, q=query))
    assert found == sorted(name for name in NAMES if query in name)


def test_name_grams_follow_renames(tree, users, member_factory):
    from gonghui.members.services import member_update

    member = member_factory(org=tree.a1, name="张三")
    member_update(actor=users.county_admin, member=member, version=member.version, name="李四光")
    assert _names(member_list(users.county_admin, q="四光")) == ["李四光"]
    assert _names(member_list(users.county_admin, q="张三")) == []
    assert _names(member_list(users.county_admin, q="lsg")) == ["李四光"]
