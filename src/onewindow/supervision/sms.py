"""SMS senders, chosen by `ONEWINDOW_SMS_SENDER` (a dotted path). Texts are queued in the
transaction that causes them (`exchange.services.sms_enqueue`) and sent by the SMS job, which
calls the sender's `send(mobile, text)`; a sender raises when the gateway refuses, and the text
is tried again later. No real gateway is reachable here: the default writes each message to the
`onewindow.sms` log; a gateway adapter implements the same `send`."""

import logging

from onewindow.common.masking import mask_codes_in, mask_mobile, mask_mobiles_in
from onewindow.exchange.services import sms_silenced

log = logging.getLogger("onewindow.sms")


class LogSender:
    def send(self, mobile: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_mobile(mobile), mask_codes_in(mask_mobiles_in(text)))


class MemorySender:
    """Keeps what was sent (tests, demo)."""

    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        MemorySender.sent.append((mobile, text))


class NullSender:
    def send(self, mobile: str, text: str) -> None:
        pass


# No texts are queued while replaying the past (the demo history): the warnings stay in-app.
silenced = sms_silenced
