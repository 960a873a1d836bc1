"""Reading numbers, dates and JSON that arrive from outside (query strings, form fields, uploaded
files), in one place. `str.isdigit()` is not enough: "²" and "١" pass it and then break `int()`;
a row id past 32 bits breaks the query; a JSON document nested a few thousand levels deep breaks
the parser with RecursionError. Every page, API operation and import reads through here."""

import datetime
import json
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import BadRequest

ID_MAX = 2_147_483_647  # the largest id a 32-bit column holds
JSON_MAX_DEPTH = 64  # an exported catalogue is 4 deep; nothing we accept needs more


class BadParameter(BadRequest):
    """A query parameter that cannot be read: answered as a Chinese 400 (page or Problem JSON)."""


def parse_int(value: Any, *, default: int | None = None, maximum: int = ID_MAX) -> int | None:
    """`value` as a whole number in 0..maximum when it is one (ASCII digits only, surrounding
    blanks ignored), else `default`. For form fields whose service explains what is missing."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value if 0 <= value <= maximum else default
    text = str(value or "").strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > 12:
        return default
    number = int(text)
    return number if number <= maximum else default


def parse_date(value: Any) -> datetime.date | None:
    """`YYYY-MM-DD` (or `YYYY/MM/DD`) as a date, else None."""
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-")
    if not text.isascii() or len(text) > 10:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def query_int(params: Mapping, name: str, *, label: str = "", maximum: int = ID_MAX) -> int | None:
    """An optional whole-number query parameter: None when absent or empty, a 400 when junk."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    number = parse_int(raw, maximum=maximum)
    if number is None:
        raise BadParameter(
            f"链接中的参数“{label or name}”应为不超过{maximum}的整数，收到的是“{str(raw)[:20]}”。"
            "请从页面上的菜单或链接重新进入。"
        )
    return number


def query_date(params: Mapping, name: str, *, label: str = "") -> datetime.date | None:
    """An optional date query parameter (YYYY-MM-DD): None when absent or empty, a 400 when junk."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    day = parse_date(raw)
    if day is None:
        raise BadParameter(
            f"链接中的参数“{label or name}”应为日期（如 2026-12-01），收到的是“{str(raw)[:20]}”。"
        )
    return day


def query_choice(params: Mapping, name: str, choices, *, label: str = "", default: str = ""):
    """An optional query parameter that must be one of `choices`: `default` when absent."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise BadParameter(
            f"链接中的参数“{label or name}”取值“{str(raw)[:20]}”无效，"
            f"可选：{'、'.join(str(c) for c in choices)}。"
        )
    return raw


class JsonRefused(ValueError):
    """A body or file that is not JSON we can read; the message is Chinese."""


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(data: bytes) -> int:
    """How deep arrays and objects nest in `data`, counted without recursion."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads_json(data: bytes | str, *, max_depth: int = JSON_MAX_DEPTH) -> Any:
    """json.loads that refuses, in Chinese, what is not JSON or nests deeper than `max_depth`."""
    raw = data.encode() if isinstance(data, str) else data
    if json_depth(raw) > max_depth:
        raise JsonRefused(f"JSON嵌套层次超过{max_depth}层，无法读取，请检查内容。")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise JsonRefused(f"不是有效的JSON（{exc.__class__.__name__}）。") from None
