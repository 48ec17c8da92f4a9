"""The fast path of id_number_clean gives exactly the stdnum-based path's answer."""

import datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gonghui.members import idnumber
from gonghui.members.idnumber import PROVINCE_CODES, IdNumberError, id_number_clean

TODAY = datetime.date(2026, 6, 30)


def _slow(value):
    """id_number_clean with the fast path switched off."""
    original = idnumber._id_number_fast
    idnumber._id_number_fast = lambda value, today: None
    try:
        return _outcome(value)
    finally:
        idnumber._id_number_fast = original


def _outcome(value):
    try:
        return id_number_clean(value, today=TODAY)
    except IdNumberError as exc:
        return ("error", str(exc))


def _check_digit(body: str) -> str:
    checksum = (1 - 2 * int(body, 13)) % 11
    return "X" if checksum == 10 else str(checksum)


@st.composite
def id_like(draw):
    """Mostly plausible numbers (right shape, sometimes wrong date/area/check), some noise."""
    area = draw(
        st.one_of(
            st.sampled_from(sorted(PROVINCE_CODES)).map(lambda p: p + "0102"),
            st.text("0123456789", min_size=6, max_size=6),
        )
    )
    date = draw(
        st.one_of(
            st.dates(datetime.date(1890, 1, 1), datetime.date(2030, 12, 31)).map(
                lambda d: d.strftime("%Y%m%d")
            ),
            st.text("0123456789", min_size=8, max_size=8),
        )
    )
    body = area + date + draw(st.text("0123456789", min_size=3, max_size=3))
    last = draw(st.one_of(st.just(_check_digit(body)), st.sampled_from("0123456789xXYa ")))
    if last == "X" and draw(st.booleans()):
        last = "x"
    return body + last


@settings(max_examples=3000, deadline=None)
@given(st.one_of(id_like(), st.text("0123456789xX -１２", max_size=20), st.text(max_size=19)))
@example("11010519491231002X")
@example("11010519491231002x")
@example("110105194912310021")
@example("11010519900230123" + "0")
@example("99010519491231002X")
def test_fast_path_agrees_with_the_stdnum_path(value):
    assert _outcome(value) == _slow(value)


def test_fast_path_is_taken_for_clean_valid_numbers():
    info = idnumber._id_number_fast("11010519491231002x", TODAY)
    assert info is not None and info.number == "11010519491231002X"
    assert idnumber._id_number_fast("110105194912310021", TODAY) is None  # wrong check digit


@pytest.mark.parametrize("value", ["11010519491231002X", "１１０１０５１９４９１２３１００２ｘ"])
def test_both_paths_accept_the_worked_example(value):
    assert _slow(value) == _outcome(value)
