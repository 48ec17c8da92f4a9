from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.imports.normalise import cell_text, header_key
from gonghui.core.text import normalise_text

_TRICKY = st.sampled_from(
    list("ab Z1１２Ａｘ甲镇（）()\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff\t\r\n\u2028")
)


@given(st.text(alphabet=_TRICKY) | st.text())
def test_cell_text_gives_exactly_what_normalise_text_gives(value):
    assert cell_text(value) == normalise_text(value)


def test_full_width_digits_letters_and_odd_spaces_are_normalised():
    assert cell_text("\u3000９９９００１\u3000") == "999001"
    assert cell_text("ＡＢＣ　ｘ") == "ABC x"
    assert cell_text("甲镇\u200b一村\u00a0 工会") == "甲镇 一村 工会"


def test_numbers_dates_and_booleans_print_as_people_typed_them():
    assert cell_text(13800001234.0) == "13800001234"
    assert cell_text(12.5) == "12.5"
    assert cell_text(7) == "7"
    assert cell_text(True) == "是"
    assert cell_text(datetime(2024, 1, 2)) == "2024-01-02"
    assert cell_text(datetime(2024, 1, 2, 8, 30)) == "2024-01-02 08:30:00"
    assert cell_text(date(2024, 1, 2)) == "2024-01-02"
    assert cell_text(None) == ""


def test_header_key_drops_required_marks_notes_and_spaces():
    assert header_key("＊组织名称（必填）") == "组织名称"
    assert header_key(" 联系 电话： ") == "联系电话"
    assert header_key("职工人数(人)") == "职工人数"
    assert header_key("(备注)") == "(备注)"
