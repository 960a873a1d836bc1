"""Issue 22: a list of cases shows no ID number, phone or address, so it decrypts none: the
encrypted columns are left unread (Case.PERSONAL), however many rows the page shows."""

from unittest import mock

import pytest

from onewindow.cases.workflow import State
from onewindow.common import crypto
from onewindow.testing.factories import CaseFactory, DeskFactory

pytestmark = pytest.mark.django_db


def _decrypts(client, user, url: str) -> int:
    client.force_login(user)
    with mock.patch.object(crypto, "decrypt", wraps=crypto.decrypt) as spy:
        response = client.get(url)
    assert response.status_code == 200
    return spy.call_count


@pytest.mark.parametrize(
    ("who", "url", "state"),
    [
        ("clerk", "/cases/window/?queue=deliver", State.DECIDED),
        ("clerk", "/cases/window/?queue=correcting", State.CORRECTING),
        ("teamlead", "/cases/review/", State.ACCEPTED),
        ("reviewer", "/cases/department/", State.TRANSFERRED),
        ("reviewer", "/cases/department/?queue=suspended", State.SUSPENDED),
    ],
)
def test_a_queue_page_decrypts_nothing_per_row(client, who, url, state):
    desk = DeskFactory()
    user = getattr(desk, who)
    CaseFactory(desk=desk, state=state)
    one = _decrypts(client, user, url)
    for _ in range(4):
        CaseFactory(desk=desk, state=state)
    five = _decrypts(client, user, url)
    # (what is decrypted is the page's own: the signed-in person's, never a row's; before
    # issue 22 each row of the window's tabs decrypted four values)
    assert five == one, f"{url}: {one} decryptions with one row, {five} with five"
