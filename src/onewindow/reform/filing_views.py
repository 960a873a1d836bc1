"""Filings with the reform office (S2(5) undetermined items, S1 lead-section plans): a unit files,
the office accepts or returns. Thin: read, call a service in reform.filings, render."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.common.forms import DateInput
from onewindow.common.paging import page_of
from onewindow.org.access import permission_required
from onewindow.org.permissions import allows
from onewindow.reform import filings as svc
from onewindow.reform.models import Filing
from onewindow.reform.submission_views import own_unit, put_errors


class UndeterminedItemForm(forms.Form):
    item = forms.ModelChoiceField(label="待定事项", queryset=None, required=False)
    undetermined = forms.ChoiceField(
        label="待定内容", choices=[("", "请选择"), *svc.UNDETERMINED.items()], required=False
    )
    superior = forms.CharField(label="已联系的上级部门", required=False, max_length=100)
    basis = forms.CharField(
        label="依据或说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_due = forms.DateField(label="预计答复日期", required=False, widget=DateInput())

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, prefix="item", **kwargs)
        self.fields["item"].queryset = svc.undetermined_item_choices(unit)


class LeadSectionPlanForm(forms.Form):
    plan = forms.CharField(
        label="牵头股室设置方案", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    plan_due = forms.DateField(label="落实期限", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="plan", **kwargs)


@permission_required("reform.view_filings")
def filing_list(request):
    """A unit files and sees its own filings; the office sees every unit's and decides."""
    unit = own_unit(request) if not request.user.sees_all_units else None
    may_file = unit is not None and allows(request.user, "reform.file_with_office", unit)
    kind = request.POST.get("kind") if request.method == "POST" else None
    item_form = plan_form = None
    loose: list[str] = []
    status = 200
    if may_file:
        item_form = UndeterminedItemForm(
            request.POST if kind == Filing.Kind.UNDETERMINED_ITEM else None, unit=unit
        )
        if svc.needs_lead_section_plan(unit):
            plan_form = LeadSectionPlanForm(
                request.POST if kind == Filing.Kind.LEAD_SECTION_PLAN else None
            )
        form = {
            Filing.Kind.UNDETERMINED_ITEM: item_form,
            Filing.Kind.LEAD_SECTION_PLAN: plan_form,
        }.get(kind)
        if form is not None and form.is_valid():
            try:
                if kind == Filing.Kind.UNDETERMINED_ITEM:
                    svc.undetermined_item_file(
                        acting_user=request.user, unit=unit, **form.cleaned_data
                    )
                else:
                    svc.lead_section_plan_file(
                        acting_user=request.user, unit=unit, **form.cleaned_data
                    )
                messages.success(request, "已报备，等待审改办审核。")
                return redirect("reform:filings")
            except ValidationError as exc:
                loose = put_errors(form, exc)
        if request.method == "POST":
            status = 400
    elif request.method == "POST":
        messages.error(request, "只有本单位的窗口主管（分管领导）可以向审改办报备。")
        status = 403
    return render(
        request,
        "reform/filing_list.html",
        {
            "unit": unit,
            "item_form": item_form,
            "plan_form": plan_form,
            "loose_errors": loose,
            "kind": kind,
            "page": page_of(svc.filing_list_for_user(request.user), request.GET),
            "may_decide": allows(request.user, "reform.decide_filing"),
            "undetermined": svc.UNDETERMINED,
        },
        status=status,
    )


@require_POST
@permission_required("reform.decide_filing")
def filing_decide(request, filing_id: int):
    filing = svc.filing_get(filing_id)
    accept = request.POST.get("decision") == "accept"
    try:
        svc.filing_decide(
            acting_user=request.user,
            filing=filing,
            accept=accept,
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, f"{filing.unit}的报备已{'接受' if accept else '退回'}。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("reform:filings")
