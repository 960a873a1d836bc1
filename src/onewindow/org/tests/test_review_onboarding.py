"""Review of issue 19: an onboarding file cannot give, or take away, the administrator role."""

import pytest

from onewindow.org import onboarding
from onewindow.org.models import Role, User
from onewindow.org.onboarding import export, reader
from onewindow.org.roles import RoleCode
from onewindow.org.tests.county_workbook import county_rows, fill_template
from onewindow.testing.factories import office

pytestmark = pytest.mark.django_db


def test_a_file_cannot_make_anyone_a_system_administrator():
    rows = county_rows(units=3, staff=20)
    rows["staff"][0]["roles"] = "窗口工作人员、系统管理员"
    with pytest.raises(onboarding.OnboardingRefused) as caught:
        onboarding.onboard(acting_user=office(), data=fill_template(rows))
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("工作人员", 2, "角色")
    assert "系统管理员" in problem.message and "不能通过导入" in problem.message
    assert not User.objects.filter(username=rows["staff"][0]["username"]).exists()


def test_a_file_keeps_the_administrator_role_of_a_person_it_lists():
    rows = county_rows(units=3, staff=20)
    onboarding.onboard(acting_user=office(), data=fill_template(rows))
    username = rows["staff"][0]["username"]
    user = User.objects.get(username=username)
    user.roles.add(Role.objects.get(code=RoleCode.SYSADMIN))
    rows["staff"][0]["roles"] = "窗口主管"
    onboarding.onboard(acting_user=office(), data=fill_template({"staff": [rows["staff"][0]]}))
    assert set(user.roles.values_list("code", flat=True)) == {
        RoleCode.WINDOW_SUPERVISOR,
        RoleCode.SYSADMIN,
    }
    # The export shows the roles a file may give; imported again, it changes nothing.
    exported = export.workbook(with_data=True)
    assert "系统管理员" not in str(reader.read_workbook(exported))
    again = onboarding.onboard(acting_user=office(), data=exported)
    assert all(c.get("updated", 0) == 0 for c in again.counts.values())


def test_the_record_of_an_import_holds_no_mobile_number_in_plain_text():
    """Staff mobiles are encrypted at rest; the import's record (a plain JSON column, shown in
    the admin) keeps them masked, as it names a person without a login by a masked mobile."""
    from onewindow.org.models import OnboardingRun

    rows = county_rows(units=3, staff=20)
    onboarding.onboard(acting_user=office(), data=fill_template(rows))
    first = rows["staff"][0]["mobile"]
    rows["staff"][0]["mobile"] = second = "13999990000"
    onboarding.onboard(acting_user=office(), data=fill_template({"staff": [rows["staff"][0]]}))
    logged = str([run.changes for run in OnboardingRun.objects.all()])
    assert "手机号码" in logged and first[:3] + "****" + first[-4:] in logged
    assert not any(s["mobile"] in logged for s in rows["staff"][1:]) and first not in logged
    assert second not in logged and second[:3] + "****" + second[-4:] in logged
