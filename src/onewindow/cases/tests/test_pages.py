import pytest
from django.urls import reverse

from onewindow.cases import notices, services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import APPLICANT, DAY
from onewindow.cases.workflow import State
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import CaseFactory, DeskFactory, ItemFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


def submit(desk, item=None, *, complete=True):
    """A window application by the desk's clerk; `complete` marks every material received."""
    return CaseFactory(desk=desk, item=item or desk.item, applicant=APPLICANT, complete=complete)


def test_workbench_finds_items_by_initials(client, desk):
    ItemFactory(unit=desk.unit, name="个体工商户设立登记")
    ItemFactory(name="建筑工程施工许可")  # another unit's
    client.force_login(desk.clerk)
    body = client.get("/cases/window/", {"q": "gtgs"}).content.decode()
    assert "个体工商户设立登记" in body
    body = client.get("/cases/window/", {"q": "jzxk"}).content.decode()
    assert "建筑工程施工许可" not in body  # not a unit this window serves


def test_new_application_from_the_window_form(client, desk):
    item = desk.item
    data = dict(APPLICANT, **{f"m_{m.pk}": "paper" for m in item.materials.all()})
    client.force_login(desk.clerk)
    response = client.post(f"/cases/new/{item.pk}/", data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    bad = dict(data, applicant_id="430922198001011230")
    response = client.post(f"/cases/new/{item.pk}/", bad)
    assert response.status_code == 400 and "校验位" in response.content.decode()


def test_case_page_accepts_and_prints_the_notice(client, desk):
    case, clerk_post = submit(desk), desk.post
    client.force_login(desk.clerk)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "受理" in body and "一次性告知补正" in body and "不予受理" in body
    response = client.post(
        f"/cases/{case.pk}/act/accept/", {"window_post": clerk_post.pk, "version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ACCEPTED
    pdf = client.get(f"/cases/{case.pk}/notice/accept.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/cases/{case.pk}/notice/refuse.pdf").status_code == 404


def test_a_stale_form_gets_a_conflict_message(client, desk):
    case, clerk_post = submit(desk), desk.post
    client.force_login(desk.clerk)
    client.post(f"/cases/{case.pk}/act/accept/", {"window_post": clerk_post.pk, "version": 1})
    response = client.post(
        f"/cases/{case.pk}/act/refuse/", {"reason": "x", "version": 1}, follow=True
    )
    assert "已被他人处理" in response.content.decode()


def test_every_notice_renders(desk):
    clerk_post = desk.post
    case = submit(desk, complete=False)
    missing = case.materials.filter(status="missing")
    case = services.case_notify_correction(
        acting_user=desk.clerk, case=case, problems={m.pk: "未提供" for m in missing}
    )
    case = services.case_resubmit(
        acting_user=desk.clerk, case=case, received={m.pk: "paper" for m in missing}
    )
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=clerk_post)
    case = services.case_transfer(acting_user=desk.teamlead, case=case)
    case = services.case_suspend(
        acting_user=desk.reviewer,
        case=case,
        procedure="site_inspection",
        expected_days=3,
        reason="现场核查",
    )
    case = services.case_resume(acting_user=desk.reviewer, case=case)
    case = services.case_extend(
        acting_user=desk.reviewer, case=case, days=5, approver="局长", reason="复杂"
    )
    case = services.case_decide(
        acting_user=desk.reviewer, case=case, result="denied", text="条件不符"
    )
    kinds = notices.available(case)
    assert kinds == ["correction", "accept", "suspend", "extend", "decision", "receipt"]
    for kind in kinds:
        assert notices.render(case, kind, base_url="http://testserver/").startswith(b"%PDF")


def test_progress_page_from_the_qr_token(client, desk):
    case = submit(desk, desk.instant_item)
    services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    body = client.get(notices.progress_path(case)).content.decode()
    assert "已受理" in body and "王**" in body and APPLICANT["applicant_id"] not in body
    assert client.get(reverse("portal:progress", args=["forged"])).status_code == 404


def test_department_workbench_pages_by_due_date(client, desk):
    for _ in range(3):
        case = submit(desk)
        case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post)
        services.case_transfer(acting_user=desk.teamlead, case=case)
    client.force_login(desk.reviewer)
    body = client.get("/cases/department/").content.decode()
    assert body.count(desk.item.name) == 3
    from onewindow.cases.selectors import department_page

    first, more = department_page(unit_id=case.unit_id, size=2)
    last = first[-1]
    assert more == f"{last.due_date.isoformat()},{last.pk}"
    rest, more = department_page(unit_id=case.unit_id, after=(last.due_date, last.pk), size=2)
    assert len(first) == 2 and len(rest) == 1 and rest[0].pk not in {c.pk for c in first}
    assert more == ""


def test_department_page_offers_no_next_page_when_the_rows_end_exactly(client, desk, monkeypatch):
    """A page holding exactly the last rows has no 下一页 (it used to lead to an empty page)."""
    from onewindow.cases.views import window

    for _ in range(2):
        case = submit(desk)
        case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post)
        services.case_transfer(acting_user=desk.teamlead, case=case)
    client.force_login(desk.reviewer)
    monkeypatch.setattr(window, "DEPARTMENT_PAGE", 2)
    body = client.get("/cases/department/").content.decode()
    assert body.count(desk.item.name) == 2 and "下一页" not in body
    monkeypatch.setattr(window, "DEPARTMENT_PAGE", 1)
    body = client.get("/cases/department/").content.decode()
    assert body.count(desk.item.name) == 1 and "下一页" in body


def test_other_units_staff_cannot_see_the_case(client, desk):
    case = submit(desk)
    client.force_login(DeskFactory(with_letter=False).clerk)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    client.force_login(staff_user(RoleCode.SUPERVISOR))
    assert client.get(f"/cases/{case.pk}/").status_code == 200
