"""Everything the six checks read, for many units at once: one query per kind of record,
grouped by unit in memory, so the scorecard of the whole county costs a fixed number of
queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.fields.json import KT
from django.utils import timezone

from onewindow.catalog.models import CombinedMember, HallApproval, Item, ItemVersion
from onewindow.exchange.models import Outbox
from onewindow.mandates.models import Enquiry, ItemPower, Letter, Seal
from onewindow.org.models import Staff, Unit, User, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.reform.models import Filing
from onewindow.supervision.models import Anomaly, DayStat, Rules, Ticket


@dataclass(frozen=True, slots=True)
class AnomalyRow:
    """What the checks read of an anomaly: the columns, not a model. A county's open anomalies
    were read whole, 8,762 models and their JSON evidence for one scorecard at 1,000,000 cases
    (issue 22)."""

    case_id: int
    rule: str
    state: str
    detected_on: datetime.date

    def get_rule_display(self) -> str:
        return str(Anomaly.Rule(self.rule).label)

    def get_state_display(self) -> str:
        return str(Anomaly.State(self.state).label)


@dataclass
class Data:
    day: datetime.date
    period: tuple[datetime.date, datetime.date]
    units: list[Unit]
    rectify_days: int = 15
    filings: dict = field(default_factory=lambda: defaultdict(list))
    posts: dict = field(default_factory=lambda: defaultdict(list))
    letters: dict = field(default_factory=dict)  # the letter in force, per unit
    powers: dict = field(default_factory=lambda: defaultdict(dict))  # letter id → item id → power
    role_holders: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    items: dict = field(default_factory=lambda: defaultdict(list))
    approvals: dict = field(default_factory=lambda: defaultdict(set))  # item id → kinds
    hall_left: dict = field(default_factory=lambda: defaultdict(list))  # item id → versions
    anomalies: dict = field(default_factory=lambda: defaultdict(list))
    seals: dict = field(default_factory=dict)
    case_counts: dict = field(default_factory=dict)  # unit id → (received, rongque)
    notices: dict = field(default_factory=dict)  # unit id → one-time notices in the period
    enquiries: dict = field(default_factory=dict)
    combined: dict = field(default_factory=lambda: defaultdict(dict))  # unit → service → members
    tickets: dict = field(default_factory=lambda: defaultdict(list))
    unsent: dict = field(default_factory=dict)  # unit id → unsent case events


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def load(ids: list[int], day: datetime.date, period: tuple[datetime.date, datetime.date]) -> Data:
    units = list(
        Unit.objects.filter(pk__in=ids)
        .select_related("leader_in_charge", "lead_section")
        .order_by("pk")
    )
    d = Data(day=day, period=period, units=units, rectify_days=Rules.current().rectify_days)
    first, last = period
    since, until = _start_of(first), _start_of(last + datetime.timedelta(days=1))

    for f in (
        Filing.objects.filter(unit_id__in=ids).select_related("item").order_by("filed_on", "id")
    ):
        d.filings[f.unit_id].append(f)

    through = WindowPost.units.through.objects.filter(
        unit_id__in=ids, windowpost__active=True
    ).select_related(
        "windowpost__hall", "windowpost__staff_a__section", "windowpost__staff_b__section"
    )
    for row in through.order_by("windowpost__hall_id", "windowpost__number_key"):
        d.posts[row.unit_id].append(row.windowpost)

    letters = Letter.objects.filter(
        unit_id__in=ids,
        status=Letter.Status.FILED,
        valid_from__lte=day,
        valid_until__gte=day,
    ).select_related("supervisor__section", "team_leader__section")
    for letter in letters.order_by("unit_id", "-valid_from", "-id"):
        d.letters.setdefault(letter.unit_id, letter)
    in_force = [letter.pk for letter in d.letters.values()]
    for p in ItemPower.objects.filter(letter_id__in=in_force):
        d.powers[p.letter_id][p.item_id] = p

    roles = (RoleCode.WINDOW_SUPERVISOR, RoleCode.TEAM_LEADER)
    for s, code in _role_holders(ids, roles):
        d.role_holders[s.unit_id][code].append(s)

    items = Item.objects.filter(
        unit_id__in=ids, status__in=(Item.Status.PUBLISHED, Item.Status.WITHDRAWN)
    ).only(
        "id",
        "name",
        "unit_id",
        "status",
        "hall_status",
        "exempt_doc_no",
        "supervised",
        "promised_limit",
    )
    for item in items.order_by("unit_id", "basic_code", "id"):
        d.items[item.unit_id].append(item)
    for item_id, kind in HallApproval.objects.filter(item__unit_id__in=ids).values_list(
        "item_id", "kind"
    ):
        d.approvals[item_id].add(kind)
    versions = ItemVersion.objects.filter(
        item__unit_id__in=ids, changes__has_key="hall_status"
    ).only("id", "item_id", "number", "at", "changes")
    for v in versions.order_by("item_id", "number"):
        old, new = (v.changes.get("hall_status") or [None, None])[:2]
        if old == Item.HallStatus.ENTERED and new != Item.HallStatus.ENTERED:
            d.hall_left[v.item_id].append(v)

    anomalies = (
        Anomaly.objects.filter(unit_id__in=ids)
        .filter(
            Q(rule=Anomaly.Rule.OUTSIDE_HALL_WINDOW, detected_on__range=period)
            | Q(state=Anomaly.State.OPEN)
        )
        .order_by("detected_on", "id")
        .values_list("unit_id", "case_id", "rule", "state", "detected_on")
    )
    for unit_id, *row in anomalies:
        d.anomalies[unit_id].append(AnomalyRow(*row))

    for seal in Seal.objects.filter(unit_id__in=ids):
        d.seals[seal.unit_id] = seal

    # Applications received (submitted), 容缺 acceptances and one-time notices in the period,
    # on the day of their event, as the dashboards' rollup counted them into DayStat: a few
    # rows per unit and day instead of every case and event of the period.
    counts = (
        DayStat.objects.filter(unit_id__in=ids, day__range=period)
        .order_by()
        .values("unit_id")
        .annotate(n=Sum("received"), rongque=Sum("rongque"), notices=Sum("notices"))
    )
    for r in counts:
        d.case_counts[r["unit_id"]] = (r["n"], r["rongque"])
        d.notices[r["unit_id"]] = r["notices"]
    asked = (
        Enquiry.objects.filter(staff__unit_id__in=ids, at__gte=since, at__lt=until)
        .values("staff__unit_id")
        .annotate(n=Count("id"))
    )
    d.enquiries = {r["staff__unit_id"]: r["n"] for r in asked}

    involved_services = CombinedMember.objects.filter(
        Q(item__unit_id__in=ids) | Q(service__lead_unit_id__in=ids),
        service__status="published",
    ).values("service_id")
    members = (
        CombinedMember.objects.filter(service_id__in=involved_services)
        .select_related("service", "item")
        .order_by("service_id", "order", "id")
    )
    rows = list(members)
    by_service = defaultdict(list)
    for m in rows:
        by_service[m.service_id].append(m)
    for service_members in by_service.values():
        service = service_members[0].service
        involved = {m.item.unit_id for m in service_members} | {service.lead_unit_id}
        for unit_id in involved & set(ids):
            d.combined[unit_id][service] = service_members

    for t in Ticket.objects.filter(unit_id__in=ids).order_by("due_on", "id"):
        d.tickets[t.unit_id].append(t)

    unsent = (
        Outbox.objects.filter(
            topic="case_event", sent_at__isnull=True, created_at__lt=_start_of(day)
        )
        .annotate(unit=KT("payload__unit_id"))
        .values("unit")
        .annotate(n=Count("id"))
    )
    wanted = {str(i) for i in ids}
    d.unsent = {int(r["unit"]): r["n"] for r in unsent if str(r["unit"]) in wanted}
    return d


def _role_holders(ids: list[int], roles) -> list[tuple[Staff, str]]:
    """(staff, role code) for the active staff of the units whose login holds the window
    supervisor's or the team leader's role (one query over the role table)."""
    rows = (
        User.roles.through.objects.filter(
            role__code__in=roles, user__staff__unit_id__in=ids, user__staff__active=True
        )
        .select_related("role", "user__staff__section")
        .order_by("user__staff__id")
    )
    return [(r.user.staff, r.role.code) for r in rows]
