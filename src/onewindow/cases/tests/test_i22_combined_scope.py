"""Issue 22: the 一件事 list of a unit's staff costs the rows it shows. "A child of its unit" is an
EXISTS per 一件事, not a join to the case table (OR-ed with the other branches, the join made
PostgreSQL read every case: 1.1-1.5 s a page at 1,000,000 cases)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases.selectors import combined_list_for_user
from onewindow.cases.tests.test_combined import (  # noqa: F401 (fixtures)
    _accepted,
    _restaurant,
    restaurant,
)
from onewindow.testing.factories import DeskFactory


def test_a_member_units_staff_see_the_combined_case_once_and_others_not_at_all(restaurant):  # noqa: F811
    parent = _accepted(restaurant)
    member = next(d for d in restaurant.desks if d.unit != restaurant.lead.unit)
    assert parent.lead_unit_id != member.unit.pk
    with CaptureQueriesContext(connection) as ctx:
        listed = list(combined_list_for_user(user=member.reviewer))
    assert listed == [parent]  # once: no join that could repeat it
    sql = ctx.captured_queries[-1]["sql"].upper()
    assert "EXISTS" in sql and "DISTINCT" not in sql and 'JOIN "CASES_CASE"' not in sql
    stranger = DeskFactory()
    assert list(combined_list_for_user(user=stranger.reviewer)) == []
