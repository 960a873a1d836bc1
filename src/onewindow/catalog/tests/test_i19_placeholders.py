"""Issue 19 item 4: placeholder text (“待补充”, “以…为准” …) in a required element is a finding
of the catalogue check, with a Chinese reason naming the element; real text is not flagged."""

import io

import pytest
from openpyxl import load_workbook

from onewindow.catalog import selectors, transfer
from onewindow.catalog.models import Item
from onewindow.catalog.placeholders import placeholder
from onewindow.testing.factories import ItemFactory

pytestmark = pytest.mark.django_db

RULE = "必填要素为占位文字"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("待补充", "待补充"),
        ("  待补充。", "待补充"),
        ("设定依据待补充", "待补充"),
        ("以窗口告知为准", "以窗口告知为准"),
        ("以最新规定为准。", "以最新规定为准"),
        ("详见附件", "详见附件"),
        ("参见相关文件", "参见相关文件"),
        ("依据相关法律法规", "依据相关法律法规"),
        ("无", "无"),
        ("暂无", "暂无"),
        ("待定", "待定"),
        ("/", "/"),
        ("——", "——"),
        ("TBD", "TBD"),
        ("xxx", "xxx"),
    ],
)
def test_placeholders_are_recognised(text, shown):
    assert placeholder(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "",
        "《中华人民共和国食品安全法》第三十五条",
        "详见《中华人民共和国行政许可法》第十二条",
        "以《湖南省食品生产加工小作坊小餐饮和食品摊贩管理条例》规定为准",
        "申请材料齐全、符合法定形式；复印件与原件不一致的，以原件为准。",
        "无违法违规记录的申请人可以申请",
        "按照有关法律法规和《食品经营许可管理办法》第十条的规定办理",
        "申请人已取得营业执照，待定期复核合格后发证",
    ],
)
def test_real_text_is_not_a_placeholder(text):
    assert placeholder(text) == ""


def _findings(user, item) -> list[tuple[str, str]]:
    found = selectors.catalogue_check(user=user, unit_id=item.unit_id)
    return [(f.rule, f.reason) for rows in found.values() for f in rows if f.item.pk == item.pk]


def test_placeholder_in_a_required_element_is_a_finding_naming_the_element(reform):
    item = ItemFactory(
        legal_basis="待补充",
        conditions="以窗口告知为准",
        materials=[{"name": "暂无", "originals": 1}, {"name": "身份证", "originals": 1}],
    )
    found = [reason for rule, reason in _findings(reform, item) if rule == RULE]
    assert found == [
        "设定依据填写的是占位文字“待补充”，不是实际内容，请写明具体设定依据。",
        "受理条件填写的是占位文字“以窗口告知为准”，不是实际内容，请写明具体受理条件。",
        "申请材料第1项的名称填写的是占位文字“暂无”，不是实际内容，请写明具体申请材料第1项的名称。",
    ]
    report = load_workbook(io.BytesIO(transfer.check_xlsx(selectors.catalogue_check(user=reform))))
    rows = list(report.active.iter_rows(min_row=2, values_only=True))
    assert sum(1 for r in rows if r[5] == RULE and r[2] == item.name) == 3


def test_placeholders_outside_required_elements_are_not_findings(reform):
    # An ex-officio item (行政检查) needs no conditions, a free one no fee standard.
    item = ItemFactory(
        item_type="06", basic_code="430600001000", conditions="待补充", fee_free=True
    )
    assert RULE not in [rule for rule, _ in _findings(reform, item)]
    charged = ItemFactory(
        fee_free=False, fee_standard="以物价部门核定为准", fee_basis="《收费条例》"
    )
    assert (
        RULE,
        "收费标准填写的是占位文字“以物价部门核定为准”，不是实际内容，请写明具体收费标准。",
    ) in _findings(reform, charged)


def test_the_check_page_shows_the_placeholder_finding(client, reform):
    item = ItemFactory(legal_basis="详见附件")
    client.force_login(reform)
    body = client.get("/catalog/check/").content.decode()
    assert RULE in body and "设定依据填写的是占位文字“详见附件”" in body
    assert Item.objects.get(pk=item.pk).legal_basis == "详见附件"  # reported, not refused
