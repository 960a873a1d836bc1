"""Issue 15 item 3: one reading of a sum of money in yuan for every form, schema and service."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from onewindow.common.validators import COLUMN_MAX_YUAN, max_yuan, parse_yuan, validate_yuan


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("20", Decimal("20.00")),
        (" 20.5 ", Decimal("20.50")),
        ("２０．５０", Decimal("20.50")),  # full-width, as an IME types it
        ("", Decimal("0.00")),
        (None, Decimal("0.00")),
        ("-0", Decimal("0.00")),
        (15, Decimal("15.00")),
        (Decimal("9999999.99"), Decimal("9999999.99")),
    ],
)
def test_i15_03_sums_read_as_two_place_decimals(given, expected):
    amount = parse_yuan(given, "收费金额")
    assert amount == expected and amount.as_tuple().exponent == -2
    assert str(amount) == str(expected)  # never "-0.00" nor an exponent


@pytest.mark.parametrize(
    "given",
    ["1E+30", "NaN", "Infinity", "+5", "¥5", "5元", ".5", "٣", Decimal("NaN"), Decimal("-1"), True],
)
def test_i15_03_anything_else_is_refused_in_chinese(given):
    with pytest.raises(ValidationError) as exc:
        parse_yuan(given, "邮寄费用")
    assert exc.value.messages[0].startswith("邮寄费用")


def test_i15_03_the_maximum_is_configurable_within_the_column(settings):
    assert max_yuan() == Decimal("10000000")
    settings.ONEWINDOW_FEE_MAX_YUAN = Decimal("1E+12")  # more than the column holds
    assert max_yuan() == COLUMN_MAX_YUAN
    with pytest.raises(ValidationError, match=r"超过上限99,999,999\.99元"):
        validate_yuan(Decimal("100000000"))
