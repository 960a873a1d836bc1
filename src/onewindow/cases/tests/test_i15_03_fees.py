"""Issue 15 item 3: a fee is a bounded decimal in yuan (two places, 0 to a configurable maximum),
refused with a Chinese message otherwise, in the service, on the case page and in the database;
postage for mailing a result is kept apart from the item's fee."""

import datetime
import importlib
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import APPLICANT, DAY, submit_at
from onewindow.cases.workflow import State
from onewindow.testing.factories import DeskFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MAIL = {"address": "桃江县桃花江镇1号", "carrier": "EMS", "tracking": "1180000000001"}


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(scope="module")
def _module_desk(module_db):
    """The desk built once for the module (conftest.module_db), at the module's NOW as each
    test's own desk was."""
    with time_machine.travel(NOW, tick=False):
        return DeskFactory()


@pytest.fixture
def desk(_desk):
    """A copy of the module's desk (not the cases package's, built per test)."""
    return _desk


def _decided(desk) -> Case:
    case = submit_at(desk, desk.instant_item)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    return services.case_decide_at_window(
        acting_user=desk.clerk, case=case, result="approved", day=DAY
    )


def _deliver(desk, case: Case, **extra) -> Case:
    return services.case_deliver(
        acting_user=desk.clerk, case=case, mode="mail", detail={**MAIL, **extra}, day=DAY
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1E+30", "应为数字"),
        ("1e3", "应为数字"),
        ("NaN", "应为数字"),
        ("sNaN", "应为数字"),
        ("Infinity", "应为数字"),
        ("-Infinity", "应为数字"),
        ("二十", "应为数字"),
        ("1,000", "应为数字"),
        ("-5", "不能为负数"),
        ("20.123", "最多两位小数"),
        ("10000000.01", "超过上限10,000,000.00元"),
        ("99999999999999999999", "超过上限"),
    ],
)
def test_i15_03_a_fee_out_of_bounds_is_refused_with_a_chinese_message(desk, typed, message):
    case = _decided(desk)
    with pytest.raises(ValidationError) as exc:
        _deliver(desk, case, fee=typed)
    assert message in exc.value.message_dict["fee"][0]
    assert "收费金额" in exc.value.message_dict["fee"][0]
    assert Case.objects.get(pk=case.pk).state == State.DECIDED  # nothing stored


def test_i15_03_full_width_digits_are_folded_and_the_maximum_is_configurable(desk, settings):
    case = _decided(desk)
    case = _deliver(desk, case, fee="２０．５")
    assert Case.objects.get(pk=case.pk).fee == Decimal("20.50")
    settings.ONEWINDOW_FEE_MAX_YUAN = Decimal("500")
    other = _decided(desk)
    with pytest.raises(ValidationError, match=r"超过上限500\.00元"):
        _deliver(desk, other, fee="500.01")
    assert _deliver(desk, other, fee="500").fee == Decimal("500.00")


def test_i15_03_postage_is_recorded_apart_from_the_fee(desk):
    case = _deliver(desk, _decided(desk), postage="１２")
    stored = Case.objects.get(pk=case.pk)
    assert stored.fee == 0 and stored.postage == Decimal("12.00")
    assert "postage" not in stored.delivery_detail
    with pytest.raises(ValidationError, match="邮寄费用"):
        _deliver(desk, _decided(desk), postage="NaN")
    collect = {
        "recipient": "王小明",
        "recipient_id": APPLICANT["applicant_id"],
        "receipt_signed": "1",
        "postage": "12",
    }
    with pytest.raises(ValidationError, match="窗口领取没有邮寄费用"):
        services.case_deliver(
            acting_user=desk.clerk, case=_decided(desk), mode="collect", detail=collect
        )


def test_i15_03_the_database_refuses_a_fee_outside_the_column(desk):
    case = _decided(desk)
    for bad in (Decimal("1E+30"), Decimal("-1")):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            Case.objects.filter(pk=case.pk).update(fee=bad)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(postage=Decimal("-0.01"))


def test_i15_03_the_case_page_shows_the_refusal_and_keeps_working(client, desk):
    case = _decided(desk)
    client.force_login(desk.clerk)
    response = client.post(
        f"/cases/{case.pk}/act/deliver/",
        {"mode": "mail", **MAIL, "fee": "1E+30", "version": case.version},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "收费金额应为数字" in body
    assert Case.objects.get(pk=case.pk).state == State.DECIDED
    response = client.post(
        f"/cases/{case.pk}/act/deliver/",
        {"mode": "mail", **MAIL, "fee": "", "postage": "15", "version": case.version},
        follow=True,
    )
    assert response.status_code == 200
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == State.CLOSED and stored.postage == 15 and stored.fee == 0
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "邮寄费用" in body and "15.00" in body


def test_i15_03_the_migration_repairs_fees_stored_out_of_range(desk):
    """Rows written before the bounds (1E+30 on SQLite, NaN on PostgreSQL) become 0, the value
    as stored kept in the delivery record."""
    case = _deliver(desk, _decided(desk), fee="20")
    table = Case._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            cursor.execute(f"UPDATE {table} SET fee = 1e30 WHERE id = %s", [case.pk])
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT case_fee_yuan")
            cursor.execute(f"UPDATE {table} SET fee = 'NaN' WHERE id = %s", [case.pk])
        migration = importlib.import_module(
            "onewindow.cases.migrations.0012_fee_bounds_postage_material_received"
        )
        editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
        migration.repair_fees(django_apps, editor)
        stored = Case.objects.get(pk=case.pk)
        assert stored.fee == 0
        assert stored.delivery_detail["fee_out_of_range"].lower() in {"1.0e+30", "1e+30", "nan"}
        assert stored.delivery_detail["address"] == MAIL["address"]
        if connection.vendor != "sqlite":
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT case_fee_yuan "
                "CHECK (fee >= 0 AND fee <= 99999999.99)"
            )
