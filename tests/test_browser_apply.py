"""Browser: the demo applicant applies online on a 390 px phone (issue 21 item 2): from the
guide's 在线申请 to the form, a draft saved, a file sent by upload.js with its progress bar, the
draft listed under 我的申请, submitted; the form passes the phone checks and axe-core at 360, 390
and 414 px."""

import pytest

from onewindow.demo.county import DEMO_APPLICANT_ID
from tests.browser import copy_prepared, launch, prepare_server, sign_in, stop
from tests.test_browser_mobile import WIDTHS, phone_checks

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n" + b"0" * 600_000 + b"\n%%EOF\n"  # large enough for progress events


@pytest.fixture(scope="module")
def county(tmp_path_factory, worker_id, prepared_county):
    tmp = tmp_path_factory.mktemp("server")
    if prepared_county is None:
        env = prepare_server(tmp, worker_id + "p")
    else:
        env = copy_prepared(prepared_county, tmp)
    proc, url = launch(env, tmp)
    yield url
    stop(proc)


def test_the_demo_applicant_applies_online_on_a_phone(county, page, tmp_path):
    server = county
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server, "applicant")
    page.goto(f"{server}/guide/search/?q=教师资格认定")
    page.locator("main table.results td.head a").first.click()
    page.click("main a.button:text-is('在线申请')")
    assert "/apply/" in page.url
    # Only what the chosen answers need: the other person's fields for 代他人申请, the address
    # for 邮寄送达.
    assert not page.is_visible("#other_name") and not page.is_visible("#mail_address")
    page.check("input[name=applicant_as][value=agent]")
    assert page.is_visible("#other_name") and page.is_visible("#other_id")
    page.check("input[name=applicant_as][value=self]")
    page.check("input[name=delivery][value=mail]")
    assert page.is_visible("#mail_address")
    page.check("input[name=delivery][value=collect]")
    page.fill("#own_id", DEMO_APPLICANT_ID)
    page.fill("#phone", "13807370001")
    for box in page.locator("main input[type=checkbox][value=paper]").all():
        box.check()  # every material at the window, for now
    page.click("button[value=save]")
    assert "草稿已保存" in page.inner_text("main")
    assert "/me/applications/" in page.url
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        phone_checks(page, width)
    page.set_viewport_size({"width": 390, "height": 844})

    first = page.locator("main input[type=file]").first
    key = first.get_attribute("data-material")
    page.locator(f"#line-{key} input[value=paper]").uncheck()
    scan = tmp_path / "申请表.pdf"
    scan.write_bytes(PDF)
    first.set_input_files(str(scan))  # upload.js sends it at once
    page.wait_for_selector(f"#s{key}:text('上传完成')")
    assert "已上传：申请表.pdf" in page.inner_text(f"#line-{key}")
    seen = page.evaluate(f"document.getElementById('p{key}').value")
    assert seen == 100  # the bar reached the end before it was hidden

    page.goto(server + "/me/applications/")
    assert "继续填写" in page.inner_text("main")
    phone_checks(page, 390)
    page.click("main a.button:text-is('继续填写')")
    assert "已上传：申请表.pdf" in page.inner_text(f"#line-{key}")
    page.click("button[value=submit]")
    assert "申请已提交" in page.inner_text("main")
    phone_checks(page, 390)
