"""The onboarding pages, the command, the first-password rule, and the headings that follow the
county's own data (issue 19 item 3)."""

import io
import os

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from onewindow.org import onboarding
from onewindow.org.models import Region, User
from onewindow.org.onboarding import sheets as S
from onewindow.org.selectors import (
    COUNTY_CACHE_KEY,
    COUNTY_CACHE_SECONDS,
    county_name,
    county_name_from,
)
from onewindow.org.tests.county_workbook import county_rows, fill_template
from onewindow.testing.factories import RegionFactory, office

pytestmark = pytest.mark.django_db
URL = "/org/onboarding/"


def upload(client, data: bytes, name: str = "县.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post(URL, {"file": f})


@pytest.mark.parametrize(
    ("who", "status"),
    [("reform", 200), ("admin", 200), ("hallmgr", 403), ("clerk", 403), ("inspector", 403)],
)
def test_who_may_open_the_page(login, who, status):
    assert login(who).get(URL).status_code == status
    assert login(who).get(URL + "export.xlsx").status_code == status


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(URL + "template.xlsx")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_menu_offers_it_to_the_reform_office(login):
    body = login("reform").get("/reform/").content.decode()
    assert f'href="{URL}"' in body and "机构人员导入" in body
    assert f'href="{URL}"' not in login("clerk").get("/cases/window/").content.decode()


def test_the_template_has_every_sheet_its_headers_and_explanations(login):
    response = login("reform").get(URL + "template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [s.title for s in S.SHEETS] + ["填写说明"]
    for sheet in S.SHEETS:
        assert [c.value for c in wb[sheet.title][1]] == [c.header for c in sheet.columns]
        assert wb[sheet.title].max_row == 1  # no example row to import by mistake
    guide = {(r[0], r[1]): r for r in wb["填写说明"].iter_rows(values_only=True) if len(r) > 3}
    assert "窗口工作人员" in guide[("工作人员", "角色")][3]
    assert guide[("单位", "统一社会信用代码")][2] == "是"
    assert guide[("窗口", "（识别已有数据）")][3] == "按“所在大厅+窗口号”"


def test_an_upload_imports_and_hands_out_the_first_passwords_once(login):
    client = login("reform")
    data = fill_template(county_rows(units=3, staff=20))
    response = upload(client, data)
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "导入完成：行政区划：新增2" in page and "下载初始密码" in page
    # Kept encrypted in the session until downloaded, never in plain text.
    session = client.session
    token = session["onboarding_passwords"]
    user = User.objects.get(username="ah003")
    assert user.password_change_required and "ah003" not in token
    response = client.post(URL + "passwords/")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("姓名", "单位", "登录名", "初始密码")
    mine = next(r for r in rows if r[2] == "ah003")
    assert user.check_password(mine[3])
    again = client.post(URL + "passwords/", follow=True)
    assert "初始密码只提供一次下载" in again.content.decode()
    assert "下载初始密码" not in client.get(URL).content.decode()


def test_a_second_import_before_the_download_adds_to_the_waiting_passwords(login):
    """The passwords are offered once: a second file imported before they were downloaded must
    not replace the first file's (its people's accounts would have no known password)."""
    client = login("reform")
    assert upload(client, fill_template(county_rows(units=2, staff=8))).status_code == 302
    first = set(
        User.objects.filter(password_change_required=True).values_list("username", flat=True)
    )
    assert upload(client, fill_template(county_rows(units=3, staff=20))).status_code == 302
    new = User.objects.filter(password_change_required=True)
    assert set(new.values_list("username", flat=True)) > first
    response = client.post(URL + "passwords/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    given = {r[2]: r[3] for r in rows[2:] if r[2]}
    assert set(given) == set(new.values_list("username", flat=True))
    assert all(user.check_password(given[user.username]) for user in new)


def test_a_refused_upload_lists_the_problems_by_kind_with_a_workbook(login):
    client = login("reform")
    rows = county_rows(units=3, staff=20)
    rows["staff"][0]["roles"] = "局长"
    rows["posts"][0]["staff_a"] = "nobody"
    response = upload(client, fill_template(rows))
    body = response.content.decode()
    assert response.status_code == 400
    assert "未导入" in body and "一行也没有写入" in body
    assert "取值不在可选范围内" in body and "引用的对象不存在" in body
    assert "工作人员第2行“角色”列：“局长”不是可选的角色" in body
    link = body.split('href="/import-errors/')[1].split('"')[0]
    errors = client.get("/import-errors/" + link)
    wb = load_workbook(io.BytesIO(errors.content))
    assert "工作人员" in wb.sheetnames and "错误汇总" in wb.sheetnames
    # The corrected error workbook can go back as it is (its 错误说明 column is ignored).
    ws = wb["工作人员"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "错误说明"


def test_a_missing_file_is_said_plainly(login):
    response = login("reform").post(URL, {})
    assert response.status_code == 400 and "请选择要导入的XLSX文件" in response.content.decode()


def test_the_command_imports_and_writes_the_passwords_for_the_operator(tmp_path):
    path = tmp_path / "安化县.xlsx"
    path.write_bytes(fill_template(county_rows(units=3, staff=20)))
    out = io.StringIO()
    call_command("onboard", str(path), stdout=out)
    assert "导入完成：行政区划：新增2" in out.getvalue()
    secret = tmp_path / "安化县-初始密码.xlsx"
    assert secret.is_file() and oct(os.stat(secret).st_mode & 0o777) == "0o600"
    out = io.StringIO()
    call_command("onboard", str(path), stdout=out)
    assert "新增0、更新0" in out.getvalue() and "初始密码已写入" not in out.getvalue()


def test_the_command_prints_chinese_errors(tmp_path):
    rows = county_rows(units=3, staff=20)
    rows["units"][0]["credit_code"] = rows["units"][0]["credit_code"][:17] + "0"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(fill_template(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入：发现1个错误"):
        call_command("onboard", str(path), stderr=err)
    assert "单位第2行“统一社会信用代码”列：统一社会信用代码" in err.getvalue()
    assert "校验位不正确" in err.getvalue()


def test_the_command_writes_the_template_and_the_export(tmp_path):
    call_command("onboard", str(tmp_path / "t.xlsx"), "--template", stdout=io.StringIO())
    call_command("onboard", str(tmp_path / "e.xlsx"), "--export", stdout=io.StringIO())
    assert load_workbook(tmp_path / "t.xlsx")["单位"].max_row == 1
    assert load_workbook(tmp_path / "e.xlsx")["单位"].max_row > 30


def test_the_first_password_opens_only_the_password_page(client):
    user = User.objects.get(username="clerk")
    user.password_change_required = True
    user.save(update_fields=["password_change_required"])
    client.force_login(user)
    response = client.get("/cases/window/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/"
    assert "请先设置自己的密码" in response.content.decode()
    api = client.get("/api/cases/")
    assert api.status_code == 403 and "初始密码" in api.json()["detail"]


# --- headings follow the county --------------------------------------------------------


@pytest.fixture
def heading_cache():
    """The county name is cached in the process: start and end the test without a copy."""
    cache.delete(COUNTY_CACHE_KEY)
    yield
    cache.delete(COUNTY_CACHE_KEY)


def test_the_headings_name_the_demo_county(client, login):
    assert "<h1>桃江县政务服务办事指南</h1>" in client.get("/guide/").content.decode()
    assert "桃江县一窗通办政务服务平台" in client.get("/guide/").content.decode()
    wall = login("inspector").get("/supervision/wall/").content.decode()
    assert "桃江县政务服务中心 · 行政效能电子监察" in wall
    info = client.get("/api/openapi.json").json()["info"]
    assert info["description"].startswith("桃江县一窗通办政务服务平台接口")


def test_the_headings_follow_an_onboarded_county(
    client, login, heading_cache, django_capture_on_commit_callbacks
):
    rows = {"regions": [{"code": "430922000000", "name": "安化县", "level": "县（区）"}]}
    rows["regions"][0]["parent"] = "430900000000"
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.onboard(acting_user=office(), data=fill_template(rows))
    assert "<h1>安化县政务服务办事指南</h1>" in client.get("/guide/").content.decode()
    assert "安化县一窗通办政务服务平台" in client.get("/guide/").content.decode()
    wall = login("inspector").get("/supervision/wall/").content.decode()
    assert "安化县政务服务中心 · 行政效能电子监察" in wall
    info = client.get("/api/openapi.json").json()["info"]
    assert info["description"].startswith("安化县一窗通办政务服务平台接口")


def test_several_counties_of_one_city_go_by_the_city(
    heading_cache, django_capture_on_commit_callbacks
):
    city = Region.objects.get(code="430900000000")
    with django_capture_on_commit_callbacks(execute=True):
        RegionFactory(name="安化县", parent=city)
    assert county_name() == "益阳市"


def test_another_workers_rename_shows_here_once_this_copy_expires(heading_cache):
    """Two gunicorn workers with per-process caches: a rename refreshes the worker that made it;
    this one (a write without signals stands for it) shows the new name within a minute, and
    keeps showing it (the footer used to alternate between the names until a restart)."""
    import datetime

    import time_machine
    from django.utils import timezone

    assert county_name() == "桃江县"
    Region.objects.filter(name="桃江县").update(name="桃江县（新）")
    assert county_name() == "桃江县"  # this process's copy, as before
    later = timezone.now() + datetime.timedelta(seconds=COUNTY_CACHE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert county_name() == "桃江县（新）"
        assert county_name() == "桃江县（新）"


def test_without_a_county_the_headings_name_no_place():
    assert county_name_from([]) == ""
    assert county_name_from([("甲县", None), ("乙县", None)]) == ""
    assert county_name_from([("甲县", 1)]) == "甲县"
