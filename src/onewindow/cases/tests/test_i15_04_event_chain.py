"""Issue 15 item 4: every kind of tampering with the case record is found and named: an edited
or deleted event, a case's last events deleted, the case row edited, a whole case deleted, a
checkpoint edited or deleted; an untampered county verifies clean. Separate keys per purpose."""

import datetime
import hmac
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import checkpoints, events, services
from onewindow.cases.api import ClientKey, issue_key, key_digest
from onewindow.cases.events import Kind
from onewindow.cases.models import ApiClient, Case, CaseEvent, CaseMaterial, Checkpoint
from onewindow.cases.tests.conftest import APPLICANT, DAY, submit_at
from onewindow.common import crypto
from onewindow.exchange.models import Outbox

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


@pytest.fixture
def county(desk):
    """Three cases of one day at the desk's window: one decided and delivered, one transferred, one
    only received; then the day's checkpoint."""
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ), tick=False):
        done = submit_at(desk, desk.instant_item)
        services.case_accept(acting_user=desk.clerk, case=done, window_post=desk.post)
        services.case_decide_at_window(acting_user=desk.clerk, case=done, result="approved")
        services.case_deliver(
            acting_user=desk.clerk,
            case=done,
            mode="collect",
            detail={
                "recipient": "王小明",
                "recipient_id": APPLICANT["applicant_id"],
                "receipt_signed": "1",
            },
        )
        review = submit_at(desk)
        services.case_accept(acting_user=desk.clerk, case=review, window_post=desk.post)
        services.case_transfer(acting_user=desk.teamlead, case=review)
        waiting = submit_at(desk)
    assert checkpoints.take(today=DAY + datetime.timedelta(days=1)) == 1
    return Case.objects.get(pk=done.pk), Case.objects.get(pk=review.pk), waiting


def kinds(broken) -> set[str]:
    return {b.kind for b in broken}


def test_i15_04_an_untampered_county_verifies_clean(county, capsys):
    assert events.verify() == []
    call_command("verify_events")
    assert "事件链完整" in capsys.readouterr().out
    cp = Checkpoint.objects.get()
    assert (cp.day, cp.cases, cp.events) == (DAY, 3, 4 + 3 + 1)
    pushed = Outbox.objects.get(topic="checkpoint")
    assert pushed.payload["signature"] == cp.signature and pushed.payload["cases"] == 3


def test_i15_04_an_edited_event_is_named(county):
    done, _, _ = county
    CaseEvent.objects.filter(case=done, seq=3).update(details={"result": "denied"})
    broken = events.verify()
    assert [(b.case_id, b.seq, b.kind) for b in broken] == [(done.pk, 3, Kind.EDITED)]


def test_i15_04_a_deleted_middle_event_is_named(county):
    done, _, _ = county
    CaseEvent.objects.filter(case=done, seq=2).delete()
    assert (done.pk, 3, Kind.GAP) in [(b.case_id, b.seq, b.kind) for b in events.verify()]


def test_i15_04_deleting_a_cases_last_events_is_seen(county):
    done, review, _ = county
    CaseEvent.objects.filter(case=done, seq__gte=3).delete()  # the decision and the delivery
    CaseEvent.objects.filter(case=review).delete()  # every event of a case
    broken = events.verify([done.pk, review.pk])
    assert [(b.case_id, b.seq, b.kind) for b in broken] == [
        (done.pk, 3, Kind.TAIL),
        (review.pk, 1, Kind.TAIL),
    ]
    assert "现仅存至第2条" in broken[0].detail


@pytest.mark.parametrize(
    "change",
    [
        {"result": "denied"},  # the decision flipped
        {"state": "decided"},
        {"due_date": datetime.date(2027, 6, 30)},
        {"applicant_id_digest": "0" * 64},  # the case moved to another applicant
        {"fee": "12.00"},
        {"events_seq": 3},  # the head rolled back over the last event
    ],
)
def test_i15_04_an_edited_case_row_is_seen(county, change):
    done, _, _ = county
    Case.objects.filter(pk=done.pk).update(**change)
    broken = events.verify([done.pk])
    assert broken and kinds(broken) == {Kind.ROW}
    assert all(b.case_id == done.pk for b in broken)


def test_i15_04_a_case_deleted_whole_is_seen(county):
    _, _, waiting = county
    CaseEvent.objects.filter(case=waiting).delete()
    CaseMaterial.objects.filter(case=waiting).delete()
    Case.objects.filter(pk=waiting.pk).delete()
    broken = events.verify()
    assert kinds(broken) == {Kind.CASE_GONE}
    assert "记有3件，现仅2件" in broken[0].detail


def test_i15_04_a_row_and_tail_rolled_back_together_are_seen_by_the_checkpoint(desk):
    """An old copy of the row (its seal valid then) put back, and the events after it deleted:
    the chain and the row agree, but not with the day's checkpoint."""
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=False):
        case = submit_at(desk)
        snapshot = Case.objects.filter(pk=case.pk).values().get()
        services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post)
    checkpoints.take(today=DAY + datetime.timedelta(days=1))
    assert events.verify() == []
    CaseEvent.objects.filter(case=case, seq__gt=1).delete()
    Case.objects.filter(pk=case.pk).update(**{k: v for k, v in snapshot.items() if k != "id"})
    assert events.verify([case.pk]) == []  # alone, the case looks whole
    assert kinds(events.verify()) == {Kind.ROLLED_BACK}


def test_i15_04_an_edited_or_deleted_checkpoint_is_named(county):
    checkpoints.take(today=DAY + datetime.timedelta(days=4))  # 2, 3 December
    assert Checkpoint.objects.count() == 4 and events.verify() == []
    Checkpoint.objects.filter(day=DAY + datetime.timedelta(days=1)).update(cases=5)
    assert kinds(events.verify()) == {Kind.CHECKPOINT}
    Checkpoint.objects.filter(day=DAY + datetime.timedelta(days=1)).delete()
    broken = events.verify()
    assert kinds(broken) == {Kind.CHECKPOINT_GONE}
    assert "2026-12-01与2026-12-03之间" in broken[0].detail
    Checkpoint.objects.filter(day=DAY).delete()
    assert Kind.CHECKPOINT_GONE in kinds(events.verify())


def test_i15_04_the_command_names_each_kind_in_chinese(county):
    done, review, _ = county
    CaseEvent.objects.filter(case=review, seq=3).delete()
    Case.objects.filter(pk=done.pk).update(result="denied")
    with pytest.raises(Exception, match="办件记录被改动、尾部事件被删除、事件链与检查点不符"):
        call_command("verify_events")


def test_i15_04_a_move_keeps_the_seal_with_one_more_column_and_no_scan(county, desk):
    _, review, _ = county
    noon = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=TZ)
    with time_machine.travel(noon, tick=False), CaptureQueriesContext(connection) as queries:
        services.case_decide(acting_user=desk.reviewer, case=review, result="approved")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "cases_checkpoint" not in sql
    assert "FROM cases_caseevent" not in sql.replace('"', "")  # no chain read on a move
    assert events.verify([review.pk]) == []


def test_i15_04_a_calendar_recomputation_reseals_the_row(county):
    _, review, _ = county
    Case.objects.filter(pk=review.pk).update(due_date=datetime.date(2026, 12, 2))
    assert services.recompute_deadlines({2026}) == 1
    assert events.verify([review.pk]) == []


def test_i15_04_each_purpose_has_its_own_key(settings):
    keys = {p: crypto.purpose_key(p) for p in crypto.PURPOSES}
    assert len(set(keys.values())) == len(keys) and settings.DIGEST_KEY not in keys.values()
    # Identifier digests keep the master key, so stored digests stay valid.
    assert (
        crypto.digest("13807371234")
        == hmac.new(settings.DIGEST_KEY, b"13807371234", "sm3").hexdigest()
    )
    settings.DIGEST_KEY = b"another master key"
    assert crypto.purpose_key("chain") != keys["chain"]  # derived afresh from the master


def test_i15_04_event_digests_use_the_chain_key_not_the_master(county):
    done, _, _ = county
    first = CaseEvent.objects.get(case=done, seq=1)
    body = events.event_body(events.GENESIS, first)
    assert first.digest == hmac.new(crypto.purpose_key("chain"), body, "sm3").hexdigest()
    assert first.digest != hmac.new(settings.DIGEST_KEY, body, "sm3").hexdigest()


def test_i15_04_an_api_key_issued_before_moves_to_its_own_digest_on_first_use(db, rf):
    client = ApiClient(name="旧系统")
    key = issue_key(client)
    assert client.key_digest == key_digest(key) != crypto.digest(key)
    ApiClient.objects.filter(pk=client.pk).update(key_digest=crypto.digest(key))  # as before
    assert ClientKey().authenticate(rf.get("/"), key) == client
    assert ApiClient.objects.get(pk=client.pk).key_digest == key_digest(key)
    assert ClientKey().authenticate(rf.get("/"), key.lower()) is None  # case kept, as issued


def test_i15_04_the_migration_rechains_old_chains_and_seals_every_row(county):
    """Chains written under the master key (before this change) are verified and re-chained
    under the chain key; a chain already broken is left broken."""
    done, review, waiting = county
    Checkpoint.objects.all().delete()
    for case in (done, review, waiting):
        prev = events.GENESIS
        for event in CaseEvent.objects.filter(case=case).order_by("seq"):
            body = events.event_body(prev, event)
            prev = hmac.new(settings.DIGEST_KEY, body, "sm3").hexdigest()
            CaseEvent.objects.filter(pk=event.pk).update(digest=prev)
        Case.objects.filter(pk=case.pk).update(last_digest=prev, seal="")
    CaseEvent.objects.filter(case=waiting, seq=1).update(details={"item": "改过"})
    assert kinds(events.verify()) == {Kind.EDITED, Kind.ROW}
    migration = importlib.import_module("onewindow.cases.migrations.0013_event_chain_anchors")
    migration.rechain_and_seal(apps, connection.schema_editor())
    broken = events.verify()
    assert [(b.case_id, b.kind) for b in broken] == [(waiting.pk, Kind.EDITED)], broken
