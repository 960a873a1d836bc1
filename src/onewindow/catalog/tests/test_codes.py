import pytest
from django.core.exceptions import ValidationError

from onewindow.catalog.codes import (
    implementation_code,
    validate_basic_code,
    validate_implementation_code,
)


def _valid_credit():
    from stdnum.cn import uscc

    body = "11430922MB1234567"
    return body + uscc.calc_check_digit(body)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("0001040020", "应为12位，现为10位"),
        ("00010400200a", "只能由数字组成"),
        ("990104002000", "既不是国家目录"),
        ("001104002000", "不是有效的事项类型代码"),
    ],
)
def test_basic_code_errors_say_what_is_wrong(code, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_basic_code(code)
    assert fragment in exc.value.messages[0]


def test_basic_code_must_carry_the_item_type():
    validate_basic_code("000104002000", item_type="01")
    validate_basic_code("430104002000", item_type="01")  # created in Hunan
    with pytest.raises(ValidationError, match="与事项类型“行政给付”"):
        validate_basic_code("000104002000", item_type="05")


def test_implementation_code_is_credit_code_level_and_basic_code():
    credit = _valid_credit()
    code = implementation_code(credit_code=credit, level="4", basic_code="000104002000")
    assert len(code) == 31 and code == credit + "4" + "000104002000"
    validate_implementation_code(code, credit_code=credit, level="4", basic_code="000104002000")


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda c: c[:30], "应为31位，现为30位"),
        (lambda c: c[:17] + ("0" if c[17] != "0" else "1") + c[18:], "校验位"),
        (lambda c: c[:18] + "3" + c[19:], "第19位“3”与行使层级"),
        (lambda c: c[:-1] + "1", "后12位与基本编码不一致"),
    ],
)
def test_implementation_code_errors(mutate, fragment):
    credit = _valid_credit()
    good = implementation_code(credit_code=credit, level="4", basic_code="000104002000")
    with pytest.raises(ValidationError) as exc:
        validate_implementation_code(
            mutate(good), credit_code=credit, level="4", basic_code="000104002000"
        )
    assert fragment in exc.value.messages[0]


@pytest.mark.parametrize(
    ("header", "raw"),
    [
        ("事项名称", ""),
        ("法定办结时限（工作日）", "十天"),
        ("法定办结时限（工作日）", "-3"),
        ("行使层级", "区县级"),
        ("特别程序", "喝茶:3"),
        ("特别程序", "专家评审"),
    ],
)
def test_an_unreadable_cell_is_told_in_a_whole_sentence(header, raw):
    """Every other import message ends with 。; the cell messages did not (行使层级 …可选：…)."""
    from onewindow.catalog.elements import ITEM_COLUMNS, CellError

    column = next(c for c in ITEM_COLUMNS if c.header == header)
    with pytest.raises(CellError) as exc:
        column.parse(raw)
    assert str(exc.value).endswith("。")
