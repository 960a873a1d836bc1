import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from onewindow.common import crypto
from onewindow.org import services
from onewindow.org.models import Hall, Staff, Unit, WindowPost
from onewindow.testing.factories import (
    HallFactory,
    RegionFactory,
    StaffFactory,
    UnitFactory,
    WindowPostFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    """A unit with three staff members."""
    unit = UnitFactory()
    for _ in range(3):
        StaffFactory(unit=unit)
    return unit


@pytest.fixture
def hall():
    """The county hall, with one window post."""
    hall = HallFactory(kind=Hall.Kind.COUNTY)
    WindowPostFactory(hall=hall)
    return hall


def test_unit_with_bad_credit_code_is_refused_and_not_saved():
    before = Unit.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            name="测试单位",
            credit_code="11430922MB00000010",
            region=RegionFactory(),
            kind=Unit.Kind.COUNTY_DEPT,
        )
    assert "校验位不正确" in str(exc.value.message_dict["credit_code"])
    assert Unit.objects.count() == before


def test_duplicate_credit_code_is_refused(unit):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            name="另一个单位",
            credit_code=unit.credit_code,
            region=unit.region,
            kind=Unit.Kind.COUNTY_DEPT,
        )
    assert "已被其他单位使用" in str(exc.value.message_dict["credit_code"])


def test_duplicate_window_number_is_refused_with_message(unit, hall):
    staff = list(unit.staff.all()[:2])
    taken = WindowPost.objects.filter(hall=hall).first().number
    before = WindowPost.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.window_post_create(
            hall=hall,
            number=taken,
            name="重复",
            kind="department",
            units=[unit],
            staff_a=staff[0],
            staff_b=staff[1],
        )
    assert "窗口号不能重复" in " ".join(exc.value.messages)
    assert WindowPost.objects.count() == before


def test_same_number_in_another_hall_is_fine(unit):
    other = HallFactory(kind=Hall.Kind.TOWNSHIP)
    WindowPostFactory(hall=HallFactory(), number="9")  # the same number in the county hall
    staff = list(unit.staff.all()[:2])
    post = services.window_post_create(
        hall=other,
        number="9",
        name="市监便民窗口",
        kind="department",
        units=[unit],
        staff_a=staff[0],
        staff_b=staff[1],
    )
    assert list(post.units.all()) == [unit]


def test_a_and_b_must_differ_in_service_and_in_database(unit, hall):
    person = unit.staff.first()
    with pytest.raises(ValidationError) as exc:
        services.window_post_create(
            hall=hall,
            number="99",
            name="测试",
            kind="department",
            units=[unit],
            staff_a=person,
            staff_b=person,
        )
    assert "A岗和B岗不能是同一人" in " ".join(exc.value.messages)
    assert not WindowPost.objects.filter(hall=hall, number="99").exists()
    # The database refuses it too, whichever path tries.
    with pytest.raises(IntegrityError), transaction.atomic():
        WindowPost.objects.create(hall=hall, number="98", name="x", staff_a=person, staff_b=person)


def test_staff_mobile_is_encrypted_at_rest_and_found_by_digest(unit):
    staff = services.staff_create(unit=unit, name="测试员", mobile="13900001111")
    with connection.cursor() as cur:
        cur.execute("SELECT mobile FROM org_staff WHERE id = %s", [staff.pk])
        stored = cur.fetchone()[0]
    assert "13900001111" not in stored
    assert Staff.objects.get(pk=staff.pk).mobile == "13900001111"
    assert Staff.objects.get(mobile_digest=crypto.digest("13900001111")) == staff
    assert staff.mobile_masked == "139****1111"


def test_staff_with_bad_mobile_is_refused(unit):
    with pytest.raises(ValidationError) as exc:
        services.staff_create(unit=unit, name="测试员", mobile="12345")
    assert "手机号码" in str(exc.value.message_dict["mobile"])


def test_leader_in_charge_must_belong_to_the_unit(unit):
    outsider = Staff.objects.exclude(unit=unit).first()
    with pytest.raises(ValidationError) as exc:
        services.unit_set_leadership(
            unit=unit, leader_in_charge=outsider, lead_section=unit.lead_section
        )
    assert "分管领导必须是本单位的工作人员" in str(exc.value.message_dict)
    unit.refresh_from_db()
    assert unit.leader_in_charge != outsider


def test_approval_section_not_in_hall_needs_reason_and_plan(unit):
    with pytest.raises(ValidationError) as exc:
        services.section_create(unit=unit, name="审批二股", mode="separate", hall_presence="not_in")
    assert set(exc.value.message_dict) == {"presence_reason", "presence_plan"}


def test_weak_password_refused():
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            username="weak", password="12345678", display_name="弱", roles=["applicant"]
        )
    assert "密码必须同时包含字母和数字" in " ".join(exc.value.messages)
