"""docs/datasets.md, generated from the table."""

from onewindow.exchange.datasets.codes import CODE_SETS
from onewindow.exchange.datasets.items import FORMATS, TYPES
from onewindow.exchange.datasets.table import DATASETS

# --- the documentation --------------------------------------------------------------------------


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """docs/datasets.md: the table above, as people read it."""
    out = [
        "# 省平台推送的办件数据集（GB/T 39046-2020 第6章）",
        "",
        "本文件由 `onewindow exchange_datasets --write docs/datasets.md` 从"
        " `src/onewindow/exchange/datasets/table.py` 生成，请勿手工修改；测试核对两者一致。",
        "",
        "推送端在发送时按出站队列行和办件、事件等源数据组装记录，接收端（`onewindow"
        " province_receiver`）按同一张表生成的模式逐条校验。标“未核对”的数据项或代码集按"
        " DOMAIN.md 第7节和省级平台的通行做法拟定，尚未与标准原文逐项核对。",
        "",
        "类型：" + "；".join(f"{k} {v}" for k, v in TYPES.items()) + "。",
        "",
        "格式：",
        "",
        *[f"- `{k}`：{v}" for k, v in FORMATS.items()],
        "",
    ]
    for d in DATASETS.values():
        out += [
            f"## {d.code} {d.name}（{d.table}，键 `{d.key}`）"
            + ("" if d.verified else "〔未核对〕"),
            "",
            f"产生于：{d.events}。",
            "",
            "| 中文名称 | 英文键 | 类型 | 最大长度 | 必填 | 格式或代码集 | 来源 |",
            "|---|---|---|---|---|---|---|",
        ]
        for i in d.items:
            rule = FORMATS[i.format] if i.format else ""
            if i.codes:
                cs = CODE_SETS[i.codes]
                rule = f"代码集 {cs.name}（{cs.ref}）"
            flags = (
                ("；个人信息，拒收理由与日志中不出现其值" if i.personal else "")
                + ("；超过最大长度时截至最大长度，以“…”结尾" if i.cut else "")
                + ("" if i.verified else "；未核对")
            )
            out.append(
                f"| {_cell(i.name)} | `{i.key}` | {i.type} | {i.max_length} | "
                f"{'是' if i.required else '否'} | {_cell(rule)} | {_cell(i.source + flags)} |"
            )
        rules = ["至少填写其一：" + "、".join(f"`{k}`" for k in group) for group in d.one_of] + [
            f"`{key}` 在 `{when}` 已填写"
            + (f"且为 {'、'.join(values)} " if values else " ")
            + "时必填"
            for key, when, values in d.required_if
        ]
        if rules:
            out += ["", "记录规则：" + "；".join(rules) + "。"]
        out.append("")
    out += ["## 代码集", ""]
    for cs in CODE_SETS.values():
        codes = "；".join(f"{k} {v}" for k, v in cs.codes.items())
        mark = "" if cs.verified else "〔未核对〕"
        out.append(f"- {cs.name}（{cs.ref}，`{cs.key}`）{mark}：{codes}")
    out.append("")
    return "\n".join(out)
