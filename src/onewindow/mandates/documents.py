"""The authorization letter (attachment 4) as DOCX and PDF, and attachment 5 as XLSX. The
letter's wording is the template mandates/letter/letter.txt; the DOCX takes its layout from
mandates/letter.docx (docxtpl), which scripts/letter_docx_template.py regenerates."""

from pathlib import Path

from onewindow.documents import docx, pdf, wording, xlsx
from onewindow.documents.dates import BLANK
from onewindow.mandates.models import CLAUSES, ItemPower, Letter

NUMERALS = "一二三四五六"
WORDING = "mandates/letter/letter.txt"
DOCX_TEMPLATE = Path(__file__).parent / "templates" / "mandates" / "letter.docx"
ANNEX_HEADERS = [
    "序号",
    "事项名称",
    "基本编码",
    "事项关系",
    "事项类型",
    "授予权限",
    "压缩后承诺时限",
]
ATTACHMENT5_TITLE = "授予行政审批服务股审批决定权的审批服务事项表"
ATTACHMENT5_HEADERS = [
    "序号",
    "事项名称",
    "基本编码",
    "事项关系\n（注明父子项、独立项或业务办理项）",
    "事项类型",
    "承诺时限（原则上在原有承诺时限上缩减10%）",
    "受理、审核、决定、办结是否需经行政审批科（股）之外的其他科（股）室和局领导",
]
ATTACHMENT5_WIDTHS = (6, 34, 16, 18, 12, 22, 30)


def _names(letter: Letter) -> str:
    return f"{letter.supervisor.name}、{letter.team_leader.name}"


def _clauses(letter: Letter) -> list[dict]:
    chosen = []
    for n in sorted(letter.clauses):
        text = CLAUSES[n - 1]
        if n == 6 and letter.other_tasks.strip():
            text = text.rstrip("。") + "：" + letter.other_tasks.strip()
        chosen.append({"numeral": NUMERALS[n - 1], "text": text})
    return chosen


def letter_paragraphs(letter: Letter) -> list[wording.Para]:
    """The whole letter, paragraph by paragraph, from its wording template."""
    context = {
        "letter": letter,
        "names": _names(letter),
        "clauses": _clauses(letter),
        "blank": BLANK,
    }
    return wording.paragraphs(WORDING, context)


def paragraphs(letter: Letter) -> list[str]:
    """The letter's body (preamble, clauses, closing): the indented paragraphs."""
    return [p.text for p in letter_paragraphs(letter) if p.style == "body"]


def _relation(item) -> str:
    return {"main": "父项", "sub": "子项", "business": "业务办理项", "independent": "独立项"}[
        item.relation
    ]


def _powers(letter: Letter):
    return letter.powers.select_related("item").order_by("item__basic_code")


def _annex_rows(letter: Letter) -> list[list[str]]:
    return [
        [
            str(n),
            p.item.name,
            p.item.basic_code_shown,
            _relation(p.item),
            p.item.get_item_type_display(),
            p.get_power_display(),
            "即办" if p.cut_limit == 0 else f"{p.cut_limit}个工作日",
        ]
        for n, p in enumerate(_powers(letter), start=1)
    ]


def letter_docx(letter: Letter) -> bytes:
    """The letter in Word: the wording's paragraphs in the layout's styles, then the annex."""
    context = {
        "paragraphs": docx.styled(letter_paragraphs(letter)),
        "headers": ANNEX_HEADERS,
        "rows": _annex_rows(letter),
    }
    return docx.render(docx.template_path("mandates/letter.docx", DOCX_TEMPLATE), context)


def letter_pdf(letter: Letter) -> bytes:
    s = pdf.styles(12)
    story = []
    for p in letter_paragraphs(letter):
        if p.style == "annex":
            story.append(pdf.page_break())
        style = s.plain if p.style == "annex" else getattr(s, p.style)
        story.append(pdf.paragraph(p.text, style))
        if p.gap:
            story.append(pdf.gap(p.gap))
    rows = [ANNEX_HEADERS, *_annex_rows(letter)]
    story.append(pdf.grid(rows, style=s.cell, widths_mm=(10, 50, 27, 18, 20, 22, 24)))
    return pdf.build(story, title="审批服务授权委托书", margin_mm=20)


def attachment5_xlsx(
    letter: Letter, *, reviewer: str = "", preparer: str = "", phone: str = ""
) -> bytes:
    """Attachment 5 with the seed's exact columns: the items granted decision power."""
    wb, ws = xlsx.book("附件5")
    columns = [
        xlsx.Column(h, w) for h, w in zip(ATTACHMENT5_HEADERS, ATTACHMENT5_WIDTHS, strict=True)
    ]
    xlsx.write_table(
        ws,
        columns,
        attachment5_rows(letter),
        title=ATTACHMENT5_TITLE,
        subtitle=f"填报单位（盖章）：{letter.unit.name}",
        footer=[f"审核领导：{reviewer}", "", f"填报人：{preparer}", "", f"联系电话：{phone}"],
    )
    return xlsx.save(wb)


def attachment5_rows(letter: Letter) -> list[list]:
    """Attachment 5's rows: the letter's items granted decision power, in the seed's columns."""
    rows = []
    decided = [p for p in _powers(letter) if p.power == ItemPower.Power.DECISION]
    for n, p in enumerate(decided, start=1):
        promised = "即办" if p.cut_limit == 0 else f"{p.cut_limit}个工作日"
        if p.cut_reason:
            promised += f"（{p.cut_reason}）"
        rows.append(
            [
                n,
                p.item.name,
                p.item.basic_code_shown,
                _relation(p.item),
                p.item.get_item_type_display(),
                promised,
                f"是：{p.needs_other_note}" if p.needs_other else "否",
            ]
        )
    return rows
