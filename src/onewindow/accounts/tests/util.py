"""Numbers for the accounts tests: valid resident ID numbers and credit codes made up here."""

import re

from stdnum.cn import ric, uscc

from onewindow.exchange.models import SmsOutbox

PASSWORD = "Lz7xq-Wenba9"


def id_number(seq: int, birth: str = "19850101") -> str:
    body = f"430922{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(seq: int) -> str:
    base = f"91430922MA4L{seq:05d}"
    return base + uscc.calc_check_digit(base)


def sent_code(mobile: str) -> str:
    """The code in the newest SMS queued for `mobile` (the outbox row the SMS job would send)."""
    rows = [r for r in SmsOutbox.objects.order_by("-id")[:50] if r.mobile == mobile]
    assert rows, f"no SMS queued for {mobile}"
    return re.search(r"验证码(\d{6})", rows[0].text).group(1)


def register(client, *, name="李小梅", seq=1, mobile="13907370001", code=None, **extra):
    """Ask for a code and register with it; returns the response of the registration."""
    data = {"name": name, "id_number": id_number(seq), "mobile": mobile}
    client.post("/accounts/register/", {**data, "action": "send"})
    return client.post(
        "/accounts/register/",
        {
            **data,
            "code": code if code is not None else sent_code(mobile),
            "password": PASSWORD,
            "password2": PASSWORD,
            "action": "register",
            **extra,
        },
    )
