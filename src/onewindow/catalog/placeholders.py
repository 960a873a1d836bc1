"""Placeholder text in required elements (S3): “待补充”, “以…为准” and the like stand in for an
element nobody has written yet. The catalogue check reports them; nothing refuses them, since a
county's first import is often full of them and must get in to be corrected.

Careful on purpose: a whole value is a placeholder when it is only a filler word (“无”, “暂无”,
“待定”, “略”, “/”), a bare “以…为准” or “详见…”/“参见…” with no cited document (no 《…》),
or a bare “相关规定”; a few phrases (“待补充”, “待完善”, “待填写”, “待录入”, “待更新”) are
placeholders wherever they stand. Legitimate text that merely contains “以原件为准” or
“详见《行政许可法》第十二条” is not flagged.
"""

import re

from onewindow.catalog.codes import APPLICATION_BASED
from onewindow.catalog.elements import LABELS

# A whole value that is only one of these (after trimming spaces and end punctuation).
FILLERS = frozenset(
    {
        "无",
        "暂无",
        "没有",
        "空",
        "略",
        "待定",
        "待补",
        "待补充",
        "待完善",
        "待填写",
        "待录入",
        "待更新",
        "待确认",
        "不详",
        "未知",
        "同上",
        "另行通知",
        "暂缺",
        "null",
        "none",
        "n/a",
        "na",
        "tbd",
        "todo",
        "xxx",
        "xx",
    }
)
# Phrases that mark a placeholder wherever they stand in the text.
MARKERS = ("待补充", "待完善", "待填写", "待录入", "待更新")
_TRIM = " \t\r\n　。.，,；;：:、!！?？"
_ONLY_PUNCT = re.compile(r"^[\s\-—–_/\\|.。…·*＊~～－]+$")
_AS_PREVAILS = re.compile(r"^(具体)?(请|均|一律)?以[^《》]{0,30}为准$")
_SEE = re.compile(r"^(具体)?(请)?(详见|参见|参照|见)[^《》]{0,30}$")
_VAGUE = re.compile(
    r"^(根据|依据|依照|按照?|参照)?(国家|上级)?(相关|有关)的?(法律|法规|规定|政策|文件|要求)"
    r"[^《》]{0,12}$"
)


def placeholder(text: str) -> str:
    """The placeholder `text` is (as shown to the user), or "" when it is real content."""
    value = (text or "").strip(_TRIM)
    raw = (text or "").strip()
    if not raw:
        return ""  # a blank element is its own finding (missing), not a placeholder
    if not value or _ONLY_PUNCT.match(raw):
        return raw
    if value.lower() in FILLERS:
        return value
    for marker in MARKERS:
        if marker in value:
            return marker
    if _AS_PREVAILS.match(value) or _SEE.match(value) or _VAGUE.match(value):
        return value
    return ""


def placeholder_elements(item) -> list[tuple[str, str]]:
    """The required elements of `item` that hold placeholder text, as (label, placeholder):
    the legal basis always, the conditions and material names of an application-based item,
    the fee standard and basis of a charged item. Expects the item's materials prefetched."""
    fields = ["legal_basis"]
    if item.item_type in APPLICATION_BASED:
        fields.append("conditions")
    if not item.fee_free:
        fields += ["fee_standard", "fee_basis"]
    found = []
    for name in fields:
        text = placeholder(getattr(item, name))
        if text:
            found.append((LABELS[name], text))
    if item.item_type in APPLICATION_BASED:
        for material in item.materials.all():
            text = placeholder(material.name)
            if text:
                found.append((f"申请材料第{material.order}项的名称", text))
    return found
