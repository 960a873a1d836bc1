"""Issue 15 item 18: lockout by (account, address) and by address, never by account alone."""

import datetime

import pytest

from onewindow.org.roles import RoleCode
from onewindow.testing.factories import PASSWORD, UserFactory, staff_user

pytestmark = pytest.mark.django_db

HALL = "10.20.0.1"
ELSEWHERE = "10.30.0.7"


def _login(client, username, password, address):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _clerk() -> str:
    return staff_user(RoleCode.WINDOW_CLERK).username


def test_i15_18_spray_from_one_address_locks_that_address(client, settings):
    settings.ONEWINDOW_LOGIN_ADDRESS_USERNAMES = 10
    reviewer = staff_user(RoleCode.DEPT_REVIEWER).username
    inspector = UserFactory(roles=[RoleCode.SUPERVISOR]).username
    clerk = _clerk()
    usernames = [f"nobody{i}" for i in range(8)] + [reviewer]
    for name in usernames:  # one guess per account: no account reaches its own limit
        assert _login(client, name, "Spring2026x", HALL).status_code == 200
    assert _login(client, inspector, "Spring2026x", HALL).status_code == 429  # the tenth
    # Another account, with its right password, is refused from that address...
    refused = _login(client, clerk, PASSWORD, HALL)
    assert refused.status_code == 429
    assert "此地址" in refused.content.decode()
    # ...and answers from any other address.
    assert _login(client, clerk, PASSWORD, ELSEWHERE).status_code == 302


def test_i15_18_many_failures_from_one_address_lock_it(client, settings):
    settings.ONEWINDOW_LOGIN_ADDRESS_FAILURES = 12
    accounts = [
        staff_user(RoleCode.WINDOW_SUPERVISOR).username,
        staff_user(RoleCode.TEAM_LEADER).username,
        UserFactory(roles=[RoleCode.REFORM_OFFICE]).username,
    ]
    clerk = _clerk()
    for i in range(12):  # 3 accounts, 4 failures each: under the account limit, over the total
        _login(client, accounts[i % 3], "Wrong2026x", HALL)
    assert _login(client, clerk, PASSWORD, HALL).status_code == 429


def test_i15_18_failures_from_one_address_do_not_lock_the_account_elsewhere(client):
    admin = UserFactory(roles=[RoleCode.SYSADMIN], is_superuser=True).username
    for _ in range(5):
        _login(client, admin, "Wrong2026x", HALL)
    locked = _login(client, admin, PASSWORD, HALL)
    assert locked.status_code == 429
    assert "账号已临时锁定" in locked.content.decode()
    assert _login(client, admin, PASSWORD, ELSEWHERE).status_code == 302


def test_i15_18_wrong_old_password_on_password_change_counts(client):
    user = staff_user(RoleCode.DEPT_REVIEWER)
    client.force_login(user)
    for _ in range(4):
        answer = client.post(
            "/accounts/password/",
            {
                "old_password": "Guess2026x",
                "new_password1": "Haitang#2031q",
                "new_password2": "Haitang#2031q",
            },
            REMOTE_ADDR=HALL,
        )
        assert answer.status_code == 200
    last = client.post(
        "/accounts/password/",
        {
            "old_password": "Guess2026x",
            "new_password1": "Haitang#2031q",
            "new_password2": "Haitang#2031q",
        },
        REMOTE_ADDR=HALL,
    )
    assert last.status_code == 429
    # The session that guessed is ended, and the account cannot sign in again from there.
    assert client.get("/home/").status_code == 302
    assert _login(client, user.username, PASSWORD, HALL).status_code == 429
    assert _login(client, user.username, PASSWORD, ELSEWHERE).status_code == 302


def test_i15_18_the_lockout_page_names_the_configured_cool_off(client, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=7)
    winsup = staff_user(RoleCode.WINDOW_SUPERVISOR).username
    for _ in range(5):
        _login(client, winsup, "Wrong2026x", HALL)
    locked = _login(client, winsup, PASSWORD, HALL)
    assert locked.status_code == 429
    assert "暂停从此地址登录7分钟" in locked.content.decode()


PROXY = "127.0.0.1"  # deploy.md's nginx: every request arrives from it


def _login_through_proxy(client, username, password, address):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_i15_18_behind_a_proxy_the_client_address_is_locked_not_the_proxy(client, settings):
    settings.ONEWINDOW_TRUSTED_PROXIES = 1
    settings.ONEWINDOW_LOGIN_ADDRESS_USERNAMES = 10
    for i in range(10):  # a spray from one client behind the proxy
        _login_through_proxy(client, f"nobody{i}", "Spring2026x", HALL)
    clerk = _clerk()
    assert _login_through_proxy(client, clerk, PASSWORD, HALL).status_code == 429
    # Everyone else comes through the same proxy and still signs in.
    assert _login_through_proxy(client, clerk, PASSWORD, ELSEWHERE).status_code == 302


def test_i15_18_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(
    client, settings
):
    settings.ONEWINDOW_TRUSTED_PROXIES = 0
    winsup = staff_user(RoleCode.WINDOW_SUPERVISOR).username
    for i in range(5):  # each guess claims another address; REMOTE_ADDR is what counts
        client.post(
            "/accounts/login/",
            {"username": winsup, "password": "Wrong2026x"},
            REMOTE_ADDR=HALL,
            HTTP_X_FORWARDED_FOR=f"10.99.0.{i}",
        )
    assert _login(client, winsup, PASSWORD, HALL).status_code == 429
