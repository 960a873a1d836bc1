"""A unit's self-inspection files (report DOCX, attachments 1, 2, 3, 5 as XLSX, the whole
submission as PDF) under their Chinese names, and the ZIP of every unit's files for the reform
office: one folder per unit. The archive is built in memory: about 40 units of small files."""

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from onewindow.org.models import Unit
from onewindow.reform import attachments, checks, report

ATTACHMENT_NAMES = {
    1: "主要涉改单位名单",
    2: "依申请行政权力事项、公共服务事项进驻县政务大厅情况表",
    3: "行政审批服务股设置、授权、进驻政务大厅及启用行政审批专用章情况表",
    5: "授予行政审批服务股审批决定权的审批服务事项表",
}
ZIP_NAME = "涉改单位自查报告及附件.zip"


def safe_name(text: str) -> str:
    """A file or folder name from a unit's name: no path separators or characters Windows
    refuses, no leading dots."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text).strip(" .")
    return cleaned or "单位"


@dataclass(frozen=True)
class File:
    key: str  # report.docx, report.pdf, attachment1 …
    name: str
    kind: str  # docx / pdf / xlsx
    label: str
    number: int = 0  # the attachment's number


def unit_files(unit: Unit) -> list[File]:
    """The files a unit files, in the seed's order."""
    stem = safe_name(report.filename_stem(unit))
    files = [
        File("report.docx", f"{stem}自查报告.docx", "docx", "自查报告（Word，可编辑）"),
        File("report.pdf", f"{stem}自查报告及附件.pdf", "pdf", "自查报告及附件（PDF，打印盖章用）"),
    ]
    for n, title in ATTACHMENT_NAMES.items():
        files.append(
            File(f"attachment{n}", f"附件{n}-{stem}-{title}.xlsx", "xlsx", f"附件{n}：{title}", n)
        )
    return files


def unit_contents(unit: Unit, results: dict | None = None) -> dict[str, bytes]:
    """Every file of the unit by name; each table and the checks computed once (or given:
    `results` as `reform.checks.unit_checks` returns them)."""
    submission = attachments.submission_of(unit)
    fields = dict(submission.fields) if submission is not None else {}
    tables = attachments.tables(unit, fields)
    if results is None:
        results = report.check_results(unit)
    out = {}
    for f in unit_files(unit):
        if f.key == "report.docx":
            out[f.name] = report.report_docx(unit, submission, results)
        elif f.key == "report.pdf":
            out[f.name] = report.submission_pdf(unit, submission, results, tables)
        else:
            table = next(t for t in tables if t.number == f.number)
            out[f.name] = attachments.xlsx_bytes(table)
    return out


def zip_bytes(units: Iterable[Unit]) -> bytes:
    """One folder per unit holding its files."""
    buffer = io.BytesIO()
    units = list(units)
    day = timezone.localdate()
    results = checks.checks_for_units(units, day) if units else {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for unit in units:
            folder = safe_name(unit.name)
            for name, content in unit_contents(unit, results.get(unit.pk, {})).items():
                archive.writestr(f"{folder}/{name}", content)
    return buffer.getvalue()
