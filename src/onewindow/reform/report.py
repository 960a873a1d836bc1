"""The self-inspection report (S17, 五(四)) pre-filled from the data: what is in place and what is
not (the six checks of `reform.checks` with their facts), the unit's reasons and plans for each
failing check, its rectification plan and typical experience (`Submission.fields`). The wording
is reform/report/report.txt; the DOCX takes its layout from reform/report.docx (docxtpl), which
scripts/report_docx_template.py regenerates. The PDF is the whole submission for printing and
sealing: the report, then attachments 1, 2, 3 and 5 as tables."""

from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from onewindow.documents import docx, pdf, wording
from onewindow.org.models import Unit
from onewindow.reform import attachments
from onewindow.reform.models import Check, Submission, SubmissionVersion
from onewindow.reform.submissions import check_field_keys


def check_results(unit: Unit) -> dict:
    """The six checks of `unit` today (reform.checks)."""
    from onewindow.reform.checks import unit_checks

    return unit_checks(unit, timezone.localdate())


WORDING = "reform/report/report.txt"
DOCX_TEMPLATE = Path(__file__).parent / "templates" / "reform" / "report.docx"
NUMERALS = "一二三四五六"
BLANK = "（未填写）"
FILED_STATES = (Submission.State.SUBMITTED, Submission.State.ACCEPTED)

# The unit's free text: REPORT_FIELDS (summary / experience / rectification) and, per failing
# check, reason_<check> / plan_<check> (reform.submissions). reviewer / preparer / phone, when
# given, fill the attachments' footer (reform.attachments.footer).


@dataclass(frozen=True)
class CheckView:
    """A check as the report writes it."""

    check: str
    label: str
    passed: bool
    good: list[str]
    bad: list[str]
    reason: str = ""
    plan: str = ""
    numeral: str = ""


def _get(obj, name: str, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _fact_text(fact) -> str:
    return str(_get(fact, "text", "") or "").strip().rstrip("。；;")


def check_views(unit: Unit, fields: dict, results: dict | None = None) -> list[CheckView]:
    """The six checks in the seed's order, from `reform.checks.unit_checks` unless `results`
    ({Check: result with .passed and .facts}) is given."""
    if results is None:
        results = check_results(unit)
    by_value = {str(getattr(k, "value", k)): v for k, v in results.items()}
    views = []
    for check in Check:
        result = by_value.get(check.value)
        if result is None:
            continue
        facts = list(_get(result, "facts", []) or [])
        good = [_fact_text(f) for f in facts if _get(f, "passed", False)]
        bad = [_fact_text(f) for f in facts if not _get(f, "passed", False)]
        passed = bool(_get(result, "passed", False))
        views.append(
            CheckView(
                check.value,
                check.label,
                passed,
                [t for t in good if t],
                [t for t in bad if t],
                "" if passed else attachments.entry(fields, check_field_keys(check)[0]),
                "" if passed else attachments.entry(fields, check_field_keys(check)[1]),
            )
        )
    return views


def _numbered(views: list[CheckView]) -> list[CheckView]:
    return [CheckView(**{**v.__dict__, "numeral": NUMERALS[n]}) for n, v in enumerate(views)]


def filed_version(submission: Submission | None) -> SubmissionVersion | None:
    """The version the unit filed, while its report stands submitted or accepted: the report
    then says what was filed that day, not what the data says now."""
    if submission is None or submission.state not in FILED_STATES:
        return None
    versions = submission.versions.filter(state=Submission.State.SUBMITTED)
    return versions.order_by("-number", "-id").first()


def context(unit: Unit, submission: Submission | None = None, results=None) -> dict:
    """The wording's values: the live checks and texts, or those of the filed version."""
    fields = dict(submission.fields) if submission is not None else {}
    day = timezone.localdate()
    version = filed_version(submission)
    if version is not None:
        fields, results = dict(version.fields), version.facts
        day = timezone.localtime(version.at).date()
    views = check_views(unit, fields, results)
    return {
        "unit": unit,
        "round": submission.round if submission is not None else None,
        "today": day,
        "passed": _numbered([v for v in views if v.passed]),
        "failed": _numbered([v for v in views if not v.passed]),
        "summary": attachments.entry(fields, "summary"),
        "rectification": attachments.entry(fields, "rectification"),
        "experience": attachments.entry(fields, "experience"),
        "blank": BLANK,
    }


def report_paragraphs(unit: Unit, submission: Submission | None = None, results=None):
    return wording.paragraphs(WORDING, context(unit, submission, results))


def filename_stem(unit: Unit) -> str:
    return unit.short_name or unit.name


def report_docx(unit: Unit, submission: Submission | None = None, results=None) -> bytes:
    paragraphs = report_paragraphs(unit, submission, results)
    return docx.render(
        docx.template_path("reform/report.docx", DOCX_TEMPLATE),
        {"paragraphs": docx.styled(paragraphs)},
    )


# --- PDF ------------------------------------------------------------------------------------

PAGE_WIDTH_MM = 180  # A4 portrait less 15 mm margins


def _widths(table: attachments.Table) -> list[float]:
    raw = [c.width or 10 for c in table.columns]
    total = sum(raw)
    return [PAGE_WIDTH_MM * w / total for w in raw]


def _table_flowable(table: attachments.Table, style):
    """The attachment's grid: one or two header rows (groups spanning their columns), its rows,
    and attachment 3's seal block with its spans."""
    from reportlab.platypus import TableStyle

    columns = table.columns
    two = any(c.group for c in columns)
    spans = []
    if two:
        first = [c.group if c.group else c.header for c in columns]
        second = [c.header if c.group else "" for c in columns]
        header = [first, second]
        n = 0
        while n < len(columns):
            if not columns[n].group:
                spans.append(((n, 0), (n, 1)))
                n += 1
                continue
            end = n
            while end + 1 < len(columns) and columns[end + 1].group == columns[n].group:
                end += 1
            spans.append(((n, 0), (end, 0)))
            for k in range(n + 1, end + 1):
                first[k] = ""
            n = end + 1
    else:
        header = [[c.header for c in columns]]
    body = [["" if v is None else str(v) for v in row] for row in table.rows]
    extra = []
    for pieces in table.block:
        r, col, cells = len(header) + len(body) + len(extra), 0, []
        for text, span in pieces:
            cells += [text] + [""] * (span - 1)
            if span > 1:
                spans.append(((col, r), (col + span - 1, r)))
            col += span
        extra.append(cells)
    grid = pdf.grid([*header, *body, *extra], style=style, widths_mm=_widths(table))
    grid.setStyle(TableStyle([("SPAN", a, b) for a, b in spans]))
    return grid


def _attachment_story(table: attachments.Table, s) -> list:
    story = [
        pdf.page_break(),
        pdf.paragraph(f"附件{table.number}", s.plain),
        pdf.paragraph(table.title, s.title),
    ]
    if table.subtitle:
        story.append(pdf.paragraph(table.subtitle, s.plain))
    story.append(_table_flowable(table, s.cell))
    if table.footer:
        story += [pdf.gap(4), pdf.paragraph("    ".join(t for t in table.footer if t), s.plain)]
    return story


def submission_pdf(
    unit: Unit, submission: Submission | None = None, results=None, tables=None
) -> bytes:
    """The report followed by attachments 1, 2, 3 and 5, one document to print and seal."""
    s = pdf.styles(12, cell=7.5)
    story = []
    for p in report_paragraphs(unit, submission, results):
        style = s.plain if p.style == "annex" else getattr(s, p.style)
        story.append(pdf.paragraph(p.text, style))
        if p.gap:
            story.append(pdf.gap(p.gap))
    fields = dict(submission.fields) if submission is not None else {}
    for table in tables if tables is not None else attachments.tables(unit, fields):
        story += _attachment_story(table, s)
    return pdf.build(story, title=f"{unit.name}自查报告", margin_mm=15)
