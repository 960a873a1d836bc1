"""The rows of the long lists are Jinja2 templates (web/jinja.py, decision 81): they show what
the Django templates showed, escape user text the same way, and link where {% url %} linked."""

import datetime

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from onewindow.cases.models import Case
from onewindow.cases.timeline import Entry
from onewindow.cases.workflow import State
from onewindow.catalog.models import Item
from onewindow.web import jinja

pytestmark = pytest.mark.django_db  # the working-day calendar

TODAY = datetime.date(2026, 12, 2)
HOSTILE = '<script>alert("x")</script>&'


def _case(**fields) -> Case:
    values = {
        "pk": 41,
        "number": "TJ-20261201-0007",
        "applicant_name": HOSTILE,
        "state": State.TRANSFERRED,
        "accepted_on": datetime.date(2026, 11, 20),
        "due_date": datetime.date(2026, 12, 4),
        "item": Item(name="食品经营许可<b>"),
    }
    return Case(**{**values, **fields})


def _rows(name: str, **context) -> str:
    return engines["jinja2"].get_template(name).template.render(context)


def test_user_text_is_escaped_in_the_rows():
    html = _rows("cases/_department_rows.html", cases=[_case()], today=TODAY)
    assert HOSTILE not in html and "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;" in html
    assert "食品经营许可&lt;b&gt;" in html


def test_a_row_shows_the_number_link_state_due_date_and_time_left():
    html = _rows("cases/_department_rows.html", cases=[_case()], today=TODAY)
    assert f'<a href="{reverse("cases:detail", args=[41])}">TJ-20261201-0007</a>' in html
    assert ">部门审查中<" in html or f">{State.TRANSFERRED.label}<" in html
    assert ">2026-12-04<" in html
    assert "剩余2个工作日" in html  # Wednesday 2 December to Friday 4 December


def test_the_empty_list_and_the_unaccepted_number():
    assert "没有在办的办件。" in _rows("cases/_department_rows.html", cases=[], today=TODAY)
    html = _rows("cases/_case_rows.html", cases=[_case(number="")], empty="x")
    assert "（待受理）" in html
    assert ">x<" in _rows("cases/_case_rows.html", cases=[], empty="x")


def test_the_queue_rows_show_the_queue_date():
    current = type("Q", (), {"key": "suspended", "date_label": "中止日期", "empty": "无"})()
    case = _case(state=State.SUSPENDED, suspended_on=datetime.date(2026, 11, 30))
    html = _rows("cases/_queue_rows.html", rows=[case], current=current, today=TODAY)
    assert 'data-label="中止日期">2026-11-30</td>' in html
    assert "中止中，计时暂停" in html


def test_url_is_reverse_under_any_script_prefix():
    assert jinja.url(41, "cases:detail") == reverse("cases:detail", args=[41])
    set_script_prefix("/county/")
    try:
        assert jinja.url(41, "cases:detail") == "/county/cases/41/"
        assert jinja.url(41, "cases:detail") == reverse("cases:detail", args=[41])
    finally:
        set_script_prefix("/")
    assert jinja.url(41, "cases:notice", "accept") == reverse("cases:notice", args=[41, "accept"])


def test_the_history_shows_times_as_the_django_date_filter_did():
    at = timezone.make_aware(datetime.datetime(2026, 12, 1, 1, 5, 9), datetime.UTC)
    entry = Entry(seq=1, at=at, who="张三", text=HOSTILE, case_id=41)
    html = _rows("cases/_history.html", history=[entry])
    dtl = engines["django"].from_string('{{ at|date:"c" }} {{ at|date:"Y-m-d H:i" }}')
    assert dtl.render({"at": at}) == f"{jinja.local(at, 'c')} {jinja.local(at)}"
    assert '<time datetime="2026-12-01T09:05:09+08:00">2026-12-01 09:05</time>' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
