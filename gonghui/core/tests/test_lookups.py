"""`__any_of`: one array parameter on PostgreSQL, IN elsewhere; the same rows either way."""

import pytest

from gonghui.core.lookups import text_array_literal
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

AWKWARD = [
    '引号"在中间',
    "反斜杠\\结尾\\",
    "逗号,与{花括号}",
    "  前后空格 ",
    "",
    "NULL",
    "普通名称",
]


def test_any_of_finds_exactly_the_listed_values_however_awkward(tree):
    orgs = [tree.city, tree.county, tree.a, tree.a1, tree.ae, tree.b, tree.b1]
    for org, name in zip(orgs, AWKWARD, strict=True):
        Org.objects.filter(pk=org.pk).update(name=name)
    wanted = [AWKWARD[0], AWKWARD[1], AWKWARD[2], AWKWARD[3], AWKWARD[4], "不存在"]
    found = set(Org.objects.filter(name__any_of=wanted).values_list("pk", flat=True))
    assert found == {org.pk for org in orgs[:5]}
    assert not Org.objects.filter(name__any_of=[]).exists()


def test_text_array_literal_quotes_every_element():
    assert text_array_literal(['a"b', "c\\", "d,e"]) == '{"a\\"b","c\\\\","d,e"}'
    assert text_array_literal([]) == "{}"
