"""Issue 21 items 3-6 on the portal: 我的办事 lists every case of the account, of the
organisations it acts for and those it filed as an agent, each in plain words; the case page
shows the one-time notice, takes the correction and the withdrawal, offers every document; and
progress is found without logging in by case number and mobile (rate-limited, masked)."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onewindow.accounts.models import Membership, Organisation
from onewindow.cases import services
from onewindow.cases.models import Case, Channel
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.testing.factories import (
    ApplicantFactory,
    CaseFactory,
    applicant,
    credit_code,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# What 我的办事 says of a case in each state (portal.tracking), not the internal label.
LINES = {
    State.RECEIVED: "窗口正在审核您的申请",
    State.CORRECTING: "需要您补正材料（截止",
    State.ACCEPTED: "已受理，窗口正在审核，承诺办结日期",
    State.TRANSFERRED: "部门审查中，承诺办结日期",
    State.SUSPENDED: "特别程序中",
    State.DECIDED: "已作出准予决定，请携带身份证件到窗口领取结果",
    State.CLOSED: "已办结（准予）",
    State.REFUSED: "不予受理：不属于本机关职权范围",
    State.WITHDRAWN: "已撤回申请",
    State.TERMINATED: "已终止办理：申请人已注销",
}
WAITS = {
    State.RECEIVED: "窗口作出是否受理的决定",
    State.CORRECTING: "等待您补正一次性告知书所列的材料",
    State.TRANSFERRED: "审查人员作出审批决定",
    State.DECIDED: "等待您领取办理结果",
}


@pytest.fixture
def me():
    return applicant(2201)


@pytest.fixture
def user(me):
    return ApplicantFactory(identity=me["applicant_id"])


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_i21_my_cases_says_each_state_in_plain_words(client, desk, me, user):
    cases = {s: CaseFactory(desk=desk, applicant=me, state=s, day=DAY) for s in LINES}
    page = _signed_in(client, user).get("/me/").content.decode()
    for state, words in LINES.items():
        assert f"/me/cases/{cases[state].pk}/" in page
        assert words in page, state
    for words in WAITS.values():
        assert words in page
    assert "一次性告知补正中" not in page  # the internal label is not what the applicant reads


def test_i21_my_cases_lists_organisations_and_agent_cases_not_others(client, desk, me, user):
    code = credit_code(2202)
    org = Organisation.objects.create(
        name="桃江县某某食品有限公司",
        credit_code=code,
        legal_rep_name="李四",
        legal_rep_id=applicant(2203)["applicant_id"],
        registered_by=user,
        created_at=timezone.now(),
        verified_at=timezone.now(),  # a verified company: every case of it
    )
    Membership.objects.create(
        organisation=org,
        user=user,
        role="operator",
        granted_by=user,
        granted_at=timezone.now(),
        accepted_at=timezone.now(),
    )
    company = applicant(2204, applicant_kind="organisation", applicant_id=code)
    company["applicant_name"] = org.name
    for_company = CaseFactory(desk=desk, applicant=company, day=DAY)
    as_agent = CaseFactory(
        desk=desk,
        applicant=applicant(2205, agent_name=me["applicant_name"], agent_id=me["applicant_id"]),
        day=DAY,
    )
    theirs = CaseFactory(desk=desk, applicant=applicant(2206), day=DAY)
    page = _signed_in(client, user).get("/me/").content.decode()
    assert f"/me/cases/{for_company.pk}/" in page and f"/me/cases/{as_agent.pk}/" in page
    assert f"/me/cases/{theirs.pk}/" not in page
    assert client.get(f"/me/cases/{theirs.pk}/").status_code == 404
    assert client.get(f"/me/cases/{for_company.pk}/").status_code == 200
    Membership.objects.filter(organisation=org).update(revoked_at=timezone.now())
    assert client.get(f"/me/cases/{for_company.pk}/").status_code == 404  # no longer theirs


def _correcting(desk, me) -> Case:
    case = CaseFactory(desk=desk, applicant=me, complete=False, channel=Channel.ONLINE, day=DAY)
    problems = {m.pk: f"缺少{m.name}的扫描件" for m in case.materials.all()}
    return services.case_notify_correction(
        acting_user=desk.clerk, case=case, problems=problems, day=DAY
    )


def test_i21_the_case_page_shows_the_notice_and_takes_the_correction(client, desk, me, user):
    case = _correcting(desk, me)
    page = _signed_in(client, user).get(f"/me/cases/{case.pk}/").content.decode()
    assert "一次性告知：需要补正的材料" in page
    for m in case.materials.all():
        assert f"缺少{m.name}的扫描件" in page
        assert f'<label for="file_{m.pk}">' in page and f'id="file_{m.pk}"' in page
    assert f"{case.correct_by.year}年{case.correct_by.month}月{case.correct_by.day}日" in page
    assert f"/me/cases/{case.pk}/act/correct_online/" in page
    assert f"/cases/{case.pk}/notice/correction.pdf" in page
    notice = client.get(f"/cases/{case.pk}/notice/correction.pdf")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    first, second = case.materials.all()
    url = f"/me/cases/{case.pk}/act/correct_online/"
    half = client.post(
        url,
        {"version": case.version, f"file_{first.pk}": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert half.status_code == 400 and f"还缺：{second.name}" in half.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.CORRECTING
    done = client.post(
        url,
        {
            "version": case.version,
            f"file_{first.pk}": SimpleUploadedFile("a.pdf", PDF),
            f"file_{second.pk}": SimpleUploadedFile("b.pdf", PDF),
        },
    )
    assert done.status_code == 302
    moved = Case.objects.get(pk=case.pk)
    assert moved.state == State.RECEIVED
    event = moved.events.order_by("-seq").first()
    assert (event.actor_id, event.channel) == (user.pk, "online")
    again = client.get(f"/me/cases/{case.pk}/").content.decode()
    assert "补正材料已提交" in again and "补正材料已收到，窗口正在审核您的申请" in again
    assert "/act/correct_online/" not in again  # nothing to correct now


def test_i21_someone_elses_case_takes_no_move(client, desk, me, user):
    case = _correcting(desk, applicant(2207))
    _signed_in(client, user)
    url = f"/me/cases/{case.pk}/act/withdraw_online/"
    assert client.post(url, {"reason": "x", "version": case.version}).status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.CORRECTING


def test_i21_withdraw_on_the_page_before_a_decision_not_after(client, desk, me, user):
    case = CaseFactory(desk=desk, applicant=me, state=State.TRANSFERRED, day=DAY)
    _signed_in(client, user)
    url = f"/me/cases/{case.pk}/act/withdraw_online/"
    assert url in client.get(f"/me/cases/{case.pk}/").content.decode()
    empty = client.post(url, {"reason": "", "version": case.version})
    assert empty.status_code == 400 and "须写明理由" in empty.content.decode()
    assert client.post(url, {"reason": "项目取消", "version": case.version}).status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.WITHDRAWN
    decided = CaseFactory(desk=desk, applicant=me, state=State.DECIDED, day=DAY)
    page = client.get(f"/me/cases/{decided.pk}/").content.decode()
    assert "/act/withdraw_online/" not in page  # not offered after a decision
    refused = client.post(
        f"/me/cases/{decided.pk}/act/withdraw_online/",
        {"reason": "不需要了", "version": decided.version},
    )
    assert refused.status_code == 400 and "不能再撤回申请" in refused.content.decode()


def test_i21_the_applicant_downloads_the_decision(client, desk, me, user):
    case = CaseFactory(desk=desk, applicant=me, state=State.CLOSED, day=DAY)
    page = _signed_in(client, user).get(f"/me/cases/{case.pk}/").content.decode()
    for kind in ("accept", "decision", "receipt"):
        assert f"/cases/{case.pk}/notice/{kind}.pdf" in page
    response = client.get(f"/cases/{case.pk}/notice/decision.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- progress without logging in ---------------------------------------------------------


@pytest.fixture
def lookup_case(desk, me):
    cache.clear()
    yield CaseFactory(desk=desk, applicant=me, state=State.TRANSFERRED, day=DAY)
    cache.clear()


def test_i21_progress_by_number_and_mobile(client, lookup_case, me):
    form = client.get("/progress/").content.decode()
    assert '<label for="lookup-number">' in form and '<label for="lookup-mobile">' in form
    found = client.post("/progress/", {"number": lookup_case.number, "mobile": me["phone"]})
    assert found.status_code == 303 and found["Location"].startswith("/progress/")
    page = client.get(found["Location"]).content.decode()
    assert lookup_case.item.name in page and "部门审查中" in page
    assert me["applicant_name"] not in page and me["phone"] not in page  # masked
    assert me["applicant_name"][0] + "*" in page


def test_i21_wrong_mobile_and_wrong_number_read_the_same(client, lookup_case, me):
    wrong_mobile = client.post(
        "/progress/", {"number": lookup_case.number, "mobile": "13900000000"}
    )
    wrong_number = client.post(
        "/progress/", {"number": "X" + lookup_case.number, "mobile": me["phone"]}
    )
    assert wrong_mobile.status_code == wrong_number.status_code == 404
    text = "没有找到与该办件编号和手机号码相符的办件"
    assert text in wrong_mobile.content.decode() and text in wrong_number.content.decode()
    assert lookup_case.item.name not in wrong_mobile.content.decode()


def test_i21_guessing_a_cases_mobile_is_stopped(client, lookup_case, me, settings):
    settings.ONEWINDOW_PROGRESS_MISSES_PER_CASE = 3
    for n in range(3):
        miss = client.post("/progress/", {"number": lookup_case.number, "mobile": f"1390000000{n}"})
        assert miss.status_code == 404
    stopped = client.post("/progress/", {"number": lookup_case.number, "mobile": me["phone"]})
    assert stopped.status_code == 429 and "查询失败次数过多" in stopped.content.decode()
    assert stopped["Retry-After"]


def test_i21_one_address_guessing_many_cases_is_stopped(client, lookup_case, me, settings):
    settings.ONEWINDOW_PROGRESS_MISSES_PER_ADDRESS = 2
    for n in range(2):
        client.post("/progress/", {"number": f"NOPE{n}", "mobile": me["phone"]})
    stopped = client.post("/progress/", {"number": lookup_case.number, "mobile": me["phone"]})
    assert stopped.status_code == 429 and "请60分钟后再试" in stopped.content.decode()
    # Another address is not stopped by it.
    other = client.post(
        "/progress/",
        {"number": lookup_case.number, "mobile": me["phone"]},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 303


def test_i21_a_correcting_case_reached_by_qr_lists_what_to_correct(client, desk):
    from onewindow.cases.notices import progress_path

    case = _correcting(desk, applicant(2208))
    page = client.get(progress_path(case)).content.decode()
    assert "需要您补正材料" in page and "一次性告知：需要补正的材料" in page
    assert "/act/correct_online/" not in page  # the form needs the applicant signed in


def test_i21_the_date_on_the_line_is_the_deemed_acceptance_date(client, desk, me, user):
    from onewindow.workdays import add_workdays

    case = CaseFactory(desk=desk, applicant=me, day=DAY)
    by = add_workdays(case.received_on, services.DEEMED_AFTER)
    page = _signed_in(client, user).get("/me/").content.decode()
    assert f"最迟于{by.year}年{by.month}月{by.day}日答复" in page
    assert isinstance(by, datetime.date)


def test_i21_wrong_mobiles_from_one_address_do_not_lock_the_applicant_out(
    client, lookup_case, me, settings
):
    """Five wrong mobiles on a case number from someone's address stop that address on that
    case, not the real applicant looking it up from their own (review #7)."""
    settings.ONEWINDOW_PROGRESS_MISSES_PER_CASE = 3
    for n in range(3):
        miss = client.post(
            "/progress/",
            {"number": lookup_case.number, "mobile": f"1390000000{n}"},
            REMOTE_ADDR="10.1.1.1",
        )
        assert miss.status_code == 404
    again = client.post(
        "/progress/", {"number": lookup_case.number, "mobile": me["phone"]}, REMOTE_ADDR="10.1.1.1"
    )
    assert again.status_code == 429
    real = client.post(
        "/progress/", {"number": lookup_case.number, "mobile": me["phone"]}, REMOTE_ADDR="10.2.2.2"
    )
    assert real.status_code == 303
