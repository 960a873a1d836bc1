"""The signature a department system checks (a replayed or altered request fails), and the claim
that keeps a case's events in order when two workers send at once."""

import pytest

from onewindow.cases import services as cases
from onewindow.webhooks import sending, signing
from onewindow.webhooks.models import Delivery
from onewindow.webhooks.tests.conftest import submit_at

SECRET = "whsec_test"
BODY = b'{"delivery_id":7,"case":{"number":"430922-20261201-0001"}}'


def test_a_genuine_request_passes_and_a_replayed_or_altered_one_fails():
    stamp = 1_764_554_400
    signature = signing.sign(SECRET, stamp, BODY)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64

    def check(**kw):
        given = {"timestamp": str(stamp), "body": BODY, "signature": signature, "now": stamp}
        return signing.verify(SECRET, **{**given, **kw})

    assert check() == ""
    assert check(now=stamp + signing.TOLERANCE) == ""
    assert check(now=stamp + signing.TOLERANCE + 1) == "时间戳超出允许范围（可能是重放的请求）"
    # A new timestamp on an old request: the timestamp is inside the signed text.
    assert check(timestamp=str(stamp + 60), now=stamp + 60) == "签名不符"
    assert check(body=BODY.replace(b"0001", b"0002")) == "签名不符"
    assert check(signature="") == "签名不符"
    assert check(timestamp="soon") == "时间戳无效"
    assert (
        signing.verify(
            "whsec_other", timestamp=str(stamp), body=BODY, signature=signature, now=stamp
        )
        == "签名不符"
    )


@pytest.mark.django_db
def test_a_second_worker_never_takes_a_later_event_of_a_case_being_sent(subscribed, desk):
    first = submit_at(desk)
    cases.case_accept(acting_user=desk.clerk, case=first, window_post=desk.post)
    second = submit_at(desk)
    token_a, taken_a = sending.claim(batch=1)  # worker A: the first case's first event
    assert [(d.case_id, d.seq) for d in taken_a] == [(first.pk, 1)]
    token_b, taken_b = sending.claim(batch=10)  # worker B, while A sends
    assert [(d.case_id, d.seq) for d in taken_b] == [(second.pk, 1)]
    assert sending.claim(batch=10)[1] == []  # the first case's accept waits for A
    sending._mark_sent(Delivery, token_a, [taken_a[0].pk])
    _, taken_c = sending.claim(batch=10)
    assert [(d.case_id, d.seq) for d in taken_c] == [(first.pk, 2)]
    assert token_b != token_a
