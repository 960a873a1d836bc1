"""查找办件 (issue 17 item 1): the staff's case search, and the header's case-number box, which
posts here. A number that finds exactly one case opens that case."""

from django.shortcuts import redirect, render

from onewindow.cases import search as finder
from onewindow.org.access import permission_required


@permission_required("cases.search_cases")
def search(request):
    units = finder.units_for(request.user)
    form = finder.SearchForm(request.GET or None, units=units, items=finder.items_for(units))
    rows, more, searched = [], "", False
    if form.is_bound and form.is_valid():
        criteria = form.criteria()
        after = finder.parse_cursor(request.GET.get("after", ""))
        rows, more = finder.page(criteria, user=request.user, after=after)
        searched = not criteria.empty
        if criteria.number and not rows and after is None:
            combined = finder.combined_by_number(criteria.number, user=request.user)
            if combined is not None:
                return redirect("cases:combined_detail", combined.pk)
        found_by_number = criteria.number or criteria.tail or criteria.province_id
        if found_by_number and len(rows) == 1 and after is None and not more:
            return redirect("cases:detail", rows[0].pk)
    elif not form.is_bound:
        rows, more = finder.page(finder.Criteria(), user=request.user)
    params = request.GET.copy()
    params.pop("after", None)
    return render(
        request,
        "cases/search.html",
        {
            "form": form,
            "rows": rows,
            "more": more,
            "searched": searched,
            "first_page": not request.GET.get("after"),
            "query": params.urlencode(),
            "page_size": finder.PAGE,
        },
    )
