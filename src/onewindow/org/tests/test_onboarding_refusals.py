"""Bad onboarding files: each refused with the sheet, row, column and a Chinese reason, and
nothing written (issue 19's bad input)."""

import pytest

from onewindow.org import onboarding
from onewindow.org.models import OnboardingRun, Region, Section, Staff, Unit, User, WindowPost
from onewindow.org.onboarding.problems import Kind
from onewindow.org.tests.county_workbook import county_rows, credit, fill_template
from onewindow.testing.factories import office

pytestmark = pytest.mark.django_db


def small() -> dict:
    """Three units (two departments and the bureau), 20 people, 5 window posts."""
    return county_rows(units=3, staff=20)


MODELS = (Region, Unit, Section, Staff, User, WindowPost, OnboardingRun)


def refused(rows) -> list:
    who = office()
    counts = [m.objects.count() for m in MODELS]
    with pytest.raises(onboarding.OnboardingRefused) as caught:
        onboarding.onboard(acting_user=who, data=fill_template(rows))
    # Nothing half-written: not one row of the valid sheets either, and no record of an import.
    assert [m.objects.count() for m in MODELS] == counts
    return caught.value.problems


def only(problems, kind: str):
    found = [p for p in problems if p.kind == kind]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_the_small_county_itself_is_accepted():
    result = onboarding.onboard(acting_user=office(), data=fill_template(small()))
    assert result.counts["单位"]["created"] == 3 and result.counts["窗口"]["created"] == 5


def test_a_person_on_two_a_posts_at_once():
    rows = small()
    rows["posts"][1]["staff_a"] = rows["posts"][0]["staff_a"]  # unit 1's clerk at unit 2 too
    rows["posts"][1]["units"] = rows["posts"][0]["units"]
    p = only(refused(rows), Kind.TWO_A_POSTS)
    assert (p.sheet, p.row, p.column) == ("窗口", 3, "A岗人员")
    assert "安化3号已是安化县政务服务中心1号窗口（第2行）的A岗" in p.message


def test_a_person_already_on_an_a_post_in_the_database():
    rows = small()
    onboarding.onboard(acting_user=office(), data=fill_template(rows))
    extra = dict(rows["posts"][0], number="99", name="新窗口", staff_b="")
    p = only(refused({"posts": [extra]}), Kind.TWO_A_POSTS)
    assert (p.row, p.column) == (2, "A岗人员") and "（系统中已有）" in p.message


def test_a_credit_code_with_a_wrong_check_character():
    rows = small()
    good = credit(2)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    rows["units"][1]["credit_code"] = wrong
    p = only(refused(rows), Kind.CHECK_DIGIT)
    assert (p.sheet, p.row, p.column) == ("单位", 3, "统一社会信用代码")
    assert f"校验位不正确（应为{good[17]}）" in p.message


def test_a_section_of_a_unit_neither_in_the_file_nor_in_the_database():
    rows = small()
    rows["sections"].append({"unit": "安化县不存在局", "name": "办公室"})
    p = only(refused(rows), Kind.MISSING_REF)
    assert (p.sheet, p.column) == ("股室", "所属单位")
    assert p.row == len(rows["sections"]) + 1
    assert "“安化县不存在局”在“单位”表和系统中都没有" in p.message


def test_a_section_of_a_unit_already_in_the_database_is_accepted():
    onboarding.onboard(acting_user=office(), data=fill_template(small()))
    rows = {"sections": [{"unit": "安化县第1局", "name": "法规股"}]}
    result = onboarding.onboard(acting_user=office(), data=fill_template(rows))
    assert result.counts["股室"]["created"] == 1
    assert Section.objects.filter(unit__credit_code=credit(1), name="法规股").exists()


def test_unknown_roles():
    rows = small()
    rows["staff"][0]["roles"] = "窗口主管、局长"
    p = only(refused(rows), Kind.CHOICE)
    assert (p.sheet, p.row, p.column) == ("工作人员", 2, "角色")
    assert "“局长”不是可选的角色" in p.message and "窗口工作人员" in p.message


def test_roles_without_a_login_name():
    rows = small()
    rows["staff"][0]["username"] = ""
    problems = refused(rows)
    assert any(
        (p.row, p.column) == (2, "登录名") and "有角色的人员须填写登录名" in p.message
        for p in problems
    )


def test_duplicate_login_names_and_mobiles():
    rows = small()
    rows["staff"][3]["username"] = rows["staff"][2]["username"]
    rows["staff"][5]["mobile"] = rows["staff"][4]["mobile"]
    problems = [p for p in refused(rows) if p.kind == Kind.DUPLICATE]
    assert {(p.row, p.column, p.message) for p in problems} >= {
        (5, "登录名", "登录名与第4行重复。"),
        (7, "手机号码", "手机号码与第6行重复。"),
    }


def test_a_login_name_taken_by_another_account():
    rows = small()
    rows["staff"][0]["username"] = "admin"  # the demo's administrator, no staff record
    p = only(refused(rows), Kind.DUPLICATE)
    assert (p.row, p.column) == (2, "登录名") and "已被系统中的其他账号使用" in p.message


def test_a_window_post_person_who_is_nowhere():
    rows = small()
    rows["posts"][0]["staff_a"] = "nobody"
    rows["posts"][0]["staff_b"] = "13900000000"
    problems = [p for p in refused(rows) if p.kind == Kind.MISSING_REF]
    assert [(p.row, p.column) for p in problems] == [(2, "A岗人员"), (2, "B岗人员")]
    assert "“nobody”不是“工作人员”表或系统中任何人的登录名或手机号码" in problems[0].message


def test_a_lead_section_that_is_not_the_units():
    rows = small()
    rows["units"][0]["lead_section"] = "政务服务中心"  # the bureau's section
    p = only(refused(rows), Kind.WRONG_UNIT)
    assert (p.sheet, p.row, p.column) == ("单位", 2, "牵头股室")
    assert "不是本单位的股室" in p.message


def test_a_leader_of_another_unit_and_a_department_window_of_strangers():
    rows = small()
    rows["units"][0]["leader"] = rows["staff"][6]["username"]  # unit 2's leader
    rows["posts"][0]["staff_b"] = rows["staff"][9]["username"]  # a unit 2 clerk at unit 1
    problems = refused(rows)
    assert {(p.sheet, p.row, p.column) for p in problems if p.kind == Kind.WRONG_UNIT} == {
        ("单位", 2, "分管领导"),
        ("窗口", 2, "B岗人员"),
    }


def test_every_problem_of_a_file_is_listed_at_once():
    rows = small()
    rows["regions"][0]["code"] = "43092"
    rows["units"][0]["kind"] = "局"
    rows["staff"][1]["mobile"] = "1234"
    rows["halls"][0]["name"] = ""
    problems = refused(rows)
    where = {(p.sheet, p.row, p.column) for p in problems}
    assert {
        ("行政区划", 2, "行政区划代码"),
        ("单位", 2, "单位类型"),
        ("工作人员", 3, "手机号码"),
        ("大厅", 2, "大厅名称"),
    } <= where
    assert all(p.message for p in problems)


def test_a_file_that_is_not_a_workbook():
    with pytest.raises(onboarding.OnboardingRefused) as caught:
        onboarding.onboard(acting_user=office(), data=b"name,mobile\n")
    assert "不是有效的XLSX文件" in str(caught.value)


def test_a_sheet_with_other_headers(tmp_path):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "单位"
    wb.active.append(["单位名称", "信用代码"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(onboarding.OnboardingRefused) as caught:
        onboarding.onboard(acting_user=office(), data=out.getvalue())
    (p,) = caught.value.problems
    assert p.sheet == "单位" and "缺少列：简称、统一社会信用代码" in p.message
    assert "无法识别的列：信用代码" in p.message


def test_region_parent_must_exist():
    rows = small()
    rows["regions"][0]["parent"] = "439900000000"
    p = only(refused(rows), Kind.MISSING_REF)
    assert (p.sheet, p.row, p.column) == ("行政区划", 2, "上级区划代码")
    assert "上级区划代码439900000000在本表和系统中都没有" in p.message


def test_a_person_no_longer_at_work_on_a_post():
    rows = small()
    rows["staff"][3]["active"] = "否"  # unit 1's B clerk
    p = only(refused(rows), Kind.RULE)
    assert (p.sheet, p.row, p.column) == ("窗口", 2, "B岗人员") and "已不在岗" in p.message


def test_a_contract_worker_on_a_post_needs_the_exception_written():
    rows = small()
    rows["staff"][2]["establishment"] = "其他（聘用、借调等）"
    p = only(refused(rows), Kind.RULE)
    assert (p.sheet, p.row, p.column) == ("窗口", 2, "A岗人员") and "上岗例外说明" in p.message
    rows["staff"][2]["exception"] = "县编办2026年5月同意借调上岗"
    onboarding.onboard(acting_user=office(), data=fill_template(rows))
    assert Staff.objects.get(user__username="ah003").establishment == "other"
