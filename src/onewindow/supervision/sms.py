"""SMS through a pluggable sender (`ONEWINDOW_SMS_SENDER`, a dotted path). No real gateway is
reachable here: the default writes each message to the `onewindow.sms` log; a gateway adapter
implements the same `send`."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("onewindow.sms")


class LogSender:
    def send(self, mobile: str, text: str) -> None:
        log.info("SMS to %s: %s", mobile, text)


class MemorySender:
    """Keeps what was sent (tests, demo)."""

    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        MemorySender.sent.append((mobile, text))


class NullSender:
    def send(self, mobile: str, text: str) -> None:
        pass


_SILENCED: ContextVar[bool] = ContextVar("sms_silenced", default=False)


@contextmanager
def silenced():
    """No texts while replaying the past (the demo history): the warnings stay in-app."""
    token = _SILENCED.set(True)
    try:
        yield
    finally:
        _SILENCED.reset(token)


def sender():
    if _SILENCED.get():
        return NullSender()
    path = getattr(settings, "ONEWINDOW_SMS_SENDER", "onewindow.supervision.sms.LogSender")
    return import_string(path)()
