"""Issue 21 review (the portal's submit path): a second click on 提交申请 is told the
application went in, the case records the account that filed it, and the applicant's delivery
wish reaches the clerk's case page and the 送达 form."""

import copy

import pytest

from onewindow.cases.models import Case, State
from onewindow.cases.tests.conftest import DAY
from onewindow.portal import selectors as portal_selectors
from onewindow.portal.tests.test_i21_apply import (  # noqa: F401 (fixtures)
    _form,
    _start,
    applicant_client,
    item,
    me,
)
from onewindow.testing.factories import CaseFactory, applicant

pytestmark = pytest.mark.django_db
MAIL = {
    "delivery": "mail",
    "mail_recipient": "张<三>",
    "mail_phone": "13807371234",
    "mail_address": "县城人民路1号",
}


def test_i21_a_second_click_on_submit_is_told_it_went_in(applicant_client, item, monkeypatch):  # noqa: F811
    draft = _start(applicant_client, item)
    as_read = copy.copy(draft)  # what the second request read before the first committed
    first = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", action="submit")
    )
    assert first.status_code == 302
    monkeypatch.setattr(portal_selectors, "draft_get_for_user", lambda draft_id, user: as_read)
    second = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", action="submit")
    )
    case = Case.objects.get(source="portal")
    assert second.status_code == 302 and second["Location"] == f"/me/cases/{case.pk}/"
    monkeypatch.undo()
    page = applicant_client.get(second["Location"]).content.decode()
    assert "申请已提交" in page and "其他设备上修改" not in page


def test_i21_a_stale_save_that_is_not_a_submission_still_says_so(applicant_client, item):  # noqa: F811
    draft = _start(applicant_client, item)
    stale = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="1", action="submit")
    )
    assert stale.status_code == 409 and "其他设备上修改" in stale.content.decode()


def test_i21_the_case_keeps_who_filed_it_and_the_delivery_wish(applicant_client, item, me):  # noqa: F811
    draft = _start(applicant_client, item)
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", action="submit", **MAIL)
    )
    assert response.status_code == 302
    case = Case.objects.get(source="portal")
    assert case.filed_by_id == me.pk
    assert case.delivery_wish == {
        "mode": "mail",
        "recipient": "张<三>",
        "phone": "13807371234",
        "address": "县城人民路1号",
    }
    # Personal data: not in the column as plain text.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT delivery_wish FROM cases_case WHERE id = %s", [case.pk])
        raw = str(cursor.fetchone()[0])
    assert "县城人民路" not in raw and "13807371234" not in raw


def test_i21_the_clerk_sees_the_wish_and_the_deliver_form_starts_from_it(client, desk):
    case = CaseFactory(desk=desk, applicant=applicant(2401), state=State.DECIDED, day=DAY)
    wish = {"mode": "mail", "recipient": "张<三>", "phone": "13807371234", "address": "人民路1号"}
    Case.objects.filter(pk=case.pk).update(delivery_wish=wish)
    client.force_login(desk.clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "申请人选择的送达方式" in page
    assert "邮寄送达：张&lt;三&gt;，138****1234，人民路1号" in page
    assert 'id="act-deliver"' in page
    assert '<option value="mail" selected>' in page
    assert 'value="人民路1号（收件人：张&lt;三&gt;，13807371234）"' in page
    Case.objects.filter(pk=case.pk).update(delivery_wish={"mode": "collect"})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "到窗口领取" in page and '<option value="mail" selected>' not in page


def test_i21_migration_0027_fills_filer_and_wish(applicant_client, item, me, desk):  # noqa: F811
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "onewindow.cases.migrations.0027_online_filed_by_delivery_wish"
    )
    draft = _start(applicant_client, item)
    applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", action="submit", **MAIL)
    )
    case = Case.objects.get(source="portal")
    hall = CaseFactory(desk=desk, applicant=applicant(2402), day=DAY)
    Case.objects.update(filed_by=None, delivery_wish={})  # as before the migration
    migration.from_drafts(apps, None)
    case.refresh_from_db()
    assert case.filed_by_id == me.pk and case.delivery_wish["address"] == "县城人民路1号"
    hall.refresh_from_db()
    assert hall.filed_by_id is None and hall.delivery_wish == {}
