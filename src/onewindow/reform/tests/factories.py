"""Reform-specific test builders: a unit complete in all six checks, and its records."""

import datetime

from django.utils import timezone

from onewindow.mandates.models import Enquiry, Seal
from onewindow.reform.models import Filing
from onewindow.testing.factories import DeskFactory, office


def complete_desk(**kwargs):
    """A unit that passes all six checks today: the desk (leader in charge, a separate
    approval section in the hall, a window post with A and B, two published hall items under
    supervision, a filed letter with their powers) plus an enabled seal and a first-asked
    record; no cases, so the one-time notice and 容缺 facts are not applicable."""
    desk = DeskFactory(**kwargs)
    Seal.objects.create(unit=desk.unit, enabled=True, enabled_on=timezone.localdate())
    Enquiry.objects.create(
        staff=desk.clerk.staff,
        question="咨询办理条件",
        outcome=Enquiry.Outcome.HANDLED,
    )
    return desk


def filing(unit, kind, state=Filing.State.ACCEPTED, **fields) -> Filing:
    today = timezone.localdate()
    return Filing.objects.create(
        unit=unit,
        kind=kind,
        state=state,
        filed_by=office(),
        filed_on=today - datetime.timedelta(days=3),
        **fields,
    )
