"""The six checks' fact builders, in the order of 五(一) of the plan. Each takes a unit and
the loaded `data.Data` and returns the unit's facts for one check."""

from onewindow.reform.checks.operation import authorization, mechanism, supervision
from onewindow.reform.checks.structure import items, organisation, staff
from onewindow.reform.models import Check

BUILDERS = {
    Check.ORGANISATION: organisation,
    Check.STAFF: staff,
    Check.ITEMS: items,
    Check.AUTHORIZATION: authorization,
    Check.MECHANISM: mechanism,
    Check.SUPERVISION: supervision,
}
