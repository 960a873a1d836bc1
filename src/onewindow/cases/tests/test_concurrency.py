"""Two people acting on one case at once, on PostgreSQL with real concurrent connections: one
succeeds, the other gets a clear message, and nothing is lost or written twice.

The test's own connection sits in a transaction that other connections cannot see into, so
every step runs in threads of its own (autocommit), and the test removes what it created."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from onewindow.cases import events, services
from onewindow.cases.models import Case, CaseCounter, CaseEvent
from onewindow.cases.tests.conftest import submit, user
from onewindow.exchange.models import Outbox
from onewindow.org.models import WindowPost

DAY = datetime.date(2030, 3, 5)  # a day no other test issues numbers on
LETTER_DAY = datetime.date(2029, 3, 6)  # the same, within the demo letters' validity


pytestmark = pytest.mark.django_db


def _alone(fn):
    """Run `fn` on a connection of its own, committed when it returns."""
    return _race([fn])[0]


@pytest.fixture
def committed():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (scripts/run-tests runs it there)")
    created: list[int] = []
    yield created

    def clean():
        Outbox.objects.filter(key__in=[f"case-{pk}" for pk in created]).delete()
        CaseEvent.objects.filter(case_id__in=created).delete()
        Case.objects.filter(pk__in=created).delete()
        CaseCounter.objects.filter(day__in=[DAY, LETTER_DAY]).delete()

    _alone(clean)


def _race(workers):
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)
    test_db = connection.settings_dict["NAME"]  # a new thread's connection would not know it

    def run(i, fn):
        try:
            connections["default"].settings_dict["NAME"] = test_db
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # each outcome is inspected by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_clerks_deciding_one_case_one_wins(committed):
    post = WindowPost.objects.get(staff_a__user__username="clerk", kind="department")
    case = _alone(lambda: submit("食品生产许可", day=DAY))
    committed.append(case.pk)
    version = case.version

    def accept():
        return services.case_accept(
            acting_user=user("clerk"),
            case=case,
            window_post=post,
            expected_version=version,
            day=DAY,
        )

    def refuse():
        return services.case_refuse(
            acting_user=user("clerk"),
            case=case,
            reason="不符合条件",
            expected_version=version,
            day=DAY,
        )

    results = _race([accept, refuse])
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, ValidationError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "已被他人处理" in losses[0].messages[0]
    stored, event_count = _alone(
        lambda: (Case.objects.get(pk=case.pk), CaseEvent.objects.filter(case=case).count())
    )
    assert stored.state == wins[0].state and stored.version == version + 1
    assert event_count == 2  # submit + exactly one move


def test_concurrent_acceptances_get_distinct_numbers(committed):
    post = WindowPost.objects.get(staff_a__user__username="clerk", kind="department")
    cases = _alone(lambda: [submit("个体工商户设立登记", day=DAY) for _ in range(8)])
    committed.extend(c.pk for c in cases)

    def accept(c):
        return lambda: (
            services.case_accept(
                acting_user=user("clerk"), case=c, window_post=post, day=DAY
            ).number
        )

    numbers = _race([accept(c) for c in cases])
    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == 8


def test_many_workers_on_shared_and_own_cases(committed):
    """Eight workers at once: each races the others for four shared cases (accept, without a
    version, so the lock decides) and takes a case of its own through its whole life. No lost
    update, no number twice, every chain whole and every event pushed."""
    post = WindowPost.objects.get(staff_a__user__username="clerk", kind="department")
    workers = 8
    shared = _alone(lambda: [submit("个体工商户设立登记", day=LETTER_DAY) for _ in range(4)])
    own = _alone(lambda: [submit("个体工商户设立登记", day=LETTER_DAY) for _ in range(workers)])
    committed.extend(c.pk for c in shared + own)
    clerk = user("clerk")
    mail = {"address": "桃江县", "carrier": "EMS", "tracking": "1"}

    def work(mine: Case):
        def run():
            won = 0
            for case in shared:
                try:
                    services.case_accept(
                        acting_user=clerk, case=case, window_post=post, day=LETTER_DAY
                    )
                    won += 1
                except ValidationError:
                    pass  # another worker accepted it first: the state says so
            case = services.case_accept(
                acting_user=clerk, case=mine, window_post=post, day=LETTER_DAY
            )
            case = services.case_decide_at_window(
                acting_user=clerk, case=case, result="approved", day=LETTER_DAY
            )
            services.case_deliver(
                acting_user=clerk, case=case, mode="mail", detail=mail, day=LETTER_DAY
            )
            return won

        return run

    results = _race([work(c) for c in own])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(shared)  # each shared case accepted exactly once

    def facts():
        ids = [c.pk for c in shared + own]
        rows = {c.pk: c for c in Case.objects.filter(pk__in=ids)}
        seqs = {
            pk: list(
                CaseEvent.objects.filter(case_id=pk).order_by("seq").values_list("seq", flat=True)
            )
            for pk in ids
        }
        pushed = Outbox.objects.filter(key__in=[f"case-{pk}" for pk in ids]).count()
        return rows, seqs, pushed, events.verify(ids)

    rows, seqs, pushed, broken = _alone(facts)
    assert broken == []
    for c in shared:
        assert rows[c.pk].state == "accepted" and seqs[c.pk] == [1, 2]
    for c in own:
        assert rows[c.pk].state == "closed" and seqs[c.pk] == [1, 2, 3, 4]
    numbers = [r.number for r in rows.values()]
    assert all(numbers) and len(set(numbers)) == len(numbers)
    start = {c.pk: c.version for c in shared + own}
    # no lost update: every move raised the version once, and left its event
    assert all(r.version - start[pk] == len(seqs[pk]) - 1 for pk, r in rows.items())
    assert pushed == sum(len(s) for s in seqs.values())
