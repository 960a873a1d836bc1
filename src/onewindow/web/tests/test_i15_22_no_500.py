"""Issue 15 item 22: no unhandled 500. Every GET page of every role is asked with junk in every
query parameter it reads (found by recording the reads, not by a list kept beside the code);
the API's documented query parameters likewise; the form fields and bodies the issue names;
405s and unparsable bodies. Each refusal is the documented Chinese shape: a Chinese page for
pages, the Problem JSON {"detail": 中文, "errors": …} for the API."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers import wsgi
from django.http import QueryDict
from django.shortcuts import resolve_url

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.notices import SALT
from onewindow.cases.tests.conftest import APPLICANT, DAY
from onewindow.cases.workflow import State
from onewindow.catalog.models import Item
from onewindow.demo.county import DEMO_APPLICANT_ID
from onewindow.org.roles import RoleCode
from onewindow.supervision.tests.test_ratings import closed_case
from onewindow.testing.factories import (
    ApplicantFactory,
    CaseFactory,
    DeskFactory,
    ItemFactory,
    UnitFactory,
    UserFactory,
    staff_user,
)
from onewindow.web.tests.test_access_matrix import ALL, EXPECTED_200, _url

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
JUNK = ["abc", "²", "99999999999999999999999", "-1", "2026-13-45"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Pages beyond the role matrix's list, reached with real ids (filled in by _extra_urls).
EXTRA = {
    "/cases/department/": {"reviewer", "teamlead", "winsup", "admin"},
    "/cases/{case}/": {"clerk", "teamlead", "winsup", "reviewer", "inspector", "admin"},
    "/supervision/appraisal/dispatched.xlsx": {"inspector", "winsup", "admin"},
    "/catalog/check/?format=xlsx": {"reform", "inspector", "admin"},
    "/mandates/new/": {"reform", "admin"},
    "/guide/": ALL,
    "/guide/search/": ALL,
    "/me/cases/{mine}/": {"applicant"},
    "/progress/{token}/": ALL,
}


class RecordingQueryDict(QueryDict):
    """request.GET that notes every parameter name a view asks for."""

    asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        self.asked.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setattr(wsgi, "QueryDict", RecordingQueryDict)
    RecordingQueryDict.asked = set()
    return RecordingQueryDict


def _pages(username: str) -> list[str]:
    case = closed_case({**APPLICANT, "applicant_name": "张三", "applicant_id": DEMO_APPLICANT_ID})
    ids = {"case": case.pk, "mine": case.pk, "token": signing.dumps(case.pk, salt=SALT)}
    pages = [_url(t) for t, roles in EXPECTED_200.items() if username in roles]
    pages += [t.format(**ids) for t, roles in EXTRA.items() if username in roles]
    return list(dict.fromkeys(pages))  # /mandates/new/ is in both lists for some roles


def _as(client, user):
    client.force_login(user)
    return client


def _reform():
    return UserFactory(roles=[RoleCode.REFORM_OFFICE])


def _assert_signed_in(response, where):
    """A redirect to the login page would check nothing of the page: the walk must stay signed
    in (a session from before a clock travel past SESSION_COOKIE_AGE has expired)."""
    location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
    assert not location.startswith(resolve_url(settings.LOGIN_URL)), (where, location)


def _assert_answered(response, where):
    assert response.status_code < 500, where
    _assert_signed_in(response, where)
    if response.status_code == 400:
        body = response.content.decode()
        assert CHINESE.search(body), (where, body[:300])
        assert "Bad Request" not in body, where


# Walks the access matrix, which is written for the demo logins: those stay on purpose.
@pytest.mark.parametrize("username", sorted(ALL))
def test_i15_22_every_page_of_every_role_survives_junk_parameters(login, recording, username):
    with time_machine.travel(NOW, tick=False):
        # Signed in at the travelled time: a session from the suite's clock has expired by NOW.
        client = login(username)
        pages = _pages(username)
        asked_anything = False
        sent = set()  # a request already made for this login (a parameter of the page's own URL)
        for page in pages:
            recording.asked = set()
            first = client.get(page)
            assert first.status_code < 500, page
            _assert_signed_in(first, page)
            names = set(recording.asked) - {"csrfmiddlewaretoken"}
            asked_anything |= bool(names)
            base, _, fixed = page.partition("?")
            for name in sorted(names):
                for junk in JUNK:
                    query = f"{fixed}&" if fixed else ""
                    params = QueryDict(f"{query}").dict() | {name: junk}
                    request = (base, *sorted(params.items()))
                    if request in sent:
                        continue
                    sent.add(request)
                    response = client.get(base, params)
                    _assert_answered(response, (page, name, junk))
    assert asked_anything  # the recording works: some page read some parameter


def test_i15_22_named_query_junk_is_a_chinese_400(client):
    admin = UserFactory(roles=[RoleCode.SYSADMIN], is_superuser=True)
    inspector = staff_user(RoleCode.SUPERVISOR)
    for url in (
        "/catalog/check/?unit=abc",
        "/supervision/cases/?unit=%C2%B2",
        "/supervision/appraisal/?level=abc",
        "/catalog/?unit=abc",
        "/mandates/new/?unit=abc",
    ):
        response = _as(client, admin if "mandates" in url else inspector).get(url)
        assert response.status_code == 400, url
        body = response.content.decode()
        assert "链接中的参数" in body or "考核对象" in body, url
    public = _as(client, ApplicantFactory()).get("/guide/search/?unit=abc")
    assert public.status_code == 400 and "参数" in public.content.decode()


@time_machine.travel(NOW, tick=False)
def test_i15_22_form_fields_with_junk_numbers_are_refused_in_chinese(client):
    desk = DeskFactory()
    clerk_post = desk.post
    _as(client, desk.clerk)
    case = CaseFactory(desk=desk, item=desk.instant_item, applicant=APPLICANT, day=DAY)
    version = Case.objects.get(pk=case.pk).version
    accept = client.post(
        f"/cases/{case.pk}/act/accept/", {"window_post": "abc", "version": version}, follow=True
    )
    assert accept.status_code == 200 and "未能" in accept.content.decode()
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=clerk_post, day=DAY)
    for action, data in (
        ("tech_review", {"limit_days": "²", "kind": "expert", "assignee_org": "x"}),
        ("suspend", {"expected_days": "²", "procedure": "expert", "reason": "x"}),
        ("extend", {"days": "²", "approver": "x", "reason": "x"}),
        ("attach", {"material": "abc", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")}),
        ("attach", {"material": "²", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")}),
    ):
        response = client.post(f"/cases/{case.pk}/act/{action}/", data, follow=True)
        assert response.status_code == 200, action
        assert "未能" in response.content.decode(), action
    order = _as(client, staff_user(RoleCode.SUPERVISOR)).post(
        "/supervision/orders/new/", {"case": "²", "unit": "abc", "response_days": "²"}
    )
    assert order.status_code == 400 and CHINESE.search(order.content.decode())


@time_machine.travel(NOW, tick=False)
def test_i15_22_rating_level_junk_is_refused_in_chinese(client):
    desk = DeskFactory()
    case = CaseFactory(desk=desk, item=desk.instant_item, state=State.CLOSED, day=DAY)
    token = signing.dumps(case.pk, salt=SALT)
    for level in ("abc", "²", "99999999999999999999"):
        response = client.post(f"/progress/{token}/rate/", {"level": level})
        assert response.status_code == 400
        assert "请选择评价等级" in response.content.decode()


def test_i15_22_method_not_allowed_is_chinese_on_pages_and_api(client):
    page = _as(client, staff_user(RoleCode.SUPERVISOR)).get("/supervision/messages/read/")
    client.logout()
    assert page.status_code == 405 and "POST" in page["Allow"]
    assert "不支持" in page.content.decode()
    unknown = client.get("/api/no-such-thing")
    assert unknown.status_code == 404 and "没有找到" in unknown.json()["detail"]
    api = client.delete("/api/catalog/items")
    assert api.status_code == 405
    assert api["Content-Type"].startswith("application/json") and "不支持" in api.json()["detail"]


def test_i15_22_unparsable_and_deeply_nested_bodies(client):
    _as(client, _reform())
    deep = b"[" * 100_000 + b"]" * 100_000
    for body in (deep, b'{"format": ' + deep + b"}", b"{not json", b"\xff\xfe"):
        response = client.post("/api/catalog/import", body, content_type="application/json")
        assert response.status_code == 400, body[:20]
        assert CHINESE.search(response.json()["detail"])
    upload = SimpleUploadedFile("x.json", deep, content_type="application/json")
    page = client.post("/catalog/import/", {"file": upload})
    assert page.status_code == 400 and "嵌套" in page.content.decode()
    broken = client.post(
        "/catalog/import/",
        b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n',
        content_type="multipart/form-data; boundary=",
    )
    assert broken.status_code == 400 and CHINESE.search(broken.content.decode())
    api = client.post("/api/catalog/items", b"{not json", content_type="application/json")
    assert api.status_code == 400 and "JSON" in api.json()["detail"]


def test_i15_22_api_query_parameters_with_junk(client):
    schema = client.get("/api/openapi.json").json()
    item = ItemFactory()  # published
    asked = 0
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "{" in path.replace("{code}", ""):
            continue
        url = path.replace("{code}", item.implementation_code)
        for parameter in get.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for junk in JUNK:
                asked += 1
                response = client.get(url, {parameter["name"]: junk})
                assert response.status_code < 500, (url, parameter["name"], junk)
                if response.status_code >= 400:
                    assert CHINESE.search(response.json()["detail"])
    assert asked


def test_i15_22_superscript_digits_in_imports_and_power_cuts_are_refused_in_chinese(client):
    from onewindow.catalog import elements, transfer
    from onewindow.catalog.elements import CellError
    from onewindow.mandates import services as mandates
    from onewindow.mandates.tests.test_mandates import _draft

    limit = next(c for c in elements.ITEM_COLUMNS if c.key == "promised_limit")
    procedures = next(c for c in elements.ITEM_COLUMNS if c.key == "special_procedures")
    for junk in ("²", "١٢", "1e30", "99999999999999999999", 1e30, 10**30, float("inf")):
        with pytest.raises(CellError, match="整数"):
            limit.parse(junk)
    with pytest.raises(CellError, match="工作日数"):
        procedures.parse("专家评审:²")
    assert limit.parse(" 15 ") == 15 and procedures.parse("专家评审:15")[0]["days"] == 15

    unit = UnitFactory()
    ItemFactory.create_batch(2, unit=unit)
    payload = json.loads(transfer.export_json(Item.objects.filter(unit=unit)))
    payload["items"][0]["promised_limit"] = "²"
    reform = _reform()
    response = _as(client, reform).post(
        "/api/catalog/import", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400 and "整数" in " ".join(response.json()["errors"])

    letter = _draft(reform, DeskFactory(item__promised_limit=10))
    item = mandates.hall_items(letter.unit_id)[0]
    page = client.post(
        f"/mandates/{letter.pk}/powers/",
        {f"power_{item.pk}": "first_review", f"cut_{item.pk}": "²"},
    )
    assert page.status_code == 400 and "应为整数个工作日" in page.content.decode()


def test_i15_22_superscript_digits_in_an_id_number_are_refused_in_chinese():
    from django.core.exceptions import ValidationError

    from onewindow.common.validators import normalize_mobile, validate_id_number

    for number in ("4309221980010112²X", "²30922198001011230", "43092219800101²230"):
        with pytest.raises(ValidationError, match="前17位应为数字"):
            validate_id_number(number)
    assert normalize_mobile("138²0737１２３４") == "1380737１２３４".translate(
        str.maketrans("１２３４", "1234")
    )
