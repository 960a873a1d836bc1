"""Issue 21, the applicant's pages read well: sizes as people say them, each date once and the
status in the applicant's words, 我的办事 and 我的申请 linked both ways, a long unit name that
wraps on a phone (a radio per unit, not a select), and the same back arrow everywhere."""

import re

import pytest

from onewindow.accounts import services as accounts
from onewindow.accounts.tests.util import credit_code
from onewindow.accounts.tests.util import id_number as acct_id
from onewindow.cases import services
from onewindow.cases.models import Channel
from onewindow.cases.notices import progress_path
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.documents.templatetags.file_size import size_text
from onewindow.testing.factories import (
    ApplicantFactory,
    CaseFactory,
    ItemFactory,
    applicant,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 KB"),
        (10, "1 KB"),
        (57_344, "56 KB"),
        (600_016, "586 KB"),
        (1_048_576, "1 MB"),
        (2_516_582, "2.4 MB"),
        (None, ""),
    ],
)
def test_sizes_read_in_kb_under_a_megabyte(size, text):
    assert size_text(size) == text


@pytest.fixture
def me():
    return applicant(2401)


@pytest.fixture
def user(me):
    return ApplicantFactory(identity=me["applicant_id"])


def test_my_cases_and_my_applications_link_to_each_other(client, user):
    client.force_login(user)
    mine = client.get("/me/").content.decode()
    assert re.search(r'<a class="nowrap" href="/me/applications/">我的申请</a>', mine)
    drafts = client.get("/me/applications/").content.decode()
    assert re.search(r'<a class="back" href="/me/">← 我的办事</a>', drafts)


def test_the_closing_date_is_said_once(client, desk, me):
    case = CaseFactory(desk=desk, applicant=me, state=State.CLOSED, day=DAY)
    page = client.get(progress_path(case)).content.decode()
    assert page.count("办结日期") == 1, re.findall(r".{20}办结日期.{20}", page)
    assert "当前状态：<strong>已办结" in page


def test_the_promised_date_is_said_once_while_the_case_runs(client, desk, me):
    case = CaseFactory(desk=desk, applicant=me, state=State.TRANSFERRED, day=DAY)
    page = client.get(progress_path(case)).content.decode()
    assert page.count("承诺办结日期") == 1
    assert "当前状态：<strong>部门审查中，承诺办结日期" in page


def test_the_status_is_in_the_applicants_words_not_the_internal_label(client, desk, me, user):
    case = CaseFactory(desk=desk, applicant=me, complete=False, channel=Channel.ONLINE, day=DAY)
    case = services.case_notify_correction(
        acting_user=desk.clerk,
        case=case,
        problems={m.pk: "请补充" for m in case.materials.all()},
        day=DAY,
    )
    client.force_login(user)
    page = client.get(f"/me/cases/{case.pk}/").content.decode()
    assert "当前状态：<strong>需要您补正材料（截止" in page
    assert '<span class="tag">一次性告知补正中' not in page
    assert '<span class="tag">' not in page.split("<h2>办理过程</h2>")[0]


def test_the_deemed_acceptance_day_is_the_last_day_to_answer(client, desk, me, user):
    from onewindow.workdays import add_workdays

    case = CaseFactory(desk=desk, applicant=me, day=DAY)
    by = add_workdays(case.received_on, services.DEEMED_AFTER)
    client.force_login(user)
    page = client.get(f"/me/cases/{case.pk}/").content.decode()
    assert f"最迟于{by.year}年{by.month}月{by.day}日答复（逾期视为受理）" in page
    assert "前答复" not in page


def test_the_unit_to_apply_for_is_a_radio_per_unit_whose_long_name_wraps(client, desk):
    item = ItemFactory(unit=desk.unit, handling_forms="1,2", online_depth=4)
    admin = accounts.applicant_create(
        name="赵敏", id_number=acct_id(61), mobile="13907370061", source="registered", password=None
    )
    long_name = "桃江县竹韵农产品加工专业合作社联合社<有限>公司"
    org = accounts.organisation_register(
        acting_user=admin,
        name=long_name,
        credit_code=credit_code(61),
        legal_rep_name="赵敏",
        legal_rep_id=acct_id(61),
    )
    client.force_login(admin)
    page = client.get(f"/guide/items/{item.code}/apply/").content.decode()
    assert '<select id="organisation"' not in page
    assert (
        '<fieldset class="for-org choices" id="organisation"><legend>所代表的单位</legend>' in page
    )
    assert (
        f'<input type="radio" name="organisation" value="{org.credit_code_digest}">'
        " 单位：桃江县竹韵农产品加工专业合作社联合社&lt;有限&gt;公司" in page
    )


@pytest.mark.parametrize("url", ["/accounts/password/reset/", "/accounts/organisations/new/"])
def test_back_links_use_the_same_arrow_as_the_portal(client, url):
    if "organisations" in url:
        client.force_login(
            accounts.applicant_create(
                name="钱进",
                id_number=acct_id(62),
                mobile="13907370062",
                source="registered",
                password=None,
            )
        )
    page = client.get(url).content.decode()
    assert 'class="back"' in page and "← " in page and "‹" not in page


def test_the_timeline_names_each_step_and_its_state_without_nested_brackets(client, desk, me):
    """A state's label has its own brackets (已收件（待受理）): the timeline read
    收件（已收件（待受理））."""
    case = CaseFactory(desk=desk, applicant=me, state=State.RECEIVED, day=DAY)
    page = client.get(progress_path(case)).content.decode()
    assert "（已收件（待受理））" not in page
    assert re.search(r"收件<span class=\"muted\">，状态：已收件（待受理）</span>", page), page
