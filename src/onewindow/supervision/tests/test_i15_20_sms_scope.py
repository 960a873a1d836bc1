"""Issue 15 item 20: SMS ratings only by the SMS gateway's key, within its unit scope, and
phone-number guesses limited (429 in the API's Chinese error shape)."""

import json

import pytest
from django.core.cache import cache

from onewindow.cases.api import issue_key
from onewindow.cases.models import ApiClient
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.supervision.models import Rating, Ticket
from onewindow.supervision.tests.test_ratings import delivered
from onewindow.testing.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counts():
    cache.clear()
    yield
    cache.clear()


def _reply(client, key, **body):
    return client.post(
        "/api/ratings/sms", json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key
    )


def test_i15_20_only_the_sms_gateway_rates_and_only_within_its_unit(client):
    case = delivered()  # a case of a unit of its own
    bad = {"case_number": case.number, "phone": APPLICANT["phone"], "reply": "5"}
    province = issue_key(ApiClient(name="湖南省一体化平台"))
    refused = _reply(client, province, **bad)
    assert refused.status_code == 403 and "短信" in refused.json()["detail"]
    other_unit = issue_key(
        ApiClient(name="住建短信", unit=UnitFactory(), sms_gateway=True)  # another unit's
    )
    assert _reply(client, other_unit, **bad).status_code == 404
    assert not Rating.objects.exists() and not Ticket.objects.exists()
    gateway = issue_key(ApiClient(name="短信网关", sms_gateway=True))
    ok = _reply(client, gateway, **bad)
    assert ok.status_code == 201 and ok.json()["ticket_opened"] is True


def test_i15_20_phone_guesses_are_limited_per_case_and_per_key(client, settings):
    settings.ONEWINDOW_SMS_RATING_MISSES_PER_CASE = 3
    settings.ONEWINDOW_SMS_RATING_MISSES_PER_KEY = 5
    case = delivered()
    gateway = issue_key(ApiClient(name="短信网关", sms_gateway=True))
    for guess in range(3):
        miss = _reply(
            client, gateway, case_number=case.number, phone=f"1390000000{guess}", reply="1"
        )
        assert miss.status_code == 404
    # The right phone after three wrong ones for this case: refused until the window passes.
    limited = _reply(client, gateway, case_number=case.number, phone=APPLICANT["phone"], reply="1")
    assert limited.status_code == 429
    assert "次数过多" in limited.json()["detail"] and limited["Retry-After"]
    assert not Rating.objects.exists()
    # Guessing other case numbers with the same key stops at the key's limit.
    for n in range(2):
        assert (
            _reply(client, gateway, case_number=f"X{n}", phone="13900000009", reply="1").status_code
            == 404
        )
    assert (
        _reply(client, gateway, case_number="X9", phone="13900000008", reply="1").status_code == 429
    )
