"""Issue 15 item 19: no demo data in production, no production without TLS unless chosen,
no weak or reused passwords."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from onewindow.demo.county import DEMO_PASSWORD
from onewindow.org.models import User
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import PASSWORD, ApplicantFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


def test_i15_19_demo_refuses_to_run_in_production(settings):
    # A test of the demo command itself: it must not reset the demo county's own admin.
    settings.PRODUCTION = True
    admin = User.objects.get(username="admin")
    admin.set_password("Quite-unknown-7")
    admin.save()
    with pytest.raises(CommandError) as refused:
        call_command("demo", "--history-days", "0")
    assert "生产环境" in str(refused.value) and "production" in str(refused.value)
    admin.refresh_from_db()
    assert not admin.check_password(DEMO_PASSWORD)  # nothing was loaded or reset


def _import_settings(tmp_path, **env):
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ONEWINDOW_") and k != "DJANGO_SETTINGS_MODULE"
    }
    environ.update(ONEWINDOW_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", "import onewindow.settings"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_i15_19_production_refuses_to_start_without_tls(tmp_path):
    plain = _import_settings(tmp_path, ONEWINDOW_ENV="production")
    assert plain.returncode != 0
    assert "ONEWINDOW_TLS" in plain.stderr and "ONEWINDOW_ALLOW_PLAIN_HTTP" in plain.stderr
    # With TLS, or plain HTTP chosen explicitly, it goes on (to the missing keys here).
    for chosen in ({"ONEWINDOW_TLS": "true"}, {"ONEWINDOW_ALLOW_PLAIN_HTTP": "true"}):
        started = _import_settings(tmp_path, ONEWINDOW_ENV="production", **chosen)
        assert "ONEWINDOW_TLS" not in started.stderr
        assert "ONEWINDOW_SECRET_KEY must be set" in started.stderr
    assert _import_settings(tmp_path).returncode == 0  # development needs neither


@pytest.mark.parametrize("weak", ["1111111111a", "abcd1234efgh", "Qwerty2026ab", "a1a1a1a1a1a1"])
def test_i15_19_weak_passwords_are_refused_in_chinese(weak):
    with pytest.raises(ValidationError) as refused:
        validate_password(weak, User(username="newclerk"))
    assert any("密码" in m for m in refused.value.messages)


def test_a_strong_password_passes_the_rules():
    validate_password("Haitang#2031q", staff_user(RoleCode.WINDOW_CLERK))


def test_i15_19_password_change_refuses_the_current_password(client):
    client.force_login(ApplicantFactory())
    answer = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert answer.status_code == 200
    assert "新密码不能与当前密码相同" in answer.content.decode()


def test_i15_19_admin_set_password_refuses_weak_and_current(client):
    client.force_login(UserFactory(roles=[RoleCode.SYSADMIN], is_superuser=True))
    admin = client
    clerk = staff_user(RoleCode.WINDOW_CLERK)
    url = f"/admin/org/user/{clerk.pk}/password/"
    for password, message in (
        (PASSWORD, "新密码不能与当前密码相同"),
        ("1111111111a", "连续重复或顺序排列"),
    ):
        answer = admin.post(url, {"password1": password, "password2": password})
        assert answer.status_code == 200
        assert message in answer.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
