import copy
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook

from onewindow.catalog.models import Item
from onewindow.mandates import documents, services
from onewindow.mandates.models import ItemPower, Letter, default_cut_limit
from onewindow.mandates.powers import Power, may
from onewindow.org.models import WindowPost
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import (
    DeskFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    WindowPostFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)


@pytest.fixture
def reform():
    return UserFactory(roles=[RoleCode.REFORM_OFFICE])


# Built once for the module (conftest.module_db); each test has a copy, its writes rolled back.
@pytest.fixture(scope="module")
def _desk(module_db):
    """A unit with a filed letter granting the powers S5 suggests: decision for its instant
    item, first review for its promised one (10 working days)."""
    return DeskFactory(item__promised_limit=10)


@pytest.fixture
def desk(db, _desk):
    return copy.deepcopy(_desk)


@pytest.fixture
def letter(desk):
    return desk.letter


def _data(desk, **overrides):
    data = {
        "legal_representative": "张局长",
        "supervisor": desk.winsup.staff,
        "team_leader": desk.teamlead.staff,
        "clauses": [1, 2, 3, 4, 5, 6],
        "valid_from": datetime.date(2030, 1, 1),
        "valid_until": datetime.date(2031, 12, 31),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("promised", "cut"), [(0, 0), (1, 1), (2, 1), (5, 4), (10, 9), (15, 13), (20, 18)]
)
def test_default_cut_is_ten_percent_down_and_at_least_one_day(promised, cut):
    assert default_cut_limit(promised) == cut


def test_letter_is_in_force_and_grants_per_s5(desk, letter):
    assert letter.in_force(DAY)
    instant = ItemPower.objects.get(letter=letter, item=desk.instant_item)
    assert instant.power == ItemPower.Power.DECISION and instant.cut_limit == 0
    promised = ItemPower.objects.get(letter=letter, item=desk.item)
    assert promised.power == ItemPower.Power.FIRST_REVIEW and promised.cut_limit == 9


def test_what_each_person_may_do(desk, letter):
    instant, promised = desk.instant_item, desk.item
    assert may(letter.supervisor, instant, DAY) == Power.DECIDE
    assert may(letter.team_leader, promised, DAY) == Power.FIRST_REVIEW
    clerk = desk.clerk.staff
    assert may(clerk, instant, DAY) == Power.DECIDE  # S7: instant items finish at the window
    assert may(clerk, promised, DAY) == Power.ACCEPT
    other_clerk = DeskFactory(with_letter=False).clerk.staff
    assert may(other_clerk, instant, DAY) == Power.NOTHING
    comprehensive = WindowPostFactory(
        kind=WindowPost.Kind.COMPREHENSIVE, units=[desk.unit, other_clerk.unit]
    ).staff_a
    assert may(comprehensive, instant, DAY) == Power.ACCEPT


def test_revoking_removes_the_powers_at_once(desk, letter, reform):
    instant = desk.instant_item
    services.letter_revoke(acting_user=reform, letter=letter, reason="人员调整")
    assert may(letter.supervisor, instant, DAY) == Power.NOTHING
    # the window may still accept, but no longer decide
    assert may(desk.clerk.staff, instant, DAY) == Power.ACCEPT


def test_expired_and_unfiled_letters_grant_nothing(desk, letter):
    instant = desk.instant_item
    after = letter.valid_until + datetime.timedelta(days=1)
    assert may(letter.supervisor, instant, after) == Power.NOTHING
    assert letter.shown_status(after) == "已过期"
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.SIGNED)
    assert may(letter.supervisor, instant, DAY) == Power.NOTHING


def test_a_letter_naming_staff_of_another_unit_is_refused(reform):
    desk = DeskFactory(with_letter=False)
    unit = desk.unit
    stranger = StaffFactory()
    with pytest.raises(ValidationError) as exc:
        services.letter_create(acting_user=reform, unit=unit, data=_data(desk, supervisor=stranger))
    assert f"窗口主管{stranger.name}不是本单位" in str(exc.value)
    assert not Letter.objects.filter(unit=unit).exists()


def test_overlapping_valid_letters_are_refused(desk, letter, reform):
    assert letter.valid_until > datetime.date(2029, 1, 1)
    with pytest.raises(ValidationError, match="有效期重叠"):
        services.letter_create(
            acting_user=reform,
            unit=letter.unit,
            data=_data(desk, valid_from=datetime.date(2029, 1, 1)),
        )
    follow_on = services.letter_create(acting_user=reform, unit=letter.unit, data=_data(desk))
    assert follow_on.status == Letter.Status.DRAFT


def _draft(reform, desk):
    return services.letter_create(acting_user=reform, unit=desk.unit, data=_data(desk))


def test_powers_for_items_of_another_unit_or_outside_the_hall_are_refused(reform, desk):
    draft = _draft(reform, desk)
    foreign = ItemFactory()
    draft_item = ItemFactory(unit=desk.unit, status=Item.Status.DRAFT)
    with pytest.raises(ValidationError) as exc:
        services.letter_set_powers(
            acting_user=reform,
            letter=draft,
            powers=[
                {"item": foreign, "power": "decision"},
                {"item": draft_item, "power": "decision"},
            ],
        )
    text = " ".join(exc.value.messages)
    assert f"是{foreign.unit}的事项" in text and "未发布或未进驻实体大厅" in text
    assert not draft.powers.exists()


def test_s5_collective_items_get_first_review_only_and_cuts_need_reasons(reform, desk):
    draft = _draft(reform, desk)
    item = desk.item
    with pytest.raises(ValidationError) as exc:
        services.letter_set_powers(
            acting_user=reform,
            letter=draft,
            powers=[{"item": item, "power": "decision", "collective": True, "cut_limit": 10}],
        )
    text = " ".join(exc.value.messages)
    assert "只能授予初审权" in text and "请说明理由" in text
    services.letter_set_powers(
        acting_user=reform,
        letter=draft,
        powers=[
            {"item": item, "power": "first_review", "cut_limit": 10, "cut_reason": "需现场核查"}
        ],
    )
    assert draft.powers.get().cut_limit == 10


def test_sign_and_file_order(reform, desk):
    draft = _draft(reform, desk)
    with pytest.raises(ValidationError, match="尚未列明授权事项"):
        services.letter_sign(acting_user=reform, letter=draft, signed_on=DAY)
    with pytest.raises(ValidationError, match="只有已签署"):
        services.letter_file(
            acting_user=UserFactory(roles=[RoleCode.HALL_MANAGER]), letter=draft, filed_on=DAY
        )


def test_seal_rules(reform, desk):
    unit = desk.unit
    with pytest.raises(ValidationError) as exc:
        services.seal_save(
            acting_user=reform,
            unit=unit,
            data={"enabled": False, "reason_not_enabled": "", "plan": ""},
        )
    assert {"reason_not_enabled", "plan"} <= set(exc.value.message_dict)
    stranger = StaffFactory()
    with pytest.raises(ValidationError, match="保管人须为本单位"):
        services.seal_save(
            acting_user=reform,
            unit=unit,
            data={"enabled": True, "enabled_on": DAY, "custodian": stranger},
        )


def test_letter_documents_reproduce_attachment_4(letter):
    doc = Document(io.BytesIO(documents.letter_docx(letter)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "审批服务授权委托书" in text and f"授权委托机关：{letter.unit.name}" in text
    assert f"现授权{letter.supervisor.name}、{letter.team_leader.name}同志" in text
    assert "四、负责管理、使用本部门“行政审批专用章”。" in text
    assert "授权委托人负责对被授权人实施的审批服务工作" in text
    annex = doc.tables[0]
    assert annex.rows[0].cells[1].text == "事项名称"
    assert len(annex.rows) == letter.powers.count() + 1
    pdf = documents.letter_pdf(letter)
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf  # the CJK font is embedded


def test_attachment5_has_the_seed_columns_and_footer(letter):
    ws = load_workbook(io.BytesIO(documents.attachment5_xlsx(letter, preparer="李四"))).active
    assert ws["A1"].value == "授予行政审批服务股审批决定权的审批服务事项表"
    assert ws["A2"].value.startswith("填报单位（盖章）：")
    assert [c.value for c in ws[3]] == documents.ATTACHMENT5_HEADERS
    decided = letter.powers.filter(power=ItemPower.Power.DECISION).count()
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert len(rows) == decided
    footer = [c.value for c in ws[ws.max_row]]
    assert footer[0].startswith("审核领导") and footer[2] == "填报人：李四"


def test_enquiry_guided_needs_the_window(desk):
    from onewindow.mandates.models import Enquiry

    clerk = desk.clerk
    with pytest.raises(ValidationError, match="请选择窗口"):
        services.enquiry_record(
            acting_user=clerk, question="在哪办？", outcome=Enquiry.Outcome.GUIDED
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.enquiry_record(
            acting_user=UserFactory(roles=[RoleCode.APPLICANT]), question="x", outcome="handled"
        )


def test_letter_pages(client, desk, letter):
    client.force_login(desk.winsup)
    body = client.get(f"/mandates/{letter.pk}/").content.decode()
    assert "已备案" in body and desk.instant_item.name in body
    client.force_login(desk.clerk)
    response = client.get(f"/mandates/{letter.pk}/doc/pdf")
    assert response["Content-Type"] == "application/pdf"
    other = DeskFactory().letter
    assert client.get(f"/mandates/{other.pk}/").status_code == 404
