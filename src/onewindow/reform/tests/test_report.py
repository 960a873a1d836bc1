"""Issue 18 item 4: the self-inspection report (DOCX) pre-filled from the six checks and the
unit's texts, the whole submission as one PDF, the ZIP of every unit's files, and who downloads
them."""

import datetime
import io
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from onewindow.documents.tests import pdftext
from onewindow.org.models import Unit
from onewindow.org.roles import RoleCode
from onewindow.reform import bundle, report
from onewindow.reform.checks import unit_checks
from onewindow.reform.models import Check, Round, Submission
from onewindow.reform.submissions import submission_submit
from onewindow.testing.factories import DeskFactory, UnitFactory, staff_user

pytestmark = pytest.mark.django_db

HOSTILE = "<w:t>标记</w:t> & {{ unit.name }} {%p if %}"


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def _submission(unit, **fields) -> Submission:
    today = timezone.localdate()
    rnd = Round.objects.create(
        name="2026年深化改革",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        report_due=today + datetime.timedelta(days=20),
    )
    return Submission.objects.create(round=rnd, unit=unit, fields=fields)


def _failing_unit():
    """A desk without a seal or first-asked record: some checks fail, some pass."""
    desk = DeskFactory()
    results = unit_checks(desk.unit, timezone.localdate())
    failing = [Check(k) for k, r in results.items() if not r.passed]
    assert failing and len(failing) < len(results)
    fields = {
        "summary": "总体推进顺利",
        "experience": "一窗受理经验" + HOSTILE,
        "rectification": "6月底前全部整改",
    }
    for check in failing:
        fields[f"reason_{check.value}"] = f"{check.label}原因说明"
        fields[f"plan_{check.value}"] = f"{check.label}整改措施"
    return desk, results, failing, _submission(desk.unit, **fields)


def test_report_docx_holds_every_fact_and_the_units_texts():
    desk, results, failing, submission = _failing_unit()
    text = _docx_text(report.report_docx(desk.unit, submission, results))
    assert f"{desk.unit.name}深化审批服务“三集中三到位”改革自查报告" in text
    for result in results.values():
        for fact in result.facts:
            assert fact.text.rstrip("。；;") in text, fact.text
    for check in failing:
        assert f"未到位原因：{check.label}原因说明" in text
        assert f"整改措施及时限：{check.label}整改措施" in text
    passed = [Check(k).label for k, r in results.items() if r.passed]
    assert f"已到位{len(passed)}项（{'、'.join(passed)}）" in text
    assert "总体推进顺利" in text and "6月底前全部整改" in text
    assert "一窗受理经验" + HOSTILE in text  # markup and template tags stay text
    assert "（未填写）" not in text


def test_a_filed_report_says_what_was_filed_not_what_changed_since():
    desk, _results, failing, submission = _failing_unit()
    submission.round.units.add(desk.unit)
    fields = dict(submission.fields)
    submission_submit(
        acting_user=desk.winsup, round=submission.round, unit=desk.unit, fields=fields
    )
    # Later the stored texts and the data change; the filed version is what the report shows.
    Submission.objects.filter(pk=submission.pk).update(fields={"summary": "之后的草稿"})
    everything_passes = {c.value: {"passed": True, "facts": []} for c in Check}
    submission.refresh_from_db()
    text = _docx_text(report.report_docx(desk.unit, submission, everything_passes))
    assert "总体推进顺利" in text and "之后的草稿" not in text
    assert f"未到位原因：{failing[0].label}原因说明" in text
    # Returned for changes: the report is live again.
    Submission.objects.filter(pk=submission.pk).update(state=Submission.State.RETURNED)
    submission.refresh_from_db()
    text = _docx_text(report.report_docx(desk.unit, submission, everything_passes))
    assert "之后的草稿" in text and "三、未到位情况及原因" in text
    assert "六项要求均已到位。" in text


def test_report_without_submission_marks_the_blanks():
    desk = DeskFactory()
    text = _docx_text(report.report_docx(desk.unit))
    assert "（未填写）" in text
    assert "一、总体情况" in text and "五、典型经验" in text


def test_submission_pdf_is_the_report_then_the_four_attachments():
    desk, results, failing, submission = _failing_unit()
    data = report.submission_pdf(desk.unit, submission, results)
    text = pdftext.text(data)
    flat = re.sub(r"\s+", "", HOSTILE)
    assert flat in text
    assert f"{failing[0].label}原因说明" in text
    for title in (
        "主要涉改单位",
        "依申请行政权力事项、公共服务事项进驻县政务大厅情况表",
        "行政审批服务股设置、授权、进驻政务大厅及启用行政审批专用章情况表",
        "授予行政审批服务股审批决定权的审批服务事项表",
    ):
        assert title in text
    assert "事项纳入电子监察系统情况" in text and "行政审批专用章启用情况" in text
    assert desk.item.name in text and f"填报单位（盖章）：{desk.unit.name}" in text
    seen = pdftext.read(data)
    assert seen["annotations"] == 0 and seen["images"] == 0


def test_zip_holds_every_units_files_in_its_folder():
    a = DeskFactory().unit
    b = UnitFactory(name="测试/县:局")
    data = bundle.zip_bytes([a, b])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        docx_name = f"{a.name}/{a.short_name}自查报告.docx"
        assert "总体情况" in _docx_text(archive.read(docx_name))
    expected = []
    for unit, folder in ((a, a.name), (b, "测试_县_局")):
        stem = unit.short_name
        expected += [
            f"{folder}/{stem}自查报告.docx",
            f"{folder}/{stem}自查报告及附件.pdf",
            f"{folder}/附件1-{stem}-主要涉改单位名单.xlsx",
            f"{folder}/附件2-{stem}-依申请行政权力事项、公共服务事项进驻县政务大厅情况表.xlsx",
            f"{folder}/附件3-{stem}-行政审批服务股设置、授权、进驻政务大厅及启用行政审批专用章情况表.xlsx",
            f"{folder}/附件5-{stem}-授予行政审批服务股审批决定权的审批服务事项表.xlsx",
        ]
    assert names == expected


def test_downloads_are_the_units_own_or_the_offices(client):
    desk = DeskFactory()
    other = UnitFactory()
    unit = desk.unit
    client.force_login(desk.winsup)
    page = client.get(reverse("reform:unit_files", args=[unit.pk]))
    assert page.status_code == 200
    assert reverse("reform:attachment", args=[unit.pk, 3]) in page.content.decode()
    got = client.get(reverse("reform:attachment", args=[unit.pk, 2]))
    assert got.status_code == 200
    assert "filename*=UTF-8''" in got["Content-Disposition"]
    assert got["Content-Type"].endswith("spreadsheetml.sheet")
    assert client.get(reverse("reform:report_docx", args=[unit.pk])).status_code == 200
    assert client.get(reverse("reform:attachment", args=[unit.pk, 4])).status_code == 404
    assert client.get(reverse("reform:report_pdf", args=[other.pk])).status_code == 403
    assert client.get(reverse("reform:zip")).status_code == 403
    client.force_login(desk.clerk)
    assert client.get(reverse("reform:unit_files", args=[unit.pk])).status_code == 403
    client.force_login(staff_user(RoleCode.REFORM_OFFICE))
    # The ZIP holds every unit in the reform; keep this test's two (the demo county has more).
    Unit.objects.exclude(pk__in=[unit.pk, other.pk]).update(in_reform=False)
    assert client.get(reverse("reform:report_pdf", args=[other.pk])).status_code == 200
    got = client.get(reverse("reform:zip"))
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        folders = {name.split("/")[0] for name in archive.namelist()}
    assert folders == {unit.name, other.name}
