"""Pages of issue 7: the comprehensive window's 一件事 flow, the lead unit's view, key projects."""

import pytest

from onewindow.cases.models import CombinedCase
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.cases.workflow import State
from onewindow.catalog.models import CombinedService
from onewindow.catalog.selectors import merged_materials
from onewindow.org.models import WindowPost

pytestmark = pytest.mark.django_db


def _service():
    return CombinedService.objects.get(name="开办餐饮店")


def test_comprehensive_workbench_finds_the_combined_service(login):
    body = login("zhclerk").get("/cases/window/", {"q": "开办餐饮"}).content.decode()
    assert "一件事：开办餐饮店" in body
    body = login("clerk").get("/cases/window/", {"q": "开办餐饮"}).content.decode()
    assert "一件事：开办餐饮店" not in body  # one unit's window cannot take it


def test_one_form_one_acceptance_and_the_lead_units_view(login):
    service = _service()
    lines = merged_materials(service)
    data = dict(APPLICANT, **{f"line_{n}": "paper" for n in range(len(lines))})
    client = login("zhclerk")
    response = client.post(f"/cases/combined/new/{service.pk}/", data)
    parent = CombinedCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/combined/{parent.pk}/"
    post = WindowPost.objects.get(staff_a__user__username="zhclerk", kind="comprehensive")
    response = client.post(
        f"/cases/combined/{parent.pk}/act/accept/", {"window_post": post.pk, "handoff": "online"}
    )
    parent.refresh_from_db()
    assert parent.state == CombinedCase.State.HANDLING
    # The lead unit's reviewer sees the whole and may prompt the others once they run.
    body = login("reviewer").get(f"/cases/combined/{parent.pk}/").content.decode()
    assert "企业设立登记" in body and "城镇污水排入排水管网许可" in body and "当前制约" in body
    assert parent.number in login("reviewer").get("/cases/combined/").content.decode()
    # 住建局 takes part: it sees the parent too; an unrelated unit's clerk does not.
    assert login("reviewer2").get(f"/cases/combined/{parent.pk}/").status_code == 200
    first = parent.children.get(stage=1)
    client = login("reviewer")
    client.post(f"/cases/{first.pk}/act/decide/", {"result": "approved", "version": first.version})
    assert set(parent.children.filter(stage=2).values_list("state", flat=True)) == {
        State.TRANSFERRED
    }
    sewer = parent.children.get(item__name="城镇污水排入排水管网许可")
    client.post(f"/cases/combined/{parent.pk}/act/prompt/", {"case": sewer.pk, "reason": "请加快"})
    sewer.refresh_from_db()
    assert sewer.prompted_on is not None
    assert "牵头部门催办" in login("reviewer2").get("/cases/department/").content.decode()


def test_missing_material_is_named_on_the_page(login):
    service = _service()
    lines = merged_materials(service)
    data = dict(APPLICANT, **{f"line_{n}": "missing" for n in range(len(lines))})
    client = login("zhclerk")
    client.post(f"/cases/combined/new/{service.pk}/", data)
    parent = CombinedCase.objects.get()
    post = WindowPost.objects.get(staff_a__user__username="zhclerk", kind="comprehensive")
    response = client.post(
        f"/cases/combined/{parent.pk}/act/accept/", {"window_post": post.pk}, follow=True
    )
    assert "材料不齐全，不能受理" in response.content.decode()
    parent.refresh_from_db()
    assert parent.state == CombinedCase.State.RECEIVED


def test_key_projects_page_and_the_green_mark_without_document(login):
    service = _service()
    lines = merged_materials(service)
    data = dict(APPLICANT, **{f"line_{n}": "paper" for n in range(len(lines))})
    login("zhclerk").post(f"/cases/combined/new/{service.pk}/", data)
    parent = CombinedCase.objects.get()
    client = login("hallmgr")
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


def test_one_time_notice_and_corrections_from_the_page(login):
    service = _service()
    lines = merged_materials(service)
    data = dict(APPLICANT, **{f"line_{n}": "paper" for n in range(len(lines))})
    data["line_0"] = "missing"
    client = login("zhclerk")
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
