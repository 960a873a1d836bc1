"""The hall manager's page of refused provincial applications (/cases/province/), after a user
tryout: a card per refusal on a phone (table.stack, a data-label on each cell), a number the
platform sent again and that was taken shown as resolved with its case (one query for the whole
list), each code named in Chinese (the code itself in small print), and reasons a person can
read: no field names of the platform's record, no multipart, no internal ids, no program
error names."""

import copy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.cases.models import Case, ProvinceApplication, ProvincePull
from onewindow.cases.services.province_input import CODE_LABELS
from onewindow.cases.tests.test_i20_province_intake import _refused, application, push
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import ApiClientFactory, DeskFactory, staff_user

pytestmark = pytest.mark.django_db

BAD_ID = "430922198001011230"  # its check digit is wrong


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# Built once for the module (conftest.module_db); each test has a copy, its writes rolled back.
@pytest.fixture(scope="module")
def _desk(module_db):
    return DeskFactory(item__handling_forms="1,2", item__online_depth=4)


@pytest.fixture
def desk(db, _desk):
    return copy.deepcopy(_desk)


@pytest.fixture
def platform():
    return ApiClientFactory(name="湖南省一体化平台", province_platform=True)


def page(client) -> str:
    client.force_login(staff_user(RoleCode.HALL_MANAGER))
    response = client.get("/cases/province/")
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, re.DOTALL)


def bad_applicant(desk):
    return dict(application(desk.item)["applicant"], id_number=BAD_ID)


def test_the_list_is_a_stacked_table_with_a_label_on_each_cell(client, platform, desk):
    _refused(client, platform, application(desk.item, "S1", applicant=bad_applicant(desk)))
    html = page(client)
    assert re.search(r'<table class="stack[ "]', html)
    (row,) = rows(html)
    cells = re.findall(r"<td[^>]*>", row)
    assert len(cells) == 8
    assert all("data-label=" in cell for cell in cells), cells


def test_a_number_refused_then_taken_is_shown_resolved_with_its_case(client, platform, desk):
    _refused(client, platform, application(desk.item, "R1", applicant=bad_applicant(desk)))
    _refused(client, platform, application(desk.item, "R2", applicant=bad_applicant(desk)))
    assert push(client, platform, application(desk.item, "R1")).status_code == 201
    case = Case.objects.get(province_application_id="R1")
    html = page(client)
    (r2, r1) = rows(html)  # newest first
    assert "R1" in r1 and "已重新接收" in r1 and f'href="/cases/{case.pk}/"' in r1
    assert "R2" in r2 and "已重新接收" not in r2 and "未接收" in r2
    assert "其中 1 件省平台已重新推送并接收" in html


def test_the_list_is_read_in_the_same_queries_however_many_rows(client, platform, desk):
    client.force_login(staff_user(RoleCode.HALL_MANAGER))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/province/").status_code == 200
        return len(queries)

    _refused(client, platform, application(desk.item, "Q1", applicant=bad_applicant(desk)))
    push(client, platform, application(desk.item, "Q1"))
    count()  # the first visit reads what is cached after it
    one = count()
    for number in ("Q2", "Q3", "Q4"):
        _refused(client, platform, application(desk.item, number, applicant=bad_applicant(desk)))
        push(client, platform, application(desk.item, number))
    assert ProvinceApplication.objects.filter(case__isnull=True).count() == 4
    assert count() == one


def test_each_code_is_named_in_chinese_with_the_code_in_small_print(client, platform, desk):
    _refused(client, platform, application(desk.item, "C1", applicant=bad_applicant(desk)))
    _refused(client, platform, application(desk.item, "C2", item_code="NO-SUCH-ITEM"))
    html = page(client)
    (c2, c1) = rows(html)
    assert CODE_LABELS["id_invalid"] in c1 and 'title="拒收代码：id_invalid"' in c1
    assert CODE_LABELS["item_unknown"] in c2 and "item_unknown" in c2
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in CODE_LABELS.values())


def test_reasons_name_the_fields_in_chinese(client, platform, desk):
    body = application(desk.item, "M1")
    del body["item_code"]
    missing = _refused(client, platform, body)
    assert missing["code"] == "malformed"
    assert "事项编码缺失" in missing["detail"] and "item_code" not in missing["detail"]
    body = application(desk.item, "M2")
    body["materials"][1]["file"]["name"] = ""
    empty = _refused(client, platform, body)
    assert "第2份材料的文件名不能为空" in empty["detail"], empty["detail"]
    body = application(desk.item, "M3")
    del body["applicant"]["id_number"]
    assert "申请人的证件号码缺失" in _refused(client, platform, body)["detail"]
    html = page(client)
    assert "字段“" not in html and "item_code" not in html.split("<tbody>")[1]


def test_a_file_not_pushed_is_said_without_multipart(client, platform, desk):
    refused = _refused(client, platform, application(desk.item, "F1"), files={})
    assert refused["code"] == "file_missing"
    assert "multipart" not in refused["detail"] and "部件" not in refused["detail"]
    assert "申请表.pdf" in refused["detail"]
    assert "没有随申请一起收到" in page(client)


def test_a_conflicting_body_does_not_name_an_internal_id(client, platform, desk):
    assert push(client, platform, application(desk.item, "K1")).status_code == 201
    case = Case.objects.get(province_application_id="K1")
    other = application(desk.item, "K1", region="430900")
    refused = _refused(client, platform, other, status=409)
    assert f"申请{case.pk}" not in refused["detail"]
    assert "网上申请（在窗口待受理）" in refused["detail"]


def test_a_program_error_name_is_kept_out_of_the_text(client, settings, platform, desk):
    url = "https://province.example/applications"
    settings.ONEWINDOW_PROVINCE_PULL_URL = url
    ProvincePull.objects.create(
        url=url,
        last_run_at=timezone.now(),
        last_error="省平台的应答格式不符（JSONDecodeError），请联系省平台的维护人员。",
    )
    html = page(client)
    assert "失败：省平台的应答格式不符，请联系省平台的维护人员。" in html
    assert "技术信息：JSONDecodeError" in html  # small print, for the maintainers
