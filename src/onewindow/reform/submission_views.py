"""Self-inspection report pages (S17): the unit's report form with its six checks, a report's
version history, and the reform office's list with accept / return. Thin: read, call a service
in reform.submissions, render."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.common.paging import page_of
from onewindow.org.access import permission_required
from onewindow.org.models import Unit
from onewindow.org.permissions import allows
from onewindow.reform import submissions as svc
from onewindow.reform.models import Check, Round, Submission

STATE_TAGS = {"accepted": "ok", "returned": "bad", "submitted": "warn"}


class ReportForm(forms.Form):
    """The general texts, and a reason and a plan for each check failing today."""

    def __init__(self, *args, failing: list[Check], **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in svc.REPORT_FIELDS.items():
            self.fields[key] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        for check in failing:
            for key in svc.check_field_keys(check):
                self.fields[key] = forms.CharField(
                    label=svc.field_label(key),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )


def own_unit(request) -> Unit | None:
    staff = getattr(request.user, "staff", None)
    return staff.unit if staff is not None and staff.active else None


def _checks_view(results) -> list[dict]:
    """The live checks for display: label, passed, facts (failing first)."""
    snapshot = svc.facts_snapshot(results)
    rows = []
    for value, result in snapshot.items():
        facts = sorted(result["facts"], key=lambda f: f["passed"])
        rows.append({"check": value, **result, "facts": facts})
    return rows


def put_errors(form: forms.Form, exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return exc.messages
    loose = []
    for key, errors in exc.message_dict.items():
        for e in errors:
            if key in form.fields:
                form.add_error(key, e)
            else:
                loose.append(e)
    return loose


@permission_required("reform.view_own_report")
def my_report(request):
    """The unit's report for its active round: fill in, keep as a draft, submit."""
    unit = own_unit(request)
    rnd = svc.round_for_unit(unit) if unit else None
    if rnd is None:
        return render(request, "reform/submission_form.html", {"unit": unit, "round": None})
    today = timezone.localdate()
    submission = svc.submission_for(round=rnd, unit=unit)
    results = svc.check_results(unit, today)
    checks = _checks_view(results)
    failing = svc.failing_checks({c["check"]: c for c in checks})
    may_submit = allows(request.user, "reform.submit_report", unit)
    editable = may_submit and submission.state in (
        Submission.State.DRAFT,
        Submission.State.RETURNED,
    )
    form = None
    loose: list[str] = []
    status = 200
    if editable:
        data = request.POST if request.method == "POST" else None
        form = ReportForm(data, initial=submission.fields, failing=failing)
        if request.method == "POST" and form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                if submit:
                    svc.submission_submit(
                        acting_user=request.user, round=rnd, unit=unit, fields=form.cleaned_data
                    )
                    messages.success(request, "自查报告已报备，等待审改办审核。")
                else:
                    svc.submission_save_draft(
                        acting_user=request.user, round=rnd, unit=unit, fields=form.cleaned_data
                    )
                    messages.success(request, "已保存草稿（尚未报备）。")
                return redirect("reform:my_report")
            except ValidationError as exc:
                loose = put_errors(form, exc)
        if request.method == "POST":
            status = 400
    elif request.method == "POST":
        messages.error(request, "当前状态不能修改自查报告。")
        status = 400
    return render(
        request,
        "reform/submission_form.html",
        {
            "unit": unit,
            "round": rnd,
            "submission": submission,
            "checks": checks,
            "form": form,
            "loose_errors": loose,
            "may_submit": may_submit,
            "overdue": submission.state == Submission.State.DRAFT and today > rnd.report_due,
            "field_rows": _field_rows(submission.fields),
            "state_tag": STATE_TAGS.get(submission.state, ""),
        },
        status=status,
    )


def _field_rows(fields: dict) -> list[tuple[str, str]]:
    return [(svc.field_label(k), fields[k]) for k in svc.all_field_keys() if fields.get(k)]


def _submission(request, submission_id: int) -> Submission:
    return svc.submission_get(submission_id)


@permission_required("reform.view_submission", fn=_submission)
def submission_detail(request, submission_id: int):
    """A report as it stands and every version kept: texts, the checks' facts, decisions."""
    submission = svc.submission_get(submission_id)
    versions = [
        {
            "version": v,
            "fields": _field_rows(v.fields),
            # jsonb (PostgreSQL) keeps no key order: show the checks in their own order.
            "facts": [v.facts[c.value] for c in Check if c.value in v.facts],
            "tag": STATE_TAGS.get(v.state, ""),
        }
        for v in svc.version_list(submission)
    ]
    return render(
        request,
        "reform/submission_detail.html",
        {
            "submission": submission,
            "fields": _field_rows(submission.fields),
            "versions": versions,
            "state_tag": STATE_TAGS.get(submission.state, ""),
            "may_decide": allows(request.user, "reform.decide_submission", submission)
            and submission.state == Submission.State.SUBMITTED,
        },
    )


@permission_required("reform.view_submissions")
def submission_list(request):
    """The reform office's list: every unit of the round, its report's state, late or not."""
    rounds = list(Round.objects.order_by("-active", "-starts_on", "-id"))
    chosen = request.GET.get("round", "")
    rnd = next((r for r in rounds if str(r.pk) == chosen), rounds[0] if rounds else None)
    every = svc.submission_list(round=rnd) if rnd else []
    rows = every
    state = request.GET.get("state", "")
    if state == "late":
        rows = [s for s in rows if s.late]
    elif state:
        rows = [s for s in rows if s.state == state]
    today = timezone.localdate()
    counts = {value: 0 for value, _label in Submission.State.choices}
    for s in every:
        counts[s.state] += 1
    return render(
        request,
        "reform/submission_list.html",
        {
            "round": rnd,
            "rounds": rounds,
            "page": page_of(rows, request.GET),
            "state": state,
            "states": Submission.State.choices,
            "counts": [(label, counts[value]) for value, label in Submission.State.choices],
            "past_due": bool(rnd and today > rnd.report_due),
            "may_decide": allows(request.user, "reform.decide_submission"),
            "tags": STATE_TAGS,
        },
    )


@require_POST
@permission_required("reform.decide_submission")
def submission_decide(request, submission_id: int):
    submission = get_object_or_404(Submission, pk=submission_id)
    accept = request.POST.get("decision") == "accept"
    try:
        svc.submission_decide(
            acting_user=request.user,
            submission=submission,
            accept=accept,
            comment=request.POST.get("comment", ""),
        )
        messages.success(
            request, f"{submission.unit}的自查报告已{'通过' if accept else '退回修改'}。"
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    back = request.POST.get("next", "")
    if back == "detail":
        return redirect("reform:submission_detail", submission.pk)
    return redirect(f"{reverse('reform:submissions')}?round={submission.round_id}")
