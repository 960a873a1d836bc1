"""Pages of inspection (S16): spot checks and their rectification for the reform office and the
supervisors; the weight of each in-place check for the reform office."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from onewindow.common import limits
from onewindow.common.forms import DateInput
from onewindow.common.paging import page_of
from onewindow.org.access import permission_required
from onewindow.org.models import Unit
from onewindow.org.views import form_errors
from onewindow.reform import inspection
from onewindow.reform.models import Check, SpotCheck


class SpotCheckForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="被抽查单位", queryset=Unit.objects.order_by("kind", "name")
    )
    checked_on = forms.DateField(label="抽查日期", widget=DateInput())
    kind = forms.ChoiceField(
        label="涉及检查", choices=[("", "（不限）"), *Check.choices], required=False
    )
    findings = forms.CharField(
        label="发现的问题（没有问题可不填）",
        max_length=limits.REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    deduction = forms.DecimalField(
        label=f"扣分（0至{inspection.MAX_DEDUCTION}分）",
        max_digits=5,
        decimal_places=1,
        initial=0,
        required=False,
    )
    rectify_days = forms.IntegerField(label="整改时限（工作日，自抽查日期起算）", required=False)
    evidence = forms.CharField(
        label="佐证材料说明",
        max_length=limits.REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RectifyForm(forms.Form):
    evidence = forms.CharField(
        label="整改情况及佐证",
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rectified = forms.BooleanField(label="确认已整改（关闭该抽查）", required=False)


class WeightsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Check.choices:
            self.fields[code] = forms.IntegerField(label=f"{label}（分）")


@permission_required("reform.record_spot_check")
def spot_checks(request):
    """Every spot check, newest first; open ones past their day are shown (and stored) overdue."""
    inspection.mark_overdue()
    checks = SpotCheck.objects.select_related("unit", "inspector")
    result = request.GET.get("result", "")
    if result in SpotCheck.Result.values:
        checks = checks.filter(result=result)
    return render(
        request,
        "reform/spot_checks.html",
        {
            "page": page_of(checks.order_by("-checked_on", "-id"), request.GET),
            "result": result,
            "results": SpotCheck.Result.choices,
        },
    )


@permission_required("reform.record_spot_check")
def spot_check_new(request):
    form = SpotCheckForm(
        request.POST or None, initial={"checked_on": timezone.localdate(), "deduction": 0}
    )
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            spot = inspection.spot_check_record(acting_user=request.user, **form.cleaned_data)
            messages.success(request, f"已登记{spot.unit.name}的抽查。")
            return redirect("reform:spot_check", spot.pk)
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "reform/spot_check_form.html",
        {"form": form, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("reform.record_spot_check")
def spot_check(request, spot_id: int):
    spot = inspection.refresh(
        get_object_or_404(SpotCheck.objects.select_related("unit", "inspector"), pk=spot_id)
    )
    form = RectifyForm(request.POST or None, initial={"evidence": spot.evidence})
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            spot = inspection.rectification_record(
                spot, acting_user=request.user, **form.cleaned_data
            )
            messages.success(request, f"已保存整改情况（{spot.get_result_display()}）。")
            return redirect("reform:spot_check", spot.pk)
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "reform/spot_check.html",
        {"spot": spot, "form": form, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("reform.set_weights")
def weights(request):
    form = WeightsForm(request.POST or None, initial=inspection.weights())
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            inspection.weights_set(acting_user=request.user, points=form.cleaned_data)
            messages.success(request, "已保存各项到位检查的分值。")
            return redirect("reform:weights")
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "reform/weights.html",
        {"form": form, "loose_errors": loose, "total": inspection.TOTAL_POINTS},
        status=400 if request.method == "POST" else 200,
    )
