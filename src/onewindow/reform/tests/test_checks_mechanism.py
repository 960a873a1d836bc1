"""The 机制到位 check's one-time notices and 容缺 (issue 18 item 1), read from the rollup's
per-day counts (issue 22): a unit with cases but neither fails, one using both passes, one
without cases is not applicable; an application counts in the period it was received."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from onewindow.cases import services
from onewindow.cases.models import Case, CaseMaterial
from onewindow.cases.workflow import State
from onewindow.reform.checks import data, unit_checks
from onewindow.reform.models import Check
from onewindow.reform.tests.factories import complete_desk
from onewindow.reform.tests.test_checks import assert_fails, today
from onewindow.testing.factories import CaseFactory
from onewindow.testing.stats import rolled_up

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def _module_desk(module_db):
    return complete_desk()


def test_cases_without_one_time_notice_or_rongque_fail(desk):
    CaseFactory(desk=desk)
    unseen = unit_checks(desk.unit, today())[Check.MECHANISM].facts  # not yet rolled up
    assert any("本单位无办件" in f.text for f in unseen)
    rolled_up()  # the check reads the rollup's counts, as the job would have made them
    assert_fails(desk.unit, Check.MECHANISM, "收件1件，未见一次性告知记录")
    assert_fails(desk.unit, Check.MECHANISM, "收件1件，未见容缺受理记录")


def test_one_time_notice_and_rongque_in_use_pass(desk):
    CaseFactory(desk=desk, state=State.CORRECTING)
    rongque = CaseFactory(desk=desk, state=State.ACCEPTED)
    Case.objects.filter(pk=rongque.pk).update(rongque_deadline=today())
    rolled_up()
    result = unit_checks(desk.unit, today())[Check.MECHANISM]
    texts = " ".join(f.text for f in result.facts)
    assert result.passed and "出具1份一次性告知书" in texts and "出具1件容缺受理" in texts, texts


def test_no_cases_makes_notice_and_rongque_not_applicable(desk):
    rolled_up()
    facts = unit_checks(desk.unit, today())[Check.MECHANISM].facts
    na = [f for f in facts if not f.applicable]
    assert len(na) == 3 and all(f.passed for f in na)  # notice, 容缺, 一件事


def test_an_application_counts_when_received_not_when_corrected(desk, time_machine):
    """Received and told what to correct in October, the corrections brought in November: the
    application and its notice count in October, and November has neither (before issue 22
    the case moved to November with its receipt date, where its notice was not)."""
    time_machine.move_to(datetime.datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI))
    case = CaseFactory(desk=desk, state=State.CORRECTING)
    time_machine.move_to(datetime.datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI))
    services.case_resubmit(
        acting_user=desk.clerk,
        case=case,
        received={m.pk: CaseMaterial.Status.PAPER for m in case.materials.all()},
    )
    rolled_up()
    october = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    november = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    d = data.load([desk.unit.pk], november[0], october)
    assert d.case_counts[desk.unit.pk][0] >= 1 and d.notices[desk.unit.pk] == 1
    d = data.load([desk.unit.pk], november[1], november)
    assert d.case_counts.get(desk.unit.pk, (0, 0))[0] == 0 and not d.notices.get(desk.unit.pk)
