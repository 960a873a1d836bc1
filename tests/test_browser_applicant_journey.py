"""Browser: issue 21's "Done when", walked on a 390 px phone against one server.

1. A citizen registers (the SMS code read from the server's SMS outbox, as the phone shows it; a
   refused name kept as typed text), applies for an instant item from its guide: saves a draft,
   sends the application form (PDF) by upload.js with its progress bar, resumes the draft on a
   second device that sends the site plan (PNG) and submits; the identity card is obtained by the
   state. The clerk finds it in the window's online queue and gives a one-time notice (一次性告知)
   from the case page; the citizen reads it on the phone (and got a text), replaces the file
   online; the clerk accepts, decides at the window and hands the result over. The citizen
   follows the progress on 我的办事, downloads the decision (a PDF), rates the case on the web,
   and finds it again without logging in by case number + mobile (a wrong mobile refused first).
2. 省统一身份认证: a person signs in through the local OpenID Connect provider the module starts
   (the server configured with ONEWINDOW_OIDC_*), registers their company under 我的单位, adds an
   operator (经办人); the operator applies for the company (the form shows only the fields the
   chosen answers need), and both see the company's case.
3. The demo applicant, verified at a desk (no number kept), types the ID number and submits.

Every applicant page passed on the way passes the phone checks with axe-core
(tests.test_browser_mobile.phone_checks) at 390 px, the register page, the application form and
the company's page at 360, 390 and 414 px. With ONEWINDOW_SHOTS=<dir> each step is saved there as
a screenshot (to look at, not compared)."""

import json
import os
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from stdnum.cn import ric, uscc

from onewindow.demo.county import DEMO_APPLICANT_ID
from onewindow.testing.oidc_provider import OidcProvider
from tests.browser import (
    BIN,
    copy_prepared,
    deliver_at_window,
    launch,
    prepare_server,
    sign_in,
    stop,
)
from tests.test_browser_mobile import WIDTHS, phone_checks

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "Lz7xq-Wenba9"
ITEM = "11430922MB0000022T4000722002000"  # 个体工商户设立登记, instant, at the clerk's window
COMPANY_ITEM = "11430922MB0000022T4000722007000"  # 企业注销登记
PDF = b"%PDF-1.4\n" + b"0" * 600_000 + b"\n%%EOF\n"  # large enough for progress events
SIGNED = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _id(seq: int) -> str:
    body = f"43092219850307{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _credit(seq: int) -> str:
    base = f"91430922MA4N{seq:05d}"
    return base + uscc.calc_check_digit(base)


def _png(width: int = 40, height: int = 30) -> bytes:
    """A real PNG (the server checks a file's type by its content)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xc8\x32\x32" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


CITIZEN = {"name": "刘晓梅", "id": _id(101), "mobile": "13907371101"}
OWNER = {"name": "李文博", "id": _id(102), "mobile": "13907371102"}  # signs in through the province
OPERATOR = {"name": "周敏", "id": _id(103), "mobile": "13907371103"}
COMPANY = {"name": "桃江县文博竹木制品有限公司", "code": _credit(101)}
CLIENT_ID, CLIENT_SECRET = "onewindow-e2e", "e2e-secret"


@pytest.fixture(scope="module")
def provider():
    """The province's unified identity in miniature, on 127.0.0.1 (OWNER consents)."""
    claims = {
        "sub": "prov-7301",
        "name": OWNER["name"],
        "id_card": OWNER["id"],
        "phone_number": OWNER["mobile"],
        # The legal-person claim: OWNER represents COMPANY, which is verified by it on 登记单位.
        "credit_code": [COMPANY["code"]],
    }
    with OidcProvider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, claims=claims) as op:
        yield op


@pytest.fixture(scope="module")
def county(tmp_path_factory, worker_id, prepared_county, provider):
    """One server for the module, its relying party pointed at the test provider."""
    tmp = tmp_path_factory.mktemp("server")
    if prepared_county is None:
        env = prepare_server(tmp, worker_id + "j")
    else:
        env = copy_prepared(prepared_county, tmp)
    env = {
        **env,
        "ONEWINDOW_OIDC_ISSUER": provider.issuer,
        "ONEWINDOW_OIDC_CLIENT_ID": CLIENT_ID,
        "ONEWINDOW_OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }
    proc, url = launch(env, tmp)
    yield url, env
    stop(proc)


def ask(env: dict, code: str) -> str:
    """The last line `code` prints, run by `onewindow shell` on the server's database."""
    out = subprocess.run(
        [BIN / "onewindow", "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def texts_to(env: dict, mobile: str) -> list[str]:
    """The texts queued for `mobile` in the server's SMS outbox, newest first."""
    code = (
        "import json; from onewindow.exchange.models import SmsOutbox; "
        f"print(json.dumps([r.text for r in SmsOutbox.objects.order_by('-id') "
        f"if r.mobile == {mobile!r}]))"
    )
    return json.loads(ask(env, code))


def shot(page, name: str) -> None:
    """A screenshot of the step, when ONEWINDOW_SHOTS names a folder."""
    folder = os.environ.get("ONEWINDOW_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def phone(new_page):
    page = new_page()
    page.set_viewport_size(PHONE)
    return page


def at_widths(page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        phone_checks(page, width)
    page.set_viewport_size(PHONE)
    shot(page, name)


def _act(page, label: str) -> None:
    page.click(f"form:has(strong:text-is('{label}')) button[type=submit]")
    page.wait_for_load_state()


def test_a_citizen_registers_applies_corrects_follows_downloads_and_rates(
    county, new_page, tmp_path
):
    server, env = county
    me = phone(new_page)

    # --- 个人注册 -----------------------------------------------------------------------------
    me.goto(server + "/")
    me.click("header .who a[href='/accounts/register/']")
    me.fill("#id_name", "刘<b>晓梅</b>")  # not a name: refused, shown as the text typed
    me.fill("#id_id_number", CITIZEN["id"])
    me.fill("#id_mobile", CITIZEN["mobile"])
    me.click("button[value=send]")
    assert "验证码已发送至139****1101" in me.inner_text("main")
    code = re.search(r"验证码(\d{6})", texts_to(env, CITIZEN["mobile"])[0]).group(1)
    me.fill("#id_code", code)
    me.fill("#id_password", PASSWORD)
    me.fill("#id_password2", PASSWORD)
    me.click("button[value=register]")
    assert "姓名应为2至30个汉字或字母" in me.inner_text("#id_name_errors")
    assert me.input_value("#id_name") == "刘<b>晓梅</b>"
    at_widths(me, "01-register-refused")
    me.fill("#id_name", CITIZEN["name"])
    me.fill("#id_password", PASSWORD)
    me.fill("#id_password2", PASSWORD)
    me.click("button[value=register]")
    me.wait_for_url(server + "/me/")
    assert f"注册成功，欢迎您，{CITIZEN['name']}。" in me.inner_text("main")
    shot(me, "02-registered")

    # --- 网上申请: from the guide, a draft, the first file by upload.js --------------------
    me.goto(f"{server}/guide/items/{ITEM}/")
    me.click("main a.button:text-is('在线申请')")
    assert me.input_value("#phone") == CITIZEN["mobile"]  # pre-filled from the account
    assert "4309**********" in me.inner_text("main fieldset:has(legend:text-is('申请人'))")
    me.click("button[value=save]")
    assert "草稿已保存" in me.inner_text("main")
    lines = me.locator("main li.material")
    assert "由政府部门共享获取" in lines.nth(1).inner_text()  # 居民身份证: obtained by the state
    form_key, plan_key = (
        me.locator("main input[type=file]").nth(n).get_attribute("data-material") for n in (0, 1)
    )
    scan = tmp_path / "申请表.pdf"
    scan.write_bytes(PDF)
    me.set_input_files(f"#f{form_key}", str(scan))  # upload.js sends it at once
    me.wait_for_selector(f"#s{form_key}:text('上传完成')")
    assert "已上传：申请表.pdf（586 KB）" in me.inner_text(f"#line-{form_key}")  # not 0.6MB
    assert me.evaluate(f"document.getElementById('p{form_key}').value") == 100  # the bar ran
    assert "/me/applications/" in me.url
    at_widths(me, "03-apply-form")
    me.goto(server + "/me/applications/")
    assert "继续填写" in me.inner_text("main")
    phone_checks(me, 390)

    # --- resumed on another device: the second file, submitted ----------------------------
    desk = new_page()
    sign_in(desk, server, CITIZEN["id"], PASSWORD)  # the resident ID number as the login
    desk.goto(server + "/me/applications/")
    desk.click("main a.button:text-is('继续填写')")
    assert "已上传：申请表.pdf" in desk.inner_text(f"#line-{form_key}")
    plan = tmp_path / "经营场所.png"
    plan.write_bytes(_png())
    desk.set_input_files(f"#f{plan_key}", str(plan))
    desk.wait_for_selector(f"#s{plan_key}:text('上传完成')")
    desk.click("button[value=submit]")
    assert "申请已提交（个体工商户设立登记）" in desk.inner_text("main")

    me.goto(server + "/me/applications/")
    assert "没有未提交的草稿" in me.inner_text("main")
    assert "个体工商户设立登记" in me.inner_text("main")
    phone_checks(me, 390)
    shot(me, "04-my-applications")

    # --- the window: the online queue, the one-time notice ---------------------------------
    clerk = new_page()
    sign_in(clerk, server, "clerk")
    clerk.goto(server + "/cases/window/?queue=online")
    clerk.locator(f"main table tr:has-text('{CITIZEN['name']}') a").first.click()
    clerk.wait_for_load_state()
    case_url = clerk.url
    case_id = int(re.search(r"/cases/(\d+)/$", case_url).group(1))
    materials = clerk.inner_text("main table:has(th:text-is('材料'))")
    assert materials.count("已上传电子材料") == 2 and "部门共享获取" in materials
    assert clerk.locator("main a:text-is('查看文件')").count() == 2  # the uploads open here
    notice = clerk.locator("#act-notify_correction")
    notice.locator("input[name^=pick_]").first.check()
    notice.locator("input[name^=problem_]").first.fill("申请表未签名，请签名后重新上传")
    notice.locator("button[type=submit]").click()
    clerk.wait_for_load_state()
    assert "一次性告知补正中" in clerk.inner_text("main h1")

    # --- the citizen reads it (and got a text), corrects online -----------------------------
    assert any(f"/me/cases/{case_id}/" in t for t in texts_to(env, CITIZEN["mobile"]))
    me.goto(server + "/me/")
    assert "需要您补正材料" in me.inner_text("main")
    phone_checks(me, 390)
    shot(me, "05-my-cases-correcting")
    me.click("main a.button:text-is('去办理')")
    page = me.inner_text("main")
    assert "一次性告知：需要补正的材料" in page
    assert "个体工商户设立登记申请表：申请表未签名，请签名后重新上传" in page
    phone_checks(me, 390)
    shot(me, "06-my-case-notice")
    signed = tmp_path / "申请表（已签名）.pdf"
    signed.write_bytes(SIGNED)
    needed = me.locator("#act-correct_online input[type=file][required]")
    assert needed.count() == 1  # only the material the notice names must be sent again
    needed.set_input_files(str(signed))
    me.click("#act-correct_online button[type=submit]")
    me.wait_for_load_state()
    page = me.inner_text("main")
    assert "补正材料已提交" in page and "补正材料已收到，窗口正在审核您的申请" in page
    phone_checks(me, 390)
    shot(me, "07-corrected")

    # --- accepted, decided at the window, handed over ---------------------------------------
    clerk.goto(case_url)
    assert "在网上提交补正材料" in clerk.inner_text("main ol.timeline")
    _act(clerk, "受理")
    assert "已受理" in clerk.inner_text("main h1")
    _act(clerk, "窗口即办决定")
    assert "已决定" in clerk.inner_text("main h1")
    deliver_at_window(clerk, CITIZEN["name"], CITIZEN["id"])
    assert "已办结" in clerk.inner_text("main h1")

    # --- progress on the phone, the decision downloaded, the rating --------------------------
    me.goto(server + "/me/")
    row = me.locator(f"main table.cases tr:has(a[href='/me/cases/{case_id}/'])")
    assert "已办结（准予）" in row.inner_text()
    number = row.locator("td.case-number").inner_text().strip()
    assert re.fullmatch(r"\d{23}", number), number
    phone_checks(me, 390)
    shot(me, "08-my-cases-closed")
    row.locator("a.button:text-is('网上评价')").click()
    me.wait_for_load_state()
    with me.expect_download() as download:
        me.click("main a.button:text-is('下载《行政审批决定书》')")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    form = me.locator("form.rate")
    assert not form.locator("input[name=level]:checked").count()  # no level chosen for them
    form.locator("label", has_text="非常满意").click()
    form.locator("label", has_text="一次办好").click()
    form.locator("button[type=submit]").click()
    me.wait_for_load_state()
    page = me.inner_text("main")
    assert "感谢您的评价" in page and "网上评价：非常满意" in page
    assert me.locator("form.rate").count() == 0  # one rating per channel
    phone_checks(me, 390)
    shot(me, "09-rated")

    # --- progress without logging in: case number + mobile ----------------------------------
    anyone = phone(new_page)
    anyone.goto(server + "/progress/")
    phone_checks(anyone, 390)
    anyone.fill("#lookup-number", number)
    anyone.fill("#lookup-mobile", "13907371199")  # not the applicant's
    anyone.click("main form button[type=submit]")
    assert "没有找到与该办件编号和手机号码相符的办件" in anyone.inner_text("#lookup-error")
    assert anyone.input_value("#lookup-number") == number
    phone_checks(anyone, 390)
    shot(anyone, "10-lookup-refused")
    anyone.fill("#lookup-mobile", CITIZEN["mobile"])
    anyone.click("main form button[type=submit]")
    anyone.wait_for_load_state()
    page = anyone.inner_text("main")
    assert number in page and "已办结" in page
    assert CITIZEN["name"] not in page and "刘**" in page  # masked for whoever holds the phone
    phone_checks(anyone, 390)
    shot(anyone, "11-lookup-found")


def test_province_sign_on_a_company_and_its_operator_applying_for_it(county, new_page):
    server, env = county
    # The operator registered earlier (the registration pages are walked above).
    ask(
        env,
        "from onewindow.accounts import services; "
        f"services.applicant_create(name={OPERATOR['name']!r}, id_number={OPERATOR['id']!r}, "
        f"mobile={OPERATOR['mobile']!r}, source='registered', password={PASSWORD!r}); print('ok')",
    )

    # --- 省统一身份认证登录 --------------------------------------------------------------------
    owner = phone(new_page)
    owner.goto(server + "/accounts/login/")
    owner.click("main a.button:text-is('省统一身份认证登录')")
    owner.wait_for_url(server + "/me/")
    assert f"已通过省统一身份认证登录，欢迎您，{OWNER['name']}。" in owner.inner_text("main")
    assert OWNER["name"] in owner.inner_text("header")
    # The name whole in the header (it read 李文博（… on a phone); no password to change.
    name_fits = (
        "(() => { const n = document.querySelector('header .who .name');"
        " return n.scrollWidth <= n.clientWidth + 1 })()"
    )
    assert owner.evaluate(name_fits) and "修改密码" not in owner.inner_text("header")
    shot(owner, "20-oidc-signed-in")

    # --- 我的单位: the company registered, an operator added ---------------------------------
    owner.goto(server + "/accounts/organisations/")
    phone_checks(owner, 390)
    owner.click("main a[href='/accounts/organisations/new/']")
    owner.fill("#id_name", COMPANY["name"])
    owner.fill("#id_credit_code", COMPANY["code"])
    owner.fill("#id_legal_rep_name", OWNER["name"])
    owner.fill("#id_legal_rep_id", OWNER["id"])
    phone_checks(owner, 390)
    owner.click("main form button[type=submit]")
    owner.wait_for_url(server + "/accounts/organisations/*/")
    page = owner.inner_text("main")
    assert COMPANY["name"] in page and "管理员" in page and OWNER["id"] not in page
    assert "已核验" in page  # by the province's legal-person claim
    owner.fill("#id_id_number", OPERATOR["id"])
    owner.click("main form:has(button:text-is('添加')) button[type=submit]")
    owner.wait_for_load_state()
    # Invited: the name masked until the operator accepts on their own 我的单位.
    assert OPERATOR["name"] not in owner.inner_text("main")
    member = owner.locator(f"main table.members tr:has-text('{OPERATOR['name'][0]}*')")
    assert "经办人" in member.inner_text() and "待对方接受" in member.inner_text()

    # --- the operator accepts, then applies for the company -----------------------------------
    agent = phone(new_page)
    sign_in(agent, server, OPERATOR["mobile"], PASSWORD)  # the mobile number as the login
    agent.goto(server + "/accounts/organisations/")
    agent.click(f"main button[aria-label='接受：{COMPANY['name']}']")
    agent.wait_for_url(server + "/accounts/organisations/")
    assert "您已成为" in agent.inner_text("main")
    owner.reload()
    member = owner.locator(f"main table.members tr:has-text('{OPERATOR['name']}')")
    assert "经办人" in member.inner_text() and "有效" in member.inner_text()
    at_widths(owner, "21-company")
    agent.goto(f"{server}/guide/items/{COMPANY_ITEM}/apply/")
    # Only what the chosen answers need: the unit for 为单位申请, the other person for 代他人申请,
    # the address for 邮寄送达.
    hidden = ("#organisation", "#other_name", "#mail_address")
    assert not any(agent.is_visible(field) for field in hidden)
    agent.locator("label.choice", has_text="代他人申请（代理人）").click()
    assert agent.is_visible("#other_name") and agent.is_visible("#other_id")
    agent.locator("label.choice", has_text="邮寄送达").click()
    assert agent.is_visible("#mail_address")
    agent.locator("label.choice", has_text="到窗口领取").click()
    agent.locator("label.choice", has_text="为所代表的单位申请").click()
    assert agent.is_visible("#organisation") and not agent.is_visible("#other_name")
    # A radio per unit: a long name wraps on the phone (a select cut it off).
    agent.locator(
        "#organisation label.choice", has_text=f"单位：{COMPANY['name']}（经办人）"
    ).click()
    for box in agent.locator("main input[type=checkbox][value=paper]").all():
        box.check()  # the company brings every paper to the window
    phone_checks(agent, 390)
    shot(agent, "22-company-apply")
    agent.click("button[value=submit]")
    assert "申请已提交（企业注销登记）" in agent.inner_text("main")
    agent.click("main a.button:text-is('查看办理进度')")
    agent.wait_for_load_state()
    case_path = agent.url[len(server) :]
    assert re.fullmatch(r"/me/cases/\d+/", case_path)
    page = agent.inner_text("main")
    assert "窗口正在审核您的申请" in page
    assert "一次性告知" not in page  # papers to bring are no notice to correct
    phone_checks(agent, 390)
    shot(agent, "23-company-case")

    for who in (agent, owner):  # the operator who filed it and the company's administrator
        who.goto(server + "/me/")
        row = who.locator(f"main table.cases tr:has(a[href='{case_path}'])")
        assert COMPANY["name"] in row.inner_text()
        assert f"代理人：{OPERATOR['name']}" in row.inner_text()
    phone_checks(owner, 390)
    shot(owner, "24-company-in-my-cases")


def test_an_applicant_verified_at_a_desk_types_the_id_number(county, new_page):
    """The demo applicant's identity was checked at a desk (no registered person, no number
    kept): the form asks for the ID number, which must be his."""
    server, _ = county
    page = phone(new_page)
    sign_in(page, server, "applicant")
    page.goto(f"{server}/guide/search/?q=教师资格认定")
    page.locator("main table.results td.head a").first.click()
    page.click("main a.button:text-is('在线申请')")
    assert page.is_visible("#own_id")
    page.fill("#own_id", DEMO_APPLICANT_ID)
    page.fill("#phone", "13807370001")
    for box in page.locator("main input[type=checkbox][value=paper]").all():
        box.check()
    phone_checks(page, 390)
    page.click("button[value=submit]")
    assert "申请已提交" in page.inner_text("main")
