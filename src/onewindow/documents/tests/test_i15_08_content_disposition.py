"""Issue 15 item 8: every download names its file in plain ASCII headers (RFC 6266 / 5987)."""

import datetime
import re
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile

from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import CaseFactory, DeskFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HEADER = re.compile(r"^attachment; filename=\"([\x20-\x7e]+)\"; filename\*=UTF-8''([\x21-\x7e]+)$")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _assert_named(response, name: str) -> None:
    assert response.status_code == 200, response.content[:300]
    header = response["Content-Disposition"]
    assert "=?utf-8?" not in header.lower()  # not MIME-encoded
    header.encode("ascii")
    match = HEADER.match(header)
    assert match, header
    fallback, encoded = match.groups()
    assert unquote(encoded) == name
    assert '"' not in fallback and "\\" not in fallback
    assert fallback.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]


def test_i15_08_header_shape_for_awkward_names():
    from onewindow.documents import content_disposition

    for name in ["受理通知书-TJ1.pdf", 'a"b\\c;.json', "事项导入模板.xlsx", "plain.docx"]:
        header = content_disposition(name)
        header.encode("ascii")
        fallback, encoded = HEADER.match(header).groups()
        assert unquote(encoded) == name and fallback.endswith("." + name.rsplit(".", 1)[1])


@time_machine.travel(NOW, tick=False)
def test_i15_08_every_download_endpoint_sends_rfc6266_headers(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    desk = DeskFactory()
    case = CaseFactory(desk=desk, state=State.ACCEPTED, day=DAY)
    client.force_login(desk.clerk)
    _assert_named(
        client.get(f"/cases/{case.pk}/notice/accept.pdf"), f"受理通知书-{case.number}.pdf"
    )

    letter = desk.letter
    name = f"{letter.unit.short_name}授权委托书"
    client.force_login(desk.winsup)
    _assert_named(client.get(f"/mandates/{letter.pk}/doc/pdf"), f"{name}.pdf")
    _assert_named(client.get(f"/mandates/{letter.pk}/doc/docx"), f"{name}.docx")
    _assert_named(client.get(f"/mandates/{letter.pk}/doc/attachment5.xlsx"), f"附件5-{name}.xlsx")

    client.force_login(UserFactory(roles=[RoleCode.REFORM_OFFICE]))
    day = DAY.isoformat()
    _assert_named(client.get("/catalog/export.xlsx"), f"事项库-{day}.xlsx")
    _assert_named(client.get("/catalog/export.json"), f"事项库-{day}.json")
    _assert_named(client.get("/catalog/template.xlsx"), "事项导入模板.xlsx")
    _assert_named(client.get("/catalog/check/", {"format": "xlsx"}), f"事项核查报告-{day}.xlsx")

    client.force_login(desk.winsup)
    unit = desk.unit
    short = unit.short_name or unit.name
    for fmt in ("xlsx", "pdf"):
        response = client.get(
            "/supervision/appraisal/dispatched.xlsx", {"period": "2026-11", "format": fmt}
        )
        _assert_named(response, f"{short}派驻人员考核-2026-11.{fmt}")

    material = desk.item.materials.first()
    material.blank_form.save("申请表.pdf", ContentFile(PDF), save=True)
    client.force_login(UserFactory(roles=[RoleCode.APPLICANT]))
    response = client.get(f"/guide/materials/{material.pk}/blank_form/")
    _assert_named(response, f"{material.name}-空白表格.pdf")
