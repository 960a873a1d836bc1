"""The implementation-list elements as columns: one table drives the XLSX template, export,
import, the JSON form and the version snapshots, so the four can never disagree.

A row has two spellings: `record` (English keys, codes; JSON and snapshots) and `cells`
(Chinese headers, labels; XLSX). Parsing accepts either spelling of a choice.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from onewindow.catalog.models import (
    ONLINE_DEPTHS,
    SPECIAL_PROCEDURES,
    Item,
    Material,
)
from onewindow.common.parsing import parse_int

YES, NO = "是", "否"


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as is."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, int, bool, choice, date, procedures, events, ref
    required: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # code -> label
    width: int = 18
    note: str = ""

    def to_cell(self, value: Any) -> Any:
        if value is None or value == "":
            return ""
        if self.kind == "bool":
            return YES if value else NO
        if self.kind == "choice":
            return self.choices.get(str(value), str(value))
        if self.kind == "procedures":
            return "；".join(f"{SPECIAL_PROCEDURES[p['kind']]}:{p['days']}" for p in value)
        if self.kind == "events":
            return "、".join(value)
        if self.kind == "date":
            return value if isinstance(value, str) else value.isoformat()
        return value

    def parse(self, raw: Any) -> Any:
        """The cell's value in record form, or CellError with a Chinese reason."""
        if isinstance(raw, str):
            raw = raw.strip()
        empty = raw is None or raw == ""
        if empty:
            if self.required:
                raise CellError("必填，不能为空。")
            return {"int": None, "bool": False, "procedures": [], "events": [], "date": None}.get(
                self.kind, ""
            )
        if self.kind == "text" or self.kind == "ref":
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)  # a code typed into a number cell
            return str(raw)
        if self.kind == "int":
            if isinstance(raw, bool):
                raise CellError(f"应为整数，不能是“{raw}”。")
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            number = parse_int(raw)  # ASCII digits only ("²" passes isdigit), within 32 bits
            if number is None:
                raise CellError(f"应为不小于0的整数，不能是“{raw}”。")
            return number
        if self.kind == "bool":
            if raw in (True, YES, "true", "True", 1):
                return True
            if raw in (False, NO, "false", "False", 0):
                return False
            raise CellError(f"只能填“是”或“否”，不能是“{raw}”。")
        if self.kind == "choice":
            text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
            if text in self.choices:
                return text
            for code, label in self.choices.items():
                if text == label:
                    return code
            if self.key == "item_type" and text.isdigit() and len(text) == 1:
                return self.parse("0" + text)  # Excel drops the leading zero of 01-09
            raise CellError(f"“{text}”无效，可选：{'、'.join(self.choices.values())}。")
        if self.kind == "date":
            if isinstance(raw, datetime.datetime):
                return raw.date().isoformat()
            if isinstance(raw, datetime.date):
                return raw.isoformat()
            try:
                return datetime.date.fromisoformat(str(raw).replace("/", "-")).isoformat()
            except ValueError:
                raise CellError(f"日期格式应为2026-06-10，不能是“{raw}”。") from None
        if self.kind == "procedures":
            return _parse_procedures(raw)
        if self.kind == "events":
            if isinstance(raw, list):
                return [str(x) for x in raw]
            return [p for p in (x.strip() for x in str(raw).replace(",", "、").split("、")) if p]
        raise AssertionError(self.kind)


def _parse_procedures(raw: Any) -> list[dict]:
    if isinstance(raw, list):
        return raw  # the JSON form; models.special_procedure_problem checks it
    by_label = {label: code for code, label in SPECIAL_PROCEDURES.items()}
    result = []
    for part in str(raw).replace(";", "；").split("；"):
        part = part.strip()
        if not part:
            continue
        label, _, days = part.replace("：", ":").partition(":")
        code = by_label.get(label.strip()) or (
            label.strip() if label in SPECIAL_PROCEDURES else None
        )
        if code is None:
            raise CellError(
                f"“{label}”不是特别程序，可选：{'、'.join(SPECIAL_PROCEDURES.values())}。"
            )
        number = parse_int(days, maximum=9999)
        if number is None:
            raise CellError(f"“{part}”应写成“程序:工作日数”，如“专家评审:15”。")
        result.append({"kind": code, "days": number})
    return result


def _choices(model_field: str, model=Item) -> dict[str, str]:
    return {str(k): str(v) for k, v in model._meta.get_field(model_field).choices}


ITEM_COLUMNS = [
    Column(
        "implementation_code",
        "实施编码",
        "ref",
        width=36,
        note="留空则按信用代码+层级+基本编码生成；只有地方编码的事项留空",
    ),
    Column(
        "basic_code",
        "基本编码",
        "ref",
        width=16,
        note="国家编码规则（GB/T 39046）；只有地方编码的事项可留空",
    ),
    Column(
        "local_basic_code",
        "地方基本编码",
        "ref",
        width=20,
        note="省级事项库发放的编码：英文字母、数字和连字符，最长32位",
    ),
    Column(
        "local_implementation_code",
        "地方实施编码",
        "ref",
        width=48,
        note="英文字母、数字和连字符，最长64位；与实施编码至少填一个",
    ),
    Column("library_version", "事项版本号", "ref", width=10, note="省级事项库中的版本号"),
    Column("name", "事项名称", required=True, width=30),
    Column("item_type", "事项类型", "choice", True, _choices("item_type")),
    Column("relation", "事项关系", "choice", True, _choices("relation")),
    Column("parent", "上级事项实施编码", "ref", width=36, note="实施编码或地方实施编码"),
    Column("unit_name", "实施主体", width=26),
    Column("unit", "实施主体统一社会信用代码", "ref", True, width=22),
    Column("level", "行使层级", "choice", True, _choices("level")),
    Column("legal_limit", "法定办结时限（工作日）", "int", True),
    Column("promised_limit", "承诺办结时限（工作日）", "int", True),
    Column("case_kind", "办件类型", "choice", True, _choices("case_kind")),
    Column("handling_forms", "办理形式", note="1窗口 2网上 3掌上 4快递，逗号分隔"),
    Column(
        "online_depth", "网办深度", "choice", choices={str(k): v for k, v in ONLINE_DEPTHS.items()}
    ),
    Column("fee_free", "不收费", "bool"),
    Column("fee_standard", "收费标准"),
    Column("fee_basis", "收费依据"),
    Column("legal_basis", "设定依据", width=40),
    Column("conditions", "受理条件", width=40),
    Column("process", "办理流程", width=30),
    Column("service_objects", "服务对象", note="顿号分隔"),
    Column("place", "办理地点", width=30),
    Column("hours", "办理时间", width=30),
    Column("consult_phone", "咨询电话"),
    Column("complaint_phone", "监督投诉电话"),
    Column("visits", "到办事现场次数", "int"),
    Column("special_procedures", "特别程序", "procedures", note="如：听证:10；专家评审:15"),
    Column("faq", "常见问题", width=30),
    Column("keywords", "关键词"),
    Column("life_events", "所属主题", "events", note="主题名称，顿号分隔"),
    Column("online_hall", "已在省级事项库发布", "bool"),
    Column("hall_status", "实体大厅进驻情况", "choice", True, _choices("hall_status")),
    Column("exempt_reason", "不进驻原因", "choice", choices=_choices("exempt_reason")),
    Column("exempt_note", "不进驻说明"),
    Column("exempt_doc_no", "县政府批准文号"),
    Column("exempt_date", "批准日期", "date"),
    Column("supervised", "已纳入电子监察", "bool"),
    Column("status", "状态", "choice", True, _choices("status")),
]

MATERIAL_COLUMNS = [
    Column("item", "事项实施编码", "ref", True, width=36, note="实施编码或地方实施编码"),
    Column("order", "序号", "int", True, width=6),
    Column("name", "材料名称", required=True, width=30),
    Column("issuer", "出具单位"),
    Column("originals", "原件份数", "int", width=10),
    Column("copies", "复印件份数", "int", width=10),
    Column("required", "必要", "bool", width=8),
    Column("form", "材料形式", "choice", True, _choices("form", Material)),
    Column("source", "来源渠道", "choice", True, _choices("source", Material)),
    Column("sharing_unit", "共享提供部门"),
    Column("standard", "受理标准", width=30),
    Column("is_main", "主要材料", "bool", width=10, note="否=次要材料"),
    Column("rongque", "可容缺后补", "bool", width=10),
]

ITEM_SHEET, MATERIAL_SHEET = "事项", "申请材料"
ITEM_FIELDS = [
    c.key for c in ITEM_COLUMNS if c.key not in {"parent", "unit", "unit_name", "life_events"}
]
MATERIAL_FIELDS = [c.key for c in MATERIAL_COLUMNS if c.key != "item"]


def item_record(item: Item, *, life_events: list[str] | None = None) -> dict[str, Any]:
    """An item in record form (materials excluded). Expects unit, parent, life_events loaded;
    `life_events` (names) stands in for the relation on an unsaved item."""
    record: dict[str, Any] = {}
    for key in ITEM_FIELDS:
        value = getattr(item, key)
        if key == "online_depth":
            value = str(value)
        elif key == "exempt_date" and value:
            value = value.isoformat()
        record[key] = value
    record["parent"] = item.parent.code if item.parent is not None else ""
    record["unit"] = item.unit.credit_code
    record["unit_name"] = item.unit.name
    names = life_events if life_events is not None else [e.name for e in item.life_events.all()]
    record["life_events"] = sorted(names)
    return record


def material_record(material: Material, item_code: str) -> dict[str, Any]:
    record = {key: getattr(material, key) for key in MATERIAL_FIELDS}
    record["item"] = item_code
    return record


def snapshot(item: Item) -> dict[str, Any]:
    """What a version keeps: the record plus the materials, in order."""
    data = item_record(item)
    data["materials"] = [
        {k: v for k, v in material_record(m, "").items() if k != "item"}
        for m in item.materials.all()
    ]
    return data


LABELS = {c.key: c.header for c in ITEM_COLUMNS} | {"materials": "申请材料"}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """Changed keys with [old, new]; materials compare as a whole list."""
    keys = [k for k in after if k in before and before[k] != after[k]]
    return {k: [before[k], after[k]] for k in keys}
