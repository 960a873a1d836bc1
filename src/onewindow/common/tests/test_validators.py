import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc

from onewindow.common.masking import mask_id_number, mask_mobile
from onewindow.common.validators import (
    id_message,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
    validate_region_code,
)

GOOD_CREDIT = "11430922MB0000221" + uscc.calc_check_digit("11430922MB0000221")
BODY_ID = "43092219900307123"
GOOD_ID = BODY_ID + ric.calc_check_digit(BODY_ID + "0")  # stdnum wants a placeholder


def _message(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def test_valid_credit_code_passes():
    validate_credit_code(GOOD_CREDIT)
    validate_credit_code(GOOD_CREDIT.lower())  # case folded


def test_credit_code_wrong_check_character_names_the_right_one():
    wrong = GOOD_CREDIT[:-1] + ("0" if GOOD_CREDIT[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(wrong)
    assert "校验位不正确" in _message(exc) and f"应为{GOOD_CREDIT[-1]}" in _message(exc)


@pytest.mark.parametrize(
    "value, words", [("1143092", "应为18位，当前为7位"), ("11430922MB00002I1X", "格式不正确")]
)
def test_credit_code_bad_shape(value, words):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(value)
    assert words in _message(exc)


def test_id_number_valid_and_full_width_digits_folded():
    validate_id_number(GOOD_ID)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in GOOD_ID)
    validate_id_number(full_width)


def test_identifiers_typed_in_full_width_mode_are_normalised():
    """A Chinese IME in full-width mode types U+3000 for the space bar, and ｘ for x."""
    from onewindow.common.validators import normalize_credit_code, normalize_id_number

    spaced = f"\u3000{GOOD_ID[:6]}\u3000{GOOD_ID[6:14]}\t{GOOD_ID[14:]}\u3000"
    assert normalize_id_number(spaced) == GOOD_ID
    validate_id_number(spaced)
    assert normalize_id_number("４３０９２２\u3000１９５６１０２６５５５ｘ") == "43092219561026555X"
    assert normalize_credit_code(f"{GOOD_CREDIT[:8]}\u3000{GOOD_CREDIT[8:].lower()}") == GOOD_CREDIT


def test_id_number_wrong_check_digit():
    wrong = BODY_ID + ("0" if GOOD_ID[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_id_number(wrong)
    assert "校验位不正确" in _message(exc)


@time_machine.travel(datetime.datetime(2026, 11, 26, 10, tzinfo=datetime.UTC))
def test_id_number_birth_date_in_future_refused():
    body = "43092220261231123"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(body + ric.calc_check_digit(body + "0"))
    assert "晚于今天" in _message(exc)


@pytest.mark.parametrize(
    "value, words",
    [
        ("4309221990030712", "应为18位"),
        ("430922199002301231", "出生日期“19900230”不存在"),
        ("43092219900307A231", "前17位应为数字"),
    ],
)
def test_id_number_bad_shape(value, words):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert words in _message(exc)


def test_id_number_unknown_birthplace():
    body = "99092219900307123"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(body + ric.calc_check_digit(body + "0"))
    assert "前6位地址码“990922”不是有效的行政区划" in _message(exc)


def test_mobile_and_region_code():
    validate_mobile("13812345678")
    with pytest.raises(ValidationError, match="11位"):
        validate_mobile("1381234567")
    validate_region_code("430922000000")
    with pytest.raises(ValidationError, match="12位数字"):
        validate_region_code("430922")


def test_masking():
    assert mask_id_number(GOOD_ID) == GOOD_ID[:4] + "*" * 10 + GOOD_ID[-4:]
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""


@pytest.mark.parametrize(
    "number",
    [
        GOOD_ID[:17],  # length
        GOOD_ID[:10] + "A" + GOOD_ID[11:],  # format
        GOOD_ID[:6] + "19901340" + GOOD_ID[14:],  # birth date
        GOOD_ID[:6] + "20990101" + GOOD_ID[14:],  # future birth
        GOOD_ID[:17] + ("1" if GOOD_ID[17] != "1" else "2"),  # check digit
        "999999" + BODY_ID[6:] + ric.calc_check_digit("999999" + BODY_ID[6:] + "0"),  # place
    ],
)
def test_id_message_names_the_problem_without_any_digit(number):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    quiet = id_message(exc.value)
    assert quiet.startswith("居民身份证号码") and quiet != "证件号码不符合要求"
    assert not any(ch.isdigit() for ch in quiet.replace("18位", "").replace("17位", ""))


@pytest.mark.parametrize("code", [GOOD_CREDIT[:17], GOOD_CREDIT[:17] + "Y", "I" + GOOD_CREDIT[1:]])
def test_id_message_of_a_credit_code_holds_none_of_it(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    quiet = id_message(exc.value)
    assert quiet.startswith("统一社会信用代码") and code[:8] not in quiet
    assert not any(ch.isdigit() for ch in quiet.replace("18位", "").replace("前8位", ""))
