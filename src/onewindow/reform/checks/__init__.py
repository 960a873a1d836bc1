"""The six "in place" checks of S15 (五(一)), computed live from the data for a unit and a day.

Each check is a list of facts, each a Chinese sentence, whether it holds, and a link to the
record it is about; a check passes when every fact does. A fact whose subject the unit does not
have (no cases in the period, no 一件事) is "not applicable" and counts as passing.

`checks_for_units` reads everything for many units in a bounded number of queries (one per kind
of record, whatever the number of units); `unit_checks` is the same for one unit."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from onewindow.org.models import Unit
from onewindow.reform.models import Check

# The period in which 机制到位 looks for use, when no reform round is active.
DEFAULT_PERIOD_DAYS = 90


@dataclass(frozen=True)
class Fact:
    """One sentence about a unit's record: holds or not, with a link to the record."""

    text: str
    passed: bool
    url: str = ""
    applicable: bool = True

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "passed": self.passed,
            "url": self.url,
            "applicable": self.applicable,
        }


@dataclass
class CheckResult:
    check: str
    facts: list[Fact] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.facts)

    @property
    def label(self) -> str:
        return Check(self.check).label

    @property
    def failing(self) -> list[Fact]:
        return [f for f in self.facts if not f.passed]

    @property
    def ordered_facts(self) -> list[Fact]:
        """Failing facts first, then the rest, each in their own order."""
        return self.failing + [f for f in self.facts if f.passed]

    def as_dict(self) -> dict:
        return {"passed": self.passed, "facts": [f.as_dict() for f in self.facts]}


def period(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of 机制到位: the active round from its start to `day`, else the last 90
    days."""
    from onewindow.reform.models import Round

    current = (
        Round.objects.filter(active=True, starts_on__lte=day).order_by("-starts_on", "-id").first()
    )
    if current is not None:
        return current.starts_on, day
    return day - datetime.timedelta(days=DEFAULT_PERIOD_DAYS), day


def checks_for_units(
    units: Iterable[Unit], day: datetime.date | None = None
) -> dict[int, dict[str, CheckResult]]:
    """unit id → {check → result} for every unit, in a bounded number of queries."""
    from onewindow.reform.checks import data as loader
    from onewindow.reform.checks import rules

    day = day or timezone.localdate()
    ids = [u.pk if isinstance(u, Unit) else int(u) for u in units]
    if not ids:
        return {}
    d = loader.load(ids, day, period(day))
    out: dict[int, dict[str, CheckResult]] = {}
    for unit in d.units:
        out[unit.pk] = {
            kind: CheckResult(kind, facts(unit, d)) for kind, facts in rules.BUILDERS.items()
        }
    return out


def unit_checks(unit: Unit, day: datetime.date | None = None) -> dict[str, CheckResult]:
    """{check → result} for one unit (the batch function over one unit)."""
    return checks_for_units([unit], day)[unit.pk]


__all__ = ["Check", "CheckResult", "Fact", "checks_for_units", "period", "unit_checks"]
