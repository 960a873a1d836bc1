"""Every action on a single case, declared once. The transition and the power each needs are in
`workflow.MOVES`; here is what a person sees and types to make it, and which service makes it."""

import datetime

from django.core.exceptions import ValidationError

from onewindow.cases import selectors, services
from onewindow.cases.actions.inputs import (  # one schema per action: page form and API
    AcceptIn,
    AttachIn,
    DecisionIn,
    DeliverIn,
    ExtendIn,
    ForwardIn,
    KeyProjectIn,
    OpinionIn,
    ProblemsIn,
    ReasonIn,
    ReceiptIn,
    ReceivedIn,
    SuspendIn,
    TechReportIn,
    TechReviewIn,
)
from onewindow.cases.actions.registry import Action
from onewindow.cases.models import Case, Handoff
from onewindow.cases.permissions import Actor, refusal
from onewindow.cases.workflow import MOVES, State, Who
from onewindow.common.parsing import parse_int
from onewindow.org.models import WindowPost

COMPREHENSIVE = (WindowPost.Kind.COMPREHENSIVE, WindowPost.Kind.GREEN_CHANNEL)
PROBLEM_STATES = ("missing", "defective")


def _who(move: str):
    """The authority check of the workflow move `move` (cases.permissions.refusal)."""
    step = MOVES[move]
    return lambda actor, case: refusal(actor, case, step)


def _at_hall_window(actor: Actor, case) -> str | None:
    """受理 is made at a hall window serving the case's unit (S13), whatever power one holds."""
    reason = refusal(actor, case, MOVES["accept"])
    if reason is None and not actor.hall_posts(case.unit_id):
        reason = f"大厅事项只能在服务{case.unit}的窗口受理（S13），您没有在岗的此类窗口。"
    return reason


def _deciding(move: str):
    """A decision waits for the 容缺 materials (the service refuses it until they are in)."""

    def check(actor: Actor, case) -> str | None:
        reason = refusal(actor, case, MOVES[move])
        if reason is None and case.rongque_open:
            reason = "容缺材料尚未补齐：窗口登记“容缺材料已补齐”后才能作出决定。"
        return reason

    return check


def _common(actor: Actor, case: Case, version: int | None) -> dict:
    return {"acting_user": actor.user, "case": case, "expected_version": version, "day": actor.day}


def _date(text: str) -> str | None:
    return text.strip() or None


# --- page forms that are more than one field a name -----------------------------------------


def _accept_form(post, case) -> dict:
    return {
        "window_post": parse_int(post.get("window_post")),
        "rongque": bool(post.get("rongque")),
        "commitment": post.get("commitment", ""),
        "deadline": _date(post.get("deadline", "")),
    }


def _problems_form(post, case) -> dict:
    return {
        "problems": {
            m.pk: post.get(f"problem_{m.pk}", "").strip() or "未提供"
            for m in case.materials.all()
            if post.get(f"pick_{m.pk}")
        }
    }


def _received_form(post, case) -> dict:
    return {"received": [m.pk for m in case.materials.all() if post.get(f"got_{m.pk}")]}


def _days_form(*names: str):
    """Whole-number fields read leniently (blank or junk: 0), so the service's own sentence
    about the allowed range is what the person reads."""

    def read(post, case) -> dict:
        data = {k: post.get(k, "") for k in ("reason", "procedure", "approver", "kind")}
        data |= {k: post.get(k, "") for k in ("assignee_org", "assignee_name")}
        data |= {n: parse_int(post.get(n), default=0) for n in names}
        return data

    return read


def _attach_form(post, case) -> dict:
    return {"material": parse_int(post.get("material"), default=0)}


# --- the services behind them ---------------------------------------------------------------


def _accept(actor, case, data: AcceptIn, version, files):
    post = None
    if data.window_post is not None and actor.staff is not None:
        post = selectors.post_of(actor.user, data.window_post)
    rongque = None
    if data.rongque:
        rongque = {"commitment": data.commitment, "deadline": data.deadline}
    return services.case_accept(window_post=post, rongque=rongque, **_common(actor, case, version))


def _notify(actor, case, data: ProblemsIn, version, files):
    return services.case_notify_correction(problems=data.problems, **_common(actor, case, version))


def _resubmit(actor, case, data: ReceivedIn, version, files):
    received = dict.fromkeys(data.received, "paper")
    return services.case_resubmit(received=received, **_common(actor, case, version))


def _refuse(actor, case, data: ReasonIn, version, files):
    return services.case_refuse(reason=data.reason, **_common(actor, case, version))


def _licence(data: DecisionIn, day: datetime.date) -> dict | None:
    """The result licence typed with the decision; a validity date alone, or one before the
    decision's day, is refused rather than dropped or sent."""
    valid_until = data.licence_valid_until
    if not (data.licence_name.strip() or data.licence_number.strip()):
        if valid_until:
            raise ValidationError(
                {
                    "licence": "填写了证照有效期，但没有证照名称和编号：请补填名称和编号，"
                    "或清除有效期。"
                }
            )
        return None
    if valid_until and day and valid_until < day:
        raise ValidationError(
            {
                "licence": f"证照有效期截止日期（{valid_until:%Y-%m-%d}）早于决定日期"
                f"（{day:%Y-%m-%d}），请核对有效期。"
            }
        )
    return {
        "name": data.licence_name,
        "number": data.licence_number,
        "valid_until": data.licence_valid_until,
    }


def _decision_form(post, case) -> dict:
    return {
        "result": post.get("result", ""),
        "text": post.get("text", ""),
        "licence_name": post.get("licence_name", ""),
        "licence_number": post.get("licence_number", ""),
        "licence_valid_until": _date(post.get("licence_valid_until", "")),
    }


def _decide_at_window(actor, case, data: DecisionIn, version, files):
    return services.case_decide_at_window(
        result=data.result,
        text=data.text,
        licence=_licence(data, actor.day),
        **_common(actor, case, version),
    )


def _decide(actor, case, data: DecisionIn, version, files):
    return services.case_decide(
        result=data.result,
        text=data.text,
        licence=_licence(data, actor.day),
        **_common(actor, case, version),
    )


def _transfer(actor, case, data: OpinionIn, version, files):
    return services.case_transfer(opinion=data.opinion, **_common(actor, case, version))


def _take_over(actor, case, data: OpinionIn, version, files):
    return services.case_take_over(opinion=data.opinion, **_common(actor, case, version))


def _forward(actor, case, data: ForwardIn, version, files):
    return services.case_forward(
        handoff=data.handoff, opinion=data.opinion, **_common(actor, case, version)
    )


def _papers(actor, case, data, version, files):
    return services.case_papers_collected(**_common(actor, case, version))


def _mark_key(actor, case, data: KeyProjectIn, version, files):
    return services.case_mark_key(
        name=data.project_name, doc=data.project_doc, **_common(actor, case, version)
    )


def _tech_review(actor, case, data: TechReviewIn, version, files):
    return services.case_tech_review(
        kind=data.kind,
        assignee_org=data.assignee_org,
        assignee_name=data.assignee_name,
        limit_days=data.limit_days,
        **_common(actor, case, version),
    )


def _tech_report(actor, case, data: TechReportIn, version, files):
    return services.case_tech_report(
        conclusion=data.conclusion, upload=data.file, **_common(actor, case, version)
    )


def _suspend(actor, case, data: SuspendIn, version, files):
    return services.case_suspend(
        procedure=data.procedure,
        expected_days=data.expected_days,
        reason=data.reason,
        **_common(actor, case, version),
    )


def _resume(actor, case, data, version, files):
    return services.case_resume(**_common(actor, case, version))


def _extend(actor, case, data: ExtendIn, version, files):
    return services.case_extend(
        days=data.days, approver=data.approver, reason=data.reason, **_common(actor, case, version)
    )


def _supplement(actor, case, data, version, files):
    return services.case_supplement(**_common(actor, case, version))


def _attach(actor, case, data: AttachIn, version, files):
    if data.file is None:
        raise ValidationError({"file": "请选择要上传的文件。"})
    return services.case_attach(
        material_id=data.material, upload=data.file, **_common(actor, case, version)
    )


def _deliver(actor, case, data: DeliverIn, version, files):
    detail = data.model_dump(exclude={"mode"})
    return services.case_deliver(mode=data.mode, detail=detail, **_common(actor, case, version))


def _confirm_receipt(actor, case, data: ReceiptIn, version, files):
    return services.case_confirm_receipt(
        received_on=data.received_on, **_common(actor, case, version)
    )


def _ender(action: str):
    def run(actor, case, data: ReasonIn, version, files):
        return services.case_end(action=action, reason=data.reason, **_common(actor, case, version))

    return run


# --- when an action applies to the case at all ------------------------------------------------


def _by_comprehensive(actor, case) -> bool:
    return case.window_post_id is not None and case.window_post.kind in COMPREHENSIVE


def _strandable(actor, case) -> bool:
    """部门接办 applies when no one at the window may review the item (cases.services)."""
    return (
        not case.parent_id
        and not _by_comprehensive(actor, case)
        and case.item_id not in actor.reviewing(case.unit_id)
    )


def _open_review(actor, case) -> bool:
    return any(r.finished_on is None for r in case.tech_reviews.all())


def _action(name, run, *, move=None, **kw) -> Action:
    move = move or name
    step = MOVES[move]
    kw.setdefault("refusal", _who(move))
    kw.setdefault("partial", f"cases/actions/{name}.html")
    kw.setdefault("who", Who(step.who).label)
    return Action(name=name, label=kw.pop("label", step.label), sources=step.sources, run=run, **kw)


S = State
ACTIONS: list[Action] = [
    _action(
        "accept",
        _accept,
        schema=AcceptIn,
        form=_accept_form,
        refusal=_at_hall_window,
        notice="accept",
        show_refused=False,
    ),
    _action(
        "notify_correction",
        _notify,
        schema=ProblemsIn,
        form=_problems_form,
        notice="correction",
        show_refused=False,
    ),
    _action("resubmit", _resubmit, schema=ReceivedIn, form=_received_form, show_refused=False),
    _action("refuse", _refuse, schema=ReasonIn, notice="refuse", show_refused=False),
    _action(
        "decide_at_window",
        _decide_at_window,
        schema=DecisionIn,
        form=_decision_form,
        refusal=_deciding("decide_at_window"),
        # 一件事 children move by stage, released by the system (services.sync_parent).
        applies=lambda actor, case: case.item.is_instant and not case.parent_id,
        notice="decision",
    ),
    _action("transfer", _transfer, schema=OpinionIn, applies=lambda actor, c: not c.parent_id),
    _action(
        "take_over",
        _take_over,
        schema=OpinionIn,
        applies=_strandable,
        hint="窗口的授权委托书已撤销、过期或未授予该事项审核权时，由部门审查人员接办并决定。",
    ),
    _action(
        "forward",
        _forward,
        schema=ForwardIn,
        applies=lambda actor, case: _by_comprehensive(actor, case) and not case.parent_id,
    ),
    _action(
        "decide",
        _decide,
        schema=DecisionIn,
        form=_decision_form,
        refusal=_deciding("decide"),
        notice="decision",
        api=True,
    ),
    _action(
        "papers_collected",
        _papers,
        applies=lambda actor, case: case.handoff == Handoff.PAPER and not case.papers_collected_on,
    ),
    _action(
        "suspend",
        _suspend,
        schema=SuspendIn,
        form=_days_form("expected_days"),
        notice="suspend",
        api=True,
    ),
    _action("resume", _resume, api=True),
    _action(
        "extend",
        _extend,
        schema=ExtendIn,
        form=_days_form("days"),
        applies=lambda actor, case: not case.extended_days,
        notice="extend",
        api=True,
    ),
    _action(
        "tech_review",
        _tech_review,
        schema=TechReviewIn,
        form=_days_form("limit_days"),
        applies=lambda actor, case: not _open_review(actor, case),
    ),
    # The report's transition depends on the open review (tech_report or tech_report_resume):
    # both are the department's and leave it to the service.
    Action(
        name="tech_report",
        label="登记技术审查报告",
        sources=frozenset({S.TRANSFERRED, S.SUSPENDED}),
        run=_tech_report,
        schema=TechReportIn,
        refusal=_who("tech_report"),
        who=Who.DEPARTMENT.label,
        applies=_open_review,
        partial="cases/actions/tech_report.html",
        files=("file",),
    ),
    _action(
        "supplement",
        _supplement,
        applies=lambda actor, case: case.rongque_open,
        label="登记容缺材料已补齐",
        done="已登记：容缺材料已补齐。",
        show_refused=False,
    ),
    _action(
        "attach",
        _attach,
        schema=AttachIn,
        form=_attach_form,
        files=("file",),
        show_refused=False,
    ),
    _action(
        "deliver",
        _deliver,
        schema=DeliverIn,
        applies=lambda actor, case: not case.parent_id,
        notice="receipt",
        show_refused=False,
    ),
    _action(
        "confirm_receipt",
        _confirm_receipt,
        schema=ReceiptIn,
        form=lambda post, case: {"received_on": _date(post.get("received_on", ""))},
        applies=lambda actor, case: (
            case.delivery_mode == Case.DeliveryMode.MAIL and case.mail_received_on is None
        ),
        hint="按快递公司的签收记录登记申请人签收邮件的日期。",
        done="已确认签收。",
        show_refused=False,
    ),
    _action(
        "mark_key",
        _mark_key,
        schema=KeyProjectIn,
        applies=lambda actor, case: not case.key_project,
        # The green channel's move: not listed to the department's window as someone else's.
        show_refused=False,
    ),
    _action(
        "withdraw",
        _ender("withdraw"),
        schema=ReasonIn,
        applies=lambda actor, case: not case.parent_id,
        show_refused=False,
    ),
    _action("terminate", _ender("terminate"), schema=ReasonIn, api=True),
]
# tech_review's transition depends on the review's kind; both are the department's.
assert MOVES["tech_review"].who == MOVES["tech_review_suspend"].who
BY_NAME = {a.name: a for a in ACTIONS}
