"""Browser: a citizen registers on a 390 px phone (the SMS code read from the server's SMS
outbox, as the phone would show it), lands on 我的办事, registers a company under 我的单位 and
opens its page; each page passes the phone checks and axe-core at 360, 390 and 414 px."""

import subprocess

import pytest
from stdnum.cn import ric, uscc

from tests.browser import BIN, copy_prepared, launch, prepare_server, stop
from tests.test_browser_mobile import WIDTHS, phone_checks

pytestmark = pytest.mark.browser
PASSWORD = "Lz7xq-Wenba9"


def _id(seq: int) -> str:
    body = f"43092219900214{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _credit(seq: int) -> str:
    base = f"91430922MA4M{seq:05d}"
    return base + uscc.calc_check_digit(base)


@pytest.fixture(scope="module")
def county(tmp_path_factory, worker_id, prepared_county):
    tmp = tmp_path_factory.mktemp("server")
    if prepared_county is None:
        env = prepare_server(tmp, worker_id + "a")
    else:
        env = copy_prepared(prepared_county, tmp)
    proc, url = launch(env, tmp)
    yield url, env
    stop(proc)


def sent_code(env: dict, mobile: str) -> str:
    """The code in the newest text queued for `mobile` in the server's SMS outbox."""
    code = (
        "import re; from onewindow.exchange.models import SmsOutbox; "
        f"row = next(r for r in SmsOutbox.objects.order_by('-id') if r.mobile == {mobile!r}); "
        "print(re.search(r'验证码(\\d{6})', row.text).group(1))"
    )
    out = subprocess.run(
        [BIN / "onewindow", "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def test_a_citizen_registers_and_registers_a_company_on_a_phone(county, page):
    server, env = county
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/")
    page.click("header .who a[href='/accounts/register/']")
    page.fill("#id_name", "欧阳<b>春</b>")  # not a name: refused, shown as text
    page.fill("#id_id_number", _id(1))
    page.fill("#id_mobile", "13907376661")
    page.click("button[value=send]")
    assert "验证码已发送至139****6661" in page.inner_text("main")
    assert page.input_value("#id_mobile") == "13907376661"
    page.fill("#id_code", sent_code(env, "13907376661"))
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[value=register]")
    assert "姓名应为2至30个汉字或字母" in page.inner_text("#id_name_errors")
    assert page.input_value("#id_name") == "欧阳<b>春</b>"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        phone_checks(page, width)
    page.set_viewport_size({"width": 390, "height": 844})
    page.fill("#id_name", "欧阳春")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[value=register]")
    page.wait_for_url(server + "/me/")
    assert "注册成功，欢迎您，欧阳春。" in page.inner_text("main")

    page.goto(server + "/accounts/organisations/")
    phone_checks(page, 390)
    page.click("main a[href='/accounts/organisations/new/']")
    page.fill("#id_name", "桃江县欧阳竹艺有限公司")
    page.fill("#id_credit_code", _credit(1))
    page.fill("#id_legal_rep_name", "欧阳春")
    page.fill("#id_legal_rep_id", _id(1))
    phone_checks(page, 390)
    page.click("main form button[type=submit]")
    page.wait_for_url(server + "/accounts/organisations/*/")
    text = page.inner_text("main")
    assert "桃江县欧阳竹艺有限公司" in text and "管理员" in text and _id(1) not in text
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        phone_checks(page, width)
