"""Reports share one row order (figures first, empty rows last, by org code) and one way of
showing numbers (1,234) in every template (issue 14 #7)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.template import Context, Template

from gonghui.core.reports import report_order
from gonghui.core.templatetags.numbers import is_num, num


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1234, "1,234"),
        (1234567, "1,234,567"),
        (-9876, "-9,876"),
        (12, "12"),
        (Decimal("123456.50"), "123,456.50"),
        (1234.5, "1,234.5"),
        ("45021", "45,021"),
        ("47.1%", "47.1%"),
        ("青禾街道总工会", "青禾街道总工会"),
        ("", ""),
        (None, None),
    ],
)
def test_num_separates_thousands_and_leaves_text_alone(value, shown):
    assert num(value) == shown


def test_num_with_places_and_in_any_template_without_load():
    assert num(Decimal("1234.5"), 2) == "1,234.50"
    rendered = Template("{{ n|num }} / {{ m|num:2 }}").render(Context({"n": 20000, "m": 5}))
    assert rendered == "20,000 / 5.00"


def test_is_num_tells_figures_from_names():
    assert is_num(3) and is_num("1,234") and is_num("57.1%") and is_num(Decimal("1.5"))
    assert not is_num("合计") and not is_num("") and not is_num(True)


@dataclass
class Row:
    name: str
    code: str
    figure: int
    own_only: bool = False


def test_report_order_puts_rows_with_figures_first_by_code_then_the_empty_ones():
    rows = [
        Row("行业工会", "001", 0),
        Row("乙镇", "003", 5),
        Row("甲镇", "002", 7),
        Row("本级", "000", 1, own_only=True),
        Row("空镇", "004", 0),
    ]
    ordered = report_order(rows, is_empty=lambda r: r.figure == 0)
    assert [r.name for r in ordered] == ["本级", "甲镇", "乙镇", "行业工会", "空镇"]
