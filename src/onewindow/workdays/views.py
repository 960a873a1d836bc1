from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from onewindow.common.paging import page_of
from onewindow.documents.dates import cn_date
from onewindow.org.access import permission_required
from onewindow.workdays import selectors, services
from onewindow.workdays.calendar import FIRST_YEAR, LAST_YEAR
from onewindow.workdays.forms import DayForm, ScheduleForm


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(f"工作日历只覆盖{FIRST_YEAR}年至{LAST_YEAR}年。")
    return year


@permission_required("workdays.view_calendar")
def year_list(request):
    return render(
        request,
        "workdays/year_list.html",
        {
            "years": selectors.year_list(),
            "revisions": page_of(selectors.revisions(), request.GET),
        },
    )


@permission_required("workdays.view_calendar")
def year_view(request, year: int):
    year = _year(year)
    return render(
        request,
        "workdays/year_view.html",
        {
            "year": year,
            "months": selectors.year_months(year),
            "official": selectors.is_official(year),
            "revisions": page_of(selectors.revisions(year), request.GET),
        },
    )


@permission_required("workdays.edit_calendar")
def year_enter(request, year: int):
    year = _year(year)
    form = ScheduleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            days = services.parse_schedule(form.cleaned_data["text"])
            services.calendar_enter_year(
                acting_user=request.user, year=year, source=form.cleaned_data["source"], days=days
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{year}年工作日历已录入并生效，涉及该年度的期限将重新计算。")
            return redirect("workdays:year_view", year=year)
    return render(request, "workdays/year_enter.html", {"year": year, "form": form})


@permission_required("workdays.edit_calendar")
def day_correct(request):
    form = DayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.calendar_set_day(
                acting_user=request.user,
                date=d["date"],
                kind=d["kind"] or None,
                name=d["name"],
                note=d["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{cn_date(d['date'])}已更正并记录。")
            return redirect("workdays:year_view", year=d["date"].year)
    return render(request, "workdays/day_correct.html", {"form": form})
