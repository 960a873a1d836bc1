"""The reform office's scorecard (S15, S16): every listed unit's six checks and score, sortable
and filterable by GET parameters (an invalid one falls back to its default), and one unit's
drill-down with every fact, failing facts first."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from onewindow.org.access import permission_required
from onewindow.org.models import Unit
from onewindow.reform import selectors
from onewindow.reform.models import Check


@permission_required("reform.view_scorecard")
def scorecard(request):
    day = timezone.localdate()
    filters = selectors.Filters.from_query(request.GET)
    rows = selectors.scorecard(day, filters)
    points = selectors.weights()
    return render(
        request,
        "reform/scorecard.html",
        {
            "day": day,
            "rows": rows,
            "filters": filters,
            "sorts": selectors.SORTS,
            "kinds": Unit.Kind.choices,
            "checks": Check.choices,
            # (label, points): a dict would not do, its key "items" hides .items in templates
            "weights": [(label, points[code]) for code, label in Check.choices],
            "round": selectors.active_round(day),
            "trend": selectors.trend(day),
        },
    )


@permission_required("reform.view_scorecard")
def scorecard_unit(request, unit_id: int):
    unit = get_object_or_404(selectors.scorecard_units(), pk=unit_id)
    day = timezone.localdate()
    row = selectors.unit_row(unit, day)
    return render(
        request,
        "reform/scorecard_unit.html",
        {"day": day, "row": row, "unit": unit},
    )
