"""Work waiting for a user, per navigation entry: the sum of every app's queues on the page the
entry links to. Each app counts its own queues (cases.actions.queues for cases waiting on a move
of the registry; supervision and org for warnings, 督办 and hall cover); the web shell, the top
floor, adds them up so that no lower app imports a higher one."""

from onewindow.cases.actions import queues as case_queues
from onewindow.org import queues as org_queues
from onewindow.org.models import User
from onewindow.supervision import queues as supervision_queues

PROVIDERS = [case_queues.counts, supervision_queues.counts, org_queues.counts]


def counts(user: User, url_names: set[str]) -> dict[str, int]:
    """Waiting items per navigation entry, for the entries the user sees (absent: not a queue)."""
    total: dict[str, int] = {}
    for provider in PROVIDERS:
        for url_name, n in provider(user, url_names).items():
            total[url_name] = total.get(url_name, 0) + n
    return total
