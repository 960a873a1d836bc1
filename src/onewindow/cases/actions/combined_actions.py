"""Every action on a 一件事 as a whole, declared once. Each is made by `services.combined`, which
moves the children through `services.move`: the parent's authority is that of its children's
moves, asked here of all of them at once."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Schema

from onewindow.cases import selectors
from onewindow.cases.actions.inputs import DeliverIn, KeyProjectIn, ReasonIn
from onewindow.cases.actions.registry import Action
from onewindow.cases.models import CombinedCase, Handoff
from onewindow.cases.permissions import LEAD_ROLES, Actor
from onewindow.cases.services import combined
from onewindow.catalog import selectors as catalog_selectors
from onewindow.common import limits
from onewindow.common.parsing import parse_int
from onewindow.org.roles import RoleCode

C = CombinedCase.State
OPEN = frozenset({C.RECEIVED, C.CORRECTING, C.HANDLING})


def _window(actor: Actor, parent: CombinedCase) -> str | None:
    """A 一件事 is taken at one window serving every unit it involves (a comprehensive window):
    the service's own check (`services.combined.serving_all`), asked before the click."""
    try:
        combined.serving_all(actor.user, parent.service, combined.members_of(parent.service))
    except PermissionDenied as exc:
        return str(exc.args[0])
    return None


def _hall(actor: Actor, parent: CombinedCase) -> str | None:
    if actor.has_role(RoleCode.HALL_MANAGER):
        return None
    if actor.staff is not None and all(
        actor.green_channel(child.unit_id) for child in parent.children.all()
    ):
        return None
    return "只有大厅管理人员或重点项目绿色通道窗口可以标记重点项目。"


def _lead(actor: Actor, parent: CombinedCase) -> str | None:
    staff = actor.staff
    if staff is not None and staff.unit_id == parent.lead_unit_id and actor.has_role(*LEAD_ROLES):
        return None
    return "只有一件事牵头部门的审查人员可以催办其他部门的事项。"


class CombinedAcceptIn(Schema):
    window_post: int | None = Field(None, title="受理窗口")
    handoff: str = Field(Handoff.ONLINE, title="转办方式", description="online / paper")
    opinion: str = Field("", title="初审意见", max_length=limits.REASON)


class LinesIn(Schema):
    """Lines of the merged material list, by name, with what is wrong with each (notify)."""

    lines: dict[str, str] = Field(title="材料")


class PromptIn(ReasonIn):
    case: int = Field(0, title="催办的事项")


def _picked(post, parent) -> list[tuple[int, object]]:
    lines = catalog_selectors.merged_materials(parent.service)
    return [(n, line) for n, line in enumerate(lines) if post.get(f"pick_{n}")]


def _lines_form(post, parent) -> dict:
    return {
        "lines": {
            line.name: post.get(f"problem_{n}", "").strip() for n, line in _picked(post, parent)
        }
    }


def _accept(actor, parent, data: CombinedAcceptIn, version, files):
    post = None
    if data.window_post is not None:
        post = selectors.post_of(actor.user, data.window_post)
    return combined.combined_accept(
        acting_user=actor.user,
        combined=parent,
        window_post=post,
        handoff=data.handoff,
        opinion=data.opinion,
        day=actor.day,
    )


def _notify(actor, parent, data: LinesIn, version, files):
    return combined.combined_notify_correction(
        acting_user=actor.user, combined=parent, problems=data.lines, day=actor.day
    )


def _resubmit(actor, parent, data: LinesIn, version, files):
    return combined.combined_resubmit(
        acting_user=actor.user, combined=parent, received=list(data.lines), day=actor.day
    )


def _refuse(actor, parent, data: ReasonIn, version, files):
    return combined.combined_refuse(
        acting_user=actor.user, combined=parent, reason=data.reason, day=actor.day
    )


def _deliver(actor, parent, data: DeliverIn, version, files):
    detail = data.model_dump(exclude={"mode", "fee", "postage"})
    return combined.combined_deliver(
        acting_user=actor.user, combined=parent, mode=data.mode, detail=detail, day=actor.day
    )


def _withdraw(actor, parent, data: ReasonIn, version, files):
    return combined.combined_withdraw(
        acting_user=actor.user, combined=parent, reason=data.reason, day=actor.day
    )


def _mark_key(actor, parent, data: KeyProjectIn, version, files):
    return combined.combined_mark_key(
        acting_user=actor.user,
        combined=parent,
        name=data.project_name,
        doc=data.project_doc,
        day=actor.day,
    )


def _prompt(actor, parent, data: PromptIn, version, files):
    child = selectors.combined_child(parent, data.case)
    if child is None:
        raise ValidationError("请选择要催办的事项。")
    return combined.combined_prompt(
        acting_user=actor.user, case=child, note=data.reason, day=actor.day
    )


def _action(name, label, sources, run, **kw) -> Action:
    kw.setdefault("partial", f"cases/combined_actions/{name}.html")
    return Action(name=name, label=label, sources=frozenset(sources), run=run, **kw)


ACTIONS: list[Action] = [
    _action(
        "accept",
        "受理",
        [C.RECEIVED],
        _accept,
        heading="一次受理",
        schema=CombinedAcceptIn,
        refusal=_window,
        form=lambda post, parent: {
            "window_post": parse_int(post.get("window_post")),
            "handoff": post.get("handoff", Handoff.ONLINE),
            "opinion": post.get("opinion", ""),
        },
    ),
    _action(
        "notify_correction",
        "一次性告知补正",
        [C.RECEIVED],
        _notify,
        schema=LinesIn,
        refusal=_window,
        form=_lines_form,
        button="出具一次性告知书",
    ),
    _action(
        "resubmit",
        "补正材料已交",
        [C.CORRECTING],
        _resubmit,
        schema=LinesIn,
        refusal=_window,
        form=_lines_form,
        done="已登记补正材料。",
        button="登记补正材料",
    ),
    _action(
        "refuse", "不予受理", [C.RECEIVED, C.CORRECTING], _refuse, schema=ReasonIn, refusal=_window
    ),
    _action("deliver", "一并送达", [C.READY], _deliver, schema=DeliverIn, refusal=_window),
    _action(
        "withdraw",
        "撤回",
        [C.RECEIVED, C.HANDLING],
        _withdraw,
        heading="整体撤回",
        schema=ReasonIn,
        refusal=_window,
    ),
    _action(
        "mark_key",
        "标记重点项目",
        OPEN,
        _mark_key,
        schema=KeyProjectIn,
        refusal=_hall,
        applies=lambda actor, parent: not parent.key_project,
    ),
    # Made from the row of the child it prompts (催办), by the lead unit.
    _action(
        "prompt",
        "催办",
        [C.HANDLING],
        _prompt,
        schema=PromptIn,
        refusal=_lead,
        partial="",
        show_refused=False,
    ),
]
BY_NAME = {a.name: a for a in ACTIONS}
