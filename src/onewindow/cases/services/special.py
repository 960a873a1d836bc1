"""Special procedures and projects: suspension and resumption (art. 45), extension
(art. 42), technical review, and the key-project green channel."""

import datetime

from django.core.exceptions import ValidationError

from onewindow.cases.models import (
    Case,
    TechReview,
)
from onewindow.cases.services.clock import (
    _resume_clock,
    _set_due,
)
from onewindow.cases.services.core import move
from onewindow.cases.services.intake import _checked_upload
from onewindow.catalog.models import SPECIAL_PROCEDURES, Item
from onewindow.common import limits
from onewindow.org.models import User
from onewindow.workdays import add_workdays


def case_suspend(
    *,
    acting_user: User,
    case: Case,
    procedure: str,
    expected_days: int,
    reason: str,
    expected_version=None,
    day=None,
) -> Case:
    """A special procedure (art. 45): the clock stops; the applicant is told how long it takes."""
    if procedure not in SPECIAL_PROCEDURES:
        raise ValidationError(
            {"procedure": f"特别程序只能是：{'、'.join(SPECIAL_PROCEDURES.values())}。"}
        )
    if not 1 <= expected_days <= 365:
        raise ValidationError({"expected_days": "预计所需时间应为1至365个工作日。"})
    if not str(reason or "").strip():  # told to the applicant; required in the 特别程序 record
        raise ValidationError({"reason": "请写明中止办理的理由或依据（将告知申请人）。"})

    def apply(c: Case, today: datetime.date) -> None:
        c.suspended_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="suspend",
        details={"procedure": procedure, "expected_days": expected_days, "reason": reason},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_resume(*, acting_user: User, case: Case, expected_version=None, day=None) -> Case:
    """The due date moves by the working days suspended."""

    def apply(c: Case, today: datetime.date) -> None:
        _resume_clock(c, today)

    return move(
        acting_user=acting_user,
        case=case,
        action="resume",
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_extend(
    *,
    acting_user: User,
    case: Case,
    days: int,
    approver: str,
    reason: str,
    expected_version=None,
    day=None,
) -> Case:
    """Once, up to the statutory length (art. 42: 10 working days; 15 for joint handling)."""
    cap = 15 if case.item.case_kind == Item.CaseKind.JOINT else 10
    if not 1 <= days <= cap:
        raise ValidationError({"days": f"延期应为1至{cap}个工作日（行政许可法第四十二条）。"})
    if not approver.strip():
        raise ValidationError({"approver": "延期须经负责人批准，请填写批准人。"})
    if not str(reason or "").strip():
        raise ValidationError({"reason": "请写明延期的理由（将告知申请人）。"})

    def apply(c: Case, today: datetime.date) -> None:
        if c.extended_days:
            raise ValidationError("该办件已延期一次，不能再次延期。")
        c.extended_days = days
        _set_due(c)

    return move(
        acting_user=acting_user,
        case=case,
        action="extend",
        details={"days": days, "approver": approver, "reason": reason},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def key_fields(name: str, doc: str) -> tuple[str, str]:
    name, doc = name.strip(), doc.strip()
    errors = {}
    if not name:
        errors["project_name"] = "请填写重点项目名称。"
    if not doc:
        errors["project_doc"] = "标记重点项目须有认定文件（文号），没有认定文件不能走绿色通道。"
    if errors:
        raise ValidationError(errors)
    return name, doc


def case_mark_key(
    *, acting_user: User, case: Case, name: str, doc: str, expected_version=None, day=None
) -> Case:
    """重点项目绿色通道: the project's name and approving document are required."""
    name, doc = key_fields(name, doc)

    def apply(c: Case, today: datetime.date) -> None:
        c.key_project, c.project_name, c.project_doc = True, name, doc

    return move(
        acting_user=acting_user,
        case=case,
        action="mark_key",
        details={"project_name": name, "project_doc": doc},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_tech_review(
    *,
    acting_user: User,
    case: Case,
    kind: str,
    assignee_org: str,
    assignee_name: str,
    limit_days: int,
    expected_version=None,
    day=None,
) -> Case:
    """技术审查 by an expert panel, a testing body or a site inspection team outside the
    approving section. Expert review and testing are outside the limit (art. 45), so the case
    is suspended; a site inspection counts within it."""
    if kind not in TechReview.Kind.values:
        raise ValidationError({"kind": "请选择技术审查类型：专家评审、检验检测或现场勘查。"})
    errors = {}
    if not assignee_org.strip() or not assignee_name.strip():
        errors["assignee_org"] = "请填写承担技术审查的机构和负责人。"
    limit = TechReview._meta.get_field("assignee_name").max_length
    if limits.too_long(assignee_name, limit):
        errors["assignee_name"] = limits.MESSAGE % {
            "label": "负责人",
            "limit": limit,
            "n": len(assignee_name),
        }
    if not 1 <= limit_days <= 60:
        errors["limit_days"] = "技术审查时限应为1至60个工作日。"
    if errors:
        raise ValidationError(errors)
    suspends = kind in TechReview.EXCLUDED

    def apply(c: Case, today: datetime.date) -> None:
        section = c.unit.lead_section.name if c.unit.lead_section_id else ""
        if assignee_org.strip() in {c.unit.name, c.unit.short_name, section}:
            raise ValidationError(
                {"assignee_org": "技术审查须由审批股室以外的专家、检测机构或勘查组承担。"}
            )
        if c.tech_reviews.filter(finished_on__isnull=True).exists():
            raise ValidationError("该办件已有未完成的技术审查。")
        TechReview.objects.create(
            case=c,
            kind=kind,
            assignee_org=assignee_org.strip(),
            assignee_name=assignee_name.strip(),
            limit_days=limit_days,
            started_on=today,
            due_on=add_workdays(today, limit_days),
            suspends=suspends,
        )
        if suspends:
            c.suspended_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="tech_review_suspend" if suspends else "tech_review",
        details={"kind": kind, "assignee_org": assignee_org, "limit_days": limit_days},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )


def case_tech_report(
    *, acting_user: User, case: Case, conclusion: str, upload=None, expected_version=None, day=None
) -> Case:
    """The technical review's report: attached to the case; where the review suspended the
    case, the clock resumes and the due date moves by the working days it took."""
    if not conclusion.strip():
        raise ValidationError({"conclusion": "请填写技术审查结论。"})
    limits.check_length(conclusion, limit=limits.REASON, label="技术审查结论", field="conclusion")
    digest = _checked_upload(upload) if upload is not None else ""
    review = case.tech_reviews.filter(finished_on__isnull=True).first()
    if review is None:
        raise ValidationError("该办件没有进行中的技术审查。")

    def apply(c: Case, today: datetime.date) -> None:
        review.finished_on, review.conclusion = today, conclusion.strip()
        if upload is not None:
            upload.seek(0)
            review.report_sha256 = digest
            review.report.save(upload.name, upload, save=False)
        review.save()
        if review.suspends:
            _resume_clock(c, today)

    return move(
        acting_user=acting_user,
        case=case,
        action="tech_report_resume" if review.suspends else "tech_report",
        details={"review": review.pk, "sha256": digest},
        expected_version=expected_version,
        day=day,
        apply=apply,
    )
