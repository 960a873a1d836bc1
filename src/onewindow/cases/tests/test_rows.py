"""The hot path's hand-built SQL (common/rows.py) must read and write exactly what the ORM does."""

import datetime

import pytest
from django.db import connection

from onewindow.cases import services
from onewindow.cases.models import Case, CaseEvent, CaseMaterial
from onewindow.cases.services import core
from onewindow.cases.tests.conftest import APPLICANT, DAY, submit_at
from onewindow.catalog.models import Item
from onewindow.common import rows

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _new_case(item: Item, **extra) -> Case:
    case = Case(
        item=item,
        unit_id=item.unit_id,
        channel="window",
        received_on=DAY,
        delivery_detail={"address": "桃江县", "note": "二楼"},
        suspended_on=DAY + datetime.timedelta(days=3),
        rongque_open=True,
        **{k: APPLICANT[k] for k in ("applicant_kind", "applicant_name", "phone")},
        applicant_id=APPLICANT["applicant_id"],
        **extra,
    )
    case.set_digest()
    return case


def test_insert_writes_what_the_orm_reads_back(desk):
    item = desk.instant_item
    case = _new_case(item, agent_name="李四", agent_id=APPLICANT["applicant_id"])
    rows.insert(case)
    assert case.pk and not case._state.adding
    stored = Case.objects.get(pk=case.pk)
    mine = _fields(case)
    theirs = _fields(stored)
    assert theirs == mine  # every column, the encrypted ones decrypted, JSON and dates typed
    assert stored.created_at is not None and stored.updated_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT applicant_id, phone FROM cases_case WHERE id = %s", [case.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert APPLICANT["applicant_id"] not in raw_id and APPLICANT["phone"] not in raw_phone


def test_insert_many_sets_each_primary_key_in_order(desk):
    case = submit_at(desk, desk.instant_item)
    before = CaseMaterial.objects.filter(case=case).count()
    extra = [CaseMaterial(case=case, name=f"补充材料{i}", status="paper") for i in range(3)]
    rows.insert_many(extra)
    assert [m.pk for m in extra] == sorted(m.pk for m in extra)
    for m in extra:
        assert CaseMaterial.objects.get(pk=m.pk).name == m.name
    assert CaseMaterial.objects.filter(case=case).count() == before + 3
    rows.insert_many([])  # nothing to do, no statement


def test_joined_read_matches_the_orm_and_defers_the_rest(desk):
    case = submit_at(desk, desk.instant_item)
    read = core._LOCKED.get(case.pk)
    orm = Case.objects.select_related("item", "unit__region").get(pk=case.pk)
    assert _fields(read) == _fields(orm)
    assert read.item.name == orm.item.name and read.item.status == orm.item.status
    assert read.unit.region.code == orm.unit.region.code
    deferred = read.item.get_deferred_fields()
    assert deferred and not {"name", "status", "promised_limit"} & deferred  # the rest waits
    some = sorted(deferred)[0]
    assert getattr(read.item, some) == getattr(orm.item, some)  # and then load
    assert core._LOCKED.get(10**9) is None


def test_update_columns_writes_only_those_columns_and_stamps_updated_at(desk):
    case = submit_at(desk, desk.instant_item)
    stamp = Case.objects.get(pk=case.pk).updated_at
    case.applicant_name = "改了但不写"
    case.result_text = "写入的决定"
    rows.update_columns(case, ["result_text"])
    stored = Case.objects.get(pk=case.pk)
    assert stored.result_text == "写入的决定"
    assert stored.applicant_name == APPLICANT["applicant_name"]
    assert stored.updated_at > stamp


def test_a_move_writes_one_event_with_typed_details(desk):
    case = submit_at(desk, desk.instant_item)
    events_before = CaseEvent.objects.filter(case=case).count()
    services.case_refuse(acting_user=desk.clerk, case=case, reason="不属于本部门职权")
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    assert event.details == {"reason": "不属于本部门职权"}
    assert event.to_state == "refused" and event.seq == events_before + 1
