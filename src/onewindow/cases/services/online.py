"""The applicant's own moves on the portal (我的办事, issue 21): the one-time notice told by SMS,
the correction of the same application online, and withdrawal before a decision. Each is a thin
wrapper around `move` with the applicant as the actor and the online channel in the event."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onewindow.cases import applicants
from onewindow.cases.models import Case, CaseMaterial, Channel
from onewindow.cases.notices import progress_path
from onewindow.cases.services.core import _today, move
from onewindow.cases.services.intake import _checked_upload
from onewindow.cases.workflow import ENDED, State
from onewindow.documents.dates import cn_date
from onewindow.exchange import services as exchange
from onewindow.org.models import User
from onewindow.workdays import add_workdays

# The working days the one-time notice gives the applicant to correct. The law sets none (art. 32
# only binds the office); the county's practice is stated on the notice, the portal and the SMS.
CORRECTION_WORKDAYS = 10
PROBLEM = (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE)


def correction_deadline(day: datetime.date) -> datetime.date:
    return add_workdays(day, CORRECTION_WORKDAYS)


def _link(path: str) -> str:
    return getattr(settings, "ONEWINDOW_PUBLIC_URL", "").rstrip("/") + path


def correction_sms(case: Case) -> int:
    """一次性告知 by SMS, in the notice's transaction, to the case's phone when the applicant can
    correct online: the case came online or its applicant has an account. The text names the
    item, how many materials and the deadline, and links to the portal; never a personal number
    or the applicant's name."""
    if case.parent_id:
        return 0  # a 一件事 is corrected as a whole at its lead window (not online yet)
    account = applicants.has_account(case)
    if case.channel != Channel.ONLINE and not account:
        return 0
    path = reverse("portal:my_case", args=[case.pk]) if account else progress_path(case)
    count = case.materials.filter(status__in=PROBLEM).count()
    by = f"请于{cn_date(case.correct_by)}前" if case.correct_by else "请"
    text = (
        f"【一窗通办】{case.unit.name}：您申请的“{case.item.name}”有{count}项材料需要补正，{by}"
        f"登录“我的办事”查看一次性告知并网上补正：{_link(path)}"
    )
    phone = Case.objects.filter(pk=case.pk).values_list("phone", flat=True).first()
    return exchange.sms_enqueue([(phone or "", text)])


def _not_correcting(case: Case) -> str:
    """Why the case takes no correction now, in the applicant's words."""
    if case.state == State.RECEIVED:
        return "补正材料已提交，窗口正在审核，无需重复提交。"
    if case.accepted_on or case.state in (State.ACCEPTED, State.TRANSFERRED, State.SUSPENDED):
        when = f"于{cn_date(case.accepted_on)}" if case.accepted_on else ""
        return (
            f"该申请已{when}受理，不能再网上补正材料；如需补充材料，请联系受理窗口"
            f"（{case.unit.name}）。"
        )
    if case.state in ENDED or case.state == State.DECIDED:
        return f"该申请已{case.get_state_display()}，不能再补正材料。"
    return f"该申请当前为“{case.get_state_display()}”，不能补正材料。"


def case_correct_online(
    *,
    acting_user: User,
    case: Case,
    uploads: dict[int, object],
    expected_version: int | None = None,
    day: datetime.date | None = None,
) -> Case:
    """The applicant corrects the same application: a file for every material the notice lists
    (replacing what was there) and for nothing else: a material the window has checked already
    (paper, shared by a department, an upload it accepted) is not the applicant's to replace.
    Each file is checked by content and size before anything is written. The case goes back to
    the window's online queue; the 5 working days of deemed acceptance count from today (the
    correction's arrival)."""
    fresh = Case.objects.select_related("unit").get(pk=case.pk)
    if fresh.state != State.CORRECTING:
        raise ValidationError(_not_correcting(fresh))
    if fresh.parent_id:
        raise ValidationError(
            "该事项属于“一件事”联办，补正材料请携带到牵头窗口一并提交（一件事暂不支持网上补正）。"
        )
    errors, digests = {}, {}
    for pk, upload in uploads.items():
        try:
            digests[pk] = _checked_upload(upload)
        except ValidationError as exc:
            errors[f"file_{pk}"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)

    def apply(c: Case, today: datetime.date) -> None:
        rows = {m.pk: m for m in c.materials.all()}
        strange = [pk for pk in uploads if pk not in rows]
        if strange:
            raise ValidationError("上传的文件不属于本申请的材料，请刷新页面后重新选择。")
        checked = {
            f"file_{pk}": (
                f"“{rows[pk].name}”窗口已核验（{rows[pk].get_status_display()}），"
                "不在一次性告知书所列的补正材料之内，不能在网上更换；如需更换请联系受理窗口。"
            )
            for pk in uploads
            if rows[pk].status not in PROBLEM
        }
        if checked:
            raise ValidationError(checked)
        lacking = [m.name for m in rows.values() if m.status in PROBLEM and m.pk not in uploads]
        if lacking:
            raise ValidationError(
                f"一次性告知书列出的材料都须上传补正后的文件，还缺：{'、'.join(lacking)}。"
            )
        for pk, upload in uploads.items():
            row = rows[pk]
            row.sha256, row.size = digests[pk], upload.size
            upload.seek(0)
            row.file.save(upload.name, upload, save=False)
            row.status, row.note = CaseMaterial.Status.UPLOADED, ""
            if row.rongque and row.received_at is None:
                row.received_at = timezone.now()
            row.save()
        c.received_on = c.corrected_on = today

    return move(
        acting_user=acting_user,
        case=case,
        action="correct_online",
        details={"files": {str(pk): digests[pk] for pk in sorted(uploads)}},
        expected_version=expected_version,
        channel=Channel.ONLINE,
        day=day or _today(),
        apply=apply,
    )


def _not_withdrawable(case: Case) -> str | None:
    if case.result or case.state in (State.DECIDED, State.CLOSED):
        when = f"已于{cn_date(case.decided_on)}作出决定" if case.decided_on else "已作出决定"
        return f"该办件{when}，不能再撤回申请；对决定有异议的，可依法申请行政复议或者提起行政诉讼。"
    if case.state in ENDED:
        return f"该办件已{case.get_state_display()}，无需撤回。"
    if case.parent_id:
        return "该事项属于“一件事”联办，须整体撤回，请联系牵头窗口办理。"
    return None


def case_withdraw_online(
    *,
    acting_user: User,
    case: Case,
    reason: str,
    expected_version: int | None = None,
    day: datetime.date | None = None,
) -> Case:
    """The applicant withdraws an application or a case on the portal, with a reason, before a
    decision; after it the withdrawal is refused with what they may do instead."""
    fresh = Case.objects.get(pk=case.pk)
    why = _not_withdrawable(fresh)
    if why:
        raise ValidationError(why)

    def apply(c: Case, today: datetime.date) -> None:
        c.end_reason = reason.strip()
        c.rongque_open = False

    return move(
        acting_user=acting_user,
        case=case,
        action="withdraw_online",
        details={"reason": reason},
        expected_version=expected_version,
        channel=Channel.ONLINE,
        day=day or _today(),
        apply=apply,
    )
