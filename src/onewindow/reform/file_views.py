"""Downloads of the self-inspection files (S17): a unit's report (DOCX), its attachments 1, 2,
3 and 5 (XLSX) and the whole submission (PDF) for the unit's own window supervisor and team
leader and for the reform office and the supervisors; the ZIP of every unit's files for the
latter."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from onewindow.documents import content_disposition, download
from onewindow.org.access import permission_required
from onewindow.org.models import Unit
from onewindow.org.permissions import allows
from onewindow.reform import attachments, bundle, report

UNIT_PERM = "reform.download_unit_files"


def _unit_id(request, unit_id: int, **kwargs) -> int:
    return unit_id


def _unit(unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("没有找到该单位。")
    return unit


def _file(unit: Unit, key: str) -> bundle.File:
    return next(f for f in bundle.unit_files(unit) if f.key == key)


@permission_required(UNIT_PERM, fn=_unit_id)
def unit_files(request, unit_id: int):
    unit = _unit(unit_id)
    return render(
        request,
        "reform/unit_files.html",
        {
            "unit": unit,
            "files": bundle.unit_files(unit),
            "submission": attachments.submission_of(unit),
            "can_zip": allows(request.user, "reform.view_scorecard"),
        },
    )


@permission_required(UNIT_PERM, fn=_unit_id)
def attachment(request, unit_id: int, number: int):
    unit = _unit(unit_id)
    if number not in attachments.NUMBERS:
        raise Http404("没有这个附件：自查报告的附件是1、2、3、5。")
    content = attachments.xlsx_bytes(attachments.attachment(number, unit))
    return download(content, _file(unit, f"attachment{number}").name, "xlsx")


@permission_required(UNIT_PERM, fn=_unit_id)
def report_docx(request, unit_id: int):
    unit = _unit(unit_id)
    content = report.report_docx(unit, attachments.submission_of(unit))
    return download(content, _file(unit, "report.docx").name, "docx")


@permission_required(UNIT_PERM, fn=_unit_id)
def report_pdf(request, unit_id: int):
    unit = _unit(unit_id)
    content = report.submission_pdf(unit, attachments.submission_of(unit))
    return download(content, _file(unit, "report.pdf").name, "pdf")


@permission_required("reform.view_scorecard")
def zip_all(request):
    units = Unit.objects.filter(in_reform=True).order_by("id")
    response = HttpResponse(bundle.zip_bytes(units), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(bundle.ZIP_NAME)
    response["X-Content-Type-Options"] = "nosniff"
    return response
