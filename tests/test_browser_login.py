"""Browser: each demo login, typed into the real login page, lands on its Chinese home."""

import pytest

pytestmark = pytest.mark.browser

HOMES = [
    ("clerk", "/cases/window/", "窗口工作台"),
    ("hallmgr", "/hall/", "未配备B岗的窗口"),
    ("reform", "/reform/scorecard/", "“六个到位”评分表"),
    ("applicant", "/me/", "办事大厅"),
]


@pytest.mark.parametrize("username, path, heading", HOMES)
def test_login_lands_on_role_home(server, page, username, path, heading):
    page.goto(server + "/")  # the public guides; staff follow the login link
    page.click('header .who a[href="/accounts/login/"]')
    page.fill("#id_username", username)
    page.fill("#id_password", "Taojiang2026")
    page.click("main form button[type=submit]")
    page.wait_for_url(server + path)
    assert heading in page.inner_text("main")
    # The CJK font is installed: Chinese text has real width, not zero-width tofu boxes.
    width = page.evaluate("() => document.querySelector('h1').getBoundingClientRect().width")
    assert width > 40


def test_bad_password_shows_chinese_error(server, page):
    page.goto(server + "/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "not-the-password1")
    page.click("main form button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("[role=alert]")
