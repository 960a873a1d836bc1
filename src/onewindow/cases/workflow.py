"""The case workflow as one declarative table: states, and every allowed move with the power
it needs. `services.move` is the only code that changes a case's state."""

from dataclasses import dataclass

from django.db import models

from onewindow.mandates.powers import Power


class State(models.TextChoices):
    RECEIVED = "received", "已收件（待受理）"
    CORRECTING = "correcting", "一次性告知补正中"
    ACCEPTED = "accepted", "已受理"
    TRANSFERRED = "transferred", "部门审查中"
    SUSPENDED = "suspended", "特别程序中"
    DECIDED = "decided", "已决定（待送达）"
    CLOSED = "closed", "已办结"
    REFUSED = "refused", "不予受理"
    WITHDRAWN = "withdrawn", "申请人撤回"
    TERMINATED = "terminated", "已终止"


OPEN = frozenset(
    {
        State.RECEIVED,
        State.CORRECTING,
        State.ACCEPTED,
        State.TRANSFERRED,
        State.SUSPENDED,
        State.DECIDED,
    }
)
ENDED = frozenset({State.CLOSED, State.REFUSED, State.WITHDRAWN, State.TERMINATED})
# States in which the applicant is asked to rate the service (好差评): ended at the hall, not
# withdrawn by the applicant.
RATEABLE = (State.CLOSED, State.REFUSED, State.TERMINATED)
# States in which the working-day clock runs against the due date.
RUNNING = frozenset({State.ACCEPTED, State.TRANSFERRED})


class Light(models.TextChoices):
    """E-supervision's deadline light, stored on the case and moved by the supervision scan."""

    NONE = "", "—"
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"
    SUSPENDED = "suspended", "中止"


# The lights of a case being handled (a case with none is not under way).
LIT = [Light.GREEN, Light.YELLOW, Light.RED, Light.SUSPENDED]


def light_after_move(state: str, yellow_from, day, current: str) -> str:
    """The light a move leaves: none outside the running states, suspended while suspended,
    green while the yellow date is ahead. Yellow and red are left to the supervision scan, so
    that the case turning yellow or red is seen once and warned about (within a minute)."""
    if state == State.SUSPENDED:
        return Light.SUSPENDED
    if state not in RUNNING:
        return Light.NONE
    if yellow_from is not None and yellow_from <= day and current in (Light.YELLOW, Light.RED):
        return current
    return Light.GREEN


class Who(models.TextChoices):
    WINDOW = "window", "窗口"  # staff at a hall window serving the item's unit
    TEAM_LEADER = "team_leader", "窗口组长"  # named in the letter in force
    DEPARTMENT = "department", "部门审查人员"  # reviewer or supervisor of the item's unit
    LEAD = "lead", "一件事牵头部门"  # reviewer, team leader or supervisor of the lead unit
    HALL = "hall", "大厅管理"  # the hall manager, or staff of the green-channel window
    SYSTEM = "system", "系统"
    # The applicant on the portal (我的办事): the case's applicant by identity, an organisation's
    # authorised person, or the agent who filed it (cases.applicants).
    APPLICANT = "applicant", "申请人"


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change (extension, 容缺 materials)
    who: str
    power: Power = Power.NOTHING
    needs_reason: bool = False


def _m(action, label, sources, target, who, power=Power.NOTHING, needs_reason=False) -> Move:
    return Move(action, label, frozenset(sources), target, who, power, needs_reason)


S = State
MOVES = {
    m.action: m
    for m in [
        _m("accept", "受理", [S.RECEIVED], S.ACCEPTED, Who.WINDOW, Power.ACCEPT),
        _m(
            "notify_correction",
            "一次性告知补正",
            [S.RECEIVED],
            S.CORRECTING,
            Who.WINDOW,
            Power.ACCEPT,
        ),
        _m("resubmit", "补正材料已交", [S.CORRECTING], S.RECEIVED, Who.WINDOW, Power.ACCEPT),
        # The same application corrected on the portal: back in the window's online queue, the
        # 5 working days of deemed acceptance counted again from the correction's arrival.
        _m("correct_online", "申请人网上补正", [S.CORRECTING], S.RECEIVED, Who.APPLICANT),
        _m(
            "refuse",
            "不予受理",
            [S.RECEIVED, S.CORRECTING],
            S.REFUSED,
            Who.WINDOW,
            Power.ACCEPT,
            True,
        ),
        _m("deem_accept", "逾期未告知，视为受理", [S.RECEIVED], S.ACCEPTED, Who.SYSTEM),
        _m("decide_at_window", "窗口即办决定", [S.ACCEPTED], S.DECIDED, Who.WINDOW, Power.DECIDE),
        _m(
            "transfer",
            "组长审核并转部门",
            [S.ACCEPTED],
            S.TRANSFERRED,
            Who.TEAM_LEADER,
            Power.FIRST_REVIEW,
        ),
        # The window's letter no longer lets anyone there review the item (revoked, expired, the
        # item left out): the department takes the accepted case into its own review.
        _m("take_over", "部门接办", [S.ACCEPTED], S.TRANSFERRED, Who.DEPARTMENT),
        _m("decide", "部门作出决定", [S.TRANSFERRED], S.DECIDED, Who.DEPARTMENT),
        _m(
            "suspend",
            "中止（特别程序）",
            [S.TRANSFERRED],
            S.SUSPENDED,
            Who.DEPARTMENT,
            needs_reason=True,
        ),
        _m("resume", "恢复办理", [S.SUSPENDED], S.TRANSFERRED, Who.DEPARTMENT),
        _m("extend", "延期", [S.TRANSFERRED], None, Who.DEPARTMENT, needs_reason=True),
        _m(
            "supplement",
            "容缺材料已补齐",
            [S.ACCEPTED, S.TRANSFERRED, S.SUSPENDED],
            None,
            Who.WINDOW,
            Power.ACCEPT,
        ),
        _m(
            "attach",
            "收取材料",
            [S.RECEIVED, S.CORRECTING, S.ACCEPTED, S.TRANSFERRED, S.SUSPENDED],
            None,
            Who.WINDOW,
            Power.ACCEPT,
        ),
        _m("deliver", "送达并办结", [S.DECIDED], S.CLOSED, Who.WINDOW, Power.ACCEPT),
        # A result mailed: the courier's signed receipt, recorded on the closed case.
        _m("confirm_receipt", "确认签收", [S.CLOSED], None, Who.WINDOW, Power.ACCEPT),
        # Comprehensive window (S7): its first review sends the case to the unit, online or by
        # telling the unit to collect the papers.
        _m("forward", "综合窗口初审转部门", [S.ACCEPTED], S.TRANSFERRED, Who.WINDOW, Power.ACCEPT),
        _m("papers_collected", "部门已取件", [S.TRANSFERRED, S.SUSPENDED], None, Who.DEPARTMENT),
        # 一件事 (S11): a later stage starts when the earlier ones have their results.
        _m("release", "前序事项已办结，转部门", [S.ACCEPTED], S.TRANSFERRED, Who.SYSTEM),
        _m("stage_terminate", "前序事项不予许可，终止", [S.ACCEPTED], S.TERMINATED, Who.SYSTEM),
        _m(
            "prompt",
            "牵头部门催办",
            [S.ACCEPTED, S.TRANSFERRED, S.SUSPENDED],
            None,
            Who.LEAD,
            needs_reason=True,
        ),
        _m(
            "mark_key",
            "标记重点项目",
            [S.RECEIVED, S.CORRECTING, S.ACCEPTED, S.TRANSFERRED, S.SUSPENDED, S.DECIDED],
            None,
            Who.HALL,
        ),
        # Technical review apart from the approval service (S11); art. 45 decides the clock.
        _m(
            "tech_review_suspend",
            "技术审查（不计入时限）",
            [S.TRANSFERRED],
            S.SUSPENDED,
            Who.DEPARTMENT,
        ),
        _m("tech_review", "技术审查（计入时限）", [S.TRANSFERRED], None, Who.DEPARTMENT),
        _m(
            "tech_report_resume",
            "技术审查报告（恢复计时）",
            [S.SUSPENDED],
            S.TRANSFERRED,
            Who.DEPARTMENT,
        ),
        _m("tech_report", "技术审查报告", [S.TRANSFERRED], None, Who.DEPARTMENT),
        _m(
            "withdraw",
            "申请人撤回",
            [S.RECEIVED, S.CORRECTING, S.ACCEPTED, S.TRANSFERRED, S.SUSPENDED],
            S.WITHDRAWN,
            Who.WINDOW,
            Power.ACCEPT,
            True,
        ),
        # The applicant withdraws on the portal, before a decision (the same sources).
        _m(
            "withdraw_online",
            "申请人网上撤回",
            [S.RECEIVED, S.CORRECTING, S.ACCEPTED, S.TRANSFERRED, S.SUSPENDED],
            S.WITHDRAWN,
            Who.APPLICANT,
            needs_reason=True,
        ),
        _m(
            "terminate",
            "终止办理",
            [S.ACCEPTED, S.TRANSFERRED, S.SUSPENDED],
            S.TERMINATED,
            Who.DEPARTMENT,
            needs_reason=True,
        ),
        _m(
            "rongque_expire",
            "容缺期满未补齐，终止",
            [S.ACCEPTED, S.TRANSFERRED, S.SUSPENDED],
            S.TERMINATED,
            Who.SYSTEM,
        ),
    ]
}


def allowed(action: str, state: str) -> bool:
    move = MOVES.get(action)
    return move is not None and state in move.sources


# Moves the case page offers as forms; the others are made from the 一件事 page, by the system or
# by the applicant on the portal.
# (the technical review's start picks its move by kind; its report form shows while one is open)
INDIRECT = frozenset({"prompt", "tech_review_suspend", "tech_report_resume", "tech_report"})


def moves_from(state: str) -> list[Move]:
    return [
        m
        for m in MOVES.values()
        if state in m.sources
        and m.who not in (Who.SYSTEM, Who.APPLICANT)
        and m.action not in INDIRECT
    ]
