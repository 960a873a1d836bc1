"""The applicant's actions on their own case (我的办事, Who.APPLICANT), declared once like the
staff's (case_actions): the portal's case page lists them with `offers` and takes them with
`perform`, so it offers exactly what the service allows."""

from onewindow.cases.actions.inputs import ReasonIn
from onewindow.cases.actions.registry import Action, NoInput
from onewindow.cases.permissions import Actor, refusal
from onewindow.cases.services import online
from onewindow.cases.workflow import MOVES, Who


def _who(move: str):
    step = MOVES[move]
    return lambda actor, case: refusal(actor, case, step)


def _uploads(case, files) -> dict[int, object]:
    """The files posted for the case's materials (`file_<material row id>`), empty ones left out."""
    found = {}
    for m in case.materials.all():
        upload = files.get(f"file_{m.pk}")
        if upload is not None and upload.size:
            found[m.pk] = upload
    return found


def _correct(actor: Actor, case, data, version, files):
    return online.case_correct_online(
        acting_user=actor.user,
        case=case,
        uploads=_uploads(case, files),
        expected_version=version,
        day=actor.day,
    )


def _withdraw(actor: Actor, case, data: ReasonIn, version, files):
    return online.case_withdraw_online(
        acting_user=actor.user,
        case=case,
        reason=data.reason,
        expected_version=version,
        day=actor.day,
    )


def _action(name, run, **kw) -> Action:
    step = MOVES[name]
    assert step.who == Who.APPLICANT
    return Action(
        name=name,
        label=kw.pop("label", step.label),
        sources=step.sources,
        run=run,
        refusal=_who(name),
        # a 一件事 is corrected and withdrawn as a whole, at its lead window
        applies=lambda actor, case: not case.parent_id,
        partial=f"cases/actions/{name}.html",
        who=Who.APPLICANT.label,
        show_refused=False,
        **kw,
    )


ACTIONS: list[Action] = [
    _action(
        "correct_online",
        _correct,
        schema=NoInput,
        form=lambda post, case: {},  # the files are read per material by the service
        label="网上补正材料",
        heading="网上补正材料",
        hint="请按一次性告知书逐项上传补正后的文件（PDF、JPG或PNG）。",
        button="提交补正材料",
        done="补正材料已提交，窗口将重新审核您的申请。",
    ),
    _action(
        "withdraw_online",
        _withdraw,
        schema=ReasonIn,
        label="撤回申请",
        heading="撤回申请",
        hint="撤回后本申请终止办理，如需办理须重新申请。",
        button="确认撤回",
        done="已撤回申请。",
    ),
]
BY_NAME = {a.name: a for a in ACTIONS}
