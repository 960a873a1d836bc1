"""Where an applicant's case stands, in the applicant's words (我的办事 and the progress page):
what is happening, by when, what it waits for and from whom. Read from the case row alone (no
query per case), so a list of cases costs one query."""

from dataclasses import dataclass

from onewindow.cases.models import Case
from onewindow.cases.notices import PROVISIONAL  # the same words as on the notices
from onewindow.cases.services import DEEMED_AFTER
from onewindow.cases.workflow import State
from onewindow.documents.dates import cn_date
from onewindow.workdays import add_workdays


@dataclass(frozen=True)
class Line:
    text: str  # what is happening, in plain words
    waits_for: str = ""  # what the next step is
    who: str = ""  # whose step it is ("您" when it is the applicant's)
    due: str = ""  # the date that matters now, in words
    yours: bool = False  # the applicant has something to do

    @property
    def waiting(self) -> str:
        if not self.waits_for:
            return ""
        return f"等待{self.who}{self.waits_for}" if self.who else f"等待{self.waits_for}"


def _due(case: Case) -> str:
    if not case.due_date:
        return ""
    return cn_date(case.due_date) + (PROVISIONAL if case.due_provisional else "")


def line(case: Case) -> Line:
    """The applicant's line for the case in its present state."""
    window = f"{case.unit.name}窗口"
    state = case.state
    if state == State.RECEIVED:
        by = add_workdays(case.received_on, DEEMED_AFTER)
        again = "补正材料已收到，" if case.corrected_on else ""
        return Line(
            f"{again}窗口正在审核您的申请",
            "作出是否受理的决定",
            window,
            f"最迟于{cn_date(by)}答复（逾期视为受理）",
        )
    if state == State.CORRECTING:
        until = f"（截止{cn_date(case.correct_by)}）" if case.correct_by else ""
        return Line(
            f"需要您补正材料{until}",
            "补正一次性告知书所列的材料",
            "您",
            f"请于{cn_date(case.correct_by)}前补正" if case.correct_by else "请尽快补正",
            yours=True,
        )
    if state == State.ACCEPTED:
        if case.rongque_open and case.rongque_deadline:
            return Line(
                f"已受理（容缺），请于{cn_date(case.rongque_deadline)}前补齐容缺材料",
                "补齐容缺材料",
                "您",
                f"承诺办结日期{_due(case)}",
                yours=True,
            )
        return Line(
            f"已受理，窗口正在审核，承诺办结日期{_due(case)}",
            "窗口审核后转部门或当场决定",
            window,
            f"承诺办结日期{_due(case)}",
        )
    if state == State.TRANSFERRED:
        text = f"部门审查中，承诺办结日期{_due(case)}"
        if case.rongque_open and case.rongque_deadline:
            return Line(
                f"{text}；请于{cn_date(case.rongque_deadline)}前补齐容缺材料",
                "补齐容缺材料",
                "您",
                f"承诺办结日期{_due(case)}",
                yours=True,
            )
        return Line(text, "作出审批决定", f"{case.unit.name}审查人员", f"承诺办结日期{_due(case)}")
    if state == State.SUSPENDED:
        since = f"自{cn_date(case.suspended_on)}起" if case.suspended_on else ""
        return Line(
            f"特别程序中（如检验、检测、现场核查、专家评审），{since}办理时限暂停计算",
            "特别程序完成后恢复办理",
            case.unit.name,
            "特别程序结束后重新计算承诺办结日期",
        )
    if state == State.DECIDED:
        result = case.get_result_display() or "决定"
        if case.delivery_mode == Case.DeliveryMode.MAIL:
            return Line(f"已作出{result}决定，结果将邮寄给您", "寄出结果", window)
        return Line(
            f"已作出{result}决定，请携带身份证件到窗口领取结果",
            "领取办理结果",
            "您",
            f"决定日期{cn_date(case.decided_on)}",
            yours=True,
        )
    if state == State.CLOSED:
        result = f"（{case.get_result_display()}）" if case.result else ""
        if case.delivery_mode == Case.DeliveryMode.MAIL and case.mail_received_on is None:
            return Line(f"已办结{result}，结果已邮寄", "签收邮件", "您", yours=True)
        return Line(f"已办结{result}", due=f"办结日期{cn_date(case.closed_on)}")
    if state == State.REFUSED:
        return Line(f"不予受理：{case.end_reason}" if case.end_reason else "不予受理")
    if state == State.WITHDRAWN:
        return Line("已撤回申请")
    if state == State.TERMINATED:
        return Line(f"已终止办理：{case.end_reason}" if case.end_reason else "已终止办理")
    return Line(case.get_state_display())


def annotate(cases) -> None:
    """Each case gets `.line` (its Line)."""
    for case in cases:
        case.line = line(case)
