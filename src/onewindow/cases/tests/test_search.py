"""Find any case (issue 17 item 1): each criterion finds its cases and no others, within what
the user may see; ID numbers are matched by digest; pages follow each other without gaps or
repeats; bad input is answered in Chinese; a number that finds one case opens it."""

import copy
import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import search as finder
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import DAY, signed_in
from onewindow.cases.workflow import Light, State
from onewindow.common import crypto
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import (
    CaseFactory,
    DeskFactory,
    applicant,
    credit_code,
    staff_user,
)

pytestmark = pytest.mark.django_db

URL = "/cases/search/"
EARLIER = DAY - datetime.timedelta(days=7)


@pytest.fixture
def world(db, _world):
    """Two units' desks; unit one has four cases, unit two one (of the same applicant as a).
    Built once for the module (conftest.module_db): each test has a copy, its writes rolled
    back."""
    return copy.deepcopy(_world)


@pytest.fixture(scope="module")
def _world(module_db):
    one, two = DeskFactory(), DeskFactory()
    a = CaseFactory(desk=one, state=State.ACCEPTED, applicant=applicant(9001), day=DAY)
    b = CaseFactory(
        desk=one,
        state=State.RECEIVED,
        applicant=applicant(9002, applicant_name="欧阳明月"),
        day=EARLIER,
    )
    c = CaseFactory(
        desk=one, item=one.instant_item, state=State.DECIDED, applicant=applicant(9003), day=DAY
    )
    org = CaseFactory(
        desk=one,
        state=State.ACCEPTED,
        day=DAY,
        applicant=applicant(
            9004,
            applicant_kind="organisation",
            applicant_name="桃江县欧阳建材有限公司",
            applicant_id=credit_code(9004, head="91"),
        ),
    )
    theirs = CaseFactory(desk=two, state=State.ACCEPTED, applicant=applicant(9001), day=DAY)
    return {"one": one, "two": two, "a": a, "b": b, "c": c, "org": org, "theirs": theirs}


def found(user, **query) -> list[int]:
    """The ids a query finds for the user (all pages)."""
    form = finder.SearchForm(query)
    form.fields["unit"].choices = [("", ""), *((u, u) for u in _ids("unit", query))]
    form.fields["item"].choices = [("", ""), *((i, i) for i in _ids("item", query))]
    assert form.is_valid(), form.errors
    rows, more = finder.page(form.criteria(), user=user, size=1000)
    assert not more
    return [c.pk for c in rows]


def _ids(name, query):
    return [query[name]] if query.get(name) else []


def errors(**query) -> list[str]:
    form = finder.SearchForm(query)
    assert not form.is_valid()
    return [e for field in form.errors.values() for e in field]


# --- each criterion -----------------------------------------------------------------------


def test_full_number_finds_that_case_only(world):
    a = world["a"]
    assert found(world["one"].clerk, number=a.number) == [a.pk]


def test_number_tail_finds_the_cases_ending_so(world):
    a, theirs, org = world["a"], world["theirs"], world["org"]
    manager = staff_user(RoleCode.HALL_MANAGER)
    # The last five digits are the unit's daily sequence: both units' first case ends alike.
    assert a.number[-5:] == theirs.number[-5:]
    assert set(found(manager, number=a.number[-5:])) >= {a.pk, theirs.pk}
    assert org.pk not in found(manager, number=a.number[-5:])
    # Unit and sequence (the last nine) tell them apart; spaces and dashes copied along are dropped.
    tail = a.number[-9:]
    assert found(manager, number=f" {tail[:4]}-{tail[4:]} ") == [a.pk]
    assert found(manager, number=theirs.number[-9:]) == [theirs.pk]


def test_applicant_name_exact_and_prefix(world):
    clerk = world["one"].clerk
    b, org = world["b"], world["org"]
    assert found(clerk, name="欧阳明月", name_match="exact") == [b.pk]
    assert found(clerk, name="欧阳明", name_match="exact") == []
    assert found(clerk, name="欧阳") == [b.pk]  # a name's beginning, not any part of it
    assert found(clerk, name="阳明") == []
    assert found(clerk, name="欧阳明") == [b.pk]
    assert found(clerk, name="桃江县欧阳") == [org.pk]
    assert found(clerk, name="  欧阳  明月 ", name_match="exact") == []  # inner space kept once
    assert found(clerk, name=" 欧阳明月 ", name_match="exact") == [b.pk]


def test_id_number_matches_by_digest_in_any_spelling(world):
    a, org = world["a"], world["org"]
    clerk = world["one"].clerk
    number = applicant(9001)["applicant_id"]
    spaced = f" {number[:6]} {number[6:14]} {number[14:].lower()} "
    wide = number.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    ime = "\u3000".join([wide[:6], wide[6:14], wide[14:]])  # full-width mode: U+3000 spaces
    for spelling in (number, spaced, wide, ime):
        assert found(clerk, id_number=spelling) == [a.pk]  # not unit two's case of the same person
    assert found(clerk, id_number=org.applicant_id.lower()) == [org.pk]


def test_id_number_is_compared_as_a_digest_never_decrypted(world):
    number = applicant(9001)["applicant_id"]
    form = finder.SearchForm({"id_number": number})
    assert form.is_valid()
    criteria = form.criteria()
    assert criteria.id_digest == crypto.digest(number)
    assert number not in repr(criteria)  # the number itself is not kept
    with (
        mock.patch.object(crypto, "decrypt", side_effect=AssertionError("decrypted")),
        CaptureQueriesContext(connection) as ctx,
    ):
        ids = list(finder.search(criteria, scope=None).values_list("pk", flat=True))
    assert world["a"].pk in ids and world["theirs"].pk in ids
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert crypto.digest(number) in sql and number not in sql
    assert '"applicant_id_digest" =' in sql


def test_item_unit_state_light_and_dates(world):
    one, two = world["one"], world["two"]
    a, b, c, org, theirs = (world[k] for k in ("a", "b", "c", "org", "theirs"))
    manager = staff_user(RoleCode.HALL_MANAGER)
    mine = {a.pk, b.pk, c.pk, org.pk}
    assert set(found(manager, unit=one.unit.pk)) == mine
    assert found(manager, unit=two.unit.pk) == [theirs.pk]
    assert found(manager, item=c.item_id) == [c.pk]
    assert set(found(manager, unit=one.unit.pk, state=State.ACCEPTED)) == {a.pk, org.pk}
    assert found(manager, unit=one.unit.pk, state=State.RECEIVED) == [b.pk]
    Case.objects.filter(pk=a.pk).update(light=Light.RED)
    assert found(manager, unit=one.unit.pk, light="red") == [a.pk]
    assert b.light == "" and b.pk in found(manager, unit=one.unit.pk, light="none")
    assert found(manager, unit=one.unit.pk, received_to=EARLIER.isoformat()) == [b.pk]
    assert set(found(manager, unit=one.unit.pk, received_from=DAY.isoformat())) == mine - {b.pk}
    assert found(
        manager,
        unit=one.unit.pk,
        received_from=EARLIER.isoformat(),
        received_to=EARLIER.isoformat(),
    ) == [b.pk]


def test_newest_received_first(world):
    clerk = world["one"].clerk
    ids = found(clerk)
    b = world["b"].pk
    assert ids[-1] == b  # received a week earlier
    assert ids[:-1] == sorted(ids[:-1], reverse=True)  # the same day: the later id first


# --- scope --------------------------------------------------------------------------------


def test_a_clerk_never_sees_another_units_cases(world, client):
    one, theirs = world["one"], world["theirs"]
    clerk = one.clerk
    assert theirs.pk not in found(clerk)
    assert found(clerk, number=theirs.number) == []
    assert found(clerk, number=theirs.number[-9:]) == []
    signed_in(client, clerk)
    response = client.get(URL, {"number": theirs.number})
    assert response.status_code == 200  # no redirect to a case the clerk may not open
    assert "没有找到符合条件的办件" in response.content.decode()
    assert f'href="/cases/{theirs.pk}/"' not in response.content.decode()


def test_scope_matches_the_case_pages(world):
    """The search shows a user exactly the cases the case page lets them open."""
    from onewindow.cases.selectors import case_list_for_user

    for user in (world["one"].clerk, world["one"].reviewer, world["two"].teamlead):
        ours = {
            c.pk
            for c in Case.objects.filter(
                pk__in=[c.pk for c in world.values() if isinstance(c, Case)]
            )
        }
        expected = set(
            case_list_for_user(user=user).filter(pk__in=ours).values_list("pk", flat=True)
        )
        assert set(found(user)) & ours == expected


def test_applicants_and_anonymous_cannot_search(world, client):
    from onewindow.testing.factories import ApplicantFactory

    assert client.get(URL).status_code == 302  # to the login page
    signed_in(client, ApplicantFactory())
    assert client.get(URL).status_code == 403


# --- keyset pages ---------------------------------------------------------------------------


def test_pages_follow_without_gaps_or_repeats(world):
    one = world["one"]
    for n, day in enumerate([DAY, DAY, EARLIER, DAY - datetime.timedelta(days=1), EARLIER]):
        CaseFactory(desk=one, state=State.RECEIVED, applicant=applicant(9100 + n), day=day)
    clerk = one.clerk
    everything = found(clerk)
    assert len(everything) == 9
    seen, after = [], None
    while True:
        rows, more = finder.page(finder.Criteria(), user=clerk, after=after, size=2)
        seen += [c.pk for c in rows]
        if not more:
            break
        after = finder.parse_cursor(more)
    assert seen == everything


def test_the_next_page_link(world, client):
    one = world["one"]
    signed_in(client, one.clerk)
    with mock.patch.object(finder, "PAGE", 2):
        body = client.get(URL, {"unit": one.unit.pk}).content.decode()
        assert "显示前2项" in body and "下一页" in body
        link = re.search(r'href="\?([^"]+)" rel="next"', body).group(1).replace("&amp;", "&")
        assert f"unit={one.unit.pk}" in link and "after=" in link
        second = client.get(URL + "?" + link).content.decode()
    assert "下一页" not in second  # four cases: two pages of two, and no third
    first_ids = set(re.findall(r'href="/cases/(\d+)/"', body.split("<main", 1)[1]))
    second_ids = set(re.findall(r'href="/cases/(\d+)/"', second.split("<main", 1)[1]))
    assert len(first_ids) == len(second_ids) == 2 and not first_ids & second_ids


def test_a_bad_cursor_is_the_first_page():
    assert finder.parse_cursor("") is None
    assert finder.parse_cursor("2026-13-01,5") is None
    assert finder.parse_cursor("2026-12-01,x") is None
    assert finder.parse_cursor("2026-12-01,5") == (datetime.date(2026, 12, 1), 5)


# --- bad input ----------------------------------------------------------------------------


def test_bad_input_is_answered_in_chinese():
    assert errors(number="43092A") == [
        "办件编号只能是数字：请输入完整的23位编号、编号的最后几位（至少4位），或省平台申报号。"
    ]
    assert errors(number="123") == ["按尾号查找请至少输入编号的最后4位。"]
    assert errors(number="1" * 24) == ["办件编号为23位数字，您输入了24位，请核对。"]
    assert errors(id_number="43092219800101") == [
        "证件号码格式不对：身份证号码和统一社会信用代码都是18位，您输入了14位。"
    ]
    wrong = applicant(9001)["applicant_id"][:17] + "0"
    if wrong == applicant(9001)["applicant_id"]:
        wrong = wrong[:17] + "1"
    assert errors(id_number=wrong)[0].startswith("证件号码格式不对：居民身份证号码的校验位不正确")
    assert errors(name="欧") == ["按开头查找申请人请至少输入2个字，或把“姓名匹配”改为“完全一致”。"]
    assert errors(received_from="2026-12-05", received_to="2026-12-01") == [
        "收件日期的起始日不能晚于截止日。"
    ]
    assert errors(received_from="12/05/2026") == [
        "收件起始日期格式不对，请按2026-12-01的格式输入。"
    ]
    assert errors(state="nonsense") == ["没有这个状态，请从列表中选择。"]
    assert finder.SearchForm({"name": "欧", "name_match": "exact"}).is_valid()


def test_the_page_shows_errors_as_errors(world, client):
    signed_in(client, world["one"].clerk)
    body = client.get(URL, {"number": "abc"}).content.decode()
    assert 'class="msg error"' in body and "办件编号只能是数字" in body
    assert 'aria-invalid="true"' in body


# --- the page -------------------------------------------------------------------------------


def test_a_number_that_finds_one_case_opens_it(world, client):
    a = world["a"]
    signed_in(client, world["one"].clerk)
    response = client.get(URL, {"number": a.number})
    assert response.status_code == 302 and response["Location"] == f"/cases/{a.pk}/"
    response = client.get(URL, {"number": a.number[-9:]})  # a tail that finds one case
    assert response["Location"] == f"/cases/{a.pk}/"


def test_the_provincial_application_number_opens_its_case(world, client):
    a = world["a"]
    Case.objects.filter(pk=a.pk).update(province_application_id="HN-SB-2026120200001")
    assert found(world["one"].clerk, number="HN-SB-2026120200001") == [a.pk]
    assert found(world["two"].clerk, number="HN-SB-2026120200001") == []  # not their unit's
    signed_in(client, world["one"].clerk)
    response = client.get(URL, {"number": " ＨＮ-SB-2026120200001 "})  # full-width, spaces
    assert response.status_code == 302 and response["Location"] == f"/cases/{a.pk}/"


def test_results_show_the_masked_id_and_the_columns(world, client):
    one, a = world["one"], world["a"]
    signed_in(client, one.clerk)
    body = client.get(URL, {"name": a.applicant_name, "name_match": "exact"}).content.decode()
    main = body.split("<main", 1)[1]
    assert a.number in main and a.applicant_name in main and a.item.name in main
    assert a.applicant_id_masked in main and a.applicant_id not in main
    assert one.unit.name in main and "已受理" in main
    for label in ("办件编号", "申请人", "证件号码或统一社会信用代码", "事项", "实施主体", "状态"):
        assert f"<label>{label}" in main or f'<label class="invalid">{label}' in main


def test_the_header_box_is_on_staff_pages_only(world, client):
    from onewindow.testing.factories import ApplicantFactory

    signed_in(client, world["one"].clerk)
    body = client.get("/cases/window/").content.decode()
    assert 'class="header-search"' in body and 'aria-label="办件编号"' in body
    signed_in(client, ApplicantFactory())
    assert 'class="header-search"' not in client.get("/").content.decode()


def test_the_page_makes_the_same_queries_for_one_row_and_many(client):
    from onewindow.web.tests.test_query_counts import CASE_LINK, assert_flat
    from onewindow.web.tests.test_query_counts_more import case_copies

    desk = DeskFactory()
    made = []

    def add(n):
        if not made:
            made.append(CaseFactory(desk=desk, state=State.ACCEPTED))
            n -= 1
        if n:
            case_copies(made[0], n)

    assert_flat(client, desk.clerk, URL, add, CASE_LINK, "search", pinned=PINNED)


# Queries of one search page view (the session, the user, the shell's navigation, the unit and
# item filters, the user's window posts for the scope, one query for the rows). Issue 22: 3
# fewer, as a page view no longer writes the session (its SAVEPOINT, UPDATE and RELEASE).
PINNED = {"search": 9}


# --- the ranges under a database's own collation --------------------------------------------

ICU = {"applicant_name": "zh-x-icu", "number": "en-US-x-icu"}
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="collations are PostgreSQL's: SQLite compares text by code point (BINARY) always",
)


def _recollate(columns: dict[str, str]) -> None:
    """Give cases_case's columns a non-code-point collation, as a database created with
    `createdb --locale=zh_CN.UTF-8` (or en_US) would have them (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collname FROM pg_collation WHERE collname = ANY(%s)", [list(columns.values())]
        )
        missing = set(columns.values()) - {name for (name,) in cursor.fetchall()}
        if missing:
            pytest.skip(f"this PostgreSQL has no ICU collation {', '.join(sorted(missing))}")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks: ALTER may run
        for column, collation in columns.items():
            size = Case._meta.get_field(column).max_length
            cursor.execute(
                f'ALTER TABLE cases_case ALTER COLUMN "{column}" '
                f'TYPE varchar({size}) COLLATE "{collation}"'
            )


@on_postgresql
def test_ranges_hold_under_any_database_collation(world):
    """Under zh_CN's pinyin order '张三' is not below '张'+1, and under en_US ':' (the digit 9's
    successor) sorts before the digits: the ranges compare by code point whatever the locale."""
    a, manager = world["a"], staff_user(RoleCode.HALL_MANAGER)
    # Its last six digits begin with 9. They hold the unit id's last digit and the day's sequence,
    # so only sequence 99999 keeps clear of the next unit's first case (unit ids come from a
    # sequence that PostgreSQL never rolls back: unit one may well end in 8 and unit two in 9).
    number = a.number[:-6] + "999999"
    Case.objects.filter(pk=a.pk).update(number=number, applicant_name="张三")
    _recollate(ICU)
    assert found(manager, number=number[-6:]) == [a.pk]
    assert found(manager, name="张三", name_match="exact") == [a.pk]
    assert found(manager, name="张三") == [a.pk]
    # '张' alone is below the two-character minimum: the prefix range is checked directly.
    criteria = finder.Criteria(name="张", name_prefix=True)
    assert [c.pk for c in finder.search(criteria, scope=None)] == [a.pk]


@on_postgresql
def test_ranges_are_compared_by_code_point():
    """The SQL compares by code point (COLLATE "C") on each bound, as the indexes are built."""
    for criteria, bounds in (
        (finder.Criteria(tail="00012"), 2),
        (finder.Criteria(name="欧阳", name_prefix=True), 2),
        (finder.Criteria(name="欧阳明月"), 1),
    ):
        with CaptureQueriesContext(connection) as ctx:
            list(finder.search(criteria, scope=None))
        sql = ctx.captured_queries[-1]["sql"]
        assert len(re.findall(r'COLLATE "C" (?:>=|<|=) ', sql)) == bounds, sql
