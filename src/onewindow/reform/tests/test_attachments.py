"""Issue 18 item 4: the seed's attachments 1, 2, 3 and 5 as XLSX, compared cell by cell. The
headers are written out here from the seed's text (its line breaks inside a cell joined), not
imported from the code."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from onewindow.catalog.models import Item
from onewindow.documents.tests.xlsxcheck import FORMULAS, assert_text_not_formulas
from onewindow.mandates.models import ItemPower, Seal
from onewindow.org.models import Section, Unit
from onewindow.reform import attachments
from onewindow.reform.models import Round, Submission
from onewindow.testing.factories import DeskFactory, ItemFactory, UnitFactory

pytestmark = pytest.mark.django_db

SEED_ATTACHMENT2_TITLE = "依申请行政权力事项、公共服务事项进驻县政务大厅情况表"
SEED_ATTACHMENT2 = [
    "序号",
    "事项名称",
    "事项类型",
    "法定时限（工作日）",
    "承诺时限（工作日）",
    "办件类型",
    "事项纳入电子监察系统情况",
]
SEED_ATTACHMENT3_TITLE = "行政审批服务股设置、授权、进驻政务大厅及启用行政审批专用章情况表"
# The seed's first header has no closing parenthesis; the product closes it.
SEED_ATTACHMENT3_TOP = [
    "股室名称（如未设置审批服务牵头股室，请说明原因）",
    "分管领导",
    "股长",
    "电话",
    "职能职责",
    "授权情况（是否出具授权委托书）",
    None,
    "审批服务股室进驻政务大厅情况（含成建制进驻，股长进驻，业务骨干进驻或其他等情况）",
    None,
    "备注（设立行政审批服务股室的相关依据或文件）",
]
SEED_ATTACHMENT3_SECOND = [
    None,
    None,
    None,
    None,
    None,
    "授权情况（如授权不到位，请说明原因）",
    "整改计划及措施",
    "进驻情况（如进驻不到位，请说明原因）",
    "整改计划及措施",
    None,
]
SEED_ATTACHMENT5_TITLE = "授予行政审批服务股审批决定权的审批服务事项表"
SEED_ATTACHMENT5 = [
    "序号",
    "事项名称",
    "基本编码",
    "事项关系（注明父子项、独立项或业务办理项）",
    "事项类型",
    "承诺时限（原则上在原有承诺时限上缩减10%）",
    "受理、审核、决定、办结是否需经行政审批科（股）之外的其他科（股）室和局领导",
]


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _values(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _flat(value):
    return value.replace("\n", "") if isinstance(value, str) else value


def _footer(values) -> list:
    return [v for v in values[-1] if v]


def _desk():
    desk = DeskFactory()
    lead = desk.unit.lead_section
    Section.objects.filter(pk=lead.pk).update(
        head=desk.teamlead.staff,
        phone="0737-8881234",
        duties="集中办理本局行政许可事项",
        basis="桃编办〔2020〕5号",
    )
    return desk


def _submission(unit, **fields) -> Submission:
    today = timezone.localdate()
    rnd = Round.objects.create(
        name=f"测试轮次{unit.pk}",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        report_due=today + datetime.timedelta(days=20),
    )
    return Submission.objects.create(round=rnd, unit=unit, fields=fields)


def test_attachment2_reproduces_the_seed_table_with_one_row_per_application_item():
    desk = _desk()
    ItemFactory(unit=desk.unit, status=Item.Status.DRAFT)  # not published: not listed
    Item.objects.filter(pk=desk.instant_item.pk).update(supervised=False)
    data = attachments.xlsx_bytes(attachments.attachment(2, desk.unit))
    ws = _sheet(data)
    values = _values(ws)
    assert values[0][0] == SEED_ATTACHMENT2_TITLE
    assert values[1][0] == f"填报单位（盖章）：{desk.unit.name}"
    assert values[2] == SEED_ATTACHMENT2
    items = sorted([desk.item, desk.instant_item], key=lambda i: i.basic_code)
    rows = values[3:5]
    for n, (row, item) in enumerate(zip(rows, items, strict=True), start=1):
        item.refresh_from_db()
        assert row == [
            n,
            item.name,
            "行政许可",
            item.legal_limit,
            item.promised_limit,
            "即办件" if item.pk == desk.instant_item.pk else "承诺件",
            "未纳入" if item.pk == desk.instant_item.pk else "已纳入",
        ]
    assert values[5] == [None] * 7  # the gap before the footer
    assert _footer(values) == [
        f"审核领导：{desk.winsup.staff.name}",
        f"填报人：{desk.teamlead.staff.name}",
        "联系电话：0737-8881234",
    ]
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}


def test_attachment3_two_level_header_section_rows_and_seal_block():
    desk = _desk()
    Seal.objects.create(unit=desk.unit, enabled=True, enabled_on=datetime.date(2026, 6, 1))
    other = Section.objects.create(
        unit=desk.unit,
        name="政务服务股",
        mode=Section.Mode.SIGN,
        hall_presence=Section.HallPresence.KEY_STAFF,
        presence_reason="场地不足",
        presence_plan="新大厅启用后成建制进驻",
    )
    ws = _sheet(attachments.xlsx_bytes(attachments.attachment(3, desk.unit)))
    values = _values(ws)
    assert values[0][0] == SEED_ATTACHMENT3_TITLE
    assert values[1][0] == f"填报单位（盖章）：{desk.unit.name}"
    assert values[2] == SEED_ATTACHMENT3_TOP
    assert values[3] == SEED_ATTACHMENT3_SECOND
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"F3:G3", "H3:I3", "A3:A4", "E3:E4", "J3:J4"} <= merged
    letter = desk.letter
    authorized = (
        f"已出具授权委托书（{letter.valid_from.year}年{letter.valid_from.month}月"
        f"{letter.valid_from.day}日至{letter.valid_until.year}年{letter.valid_until.month}月"
        f"{letter.valid_until.day}日有效）"
    )
    leader = desk.winsup.staff.name
    assert values[4] == [
        "行政审批服务股",
        leader,
        desk.teamlead.staff.name,
        "0737-8881234",
        "集中办理本局行政许可事项",
        authorized,
        None,
        "成建制进驻",
        None,
        "桃编办〔2020〕5号",
    ]
    assert values[5] == [
        other.name,
        leader,
        None,
        None,
        None,
        authorized,
        None,
        "业务骨干进驻：场地不足",
        "新大厅启用后成建制进驻",
        None,
    ]
    assert values[6][0] == "行政审批专用章启用情况"
    assert values[6][2] == "已启用（2026年6月1日启用）"
    assert values[6][5] == "行政审批专用章留存："
    assert values[6][7] == "未留存印模"
    assert values[7][0] == "未启用行政审批专用章原因说明"
    assert values[8][0] == "整改计划及措施"
    assert {"A7:B7", "C7:E7", "F7:G7", "H7:J7", "C8:J8", "C9:J9"} <= merged
    assert _footer(values)[0] == f"审核领导：{leader}"


def test_attachment3_without_letter_section_or_seal_writes_the_units_reasons():
    unit = UnitFactory(sections=False)
    _submission(
        unit,
        reason_organisation="编制调整尚未批复",
        reason_authorization="局长出差未签",
        plan_authorization="6月20日前出具",
        reviewer="张局长",
    )
    Seal.objects.create(unit=unit, enabled=False, reason_not_enabled="印章未刻制", plan="下周刻制")
    values = _values(_sheet(attachments.xlsx_bytes(attachments.attachment(3, unit))))
    assert values[4][0] == "未设置审批服务牵头股室：编制调整尚未批复"
    assert values[4][5:7] == ["未出具授权委托书：局长出差未签", "6月20日前出具"]
    assert values[5][2] == "未启用"
    assert values[6][2] == "印章未刻制"
    assert values[7][2] == "下周刻制"
    assert _footer(values) == ["审核领导：张局长", "填报人：", "联系电话："]


def test_attachment5_is_the_mandates_table_of_the_letter_in_force():
    desk = _desk()
    data = attachments.xlsx_bytes(attachments.attachment(5, desk.unit))
    values = _values(_sheet(data))
    assert values[0][0] == SEED_ATTACHMENT5_TITLE
    assert values[1][0] == f"填报单位（盖章）：{desk.unit.name}"
    assert [_flat(v) for v in values[2]] == SEED_ATTACHMENT5
    decided = desk.letter.powers.filter(power=ItemPower.Power.DECISION)
    assert decided.count() == 1  # the instant item
    assert values[3][:3] == [1, desk.instant_item.name, desk.instant_item.basic_code]
    assert values[3][5] == "即办"
    # Without a letter in force the table stands empty with its headers and footer.
    bare = UnitFactory()
    values = _values(_sheet(attachments.xlsx_bytes(attachments.attachment(5, bare))))
    assert [_flat(v) for v in values[2]] == SEED_ATTACHMENT5
    assert values[3] == [None] * 7 and _footer(values)[0].startswith("审核领导：")


def test_attachment1_lists_the_units_in_the_reform():
    a, b = UnitFactory(), UnitFactory()
    UnitFactory(in_reform=False)
    values = _values(_sheet(attachments.xlsx_bytes(attachments.attachment(1, a))))
    assert values[0][0] == "主要涉改单位"
    listed = [row[1] for row in values[2:] if isinstance(row[0], int)]
    units = Unit.objects.filter(in_reform=True).order_by("id")
    assert listed == [u.short_name for u in units]
    assert a.short_name in listed and b.short_name in listed
    assert _footer(values) == [f"（{units.count()}个）"]


def test_user_text_stays_text_in_every_attachment():
    desk = _desk()
    Item.objects.filter(pk=desk.item.pk).update(name=FORMULAS[0])
    Section.objects.filter(pk=desk.unit.lead_section_id).update(duties=FORMULAS[1])
    _submission(desk.unit, reviewer=FORMULAS[2], preparer=FORMULAS[3])
    fields = attachments.submission_of(desk.unit).fields
    assert_text_not_formulas(
        attachments.xlsx_bytes(attachments.attachment(2, desk.unit, fields)),
        [FORMULAS[0], FORMULAS[2], FORMULAS[3]],
    )
    assert_text_not_formulas(
        attachments.xlsx_bytes(attachments.attachment(3, desk.unit, fields)),
        [FORMULAS[1], FORMULAS[2]],
    )
