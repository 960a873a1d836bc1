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
from onewindow.org.models import Staff, Unit, User

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)


@pytest.fixture
def reform():
    return User.objects.get(username="reform")


@pytest.fixture
def letter():
    return Letter.objects.get(unit__short_name="县市监局")


def _data(unit, **overrides):
    data = {
        "legal_representative": "张局长",
        "supervisor": unit.leader_in_charge,
        "team_leader": unit.lead_section.head,
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


def test_demo_letter_is_in_force_and_grants_per_s5(letter):
    assert letter.in_force(DAY)
    instant = ItemPower.objects.get(letter=letter, item__name="个体工商户设立登记")
    assert instant.power == ItemPower.Power.DECISION and instant.cut_limit == 0
    promised = ItemPower.objects.get(letter=letter, item__name="食品生产许可")
    assert promised.power == ItemPower.Power.FIRST_REVIEW and promised.cut_limit == 9


def test_what_each_person_may_do(letter):
    instant = Item.objects.get(name="个体工商户设立登记")
    promised = Item.objects.get(name="食品生产许可")
    assert may(letter.supervisor, instant, DAY) == Power.DECIDE
    assert may(letter.team_leader, promised, DAY) == Power.FIRST_REVIEW
    clerk = Staff.objects.get(user__username="clerk")
    assert may(clerk, instant, DAY) == Power.DECIDE  # S7: instant items finish at the window
    assert may(clerk, promised, DAY) == Power.ACCEPT
    other_clerk = Staff.objects.get(user__username="clerk2")
    assert may(other_clerk, instant, DAY) == Power.NOTHING
    comprehensive = Staff.objects.filter(a_posts__kind="comprehensive").first()
    assert may(comprehensive, instant, DAY) == Power.ACCEPT


def test_revoking_removes_the_powers_at_once(letter, reform):
    instant = Item.objects.get(name="个体工商户设立登记")
    services.letter_revoke(acting_user=reform, letter=letter, reason="人员调整")
    assert may(letter.supervisor, instant, DAY) == Power.NOTHING
    # the window may still accept, but no longer decide
    assert may(Staff.objects.get(user__username="clerk"), instant, DAY) == Power.ACCEPT


def test_expired_and_unfiled_letters_grant_nothing(letter):
    instant = Item.objects.get(name="个体工商户设立登记")
    after = letter.valid_until + datetime.timedelta(days=1)
    assert may(letter.supervisor, instant, after) == Power.NOTHING
    assert letter.shown_status(after) == "已过期"
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.SIGNED)
    assert may(letter.supervisor, instant, DAY) == Power.NOTHING


def test_a_letter_naming_staff_of_another_unit_is_refused(reform):
    unit = Unit.objects.get(short_name="县教育局")
    stranger = Staff.objects.filter(unit__short_name="县住建局").first()
    Letter.objects.filter(unit=unit).delete()
    with pytest.raises(ValidationError) as exc:
        services.letter_create(acting_user=reform, unit=unit, data=_data(unit, supervisor=stranger))
    assert f"窗口主管{stranger.name}不是本单位" in str(exc.value)
    assert not Letter.objects.filter(unit=unit).exists()


def test_overlapping_valid_letters_are_refused(letter, reform):
    with pytest.raises(ValidationError, match="有效期重叠"):
        services.letter_create(
            acting_user=reform,
            unit=letter.unit,
            data=_data(letter.unit, valid_from=datetime.date(2029, 1, 1)),
        )
    follow_on = services.letter_create(
        acting_user=reform, unit=letter.unit, data=_data(letter.unit)
    )
    assert follow_on.status == Letter.Status.DRAFT


def _draft(reform, unit_short="县市监局"):
    unit = Unit.objects.get(short_name=unit_short)
    return services.letter_create(acting_user=reform, unit=unit, data=_data(unit))


def test_powers_for_items_of_another_unit_or_outside_the_hall_are_refused(reform):
    draft = _draft(reform)
    foreign = Item.objects.get(name="建筑工程施工许可")
    draft_item = Item.objects.get(name="人力资源服务许可")
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
    assert "是县住建局的事项" in text
    assert not draft.powers.exists()


def test_s5_collective_items_get_first_review_only_and_cuts_need_reasons(reform):
    draft = _draft(reform)
    item = Item.objects.get(name="食品生产许可")
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


def test_sign_and_file_order(reform):
    draft = _draft(reform)
    with pytest.raises(ValidationError, match="尚未列明授权事项"):
        services.letter_sign(acting_user=reform, letter=draft, signed_on=DAY)
    with pytest.raises(ValidationError, match="只有已签署"):
        services.letter_file(
            acting_user=User.objects.get(username="hallmgr"), letter=draft, filed_on=DAY
        )


def test_seal_rules(reform):
    unit = Unit.objects.get(short_name="县市监局")
    with pytest.raises(ValidationError) as exc:
        services.seal_save(
            acting_user=reform,
            unit=unit,
            data={"enabled": False, "reason_not_enabled": "", "plan": ""},
        )
    assert {"reason_not_enabled", "plan"} <= set(exc.value.message_dict)
    stranger = Staff.objects.filter(unit__short_name="县住建局").first()
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


def test_enquiry_guided_needs_the_window(reform):
    from onewindow.mandates.models import Enquiry

    clerk = User.objects.get(username="clerk")
    with pytest.raises(ValidationError, match="请选择窗口"):
        services.enquiry_record(
            acting_user=clerk, question="在哪办？", outcome=Enquiry.Outcome.GUIDED
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.enquiry_record(
            acting_user=User.objects.get(username="applicant"), question="x", outcome="handled"
        )


def test_letter_pages(login, letter):
    body = login("winsup").get(f"/mandates/{letter.pk}/").content.decode()
    assert "已备案" in body and "个体工商户设立登记" in body
    response = login("clerk").get(f"/mandates/{letter.pk}/doc/pdf")
    assert response["Content-Type"] == "application/pdf"
    other = Letter.objects.get(unit__short_name="县住建局")
    assert login("clerk").get(f"/mandates/{other.pk}/").status_code == 404
