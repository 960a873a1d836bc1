"""The shape of an action and the three things done with the registry: list what a user may do
now (`offers`), read a page form into an action's schema (`read_form`), and take an action
(`perform`), the last always through the action's service and so through `services.move`."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Schema

from onewindow.cases.permissions import Actor
from onewindow.common.schemas import validated

# (actor, subject, data, version, files) → the subject after the move
Runner = Callable[[Actor, Any, Schema, int | None, dict], Any]


class NoInput(Schema):
    """An action that asks for nothing but the click."""


@dataclass(frozen=True)
class Action:
    name: str  # the URL segment, the form's name and the API's `action`
    label: str
    sources: frozenset[str]  # the subject's states it may be taken from
    run: Runner
    schema: type[Schema] = NoInput
    # Why the actor may not take it here; None when they may (authority, from cases.permissions).
    refusal: Callable[[Actor, Any], str | None] = lambda actor, subject: None
    # Whether it applies to this subject at all (its own conditions, beyond the state); an action
    # that does not apply is not offered, to anyone.
    applies: Callable[[Actor, Any], bool] = lambda actor, subject: True
    # Page form → the schema's input (the default reads the schema's fields by name).
    form: Callable[[Any, Any], dict] | None = None
    partial: str = ""
    notice: str = ""  # the notice (cases.notices kind) the move produces, offered for printing
    api: bool = False  # department systems may report it (`POST /api/cases/{id}/progress`)
    files: tuple[str, ...] = field(default=())  # upload fields the form carries
    show_refused: bool = True  # list it, greyed with the reason, to those who may not take it
    hint: str = ""  # one line under the form's title
    done: str = ""  # the sentence shown after it succeeded (default: 已<label>。)
    button: str = ""  # the submit button's words (default: the label)
    heading: str = ""  # the form's title (default: the label)
    who: str = ""  # who makes it, in words (窗口组长, 部门审查人员…), for those who may not

    @property
    def heading_text(self) -> str:
        return self.heading or self.label

    @property
    def button_text(self) -> str:
        return self.button or self.label

    @property
    def done_text(self) -> str:
        return self.done or f"已{self.label}。"


@dataclass(frozen=True)
class Offer:
    action: Action
    reason: str = ""  # empty: the user may take it now

    @property
    def allowed(self) -> bool:
        return not self.reason


def offers(
    actions: Iterable[Action], actor: Actor, subject, *, state: str | None = None
) -> list[Offer]:
    """The actions the subject's state allows and that apply to it, each with the reason the
    actor may not take it (empty when they may), in the registry's order."""
    state = state or subject.state
    found = []
    for action in actions:
        if state not in action.sources or not action.applies(actor, subject):
            continue
        found.append(Offer(action, action.refusal(actor, subject) or ""))
    return found


def read_form(action: Action, post, files, subject) -> Schema:
    """The page form's fields as the action's schema (a clear Chinese error on bad input)."""
    if action.form is not None:
        data = action.form(post, subject)
    else:
        data = {name: post.get(name, "") for name in action.schema.model_fields}
    for name in action.files:
        data[name] = files.get(name)
    return validated(action.schema, data)


def perform(
    action: Action,
    *,
    user,
    subject,
    data: Schema,
    version: int | None = None,
    files: dict | None = None,
    day: datetime.date | None = None,
):
    """Take the action through its service. The service decides (state, authority, input) and
    raises ValidationError or PermissionDenied with the reason; nothing is written then."""
    actor = Actor(user, day or timezone.localdate())
    if not isinstance(data, action.schema):
        raise ValidationError("输入与操作不符。")
    if not action.applies(actor, subject):  # what the page would not offer, posted anyway
        raise ValidationError(f"该办件目前不适用“{action.label}”。")
    return action.run(actor, subject, data, version, files or {})
