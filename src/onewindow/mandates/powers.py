"""What a staff member may do on an item on a day. The case workflow asks this before every
acceptance, review and decision."""

import datetime
import functools
from enum import IntEnum

from django.db import connection
from django.db.models import Q, QuerySet, Subquery

from onewindow.catalog.models import Item
from onewindow.mandates.models import ItemPower, Letter
from onewindow.org.models import Staff, WindowPost
from onewindow.org.selectors import held_posts_sql


class Power(IntEnum):
    """Ordered: each power includes the ones below it."""

    NOTHING = 0
    ACCEPT = 1  # 受理 only
    FIRST_REVIEW = 2  # 初审权
    DECIDE = 3  # 审批决定权

    @property
    def label(self) -> str:
        return {0: "无权办理", 1: "仅可受理", 2: "初审权", 3: "审批决定权"}[self.value]


@functools.cache
def _sql() -> str:
    """Posts the staff member holds for the unit, and the letter in force with its power for the
    item, in one row. Built from the models' table names; portable to SQLite and PostgreSQL."""
    qn = connection.ops.quote_name
    letter, power = qn(Letter._meta.db_table), qn(ItemPower._meta.db_table)
    held = held_posts_sql()
    in_force = (
        f"SELECT id FROM {letter} WHERE unit_id = %(unit)s AND status = %(filed)s "
        "AND valid_from <= %(day)s AND valid_until >= %(day)s ORDER BY valid_from DESC LIMIT 1"
    )
    return (
        f"SELECT (SELECT COUNT(*) {held}), (SELECT COUNT(*) {held} AND p.kind = %(own)s), "
        "l.id, l.supervisor_id, l.team_leader_id, ip.power "
        f"FROM (SELECT 1 AS one) x LEFT JOIN {letter} l ON l.id = ({in_force}) "
        f"LEFT JOIN {power} ip ON ip.letter_id = l.id AND ip.item_id = %(item)s"
    )


def may(staff: Staff, item: Item, day: datetime.date | None = None) -> Power:
    """The window supervisor and team leader named in the unit's letter in force hold the power
    it grants for the item; staff at a window serving the item's unit (its own, a comprehensive
    or the green-channel window) may accept, and at the unit's own window also decide instant
    items the letter grants decision power for; everyone else nothing. Revoked, expired or
    unfiled letters grant nothing. One query; nothing cached, so a revocation counts at once.

    The item's publication is not asked here: it decides whether a new application may be filed
    (`cases.services.application_submit`), while an application filed before a withdrawal must
    still be handled to its end by the same people."""
    day = day or datetime.date.today()
    if not staff.active:
        return Power.NOTHING
    params = {
        "staff": staff.pk,
        "unit": item.unit_id,
        "item": item.pk,
        "day": connection.ops.adapt_datefield_value(day),
        "filed": Letter.Status.FILED,
        "own": WindowPost.Kind.DEPARTMENT,
        "yes": True,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        posts, own_posts, letter_id, supervisor_id, team_leader_id, power = cursor.fetchone()
    best = Power.ACCEPT if posts else Power.NOTHING
    if letter_id is None:
        return best
    if staff.pk not in (supervisor_id, team_leader_id):
        # S7: an instant item is finished at the window when the window holds decision power;
        # the clerks of the unit's own window act under the letter for it.
        if own_posts and item.is_instant and power == ItemPower.Power.DECISION:
            return Power.DECIDE
        return best
    if power == ItemPower.Power.DECISION:
        return Power.DECIDE
    if power == ItemPower.Power.FIRST_REVIEW:
        return Power.FIRST_REVIEW
    return max(best, Power.ACCEPT)  # the letter's first clause: acceptance of all unit items


def reviewing_items(unit_id: int, day: datetime.date) -> set[int]:
    """Ids of the unit's items whose accepted cases its window may still take further: the letter
    in force grants first review or decision power for them and names an active team leader or
    window supervisor to use it. For the unit's other items the department takes over (S7 cannot
    strand a case when a letter is revoked, expires or leaves an item out)."""
    return set(reviewing_items_query(unit_id, day))


def reviewing_items_query(unit_id: int, day: datetime.date) -> QuerySet:
    """`reviewing_items` as one query of item ids, to use as a subquery (the department's
    workbench lists what its window may not take further in one statement, not three)."""
    in_force = (
        Letter.objects.filter(
            unit_id=unit_id,
            status=Letter.Status.FILED,
            valid_from__lte=day,
            valid_until__gte=day,
        )
        .order_by("-valid_from", "-pk")
        .values("pk")[:1]
    )
    granted = (ItemPower.Power.DECISION, ItemPower.Power.FIRST_REVIEW)
    return (
        ItemPower.objects.filter(letter=Subquery(in_force), power__in=granted)
        .filter(Q(letter__supervisor__active=True) | Q(letter__team_leader__active=True))
        .values_list("item_id", flat=True)
    )
