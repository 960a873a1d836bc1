"""Issue 15 item 24: the mailing address (delivery by post) is stored encrypted."""

import importlib
import json

import pytest
from django.db import connection

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import DAY, submit_at

pytestmark = pytest.mark.django_db

ADDRESS = "桃江县桃花江镇资江路88号"


def _raw(pk):
    """The column as stored, and as JSON would read it (a JSON column escapes non-ASCII)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT delivery_detail FROM cases_case WHERE id = %s", [pk])
        raw = cursor.fetchone()[0]
    try:
        readable = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        readable = None
    return f"{raw} {readable}"


def _mailed(desk):
    case = submit_at(desk, desk.instant_item)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    case = services.case_decide_at_window(
        acting_user=desk.clerk, case=case, result="approved", day=DAY
    )
    return services.case_deliver(
        acting_user=desk.clerk,
        case=case,
        mode="mail",
        day=DAY,
        detail={"address": ADDRESS, "carrier": "EMS", "tracking": "1234567890"},
    )


def test_i15_24_mailing_address_is_encrypted_at_rest(desk):
    case = _mailed(desk)
    assert ADDRESS not in str(_raw(case.pk))
    assert Case.objects.get(pk=case.pk).delivery_detail["address"] == ADDRESS


def test_i15_24_migration_encrypts_existing_addresses(desk):
    case = _mailed(desk)
    with connection.cursor() as cursor:  # a row as written before the change
        cursor.execute(
            "UPDATE cases_case SET delivery_detail = %s WHERE id = %s",
            [json.dumps({"address": ADDRESS, "carrier": "EMS"}, ensure_ascii=False), case.pk],
        )
    migration = importlib.import_module("onewindow.cases.migrations.0017_encrypt_delivery_detail")
    migration.encrypt_existing(None, connection.schema_editor())
    assert ADDRESS not in str(_raw(case.pk))
    assert Case.objects.get(pk=case.pk).delivery_detail == {"address": ADDRESS, "carrier": "EMS"}
    migration.encrypt_existing(None, connection.schema_editor())  # twice changes nothing
    assert Case.objects.get(pk=case.pk).delivery_detail["address"] == ADDRESS


def test_i15_24_migration_encrypts_any_stored_json_not_only_objects():
    # Every row must read back after the migration: a value left as plain JSON would be taken
    # for ciphertext on each read of its case.
    from onewindow.common.fields import EncryptedJSONField

    migration = importlib.import_module("onewindow.cases.migrations.0017_encrypt_delivery_detail")
    field = EncryptedJSONField()
    for raw, expected in [
        ('{"address": "资江路"}', {"address": "资江路"}),
        ("null", {}),
        ("[]", {}),
        ('"桃江县"', {"legacy": "桃江县"}),
        ('["EMS", "123"]', {"legacy": ["EMS", "123"]}),
    ]:
        stored = migration._encrypt(raw)
        assert stored is not None, raw
        assert field.from_db_value(stored, None, connection) == expected, raw
        assert migration._encrypt(stored) is None  # ciphertext is left alone: reruns are safe
