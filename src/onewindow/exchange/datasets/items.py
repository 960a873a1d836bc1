"""A data item and a data set of the table (table.py), and the item groups many sets share."""

from dataclasses import dataclass

# --- the data items ------------------------------------------------------------------------------

# Types (GB/T 39046-2020 table 2): C character, N number, D date YYYYMMDD, DT date-time
# YYYYMMDDThhmmss (GB/T 7408).
TYPES = {
    "C": "字符型",
    "N": "数值型",
    "D": "日期型（YYYYMMDD）",
    "DT": "日期时间型（YYYYMMDDThhmmss）",
}
# Formats checked beyond type and length.
FORMATS = {
    "credit_code": "统一社会信用代码（GB 32100，含校验位）",
    "id_number": "居民身份证号码（GB 11643，含校验位）",
    "id_by_type": "按证件类型：居民身份证号码或统一社会信用代码，含校验位",
    "basic_code": "12位基本编码：2位来源+2位事项类型+5位主项+3位子项",
    "implementation_code": "31位实施编码：18位统一社会信用代码+1位行使层级+12位基本编码",
    "region": "行政区划代码，6位或12位数字",
    "phone": "手机号码或带区号的固定电话",
}


@dataclass(frozen=True)
class Item:
    name: str  # 中文名称
    key: str  # English key, the record's field
    type: str  # TYPES
    max_length: int
    required: bool
    source: str  # where the value comes from, in words
    codes: str = ""  # CODE_SETS key
    format: str = ""  # FORMATS key
    personal: bool = False  # a personal number: never echoed in a refusal or a log
    verified: bool = True  # found in the standard's published text (False: see the module doc)
    # Free text taken from an immutable event (an opinion, a reason): a text longer than the
    # item could never be fixed at its source, so the push cuts it to the length, ending "…".
    cut: bool = False


def _i(name, key, type_, max_length, required, source, **kw) -> Item:
    return Item(name, key, type_, max_length, required, source, **kw)


@dataclass(frozen=True)
class DataSet:
    key: str
    code: str  # section of GB/T 39046-2020
    name: str
    table: str
    events: str  # which events make its records
    items: tuple[Item, ...]
    # Each group: at least one of these items is filled (national or local item codes).
    one_of: tuple[tuple[str, ...], ...] = ()
    # (item, when item, has one of these values): then the item is required.
    required_if: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    verified: bool = True


# Every record carries these (the exchange's fields, DOMAIN.md section 7).
EXCHANGE = (
    _i("数据集", "data_set", "C", 32, True, "记录所属数据集的英文键，如 acceptance"),
    _i(
        "记录标识",
        "record_id",
        "C",
        80,
        True,
        "出站事件标识/数据集/序号：同一事件重发时不变；更新（U）沿用被更新记录的标识",
    ),
    _i("批次号", "batch_no", "C", 40, True, "每次推送请求一个：推送时间+领取标识"),
    _i(
        "操作类型",
        "operation",
        "C",
        1,
        True,
        "I 新增；U 更新（接收方按记录标识替换）：恢复办理与技术审查报告更新特别程序，"
        "确认签收更新办结，督办的反馈、升级、办结更新督办",
        codes="operation",
    ),
    _i("同步时间", "sync_time", "DT", 15, True, "本次推送组装记录的时间"),
    _i(
        "数据来源", "data_source", "C", 50, True, "设置 ONEWINDOW_EXCHANGE_SOURCE（默认 ONEWINDOW）"
    ),
)

# The item's identity, national and local codes side by side (either pair may be blank).
ITEM_CODES = (
    _i("事项名称", "item_name", "C", 200, True, "事项.事项名称"),
    _i(
        "实施编码",
        "implementation_code",
        "C",
        31,
        False,
        "事项.实施编码",
        format="implementation_code",
    ),
    _i("基本编码", "basic_code", "C", 12, False, "事项.基本编码", format="basic_code"),
    _i(
        "地方实施编码",
        "local_implementation_code",
        "C",
        64,
        False,
        "事项.地方实施编码",
        verified=False,
    ),
    _i("地方基本编码", "local_basic_code", "C", 32, False, "事项.地方基本编码", verified=False),
    _i(
        "事项版本号",
        "library_version",
        "C",
        20,
        False,
        "事项.事项版本号（省级事项库）",
        verified=False,
    ),
)
CODES_ONE_OF = (("implementation_code", "local_implementation_code"),)

CASE_NUMBERS = (
    _i(
        "申办流水号",
        "apply_no",
        "C",
        40,
        True,
        "本系统的申请编号：OW+办件内部编号，收件时即有",
        verified=False,
    ),
    _i("办件编号", "case_no", "C", 24, True, "办件.办件编号（受理时编号）"),
    _i(
        "省平台申报号",
        "province_application_id",
        "C",
        64,
        False,
        "办件.省平台申报号（来自省平台的申请）",
        verified=False,
    ),
)


def _unit(prefix: str, label: str, required: bool = True) -> tuple[Item, ...]:
    return (
        _i(f"{label}名称", f"{prefix}_name", "C", 100, required, "单位.单位名称"),
        _i(
            f"{label}统一社会信用代码",
            f"{prefix}_credit_code",
            "C",
            18,
            required,
            "单位.统一社会信用代码",
            format="credit_code",
        ),
    )


REGION = _i("行政区划代码", "region_code", "C", 12, True, "单位所属行政区划", format="region")
