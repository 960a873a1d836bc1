"""The authorization letter (attachment 4) as DOCX and PDF, and attachment 5 as XLSX."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from onewindow.documents import xlsx
from onewindow.mandates.models import CLAUSES, CLOSING, PREAMBLE, ItemPower, Letter

NUMERALS = "一二三四五六"
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


def _names(letter: Letter) -> str:
    return f"{letter.supervisor.name}、{letter.team_leader.name}"


def paragraphs(letter: Letter) -> list[str]:
    """The letter's body, clause by clause, in attachment 4's words."""
    body = [PREAMBLE.format(names=_names(letter))]
    for n in sorted(letter.clauses):
        text = CLAUSES[n - 1]
        if n == 6 and letter.other_tasks.strip():
            text = text.rstrip("。") + "：" + letter.other_tasks.strip()
        body.append(f"{NUMERALS[n - 1]}、{text}")
    body.append(CLOSING)
    return body


def _relation(item) -> str:
    return {"main": "父项", "sub": "子项", "business": "业务办理项", "independent": "独立项"}[
        item.relation
    ]


def _powers(letter: Letter):
    return letter.powers.select_related("item").order_by("item__basic_code")


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "年    月   日"


def letter_docx(letter: Letter) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(12)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("审批服务授权委托书")
    run.bold = True
    run.font.size = Pt(18)
    doc.add_paragraph(f"授权委托机关：{letter.unit.name}")
    doc.add_paragraph(f"法定代表人：{letter.legal_representative}")
    doc.add_paragraph(f"被授权人：{_names(letter)}")
    for text in paragraphs(letter):
        doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(24)
    doc.add_paragraph(f"有效期：{_date(letter.valid_from)}至{_date(letter.valid_until)}")
    doc.add_paragraph(f"授权委托机关（章）：{letter.unit.name}")
    doc.add_paragraph("法定代表人（签字）：")
    doc.add_paragraph("被授权人（签字）：")
    doc.add_paragraph(_date(letter.signed_on)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_page_break()
    doc.add_paragraph("附：授权事项清单").runs[0].bold = True
    table = doc.add_table(rows=1, cols=len(ANNEX_HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ANNEX_HEADERS, strict=True):
        cell.text = text
    for n, p in enumerate(_powers(letter), start=1):
        cells = table.add_row().cells
        values = [
            str(n),
            p.item.name,
            p.item.basic_code,
            _relation(p.item),
            p.item.get_item_type_display(),
            p.get_power_display(),
            "即办" if p.cut_limit == 0 else f"{p.cut_limit}个工作日",
        ]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def letter_pdf(letter: Letter) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table
    from reportlab.platypus import TableStyle as TS

    from onewindow.documents import cjk_font
    from onewindow.documents.pdf import paragraph

    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, firstLineIndent=24)
    plain = ParagraphStyle("plain", fontName=font, fontSize=12, leading=20)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=28, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=plain, alignment=TA_RIGHT)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    story = [
        paragraph("审批服务授权委托书", title),
        Spacer(1, 6 * mm),
        paragraph(f"授权委托机关：{letter.unit.name}", plain),
        paragraph(f"法定代表人：{letter.legal_representative}", plain),
        paragraph(f"被授权人：{_names(letter)}", plain),
        Spacer(1, 3 * mm),
    ]
    story += [paragraph(text, body) for text in paragraphs(letter)]
    story += [
        paragraph(f"有效期：{_date(letter.valid_from)}至{_date(letter.valid_until)}", plain),
        Spacer(1, 8 * mm),
        paragraph(f"授权委托机关（章）：{letter.unit.name}", plain),
        paragraph("法定代表人（签字）：", plain),
        Spacer(1, 4 * mm),
        paragraph("被授权人（签字）：", plain),
        Spacer(1, 4 * mm),
        paragraph(_date(letter.signed_on), right),
        PageBreak(),
        paragraph("附：授权事项清单", plain),
        Spacer(1, 3 * mm),
    ]
    rows = [[paragraph(h, cell) for h in ANNEX_HEADERS]]
    for n, p in enumerate(_powers(letter), start=1):
        rows.append(
            [
                paragraph(v, cell)
                for v in (
                    str(n),
                    p.item.name,
                    p.item.basic_code,
                    _relation(p.item),
                    p.item.get_item_type_display(),
                    p.get_power_display(),
                    "即办" if p.cut_limit == 0 else f"{p.cut_limit}个工作日",
                )
            ]
        )
    table = Table(rows, colWidths=[10 * mm, 50 * mm, 27 * mm, 18 * mm, 20 * mm, 22 * mm, 24 * mm])
    table.setStyle(TS([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, title="审批服务授权委托书", leftMargin=20 * mm, rightMargin=20 * mm
    ).build(story)
    return out.getvalue()


def attachment5_xlsx(
    letter: Letter, *, reviewer: str = "", preparer: str = "", phone: str = ""
) -> bytes:
    """Attachment 5 with the seed's exact columns: the items granted decision power."""
    wb = Workbook()
    ws = wb.active
    ws.title = "附件5"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([ATTACHMENT5_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(xlsx.row(ws, [f"填报单位（盖章）：{letter.unit.name}"]))
    ws.append(ATTACHMENT5_HEADERS)
    decided = [p for p in _powers(letter) if p.power == ItemPower.Power.DECISION]
    for n, p in enumerate(decided, start=1):
        promised = "即办" if p.cut_limit == 0 else f"{p.cut_limit}个工作日"
        if p.cut_reason:
            promised += f"（{p.cut_reason}）"
        ws.append(
            xlsx.row(
                ws,
                [
                    n,
                    p.item.name,
                    p.item.basic_code,
                    _relation(p.item),
                    p.item.get_item_type_display(),
                    promised,
                    f"是：{p.needs_other_note}" if p.needs_other else "否",
                ],
            )
        )
    last = ws.max_row
    for row in ws.iter_rows(min_row=3, max_row=last):
        for c in row:
            c.border = border
            c.alignment = Alignment(wrap_text=True, vertical="center")
    ws.append([])
    footer = [f"审核领导：{reviewer}", "", f"填报人：{preparer}", "", f"联系电话：{phone}"]
    ws.append(xlsx.row(ws, footer))
    for letter_col, width in zip("ABCDEFG", (6, 34, 16, 18, 12, 22, 30), strict=True):
        ws.column_dimensions[letter_col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
