"""Work waiting for a user, counted for the navigation: each queue is the cases on which a
registry action is waiting (the online queue for 受理, the review queue for 组长审核并转部门,
the department's cases for 部门作出决定), listed on the page the navigation links to."""

from collections.abc import Callable
from dataclasses import dataclass

from onewindow.cases import selectors
from onewindow.cases.actions.case_actions import BY_NAME
from onewindow.org.models import User
from onewindow.org.selectors import user_unit_id


@dataclass(frozen=True)
class Queue:
    url_name: str  # the page that lists it (a navigation entry)
    action: str  # the registry action that takes a case off it
    count: Callable[[User], int]

    @property
    def label(self) -> str:
        return BY_NAME[self.action].label


def _department(user: User) -> int:
    unit_id = user_unit_id(user)
    return selectors.under_review(unit_id=unit_id).count() if unit_id else 0


QUEUES = [
    Queue("cases:workbench", "accept", lambda user: selectors.online_queue(user=user).count()),
    Queue("cases:review", "transfer", lambda user: selectors.review_queue(user=user).count()),
    Queue("cases:department", "decide", _department),
]


def counts(user: User, url_names: set[str]) -> dict[str, int]:
    """Waiting cases per navigation entry, for the entries the user sees."""
    return {q.url_name: q.count(user) for q in QUEUES if q.url_name in url_names}
