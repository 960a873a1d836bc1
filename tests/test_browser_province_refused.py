"""Browser: the hall manager opens the refused provincial applications (省平台申请拒收) on a
phone: each refusal a card (no sideways scroll at 390 px), its code named in Chinese, and a
number the platform sent again and that was taken shown as resolved with a link to its case.
axe-core on the page."""

import subprocess

import pytest

from tests.axe import audit
from tests.browser import BIN, copy_prepared, launch, prepare_server, sign_in, stop

pytestmark = pytest.mark.browser

# Run in the server's database before it starts: two refusals with long numbers and reasons;
# the second number was sent again and taken (a demo case carries it).
SEED = """
from django.utils import timezone
from onewindow.cases.models import Case, ProvinceApplication

now = timezone.now()
case = Case.objects.order_by("id").first()
Case.objects.filter(pk=case.pk).update(province_application_id="HN-SB-20261120-0000000000002")
for n, (code, reason) in enumerate(
    [
        ("agent_id_invalid", "申请人信息有误：代理人身份证号码的校验位不正确，请核对。"),
        ("malformed", "申请数据不完整或格式不对：第2份材料的文件名不能为空，请省平台核对。"),
    ],
    start=1,
):
    ProvinceApplication.objects.create(
        application_id=f"HN-SB-20261120-000000000000{n}", digest=str(n) * 64, via="pull",
        source="湖南省一体化政务服务平台", code=code, reason=reason,
        item_code="114309000060897240-4-HN0001XK000009-000-0001",
        applicant_name="桃江县某某建筑工程有限公司",
        first_at=now, last_at=now,
    )
print(case.pk)
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, worker_id, prepared_county):
    tmp = tmp_path_factory.mktemp("province_refused")
    if prepared_county is None:
        env = prepare_server(tmp, worker_id)
    else:
        env = copy_prepared(prepared_county, tmp)
    seeded = subprocess.run(
        [BIN / "onewindow", "shell", "-c", SEED], env=env, check=True, capture_output=True
    )
    case = seeded.stdout.decode().split()[-1]
    proc, url = launch(env, tmp)
    yield url, case
    stop(proc)


def test_the_refused_list_fits_a_phone(seeded, browser):
    server, case = seeded
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, server, "hallmgr")
    page.goto(server + "/cases/province/")
    main = page.inner_text("main")
    assert "代理人身份证号码有误" in main and "申请数据不完整或格式不对" in main
    assert "已重新接收" in main
    assert page.locator(f'main a[href="/cases/{case}/"]').count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    audit(page)
    context.close()
