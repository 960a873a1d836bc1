"""The records' formats, the receiver's schema generated from the table, and its checks."""

import datetime
import functools
import re
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError

from onewindow.common.validators import id_message, validate_credit_code, validate_id_number
from onewindow.exchange.datasets.codes import CODE_SETS
from onewindow.exchange.datasets.table import DATASETS

# --- formats ------------------------------------------------------------------------------------


def date(value: datetime.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


@functools.cache
def _zone() -> zoneinfo.ZoneInfo:
    from django.conf import settings

    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def date_time(value: datetime.datetime | None) -> str:
    """YYYYMMDDThhmmss in the hall's time zone (Asia/Shanghai)."""
    if value is None:
        return ""
    t = value.astimezone(_zone())
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}"


# --- the schema and its checks (the receiver's side) --------------------------------------------


def schema() -> dict[str, Any]:
    """The receiver's schema, plain JSON: data set → items (with their code sets inline)."""
    out: dict[str, Any] = {}
    for d in DATASETS.values():
        out[d.key] = {
            "code": d.code,
            "name": d.name,
            "items": [
                {
                    "key": i.key,
                    "name": i.name,
                    "type": i.type,
                    "max_length": i.max_length,
                    "required": i.required,
                    "format": i.format,
                    "codes": dict(CODE_SETS[i.codes].codes) if i.codes else None,
                    "personal": i.personal,
                }
                for i in d.items
            ],
            "one_of": [list(g) for g in d.one_of],
            "required_if": [[r[0], r[1], list(r[2])] for r in d.required_if],
        }
    return out


_DATE = re.compile(r"^\d{8}$")
_DATE_TIME = re.compile(r"^\d{8}T\d{6}$")
_REGION = re.compile(r"^\d{6}(\d{6})?$")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_BASIC = re.compile(r"^[0-9A-Z]{2}\d{2}\d{5}\d{3}$")


def _message(exc: ValidationError, personal: bool) -> str:
    if personal:
        return id_message(exc)
    return exc.messages[0] if exc.messages else str(exc)


def _format_problem(fmt: str, value: str, record: dict, personal: bool) -> str:
    """Why `value` is not of `fmt`, or "". Messages of personal items never hold the value."""
    try:
        if fmt == "credit_code":
            validate_credit_code(value)
        elif fmt == "id_number":
            validate_id_number(value)
        elif fmt == "id_by_type":
            if record.get("applicant_id_type") == "001":
                validate_credit_code(value)
            else:
                validate_id_number(value)
        elif fmt == "region" and not _REGION.match(value):
            return "应为6位或12位数字的行政区划代码"
        elif fmt == "phone" and not _PHONE.match(value):
            return "应为11位手机号码或带区号的固定电话"
        elif fmt == "basic_code" and not _BASIC.match(value):
            return "应为12位基本编码（2位来源、2位事项类型、5位主项、3位子项）"
        elif fmt == "implementation_code":
            if len(value) != 31 or not _BASIC.match(value[19:]) or value[18] not in "1234567":
                return "应为31位实施编码（统一社会信用代码、行使层级、基本编码）"
            validate_credit_code(value[:18])
    except ValidationError as exc:
        # An organisation's credit code is public; a person's number is never echoed.
        return _message(exc, personal and exc.error_list[0].code.startswith("id_"))
    return ""


def _type_problem(kind: str, value: Any) -> str:
    if kind == "N":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "应为数值"
        return ""
    if not isinstance(value, str):
        return "应为字符串"
    if kind == "D":
        if not _DATE.match(value):
            return "应为YYYYMMDD格式的日期"
        try:
            datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        except ValueError:
            return "不是有效的日期"
    elif kind == "DT":
        if not _DATE_TIME.match(value):
            return "应为YYYYMMDDThhmmss格式的日期时间"
        try:
            datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
            datetime.time(int(value[9:11]), int(value[11:13]), int(value[13:15]))
        except ValueError:
            return "不是有效的日期时间"
    return ""


@functools.lru_cache(maxsize=4096)
def _public_code_problem(fmt: str, value: str) -> str:
    """Credit and item codes repeat in every record of a unit: each is checked once."""
    return _format_problem(fmt, value, {}, False)


def _filled(value: Any) -> bool:
    return value is not None and value != ""


_COMPILED: dict[int, tuple[dict, frozenset, tuple]] = {}


def _compiled(spec: dict[str, Any]) -> tuple[frozenset, tuple]:
    """The data set's item keys and its items as tuples, made once per schema."""
    hit = _COMPILED.get(id(spec))
    if hit is None or hit[0] is not spec:
        items = tuple(
            (
                i["key"],
                i["required"],
                i["type"],
                i["max_length"],
                frozenset(i["codes"]) if i["codes"] is not None else None,
                i["format"],
                i["personal"],
                i,
            )
            for i in spec["items"]
        )
        hit = _COMPILED[id(spec)] = (spec, frozenset(i["key"] for i in spec["items"]), items)
    return hit[1], hit[2]


def problems(record: Any, schema_: dict[str, Any]) -> str:
    """The first reason (Chinese) why `record` does not meet its data set, or "" when it does."""
    if not isinstance(record, dict):
        return "记录应为JSON对象"
    spec = schema_.get(record.get("data_set"))
    if spec is None:
        return f"未知的数据集“{str(record.get('data_set'))[:32]}”"
    label = f"{spec['name']}（{spec['code']}）"
    known, items = _compiled(spec)
    extra = sorted(record.keys() - known)
    if extra:
        return f"{label}没有数据项“{extra[0][:40]}”"
    for key, required, kind, max_length, codes, fmt, personal, item in items:
        value = record.get(key)
        if value is None or value == "":
            if required:
                return f"{label}缺少必填数据项{item['name']}（{key}）"
            continue
        problem = _type_problem(kind, value)
        if not problem and len(str(value)) > max_length:
            problem = f"长度{len(str(value))}超过{max_length}"
        if not problem and codes is not None and value not in codes:
            allowed = "、".join(f"{k} {v}" for k, v in item["codes"].items())
            problem = f"代码“{str(value)[:10]}”不在代码集中（可选：{allowed}）"
        if not problem and fmt:
            if personal or fmt == "id_by_type":
                problem = _format_problem(fmt, value, record, personal)
            else:
                problem = _public_code_problem(fmt, value)
        if problem:
            return f"{label}的{item['name']}（{key}）不符合要求：{problem}"
    for group in spec["one_of"]:
        if not any(_filled(record.get(k)) for k in group):
            names = "或".join(i["name"] for i in spec["items"] if i["key"] in group)
            return f"{label}须至少填写{names}"
    for key, when, values in spec["required_if"]:
        applies = _filled(record.get(when)) and (not values or record.get(when) in values)
        if applies and not _filled(record.get(key)):
            name = next(i["name"] for i in spec["items"] if i["key"] == key)
            return f"{label}缺少数据项{name}（{key}）：已填写{when}时必填"
    return ""
