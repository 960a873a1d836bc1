"""GB/T 39046-2020 code tables and the item code layouts (DOMAIN.md section 2)."""

import re

from django.core.exceptions import ValidationError
from django.db import models

from onewindow.common.validators import validate_credit_code


class ItemType(models.TextChoices):
    LICENSING = "01", "行政许可"
    PENALTY = "02", "行政处罚"
    ENFORCEMENT = "03", "行政强制"
    LEVY = "04", "行政征收"
    BENEFIT = "05", "行政给付"
    INSPECTION = "06", "行政检查"
    CONFIRMATION = "07", "行政确认"
    REWARD = "08", "行政奖励"
    ADJUDICATION = "09", "行政裁决"
    OTHER_POWER = "10", "其他行政权力"
    PUBLIC_SERVICE = "20", "公共服务"


# The six application-based power kinds of S2, plus public services: items an applicant asks
# for, so each needs materials and acceptance conditions. The rest are ex-officio.
APPLICATION_BASED = frozenset({"01", "05", "07", "08", "09", "10", "20"})


class Level(models.TextChoices):
    NATIONAL = "1", "国家级"
    PROVINCE = "2", "省级"
    CITY = "3", "市级"
    COUNTY = "4", "县级"
    TOWNSHIP = "5", "乡镇（街道）级"
    VILLAGE = "6", "村（社区）级"
    TIERED = "7", "分级管理"


# Province codes of GB/T 2260 that may open a locally created basic code.
PROVINCES = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36"),
        *("37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62"),
        *("63", "64", "65", "71", "81", "82"),
    }
)
_BASIC = re.compile(r"^(\d{2})(\d{2})(\d{5})(\d{3})$")


def validate_basic_code(value: str, *, item_type: str | None = None) -> None:
    """基本编码: source (00 or a province) + item type + 5-digit main item + 3-digit sub item."""
    value = value or ""
    if len(value) != 12:
        raise ValidationError(f"基本编码应为12位，现为{len(value)}位：“{value}”。")
    match = _BASIC.match(value)
    if not match:
        raise ValidationError(f"基本编码只能由数字组成：“{value}”。")
    source, type_code, _main, _sub = match.groups()
    if source != "00" and source not in PROVINCES:
        raise ValidationError(
            f"基本编码前两位“{source}”既不是国家目录（00），也不是省级行政区划代码。"
        )
    if type_code not in ItemType.values:
        raise ValidationError(f"基本编码第3-4位“{type_code}”不是有效的事项类型代码。")
    if item_type and type_code != item_type:
        raise ValidationError(
            f"基本编码第3-4位“{type_code}”与事项类型“{ItemType(item_type).label}”"
            f"（{item_type}）不一致。"
        )


def implementation_code(*, credit_code: str, level: str, basic_code: str) -> str:
    """实施编码: the unit's 18-character credit code + exercise level + basic code."""
    return f"{credit_code}{level}{basic_code}"


def validate_implementation_code(
    value: str, *, credit_code: str, level: str, basic_code: str
) -> None:
    value = value or ""
    if len(value) != 31:
        raise ValidationError(f"实施编码应为31位，现为{len(value)}位：“{value}”。")
    try:
        validate_credit_code(value[:18])
    except ValidationError as exc:
        raise ValidationError(
            f"实施编码前18位不是有效的统一社会信用代码：{exc.messages[0]}"
        ) from exc
    expected = implementation_code(credit_code=credit_code, level=level, basic_code=basic_code)
    if value[:18] != credit_code:
        raise ValidationError("实施编码前18位与实施主体的统一社会信用代码不一致。")
    if value[18] != level:
        raise ValidationError(f"实施编码第19位“{value[18]}”与行使层级（{level}）不一致。")
    if value != expected:
        raise ValidationError("实施编码后12位与基本编码不一致。")


# Local codes (地方基本编码 / 地方实施编码) as a provincial library issues them beside or
# instead of the national layout: letters in the basic code (14 characters seen), hyphen-joined
# implementation codes of 40-55 characters. Only their characters and length are checked, so
# that any province's layout passes; the limits leave room above what real libraries issue.
LOCAL_BASIC_MAX = 32
LOCAL_IMPLEMENTATION_MAX = 64
LIBRARY_VERSION_MAX = 20
LOCAL_CODE_CHARS = "英文字母、数字和连字符“-”"
LIBRARY_VERSION_CHARS = "英文字母、数字、点“.”和连字符“-”"
_LOOK_ALIKES = {
    "－": "全角连字符“－”请改为半角“-”",
    "—": "破折号“—”请改为半角连字符“-”",
    "–": "短横线“–”请改为半角连字符“-”",
    "_": "下划线“_”请改为半角连字符“-”",
    " ": "编码中不能有空格",
    "　": "编码中不能有全角空格",
}


def _allowed(ch: str, extra: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in extra)


def local_code_problem(value: str, *, label: str, limit: int, extra: str = "-") -> str:
    """Why a local code (or the library version) is not acceptable, or "" when it is: at most
    `limit` characters, ASCII letters and digits plus `extra`, the bad character named."""
    if len(value) > limit:
        return f"{label}最长{limit}位，现为{len(value)}位。"
    for position, ch in enumerate(value, start=1):
        if not _allowed(ch, extra):
            shown = "空格" if ch.isspace() else f"“{ch}”"
            allowed = LIBRARY_VERSION_CHARS if "." in extra else LOCAL_CODE_CHARS
            hint = _LOOK_ALIKES.get(ch, f"只能使用{allowed}")
            return f"{label}第{position}位{shown}是不允许的字符：{hint}。"
    return ""


def validate_local_basic_code(value: str) -> None:
    problem = local_code_problem(value or "", label="地方基本编码", limit=LOCAL_BASIC_MAX)
    if problem:
        raise ValidationError(problem, code="local_code")


def validate_local_implementation_code(value: str) -> None:
    problem = local_code_problem(value or "", label="地方实施编码", limit=LOCAL_IMPLEMENTATION_MAX)
    if problem:
        raise ValidationError(problem, code="local_code")


def validate_library_version(value: str) -> None:
    problem = local_code_problem(
        value or "", label="事项版本号", limit=LIBRARY_VERSION_MAX, extra=".-"
    )
    if problem:
        raise ValidationError(problem, code="local_code")


def item_code_problem(item) -> str:
    """What is wrong with an item's codes (national layout; local characters and length), or
    "" when they are right. An item needs the national codes or the local pair."""
    if item.basic_code or item.implementation_code:
        try:
            validate_basic_code(item.basic_code, item_type=item.item_type)
            validate_implementation_code(
                item.implementation_code,
                credit_code=item.unit.credit_code,
                level=item.level,
                basic_code=item.basic_code,
            )
        except ValidationError as exc:
            return exc.messages[0]
    elif not (item.local_basic_code and item.local_implementation_code):
        return "没有基本编码的事项须有地方基本编码和地方实施编码。"
    for validate, value in (
        (validate_local_basic_code, item.local_basic_code),
        (validate_local_implementation_code, item.local_implementation_code),
        (validate_library_version, item.library_version),
    ):
        try:
            validate(value)
        except ValidationError as exc:
            return exc.messages[0]
    return ""
