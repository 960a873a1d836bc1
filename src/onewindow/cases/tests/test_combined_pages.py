"""Pages of issue 7: the comprehensive window's 一件事 flow, the lead unit's view, key projects."""

import copy

import pytest

from onewindow.cases.models import CombinedCase
from onewindow.cases.tests.combined_factories import combo
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.cases.workflow import State
from onewindow.catalog.selectors import merged_materials
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _one(module_db):
    return combo(name="测试开办餐饮店")


@pytest.fixture
def one(db, _one):
    """A 一件事 like 开办餐饮店: the lead unit's item first, then three units' in parallel.
    Built once for the module (conftest.module_db; four desks), each test on a copy."""
    return copy.deepcopy(_one)


def _as(client, user):
    client.force_login(user)
    return client


def test_comprehensive_workbench_finds_the_combined_service(client, one):
    body = _as(client, one.clerk).get("/cases/window/", {"q": "测试开办餐饮"}).content.decode()
    assert "一件事：测试开办餐饮店" in body
    unit_clerk = one.lead.clerk
    body = _as(client, unit_clerk).get("/cases/window/", {"q": "测试开办餐饮"}).content.decode()
    assert "一件事：测试开办餐饮店" not in body  # one unit's window cannot take it


def test_one_form_one_acceptance_and_the_lead_units_view(client, one):
    service = one.service
    lines = merged_materials(service)
    data = dict(APPLICANT, **{f"line_{n}": "paper" for n in range(len(lines))})
    _as(client, one.clerk)
    response = client.post(f"/cases/combined/new/{service.pk}/", data)
    parent = CombinedCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/combined/{parent.pk}/"
    response = client.post(
        f"/cases/combined/{parent.pk}/act/accept/",
        {"window_post": one.post.pk, "handoff": "online"},
    )
    parent.refresh_from_db()
    assert parent.state == CombinedCase.State.HANDLING
    # The lead unit's reviewer sees the whole and may prompt the others once they run.
    lead, other = one.desks[0], one.desks[1]
    body = _as(client, lead.reviewer).get(f"/cases/combined/{parent.pk}/").content.decode()
    assert lead.item.name in body and other.item.name in body and "当前制约" in body
    assert parent.number in client.get("/cases/combined/").content.decode()
    # Another member unit takes part: it sees the parent too.
    assert _as(client, other.reviewer).get(f"/cases/combined/{parent.pk}/").status_code == 200
    first = parent.children.get(stage=1)
    _as(client, lead.reviewer)
    client.post(f"/cases/{first.pk}/act/decide/", {"result": "approved", "version": first.version})
    assert set(parent.children.filter(stage=2).values_list("state", flat=True)) == {
        State.TRANSFERRED
    }
    later = parent.children.get(item=other.item)
    client.post(f"/cases/combined/{parent.pk}/act/prompt/", {"case": later.pk, "reason": "请加快"})
    later.refresh_from_db()
    assert later.prompted_on is not None
    body = _as(client, other.reviewer).get("/cases/department/").content.decode()
    assert "牵头部门催办" in body


def test_missing_material_is_named_on_the_page(client, one):
    service = one.service
    lines = merged_materials(service)
    data = dict(APPLICANT, **{f"line_{n}": "missing" for n in range(len(lines))})
    _as(client, one.clerk)
    client.post(f"/cases/combined/new/{service.pk}/", data)
    parent = CombinedCase.objects.get()
    response = client.post(
        f"/cases/combined/{parent.pk}/act/accept/", {"window_post": one.post.pk}, follow=True
    )
    assert "材料不齐全，不能受理" in response.content.decode()
    parent.refresh_from_db()
    assert parent.state == CombinedCase.State.RECEIVED


def test_key_projects_page_and_the_green_mark_without_document(client, one):
    service = one.service
    lines = merged_materials(service)
    data = dict(APPLICANT, **{f"line_{n}": "paper" for n in range(len(lines))})
    _as(client, one.clerk).post(f"/cases/combined/new/{service.pk}/", data)
    parent = CombinedCase.objects.get()
    _as(client, staff_user(RoleCode.HALL_MANAGER, title="中心主任"))
    response = client.post(
        f"/cases/combined/{parent.pk}/act/mark_key/", {"project_name": "美食街"}, follow=True
    )
    assert "认定文件" in response.content.decode()
    client.post(
        f"/cases/combined/{parent.pk}/act/mark_key/",
        {"project_name": "美食街", "project_doc": "桃政函〔2026〕12号"},
    )
    body = client.get("/cases/key-projects/").content.decode()
    assert "美食街" in body and "桃政函〔2026〕12号" in body


def test_one_time_notice_and_corrections_from_the_page(client, one):
    service = one.service
    lines = merged_materials(service)
    data = dict(APPLICANT, **{f"line_{n}": "paper" for n in range(len(lines))})
    data["line_0"] = "missing"
    _as(client, one.clerk)
    client.post(f"/cases/combined/new/{service.pk}/", data)
    parent = CombinedCase.objects.get()
    body = client.get(f"/cases/combined/{parent.pk}/").content.decode()
    assert "缺少或不符合要求" in body and "出具一次性告知书" in body
    client.post(
        f"/cases/combined/{parent.pk}/act/notify_correction/",
        {"pick_0": "on", "problem_0": "未提供原件"},
    )
    parent.refresh_from_db()
    assert parent.state == CombinedCase.State.CORRECTING
    client.post(f"/cases/combined/{parent.pk}/act/resubmit/", {"pick_0": "on"})
    parent.refresh_from_db()
    assert parent.state == CombinedCase.State.RECEIVED
