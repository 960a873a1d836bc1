"""Pages of the reform timetable (S18): the active round's timetable for the reform office and
the supervisors; creating, editing and copying rounds for the reform office."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from onewindow.common.forms import DateInput
from onewindow.common.parsing import parse_int
from onewindow.org.access import permission_required
from onewindow.org.models import Unit
from onewindow.org.permissions import allows
from onewindow.org.views import form_errors
from onewindow.reform import timetable
from onewindow.reform.models import Check, Round


class RoundForm(forms.Form):
    name = forms.CharField(label="轮次名称", max_length=100)
    document = forms.CharField(label="文件文号", max_length=100, required=False)
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期", widget=DateInput())
    report_due = forms.DateField(label="自查报告报备期限", widget=DateInput())
    units = forms.ModelMultipleChoiceField(
        label="参加单位",
        queryset=Unit.objects.order_by("kind", "name"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    active = forms.BooleanField(label="设为当前轮次（其他轮次不再是当前轮次）", required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label="任务", max_length=100)
    checks = forms.MultipleChoiceField(
        label="完成标志（到位检查）",
        choices=Check.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(label="完成时限（空：持续推进）", required=False, widget=DateInput())


TaskFormSet = forms.formset_factory(TaskForm, extra=1, can_delete=True)


class CopyForm(forms.Form):
    name = forms.CharField(label="新轮次名称", max_length=100)
    document = forms.CharField(label="文件文号", max_length=100, required=False)
    starts_on = forms.DateField(label="新轮次开始日期（各期限随之顺延）", widget=DateInput())
    units = forms.ModelMultipleChoiceField(
        label="参加单位（不选：与原轮次相同）",
        queryset=Unit.objects.order_by("kind", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )


@permission_required("reform.view_scorecard")
def timetable_page(request):
    """The timetable of the active round (or the one asked for): per task the units complete and
    overdue, per unit its tasks."""
    rounds = Round.objects.all()
    chosen = request.GET.get("round")
    rnd = (
        get_object_or_404(Round, pk=parse_int(chosen))
        if parse_int(chosen) is not None
        else timetable.active_round()
    )
    tasks, units = timetable.timetable(rnd) if rnd else ([], [])
    return render(
        request,
        "reform/timetable.html",
        {
            "rnd": rnd,
            "rounds": rounds,
            "tasks": tasks,
            "units": units,
            "check_labels": Check.choices,
            "can_manage": allows(request.user, "reform.manage_rounds"),
        },
    )


@permission_required("reform.manage_rounds")
def round_list(request):
    # Each round's number of units counted in the same query, not one query per round.
    rounds = Round.objects.annotate(unit_count=Count("units"))
    return render(request, "reform/round_list.html", {"rounds": rounds})


def _tasks_of(formset) -> list[dict]:
    return [
        {k: f.cleaned_data.get(k) for k in ("title", "checks", "deadline")}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _round_form(request, rnd: Round | None):
    if rnd is None:
        year = timezone.localdate().year
        seed = timetable.SEED_ROUND
        initial = {
            "name": f"{year}年深化审批服务“三集中三到位”改革",
            "starts_on": seed["starts_on"].replace(year=year),
            "ends_on": seed["ends_on"].replace(year=year),
            "report_due": seed["report_due"].replace(year=year),
            "units": Unit.objects.filter(in_reform=True),
            "active": True,
        }
        task_initial = timetable.default_tasks(year)
    else:
        initial = {
            "name": rnd.name,
            "document": rnd.document,
            "starts_on": rnd.starts_on,
            "ends_on": rnd.ends_on,
            "report_due": rnd.report_due,
            "units": rnd.units.all(),
            "active": rnd.active,
        }
        task_initial = [
            {"title": t.title, "checks": t.checks, "deadline": t.deadline} for t in rnd.tasks.all()
        ]
    form = RoundForm(request.POST or None, initial=initial)
    # A posted row counts as empty when left blank, whatever the defaults shown were.
    posted = request.method == "POST"
    formset = TaskFormSet(
        request.POST if posted else None, initial=None if posted else task_initial, prefix="tasks"
    )
    loose: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            if rnd is None:
                rnd = timetable.round_create(
                    acting_user=request.user, tasks=_tasks_of(formset), **data
                )
                messages.success(request, f"已建立改革轮次“{rnd.name}”。")
            else:
                timetable.round_update(
                    rnd, acting_user=request.user, tasks=_tasks_of(formset), **data
                )
                messages.success(request, f"已保存改革轮次“{rnd.name}”。")
            return redirect(f"{_timetable_url()}?round={rnd.pk}")
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "reform/round_form.html",
        {"form": form, "formset": formset, "rnd": rnd, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


def _timetable_url() -> str:
    return reverse("reform:timetable")


@permission_required("reform.manage_rounds")
def round_new(request):
    return _round_form(request, None)


@permission_required("reform.manage_rounds")
def round_edit(request, round_id: int):
    return _round_form(request, get_object_or_404(Round, pk=round_id))


@permission_required("reform.manage_rounds")
def round_copy(request, round_id: int):
    source = get_object_or_404(Round, pk=round_id)
    form = CopyForm(request.POST or None)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rnd = timetable.round_copy(
                source,
                acting_user=request.user,
                name=data["name"],
                document=data["document"],
                starts_on=data["starts_on"],
                units=list(data["units"]) or None,
            )
            messages.success(request, f"已按“{source.name}”建立新轮次“{rnd.name}”。")
            return redirect(f"{_timetable_url()}?round={rnd.pk}")
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "reform/round_copy.html",
        {"form": form, "source": source, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )
