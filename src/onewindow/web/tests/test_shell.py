import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings

from onewindow import __version__
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import (
    PASSWORD,
    ApplicantFactory,
    DeskFactory,
    HallFactory,
    UnitFactory,
    UserFactory,
    WindowPostFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_healthz_names_engine_and_version(client):
    from django.db import connection

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": connection.vendor,
        "version": __version__,
    }


def _admin():
    return UserFactory(roles=[RoleCode.SYSADMIN], is_superuser=True)


def test_login_with_password_lands_on_role_home(client):
    clerk = DeskFactory().clerk  # a window clerk at their window post
    response = client.post(
        "/accounts/login/", {"username": clerk.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/cases/window/"  # the window's work queues
    assert "窗口工作台" in response.content.decode()


def test_wrong_password_gives_chinese_error(client):
    clerk = staff_user(RoleCode.WINDOW_CLERK)
    response = client.post(
        "/accounts/login/", {"username": clerk.username, "password": "wrong-pass1"}
    )
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures(client):
    reviewer = staff_user(RoleCode.DEPT_REVIEWER).username
    for _ in range(3):
        client.post("/accounts/login/", {"username": reviewer, "password": "bad-guess-1"})
    response = client.post("/accounts/login/", {"username": reviewer, "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已临时锁定" in response.content.decode()
    from axes.utils import reset

    reset(username=reviewer)
    ok = client.post("/accounts/login/", {"username": reviewer, "password": PASSWORD})
    assert ok.status_code == 302


def test_logout_requires_post_and_ends_session(client):
    client.force_login(DeskFactory().clerk)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/window/").status_code == 302


def test_argon2_is_the_default_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = ApplicantFactory()
    user.set_password("Another2026pass")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_session_timeout_is_configured(settings):
    # Idle for 30 minutes ends a session; its expiry is pushed forward at most once a minute
    # (web.middleware.SessionRefreshMiddleware, test_i22_session_writes), not on every request.
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_REFRESH_SECONDS == 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert "onewindow.web.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE


def test_english_is_selectable(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    body = response.content.decode()
    assert 'lang="en"' in body and "Sign in" in body


def test_chinese_is_default_even_for_an_english_browser(client):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in body and "登录一窗通办" in body


def test_admin_pages_are_chinese(client):
    client.force_login(_admin())
    for path in [
        "/admin/org/unit/",
        "/admin/org/staff/",
        "/admin/org/section/",
        "/admin/org/hall/",
        "/admin/org/region/",
        "/admin/org/user/",
    ]:
        assert client.get(path).status_code == 200, path
    unit = UnitFactory()
    body = client.get(f"/admin/org/unit/{unit.pk}/change/").content.decode()
    assert "统一社会信用代码" in body


def test_admin_refuses_duplicate_window_number_in_chinese(client):
    client.force_login(_admin())
    hall = HallFactory()
    post, other = WindowPostFactory(hall=hall), WindowPostFactory(hall=hall)  # department posts
    response = client.post(
        f"/admin/org/windowpost/{other.pk}/change/",
        {
            "hall": post.hall_id,
            "number": post.number,
            "name": other.name,
            "kind": other.kind,
            "units": [u.pk for u in other.units.all()],
            "staff_a": other.staff_a_id,
            "staff_b": other.staff_b_id or "",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "窗口号不能重复" in response.content.decode()
    other.refresh_from_db()
    assert other.number != post.number


def test_password_change_enforces_the_rules(client):
    client.force_login(ApplicantFactory())
    assert "修改密码" in client.get("/accounts/password/").content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "abcdefghijkl",
            "new_password2": "abcdefghijkl",
        },
    )
    assert "密码必须同时包含字母和数字" in response.content.decode()


def test_a_changed_password_is_confirmed_on_the_next_page(client):
    client.force_login(ApplicantFactory())
    new = {
        "old_password": PASSWORD,
        "new_password1": "Xinmima2027ab",
        "new_password2": "Xinmima2027ab",
    }
    body = client.post("/accounts/password/", new, follow=True).content.decode()
    assert "密码已修改，下次登录请使用新密码。" in body
