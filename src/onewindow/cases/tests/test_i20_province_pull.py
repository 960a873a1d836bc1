"""Issue 20 part 3 (S6, S10): applications pulled by the job from a platform that only offers a
download interface, page by page from a cursor kept in the database, each page acknowledged
before the cursor moves; checked as pushed ones are (test_i20_province_intake.py)."""

import json
import threading
from urllib.parse import parse_qs

import pytest

from onewindow.cases.models import Case, Channel, ProvinceApplication, ProvincePull
from onewindow.cases.tests.conftest import id_number
from onewindow.cases.tests.test_i20_province_intake import (
    PDF,
    PNG,
    accept,
    application,
    files_on_disk,
    push,
    pushed,
)
from onewindow.exchange.receiver import serve_in_thread
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import ApiClientFactory, DeskFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def desk(db):
    return DeskFactory(item__handling_forms="1,2", item__online_depth=4)


@pytest.fixture
def platform():
    return ApiClientFactory(name="湖南省一体化平台", province_platform=True)


# --- the pull job -----------------------------------------------------------------------


class PlatformStandIn:
    """The platform's download interface: pages of applications by cursor, files by URL, and
    the acknowledgements it was sent."""

    def __init__(self, applications, files, page_size=2):
        self.applications, self.files, self.page_size = applications, files, page_size
        self.acks: list[dict] = []
        self.no_cursor_at_end = False  # the last page's next_cursor empty, not its last place
        self.cursors: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if environ.get("HTTP_AUTHORIZATION") != "Bearer pull-token":
            return self._reply(start_response, "401 Unauthorized", {"detail": "bad token"})
        if path == "/pending" and method == "GET":
            cursor = parse_qs(environ.get("QUERY_STRING", "")).get("cursor", [""])[0]
            with self.lock:
                self.cursors.append(cursor)
            start = int(cursor or 0)
            page = self.applications[start : start + self.page_size]
            following = str(start + len(page)) if page else cursor
            if self.no_cursor_at_end and start + len(page) >= len(self.applications):
                following = ""
            return self._reply(
                start_response, "200 OK", {"applications": page, "next_cursor": following}
            )
        if path == "/pending/ack" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            with self.lock:
                self.acks.append(json.loads(environ["wsgi.input"].read(size)))
            return self._reply(start_response, "200 OK", {"ok": True})
        if path.startswith("/files/") and path[7:] in self.files:
            start_response("200 OK", [("Content-Type", "application/octet-stream")])
            return [self.files[path[7:]]]
        return self._reply(start_response, "404 Not Found", {"detail": "not found"})

    @staticmethod
    def _reply(start_response, status, body):
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body, ensure_ascii=False).encode()]


@pytest.fixture
def stand_in(settings):
    servers = []

    def start(applications, files):
        app = PlatformStandIn(applications, files)
        server = serve_in_thread(app)
        servers.append(server)
        settings.ONEWINDOW_PROVINCE_PULL_URL = f"http://127.0.0.1:{server.server_port}/pending"
        settings.ONEWINDOW_PROVINCE_PULL_TOKEN = "pull-token"
        return app

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def pulled(item, number, file_name="form1"):
    body = application(item, number)
    body["materials"][0]["file"] = {"name": "申请表.pdf", "url": f"/files/{file_name}"}
    body["materials"][1]["file"] = {"name": "营业执照.png", "url": "/files/licence"}
    return body


def test_the_pull_job_takes_pages_acknowledges_and_keeps_its_cursor(
    desk, stand_in, settings, media
):
    from onewindow.cases import province_pull

    second_id = id_number("43092219900202123")
    other = pulled(desk.item, "P2")
    other["applicant"] = dict(other["applicant"], id_number=second_id, name="赵六")
    bad = pulled(desk.item, "P3")
    bad["applicant"] = dict(bad["applicant"], id_number="430922198001011230")
    platform = stand_in([pulled(desk.item, "P1"), other, bad], {"form1": PDF, "licence": PNG})
    result = province_pull.pull()
    assert (result.received, result.refused, result.errors) == (2, 1, [])
    assert platform.cursors == ["", "2", "3"]  # page by page, from the stored cursor
    lines = [line for ack in platform.acks for line in ack["results"]]
    assert [(x["application_id"], x["status"]) for x in lines] == [
        ("P1", "accepted"),
        ("P2", "accepted"),
        ("P3", "refused"),
    ]
    assert lines[2]["code"] == "id_invalid"
    state = ProvincePull.objects.get()
    assert state.cursor == "3" and state.last_ok_at is not None and state.last_error == ""
    cases = Case.objects.filter(province_application_id__in=["P1", "P2"])
    assert cases.count() == 2 and {c.channel for c in cases} == {Channel.ONLINE}
    assert all(c.materials.get(name="申请表").file.read() == PDF for c in cases)
    # Run again: the stored cursor asks only for what came after.
    province_pull.pull()
    assert platform.cursors[-1] == "3" and Case.objects.count() == 2
    # Accepted at the window, the acceptance goes back with the platform's number.
    case = accept(desk, cases.get(province_application_id="P1"))
    assert pushed(settings, case, "P1")


def test_a_page_fetched_again_after_a_lost_acknowledgement_makes_no_second_case(
    client, desk, stand_in, monkeypatch
):
    from onewindow.cases import province_pull

    platform = stand_in([pulled(desk.item, "Q1")], {"form1": PDF, "licence": PNG})
    real_post = province_pull._http().post
    monkeypatch.setattr(
        province_pull._http(),
        "post",
        lambda *a, **k: (_ for _ in ()).throw(province_pull.httpx.ConnectError("lost")),
    )
    failed = province_pull.pull()
    assert failed.errors and ProvincePull.objects.get().cursor == ""
    error = ProvincePull.objects.get().last_error
    assert error.startswith("无法连接省平台下载接口") and "ConnectError" not in error
    client.force_login(staff_user(RoleCode.HALL_MANAGER))
    page = client.get("/cases/province/").content.decode()
    assert "失败：无法连接省平台下载接口" in page  # the hall manager sees it, in Chinese
    assert "ConnectError" not in page and "lost" not in page
    monkeypatch.setattr(province_pull._http(), "post", real_post)
    again = province_pull.pull()
    assert again.errors == [] and Case.objects.filter(province_application_id="Q1").count() == 1
    assert platform.acks and ProvincePull.objects.get().cursor == "1"
    # Made by the first run, answered again by the second: one new case in all.
    assert (failed.received, again.received, again.again) == (1, 0, 1)
    assert ProvincePull.objects.get().received == 1


def test_a_file_elsewhere_or_oversize_is_refused_by_the_pull(desk, stand_in, settings, media):
    from onewindow.cases import province_pull

    settings.CASE_UPLOAD_MAX_BYTES = 1024 * 1024
    elsewhere = pulled(desk.item, "R1")
    elsewhere["materials"][0]["file"]["url"] = "http://169.254.169.254/latest/meta-data"
    stand_in(
        [elsewhere, pulled(desk.item, "R2", "big")],
        {"big": PDF + b"0" * (1024 * 1024), "licence": PNG},
    )
    result = province_pull.pull()
    assert result.refused == 2 and not Case.objects.exists() and files_on_disk(media) == []
    codes = dict(ProvinceApplication.objects.values_list("application_id", "code"))
    assert codes == {"R1": "file_url", "R2": "file_too_large"}


def test_no_url_no_pull(settings):
    from onewindow.cases import province_pull

    settings.ONEWINDOW_PROVINCE_PULL_URL = ""
    assert province_pull.pull().pages == 0 and not ProvincePull.objects.exists()


# --- more of the same intake ---------------------------------------------------------------


def test_the_same_application_pushed_then_pulled_is_one_case(client, platform, desk, stand_in):
    from onewindow.cases import province_pull

    first = push(client, platform, application(desk.item, "D1"))
    assert first.status_code == 201
    platform_app = stand_in([pulled(desk.item, "D1")], {"form1": PDF, "licence": PNG})
    result = province_pull.pull()
    assert (result.received, result.again, result.refused) == (0, 1, 0)  # not a new case
    assert platform_app.acks[0]["results"][0]["case_id"] == first.json()["case"]["id"]
    assert Case.objects.filter(province_application_id="D1").count() == 1


def test_a_last_page_without_a_next_cursor_is_not_taken_again(desk, stand_in):
    """The platform gives no next cursor on its last page: the cursor stays, and the next runs
    take and acknowledge only what is new on that page; nothing is counted twice."""
    from onewindow.cases import province_pull

    bad = pulled(desk.item, "N2")
    bad["applicant"] = dict(bad["applicant"], id_number="430922198001011230")
    platform = stand_in([pulled(desk.item, "N1"), bad], {"form1": PDF, "licence": PNG})
    platform.no_cursor_at_end = True
    first = province_pull.pull()
    assert (first.received, first.refused, first.errors) == (1, 1, [])
    for _ in range(2):
        again = province_pull.pull()
        assert (again.received, again.refused, again.again, again.errors) == (0, 0, 0, [])
    assert len(platform.acks) == 1 and platform.cursors == ["", "", ""]
    assert ProvinceApplication.objects.get(application_id="N2").attempts == 1
    third = pulled(desk.item, "N3")
    third["applicant"] = dict(third["applicant"], id_number=id_number("43092219900202123"))
    platform.applications.append(third)  # a new one after them: the page now has a next one
    later = province_pull.pull()
    assert (later.received, later.refused) == (1, 0)
    assert [x["application_id"] for x in platform.acks[-1]["results"]] == ["N3"]
    state = ProvincePull.objects.get()
    assert (state.received, state.refused, state.cursor) == (2, 1, "2")
    assert platform.cursors[3:] == ["", "2"]  # N1, N2 known again, not acknowledged again


def test_an_unforeseen_failure_of_one_application_is_recorded_and_retried(
    desk, stand_in, monkeypatch, client
):
    """One application failing for a reason the intake does not foresee (a defect, the
    database): the others are taken and acknowledged, it is not; the run records when it ran
    and why it failed (in Chinese) and keeps the cursor; the next run takes it."""
    from django.db import IntegrityError

    from onewindow.cases import province_pull
    from onewindow.cases.services import province

    second = pulled(desk.item, "U2")
    second["applicant"] = dict(second["applicant"], id_number=id_number("43092219900202123"))
    platform = stand_in([pulled(desk.item, "U1"), second], {"form1": PDF, "licence": PNG})
    real = province.province_receive

    def flaky(**kw):
        if kw["data"]["application_id"] == "U1":
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(**kw)

    monkeypatch.setattr(province, "province_receive", flaky)
    failed = province_pull.pull()
    assert failed.received == 1 and len(failed.errors) == 1
    state = ProvincePull.objects.get()
    assert state.last_run_at is not None and state.last_ok_at is None
    assert "U1" in state.last_error and "IntegrityError" in state.last_error
    assert "duplicate key" not in state.last_error and state.cursor == ""
    assert [x["application_id"] for x in platform.acks[0]["results"]] == ["U2"]
    client.force_login(staff_user(RoleCode.HALL_MANAGER))
    assert "申请处理出错" in client.get("/cases/province/").content.decode()
    monkeypatch.setattr(province, "province_receive", real)
    again = province_pull.pull()
    assert (again.received, again.again, again.errors) == (1, 0, [])
    assert [x["application_id"] for x in platform.acks[1]["results"]] == ["U1"]
    state = ProvincePull.objects.get()
    assert state.cursor == "2" and state.last_error == "" and state.received == 2
