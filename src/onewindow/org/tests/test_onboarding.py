"""Onboarding a county from one workbook (issue 19 item 3): a county of 30 units and 200 staff
filled into the template is onboarded, its clerks sign in and work; export → import is the
identity; a second import updates by natural keys."""

import time

import pytest
from django.contrib.auth.hashers import check_password

from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.cases.workflow import State
from onewindow.org import onboarding
from onewindow.org.models import (
    Hall,
    OnboardingRun,
    Region,
    Section,
    SetupChange,
    Staff,
    Unit,
    User,
    WindowPost,
)
from onewindow.org.roles import RoleCode
from onewindow.org.tests.county_workbook import (
    BUREAU,
    COUNTY,
    HALL,
    county_rows,
    credit,
    fill_template,
    read_back,
    unit_name,
)
from onewindow.testing.factories import ItemFactory, office

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    """The 30-unit, 200-staff county onboarded through the template; (result, seconds)."""
    data = fill_template(county_rows())
    started = time.perf_counter()
    result = onboarding.onboard(acting_user=office(), data=data, filename="安化县.xlsx")
    return result, time.perf_counter() - started


def test_a_county_of_30_units_and_200_staff_is_onboarded(county):
    result, seconds = county
    region = Region.objects.get(code=COUNTY)
    units = Unit.objects.filter(region=region)
    assert units.count() == 30
    assert Staff.objects.filter(unit__in=units).count() == 200
    assert Section.objects.filter(unit__in=units).count() == 29 * 2 + 1
    hall = Hall.objects.get(name=HALL)
    assert hall.window_posts.count() == 29 + 12
    first = units.get(credit_code=credit(1))
    assert first.lead_section.name == "行政审批服务股"
    assert first.leader_in_charge.user.has_role(RoleCode.WINDOW_SUPERVISOR)
    assert first.lead_section.head.user.username == "ah002"
    post = WindowPost.objects.get(hall=hall, number="1")
    assert (post.staff_a.user.username, post.staff_b.user.username) == ("ah003", "ah004")
    assert list(post.units.all()) == [first]
    comprehensive = WindowPost.objects.get(hall=hall, number="Z1")
    assert comprehensive.units.count() == 29
    assert comprehensive.staff_a.unit.name == BUREAU
    # 29 units × 5 logins + 26 at the bureau; the unit's sixth person has none.
    assert len(result.passwords) == 29 * 5 + 26
    assert result.counts["工作人员"] == {"created": 200, "updated": 0, "unchanged": 0}
    run = OnboardingRun.objects.get(pk=result.run_id)
    assert run.accounts == len(result.passwords) and run.by_name == "测试数据"
    # Every new window post is in the hall's set-up record.
    assert SetupChange.objects.filter(hall=hall, action=SetupChange.Action.CREATED).count() == 41
    assert seconds < 30, f"the import took {seconds:.1f} s"
    print(f"\n30 units / 200 staff onboarded in {seconds:.2f} s")


def test_first_passwords_are_hashed_and_must_be_changed(county):
    result, _seconds = county
    _name, _unit, username, password = result.passwords[0]
    user = User.objects.get(username=username)
    assert user.password != password and check_password(password, user.password)
    assert user.password_change_required
    run = OnboardingRun.objects.get(pk=result.run_id)
    assert password not in str(run.changes)


def test_a_clerk_of_the_onboarded_county_signs_in_and_accepts_a_case(county, client):
    result, _seconds = county
    passwords = {p[2]: p[3] for p in result.passwords}
    clerk = User.objects.get(username="ah003")
    unit = Unit.objects.get(name=unit_name(1))
    item = ItemFactory(unit=unit, name="安化县第1局行政许可")
    post = clerk.staff.a_posts.get()

    response = client.post(
        "/accounts/login/", {"username": "ah003", "password": passwords["ah003"]}
    )
    assert response.status_code == 302
    # The first password opens only the password page.
    response = client.get("/cases/window/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {
            "old_password": passwords["ah003"],
            "new_password1": "Anhua-Clerk-2026",
            "new_password2": "Anhua-Clerk-2026",
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.password_change_required

    assert (
        "安化县第1局行政许可" in client.get("/cases/window/", {"q": "安化县第1局"}).content.decode()
    )
    data = dict(APPLICANT, **{f"m_{m.pk}": "paper" for m in item.materials.all()})
    response = client.post(f"/cases/new/{item.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(item=item)
    response = client.post(
        f"/cases/{case.pk}/act/accept/", {"window_post": post.pk, "version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_export_then_import_is_the_identity(county):
    exported = onboarding.workbook(with_data=True)
    runs = OnboardingRun.objects.count()
    result = onboarding.onboard(acting_user=office(), data=exported)
    assert result.changed == 0 and result.passwords == []
    assert OnboardingRun.objects.count() == runs  # nothing changed, nothing recorded
    assert read_back(onboarding.workbook(with_data=True)) == read_back(exported)
    # The county's rows are all in the export, with the people named by login name.
    staff = read_back(exported)["工作人员"]
    assert staff[-200][:4] == ("安化1号", "19900000001", "ah001", "窗口主管")


def test_importing_the_same_file_twice_changes_nothing(county):
    data = fill_template(county_rows())
    result = onboarding.onboard(acting_user=office(), data=data)
    assert result.changed == 0
    assert result.counts["窗口"] == {"created": 0, "updated": 0, "unchanged": 41}


def test_a_second_import_updates_by_natural_keys(county):
    rows = county_rows()
    rows["units"][0]["name"] = "安化县第1局（更名）"  # found by its credit code
    for key in ("sections", "staff", "posts"):
        for row in rows[key]:
            if row.get("unit") == unit_name(1):
                row["unit"] = "安化县第1局（更名）"
            if "units" in row:
                names = row["units"].split("、")
                row["units"] = "、".join(
                    "安化县第1局（更名）" if n == unit_name(1) else n for n in names
                )
    rows["staff"][2]["title"] = "一级科员"  # ah003, found by login name
    rows["staff"][5]["name"] = "安化6号（改）"  # no login: found by mobile
    rows["posts"][0]["staff_a"], rows["posts"][0]["staff_b"] = "ah004", "ah003"
    rows["sections"][1]["duties"] = "业务办理"
    before = Unit.objects.count(), Staff.objects.count(), WindowPost.objects.count()
    result = onboarding.onboard(acting_user=office(), data=fill_template(rows))
    assert (Unit.objects.count(), Staff.objects.count(), WindowPost.objects.count()) == before
    unit = Unit.objects.get(credit_code=credit(1))
    assert unit.name == "安化县第1局（更名）"
    assert Staff.objects.get(user__username="ah003").title == "一级科员"
    assert Staff.objects.filter(name="安化6号（改）", user=None).count() == 1
    post = WindowPost.objects.get(hall__name=HALL, number="1")
    assert post.staff_a.user.username == "ah004"
    edit = SetupChange.objects.filter(post=post, action=SetupChange.Action.EDITED).get()
    assert [c[0] for c in edit.changes] == ["A岗人员", "B岗人员"]
    assert edit.changes[0][2] == "安化4号（县1局）"
    assert result.counts["单位"]["updated"] == 1 and result.counts["工作人员"]["updated"] == 2
    assert result.passwords == []


def test_the_demo_county_is_loaded_through_the_import():
    """conftest loaded the demo through county.load(): the import's record is there and the
    demo logins work with the published password."""
    run = OnboardingRun.objects.filter(filename="演示县机构人员.xlsx").first()
    assert run is not None and run.accounts >= 12
    clerk = User.objects.get(username="clerk")
    assert clerk.check_password("Taojiang2026") and not clerk.password_change_required
    assert clerk.staff.unit.short_name == "县市监局"


def test_first_passwords_use_light_argon2_and_are_rehashed_at_sign_in(settings):
    """Where the site prefers Argon2, first passwords are hashed at OWASP's minimum (a county's
    200 accounts in seconds, not half a minute) and re-hashed at full cost once used."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    rows = county_rows(units=2, staff=8)
    result = onboarding.onboard(acting_user=office(), data=fill_template(rows))
    _name, _unit, username, password = result.passwords[0]
    user = User.objects.get(username=username)
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(password)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert user.password_change_required  # the re-hash is no new password
