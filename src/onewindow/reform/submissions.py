"""The self-inspection report's workflow (S17): the unit fills in the free text, reviews and
submits; the reform office accepts it or returns it with a comment; the unit resubmits. Every
submitted, returned or accepted state is kept as a `SubmissionVersion` with the texts and the six
checks' facts as they stood that day. Each service validates fully before it writes, so bad
input saves nothing."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from onewindow.common import limits
from onewindow.org.models import Unit, User
from onewindow.org.permissions import allows
from onewindow.reform.models import Check, Round, Submission, SubmissionVersion

# The report's general free-text fields (the DOCX report reads them by these keys).
REPORT_FIELDS: dict[str, str] = {
    "summary": "总体情况",
    "experience": "典型经验",
    "rectification": "整改计划",
}
# Per failing check: why it is not in place, and what the unit will do by when.
CHECK_FIELD_LABELS: dict[str, str] = {"reason": "未到位原因", "plan": "整改措施及时限"}


def check_field_keys(check: str) -> tuple[str, str]:
    """The keys of a check's reason and plan fields: `reason_<check>`, `plan_<check>`."""
    value = Check(check).value
    return f"reason_{value}", f"plan_{value}"


def all_field_keys() -> list[str]:
    keys = list(REPORT_FIELDS)
    for check in Check:
        keys.extend(check_field_keys(check))
    return keys


def field_label(key: str) -> str:
    if key in REPORT_FIELDS:
        return REPORT_FIELDS[key]
    kind, _, check = key.partition("_")
    return f"{Check(check).label}：{CHECK_FIELD_LABELS[kind]}"


def check_results(unit: Unit, day: datetime.date) -> dict:
    """The six checks of `unit` on `day` (reform.checks; imported late, tests replace this)."""
    from onewindow.reform.checks import unit_checks

    return unit_checks(unit, day)


def facts_snapshot(results: Mapping) -> dict[str, dict]:
    """The checks' results as plain JSON, keyed by check value, in the checks' order."""
    snapshot = {}
    for check in Check:
        result = results.get(check, results.get(check.value))
        if result is None:
            continue
        snapshot[check.value] = {
            "label": check.label,
            "passed": bool(result.passed),
            "facts": [
                {
                    "text": str(f.text),
                    "passed": bool(f.passed),
                    "url": str(f.url or ""),
                    "applicable": bool(getattr(f, "applicable", True)),
                }
                for f in result.facts
            ],
        }
    return snapshot


def failing_checks(snapshot: Mapping[str, dict]) -> list[Check]:
    return [Check(value) for value, result in snapshot.items() if not result["passed"]]


# --- reads --------------------------------------------------------------------------------


def round_for_unit(unit: Unit) -> Round | None:
    """The active round the unit takes part in (the latest, if several)."""
    return Round.objects.filter(active=True, units=unit).order_by("-starts_on", "-id").first()


def submission_for(*, round: Round, unit: Unit) -> Submission:
    """The unit's submission for the round, unsaved (state draft) if it has none yet."""
    existing = Submission.objects.filter(round=round, unit=unit).first()
    return existing or Submission(round=round, unit=unit)


def submission_list(*, round: Round) -> list[Submission]:
    """One row per unit of the round, in the units' order; units that have not started get an
    unsaved draft row."""
    saved = {
        s.unit_id: s
        for s in Submission.objects.filter(round=round).select_related("unit").order_by("id")
    }
    return [saved.get(u.pk) or Submission(round=round, unit=u) for u in round.units.order_by("id")]


def submission_get(submission_id: int) -> Submission:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Submission.objects.select_related("round", "unit"), pk=submission_id)


def version_list(submission: Submission) -> list[SubmissionVersion]:
    if submission.pk is None:
        return []
    return list(submission.versions.select_related("by").order_by("number", "id"))


# --- writes -------------------------------------------------------------------------------


def _clean_fields(fields: Mapping[str, object]) -> dict[str, str]:
    """The known keys, stripped; unknown keys dropped; each within the reason length."""
    known = all_field_keys()
    cleaned = {}
    for key in known:
        value = fields.get(key, "")
        value = "" if value is None else str(value).strip()
        if value:
            limits.check_length(value, limit=limits.REASON, label=field_label(key), field=key)
            cleaned[key] = value
    return cleaned


def _require_in_round(round: Round, unit: Unit) -> None:
    if not round.units.filter(pk=unit.pk).exists():
        raise ValidationError(
            f"{unit.short_name or unit.name}不在“{round.name}”的参加单位中，不能填报自查报告。"
        )


def _require_may_submit(acting_user: User, unit: Unit) -> None:
    if not allows(acting_user, "reform.submit_report", unit):
        raise PermissionDenied("只有本单位的窗口主管（分管领导）可以填报和报备自查报告。")


def _locked(round: Round, unit: Unit) -> Submission:
    submission = Submission.objects.select_for_update().filter(round=round, unit=unit).first()
    if submission is None:
        submission = Submission(round=round, unit=unit)
    return submission


def _require_editable(submission: Submission) -> None:
    if submission.state == Submission.State.SUBMITTED:
        raise ValidationError("自查报告已报备，正在等待审改办审核，不能修改或重复报备。")
    if submission.state == Submission.State.ACCEPTED:
        raise ValidationError("自查报告已通过审改办审核，不能再修改。")


@transaction.atomic
def submission_save_draft(
    *, acting_user: User, round: Round, unit: Unit, fields: Mapping[str, object]
) -> Submission:
    """Keep the unit's texts without submitting them (a draft, or a returned report being
    corrected: its state stays returned until it is submitted again)."""
    _require_may_submit(acting_user, unit)
    _require_in_round(round, unit)
    submission = _locked(round, unit)
    _require_editable(submission)
    submission.fields = _clean_fields(fields)
    submission.full_clean(exclude=["round", "unit"])
    submission.save()
    return submission


@transaction.atomic
def submission_submit(
    *,
    acting_user: User,
    round: Round,
    unit: Unit,
    fields: Mapping[str, object],
    today: datetime.date | None = None,
) -> Submission:
    """Submit (or resubmit) the report: every check failing today needs its reason and plan.
    A first submission after the round's report_due marks the report late (a resubmission
    after a return keeps the first submission's standing)."""
    today = today or timezone.localdate()
    _require_may_submit(acting_user, unit)
    _require_in_round(round, unit)
    submission = _locked(round, unit)
    _require_editable(submission)
    cleaned = _clean_fields(fields)
    snapshot = facts_snapshot(check_results(unit, today))
    errors: dict[str, list[str]] = {}
    for check in failing_checks(snapshot):
        for kind, key in zip(CHECK_FIELD_LABELS, check_field_keys(check), strict=True):
            if not cleaned.get(key):
                errors[key] = [f"“{check.label}”未达标，请填写{CHECK_FIELD_LABELS[kind]}后再报备。"]
    if errors:
        raise ValidationError(errors)
    first = submission.version == 0
    submission.fields = cleaned
    submission.state = Submission.State.SUBMITTED
    submission.version += 1
    submission.submitted_on = today
    if first:
        submission.late = today > round.report_due
    submission.comment = ""
    submission.full_clean(exclude=["round", "unit"])
    submission.save()
    SubmissionVersion.objects.create(
        submission=submission,
        number=submission.version,
        state=Submission.State.SUBMITTED,
        fields=cleaned,
        facts=snapshot,
        by=acting_user,
    )
    return submission


@transaction.atomic
def submission_decide(
    *, acting_user: User, submission: Submission, accept: bool, comment: str = ""
) -> Submission:
    """The reform office accepts a submitted report, or returns it with a comment saying what
    to change; the decision is kept beside the version it decided."""
    if not allows(acting_user, "reform.decide_submission", submission):
        raise PermissionDenied("只有审改办可以审核自查报告。")
    submission = Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError(
            f"该自查报告当前状态为“{submission.get_state_display()}”，"
            "只有已报备待审核的报告可以通过或退回。"
        )
    comment = (comment or "").strip()
    limits.check_length(comment, limit=limits.REASON, label="审核意见", field="comment")
    if not accept and not comment:
        raise ValidationError({"comment": "退回自查报告须填写退回意见，说明需要修改的内容。"})
    submitted = submission.versions.filter(number=submission.version).order_by("id").first()
    submission.state = Submission.State.ACCEPTED if accept else Submission.State.RETURNED
    submission.comment = comment
    submission.save(update_fields=["state", "comment"])
    SubmissionVersion.objects.create(
        submission=submission,
        number=submission.version,
        state=submission.state,
        fields=submitted.fields if submitted else submission.fields,
        facts=submitted.facts if submitted else {},
        by=acting_user,
        comment=comment,
    )
    return submission
