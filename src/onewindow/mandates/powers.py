"""What a staff member may do on an item on a day. The case workflow asks this before every
acceptance, review and decision."""

import datetime
from enum import IntEnum

from django.db.models import OuterRef, Q, Subquery

from onewindow.catalog.models import Item
from onewindow.mandates.models import ItemPower, Letter
from onewindow.org.models import Staff, WindowPost


class Power(IntEnum):
    """Ordered: each power includes the ones below it."""

    NOTHING = 0
    ACCEPT = 1  # 受理 only
    FIRST_REVIEW = 2  # 初审权
    DECIDE = 3  # 审批决定权

    @property
    def label(self) -> str:
        return {0: "无权办理", 1: "仅可受理", 2: "初审权", 3: "审批决定权"}[self.value]


def may(staff: Staff, item: Item, day: datetime.date | None = None) -> Power:
    """The window supervisor and team leader named in the unit's letter in force hold the power
    it grants for the item; staff at a window serving the item's unit (its own, a comprehensive
    or the green-channel window) may accept, and at the unit's own window also decide instant
    items the letter grants decision power for; everyone else nothing. Revoked, expired or
    unfiled letters grant nothing. Two queries; nothing cached, so a revocation counts at once."""
    day = day or datetime.date.today()
    if not staff.active or item.status != Item.Status.PUBLISHED:
        return Power.NOTHING
    kinds = set(
        WindowPost.objects.filter(
            Q(staff_a=staff) | Q(staff_b=staff), active=True, units__id=item.unit_id
        ).values_list("kind", flat=True)
    )
    best = Power.ACCEPT if kinds else Power.NOTHING
    # The letter in force and its power for this item, in one query (None: no such letter).
    row = (
        Letter.objects.filter(
            unit_id=item.unit_id,
            status=Letter.Status.FILED,
            valid_from__lte=day,
            valid_until__gte=day,
        )
        .annotate(
            power=Subquery(
                ItemPower.objects.filter(letter=OuterRef("pk"), item=item).values("power")[:1]
            )
        )
        .order_by("-valid_from")
        .values_list("supervisor_id", "team_leader_id", "power")
        .first()
    )
    if row is None:
        return best
    supervisor_id, team_leader_id, power = row
    if staff.pk not in (supervisor_id, team_leader_id):
        # S7: an instant item is finished at the window when the window holds decision power;
        # the clerks of the unit's own window act under the letter for it.
        own_window = WindowPost.Kind.DEPARTMENT in kinds
        if own_window and item.is_instant and power == ItemPower.Power.DECISION:
            return Power.DECIDE
        return best
    if power == ItemPower.Power.DECISION:
        return Power.DECIDE
    if power == ItemPower.Power.FIRST_REVIEW:
        return Power.FIRST_REVIEW
    return max(best, Power.ACCEPT)  # the letter's first clause: acceptance of all unit items
