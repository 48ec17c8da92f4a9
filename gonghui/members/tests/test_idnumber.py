"""ID number and phone normalisation and validation (GB 11643 via python-stdnum cn.ric)."""

import datetime

import pytest

from gonghui.members.idnumber import IdNumberError, id_number_clean, id_upgrade_15, phone_clean

VALID = "11010519491231002X"  # the GB 11643 worked example: check character X


def test_valid_number_gives_birth_date_and_gender():
    info = id_number_clean(VALID)
    assert info.number == VALID
    assert info.birth_date == datetime.date(1949, 12, 31)
    assert info.gender == "female"  # 17th digit 2 is even
    assert info.upgraded is False


def test_male_when_17th_digit_is_odd():
    assert id_number_clean("110101199001011237").gender == "male"


def test_lowercase_x_is_normalised():
    assert id_number_clean("11010519491231002x").number == VALID


def test_full_width_digits_and_spaces_are_normalised():
    assert id_number_clean("　１１０１０５ １９４９１２３１ ００２ｘ ").number == VALID


def test_wrong_check_digit_is_refused_in_chinese():
    with pytest.raises(IdNumberError) as exc:
        id_number_clean("110105194912310021")
    assert str(exc.value) == "身份证号校验位不正确，请核对后重新输入。"


def test_impossible_birth_date_is_refused():
    body = "11010519900230123"  # 30 February
    with pytest.raises(IdNumberError) as exc:
        id_number_clean(body + "0")
    assert str(exc.value) == "身份证号中的出生日期不存在。"


def test_future_birth_date_is_refused():
    from stdnum.cn import ric

    body = "11010520990101123"
    with pytest.raises(IdNumberError) as exc:
        id_number_clean(body + ric.calc_check_digit(body + "0"))
    assert str(exc.value) == "身份证号中的出生日期不合理。"


def test_unknown_province_is_refused():
    with pytest.raises(IdNumberError) as exc:
        id_number_clean("990101199001011237")
    assert str(exc.value) == "身份证号前 6 位不是有效的行政区划代码。"


def test_wrong_length_and_letters_are_refused():
    with pytest.raises(IdNumberError) as exc:
        id_number_clean("1101011990010112")
    assert str(exc.value) == "身份证号应为 18 位(当前 16 位)。"
    with pytest.raises(IdNumberError) as exc:
        id_number_clean("1101011990A1011237")
    assert str(exc.value) == "身份证号前 17 位应为数字，最后一位为数字或 X。"
    with pytest.raises(IdNumberError) as exc:
        id_number_clean("")
    assert str(exc.value) == "请填写身份证号。"


def test_fifteen_digit_legacy_number_is_upgraded():
    info = id_number_clean("110105491231002")
    assert info.number == VALID
    assert info.upgraded is True
    assert id_upgrade_15("110105491231002") == VALID


def test_fifteen_digit_number_with_impossible_date_is_refused():
    with pytest.raises(IdNumberError) as exc:
        id_number_clean("110105490231002")
    assert str(exc.value) == "身份证号中的出生日期不存在。"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13800001234", "13800001234"),
        ("138 0000 1234", "13800001234"),
        ("138-0000-1234", "13800001234"),
        ("+86 138 0000 1234", "13800001234"),
        ("8613800001234", "13800001234"),
        ("１３８００００１２３４", "13800001234"),
        ("", ""),
    ],
)
def test_phone_normalisation(raw, clean):
    assert phone_clean(raw) == clean


@pytest.mark.parametrize("raw", ["1380000123", "12800001234", "0571-88886666", "138000012345"])
def test_phone_that_is_not_a_mainland_mobile_is_refused(raw):
    with pytest.raises(ValueError) as exc:
        phone_clean(raw)
    assert str(exc.value) == "手机号码应为 11 位中国大陆手机号，如 13800001234。"
