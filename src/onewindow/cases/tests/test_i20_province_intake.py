"""Issue 20 part 3 (S6, S10): applications received on the provincial platform, pushed to the
endpoint or pulled by the job, checked as the window's intake checks them, waiting in the
window's online queue, and their acceptance pushed back carrying the platform's number."""

import copy
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.cases.actions.case_actions import BY_NAME
from onewindow.cases.actions.registry import perform
from onewindow.cases.models import Case, CaseMaterial, Channel, ProvinceApplication
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.cases.workflow import State
from onewindow.exchange import services as exchange
from onewindow.exchange.models import Outbox
from onewindow.exchange.receiver import Receiver, serve_in_thread
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import ApiClientFactory, DeskFactory, staff_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 provincial application form"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# Built once for the module (conftest.module_db); each test has a copy, its writes rolled back.
@pytest.fixture(scope="module")
def _desk(module_db):
    # An item the platform offers online (网上办理, 网办深度 4 网上受理).
    return DeskFactory(item__handling_forms="1,2", item__online_depth=4)


@pytest.fixture
def desk(db, _desk):
    return copy.deepcopy(_desk)


@pytest.fixture
def platform():
    return ApiClientFactory(name="湖南省一体化平台", province_platform=True)


def application(item, number="HN-SB-0001", **over):
    body = {
        "application_id": number,
        "item_code": item.implementation_code,
        "declared_via": "2",
        "applied_at": "2026-11-18T09:30:00+08:00",
        "region": "430922",
        "applicant": {
            "kind": "person",
            "name": APPLICANT["applicant_name"],
            "id_type": "111",
            "id_number": APPLICANT["applicant_id"],
            "phone": APPLICANT["phone"],
            "address": "桃江县桃花江镇某路1号",
        },
        "materials": [
            {
                "name": "申请表",
                "received": True,
                "how": "electronic",
                "count": 1,
                "file": {"name": "申请表.pdf", "part": "f1"},
            },
            {
                "name": "营业执照",
                "received": True,
                "how": "electronic",
                "count": 1,
                "file": {"name": "营业执照.png", "part": "f2"},
            },
        ],
    }
    body.update(over)
    return body


def push(client, platform, body, files=None):
    files = {"f1": ("申请表.pdf", PDF), "f2": ("营业执照.png", PNG)} if files is None else files
    data = {"application": json.dumps(body, ensure_ascii=False)}
    for part, (name, content) in files.items():
        data[part] = SimpleUploadedFile(name, content)
    return client.post("/api/province/applications", data, HTTP_X_API_KEY=platform.key)


def form(content: bytes) -> dict:
    """The two files, the application form's content as given."""
    return {"f1": ("申请表.pdf", content), "f2": ("营业执照.png", PNG)}


def files_on_disk(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def accept(desk, case):
    action = BY_NAME["accept"]
    return perform(
        action, user=desk.clerk, subject=case, data=action.schema(window_post=desk.post.pk)
    )


def pushed(settings, case, number):
    """The case's outbox rows carry the platform's number; pushed to a stand-in receiver over
    HTTP, they reach it. Whatever shape the push gives its records (the national data sets are
    being mapped), the number is in what the platform receives."""
    rows = Outbox.objects.filter(key=f"case-{case.pk}").order_by("id")
    assert rows and all(number in json.dumps(r.payload, ensure_ascii=False) for r in rows)
    app = Receiver()
    server = serve_in_thread(app)
    settings.ONEWINDOW_PROVINCE_URL = f"http://127.0.0.1:{server.server_port}/events"
    try:
        result = exchange.push()
    finally:
        server.shutdown()
        server.server_close()
    assert result.failed == 0 and result.sent >= rows.count()
    return [r for r in app.store.records() if number in json.dumps(r, ensure_ascii=False)]


# --- the endpoint ------------------------------------------------------------------------


def test_a_pushed_application_waits_online_is_accepted_and_its_acceptance_goes_back(
    client, platform, desk, media, settings
):
    response = push(client, platform, application(desk.item))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["application_id"] == "HN-SB-0001" and answer["status"] == "accepted"
    case = Case.objects.get(pk=answer["case"]["id"])
    assert case.channel == Channel.ONLINE and case.state == State.RECEIVED
    assert case.province_application_id == "HN-SB-0001" and case.source == platform.name
    form = case.materials.get(name="申请表")
    assert form.status == CaseMaterial.Status.UPLOADED and form.file.read() == PDF
    assert case.materials.get(name="营业执照").status == CaseMaterial.Status.UPLOADED
    receipt = ProvinceApplication.objects.get(case=case)
    assert receipt.record["address"] == "桃江县桃花江镇某路1号"  # the 6.2 items, encrypted
    # The window's online queue, exactly as an API application.
    client.force_login(desk.clerk)
    body = client.get("/cases/window/").content.decode()
    assert "网上申请（省政务服务平台）" in body and desk.item.name in body
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "省平台申报号" in page and "HN-SB-0001" in page  # what the applicant quotes
    case = accept(desk, case)
    assert case.state == State.ACCEPTED and case.number
    received = pushed(settings, case, "HN-SB-0001")
    assert any(case.number in json.dumps(r, ensure_ascii=False) for r in received)  # 受理


def test_the_same_number_twice_is_one_case_and_another_body_under_it_is_refused(
    client, platform, desk
):
    first = push(client, platform, application(desk.item))
    again = push(client, platform, application(desk.item))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["case"]["id"] == first.json()["case"]["id"]
    other = application(
        desk.item, applicant=dict(application(desk.item)["applicant"], phone="13900001111")
    )
    changed = push(client, platform, other)
    assert changed.status_code == 409
    assert (
        changed.json()["code"] == "id_conflict" and "内容与已接收的不同" in changed.json()["detail"]
    )
    other_file = push(client, platform, application(desk.item), form(PDF + b"2"))
    assert other_file.status_code == 409
    assert Case.objects.filter(province_application_id="HN-SB-0001").count() == 1
    assert ProvinceApplication.objects.get(case__isnull=False).attempts == 2


def test_only_the_platforms_key_pushes(client, desk):
    other = ApiClientFactory(name="某部门系统")
    response = push(client, other, application(desk.item))
    assert response.status_code == 403 and "不是省一体化平台" in response.json()["detail"]
    assert not Case.objects.exists()


def _refused(client, platform, body, files=None, status=400):
    response = push(client, platform, body, files)
    assert response.status_code == status, response.content
    return response.json()


def test_bad_applications_are_refused_with_a_code_and_nothing_is_written(
    client, platform, desk, media
):
    item = desk.item
    unknown = _refused(
        client, platform, application(item, "A1", item_code="11430922MB0000000X4000104099000")
    )
    assert unknown["code"] == "item_unknown" and "本县没有" in unknown["detail"]
    bad_id = dict(application(item)["applicant"], id_number="430922198001011230")
    invalid = _refused(client, platform, application(item, "A2", applicant=bad_id))
    assert invalid["code"] == "id_invalid" and "校验位" in invalid["detail"]
    missing = _refused(client, platform, application(item, "A3", materials=[]), files={})
    assert missing["code"] == "material_missing" and "申请表" in missing["detail"]
    no_part = _refused(client, platform, application(item, "A4"), files={})
    assert no_part["code"] == "file_missing"
    exe = _refused(client, platform, application(item, "A5"), form(b"MZ\x90\x00exe"))
    assert exe["code"] == "file_type" and "只接受PDF、JPG或PNG" in exe["detail"]
    png_as_pdf = _refused(client, platform, application(item, "A6"), form(PNG))
    assert png_as_pdf["code"] == "file_type"
    stranger = dict(application(item)["materials"][0], name="户口簿")
    unlisted = _refused(client, platform, application(item, "A7", materials=[stranger]))
    assert unlisted["code"] == "material_unknown" and "申请表" in unlisted["detail"]
    passport = dict(application(item)["applicant"], id_type="414")
    other_id = _refused(client, platform, application(item, "A9", applicant=passport))
    assert other_id["code"] == "id_type" and "到窗口办理" in other_id["detail"]
    mismatch = dict(application(item)["applicant"], id_type="统一社会信用代码")
    assert _refused(client, platform, application(item, "A10", applicant=mismatch))["code"] == (
        "id_type"
    )
    malformed = _refused(client, platform, {"application_id": "A8"})
    assert malformed["code"] == "malformed" and malformed["application_id"] == "A8"
    assert not Case.objects.exists() and not CaseMaterial.objects.exists()
    assert files_on_disk(media) == []
    refused = ProvinceApplication.objects.filter(case__isnull=True)
    assert set(refused.values_list("code", flat=True)) >= {
        "item_unknown",
        "id_invalid",
        "material_missing",
        "file_missing",
        "file_type",
        "material_unknown",
        "malformed",
    }
    # A refusal keeps no personal numbers: the name, the item code and the reason only.
    assert not any(r.record for r in refused)


def test_an_oversize_file_is_refused(client, platform, desk, settings, media):
    settings.CASE_UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    refused = _refused(client, platform, application(desk.item), form(big))
    assert refused["code"] == "file_too_large" and "超过上限1MB" in refused["detail"]
    assert not Case.objects.exists() and files_on_disk(media) == []


def test_an_item_not_offered_online_is_refused(client, platform, desk):
    window_only = desk.instant_item  # the factory's default: 窗口办理 only
    refused = _refused(client, platform, application(window_only, "B1"))
    assert refused["code"] == "item_not_online" and "到窗口办理" in refused["detail"]


def test_a_failure_while_writing_leaves_no_case_and_no_file(platform, desk, media, monkeypatch):
    """Nothing half-written: the receipt fails after the file was stored; the case, its
    checklist and the stored file all go."""
    from onewindow.cases.services import province

    def broken(**kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(province.ProvinceApplication.objects, "create", broken)

    def read(ref):
        return SimpleUploadedFile(ref.name, PDF if ref.name.endswith(".pdf") else PNG)

    with pytest.raises(RuntimeError):
        province.province_receive(
            data=application(desk.item), read_file=read, source="省平台", via="push"
        )
    assert not Case.objects.exists() and not CaseMaterial.objects.exists()
    assert files_on_disk(media) == []


def test_refused_applications_are_listed_for_the_hall_manager(client, platform, desk):
    bad_id = dict(
        application(desk.item)["applicant"], id_number="430922198001011230", name="李<b>四</b>"
    )
    _refused(client, platform, application(desk.item, "C1", applicant=bad_id))
    _refused(client, platform, application(desk.item, "C1", applicant=bad_id))  # sent again
    manager = staff_user(RoleCode.HALL_MANAGER)
    client.force_login(manager)
    page = client.get("/cases/province/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "C1" in text and "校验位" in text and "李&lt;b&gt;四&lt;/b&gt;" in text
    assert ProvinceApplication.objects.get(application_id="C1").attempts == 2
    client.force_login(desk.clerk)
    assert client.get("/cases/province/").status_code == 403


def test_an_item_known_by_its_local_code_only_is_found(client, platform):
    local = "114309000060897240-4-HN0001XK000009-000-0001"
    desk = DeskFactory(
        item__handling_forms="1,2",
        item__online_depth=4,
        item__basic_code="",
        item__local_basic_code="HN0001XK000009",
        item__local_implementation_code=local,
    )
    response = push(client, platform, application(desk.item, "L1", item_code=local))
    assert response.status_code == 201, response.content
    assert Case.objects.get(province_application_id="L1").item == desk.item


def test_a_refused_number_is_accepted_when_it_comes_again_corrected(client, platform, desk):
    bad_id = dict(application(desk.item)["applicant"], id_number="430922198001011230")
    refused = _refused(client, platform, application(desk.item, "E1", applicant=bad_id))
    assert refused["code"] == "id_invalid"
    corrected = push(client, platform, application(desk.item, "E1"))
    assert corrected.status_code == 201, corrected.content
    rows = ProvinceApplication.objects.filter(application_id="E1")
    assert rows.count() == 2 and rows.filter(case__isnull=False).count() == 1
    # The hall manager's list keeps the refusal (it happened), beside the accepted case.
    assert rows.get(case__isnull=True).code == "id_invalid"


def test_a_refusal_at_the_window_goes_back_with_the_number(client, platform, desk):
    case_id = push(client, platform, application(desk.item, "F1")).json()["case"]["id"]
    action = BY_NAME["refuse"]
    case = perform(
        action,
        user=desk.clerk,
        subject=Case.objects.get(pk=case_id),
        data=action.schema(reason="不属于本县受理范围"),
    )
    assert case.state == State.REFUSED
    last = Outbox.objects.filter(key=f"case-{case.pk}").order_by("-id").first()
    assert "F1" in json.dumps(last.payload, ensure_ascii=False)


def test_the_same_number_at_once_on_two_connections_is_one_case(media):
    """Two deliveries of one application at the same moment (a push and a pull, or a retry):
    the database's unique number makes one case; the later one answers with it. PostgreSQL,
    real connections, on the demo catalogue (committed data the threads can see)."""
    from django.db import connection

    from onewindow.cases.models import CaseEvent
    from onewindow.cases.services import province
    from onewindow.cases.tests.test_concurrency import _alone, _race
    from onewindow.catalog.models import Item

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (scripts/run-tests runs it there)")
    item = next(
        i
        for i in Item.objects.filter(status=Item.Status.PUBLISHED, online_depth__gte=2)
        .exclude(materials=None)
        .order_by("id")
        if {"2", "3"} & set(i.handling_forms.split(","))
    )
    body = application(item, "RACE-1")
    body["materials"] = [
        {"name": m.name, "file": {"name": f"{n}.pdf", "part": f"p{n}"}}
        for n, m in enumerate(item.materials.all())
    ]

    def deliver():
        got = province.province_receive(
            data=body,
            read_file=lambda ref: SimpleUploadedFile(ref.name, PDF),
            source="省平台",
            via="push",
        )
        return got.case.pk, got.created

    try:
        results = _race([deliver, deliver])
        assert not [r for r in results if isinstance(r, Exception)], results
        assert {pk for pk, _ in results} == {results[0][0]}
        assert sorted(created for _, created in results) == [False, True]
        assert _alone(lambda: Case.objects.filter(province_application_id="RACE-1").count()) == 1
    finally:

        def clean():
            ids = list(
                Case.objects.filter(province_application_id="RACE-1").values_list("pk", flat=True)
            )
            ProvinceApplication.objects.filter(application_id="RACE-1").delete()
            Outbox.objects.filter(key__in=[f"case-{pk}" for pk in ids]).delete()
            CaseEvent.objects.filter(case_id__in=ids).delete()
            CaseMaterial.objects.filter(case_id__in=ids).delete()
            Case.objects.filter(pk__in=ids).delete()

        _alone(clean)
