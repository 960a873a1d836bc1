"""Issue 19 item 1: a case of an item with local codes. The province submits it by either code,
the case API shows both, and the push carries the national and the local codes side by side
with the item's version in the provincial library."""

import json

import pytest

from onewindow.cases import services
from onewindow.cases.tests.conftest import APPLICANT, DAY
from onewindow.exchange.models import Outbox
from onewindow.testing.factories import ApiClientFactory, CaseFactory, DeskFactory

pytestmark = pytest.mark.django_db

LOCAL_BASIC = "HN0001XK000001"
LOCAL_IMPL = "114309000060897240-4-HN0001XK000001-000-0001"


def _submit(client, item_code: str, key: str, materials):
    body = {
        "item": item_code,
        "client_key": "HN-2026-0419",
        "applicant": APPLICANT,
        "materials": [{"material_id": m.pk, "status": "uploaded"} for m in materials],
    }
    return client.post(
        "/api/cases/applications",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_API_KEY=key,
    )


def test_the_province_submits_by_local_code_and_the_push_carries_both(client):
    desk = DeskFactory(
        item__basic_code="",
        item__local_basic_code=LOCAL_BASIC,
        item__local_implementation_code=LOCAL_IMPL,
        item__library_version="7",
    )
    province = ApiClientFactory(name="湖南省一体化平台")
    made = _submit(client, LOCAL_IMPL, province.key, desk.item.materials.all())
    assert made.status_code == 201, made.content
    assert made.json()["item"] == LOCAL_IMPL and made.json()["item_local_code"] == LOCAL_IMPL
    pushed = Outbox.objects.get(key=f"case-{made.json()['id']}")
    assert pushed.payload["item_code"] == ""
    assert pushed.payload["item_basic_code"] == ""
    assert pushed.payload["item_local_code"] == LOCAL_IMPL
    assert pushed.payload["item_local_basic_code"] == LOCAL_BASIC
    assert pushed.payload["item_version"] == "7"


def test_a_case_of_an_item_with_both_codes_pushes_both(client):
    desk = DeskFactory(
        item__local_basic_code=LOCAL_BASIC,
        item__local_implementation_code=LOCAL_IMPL,
        item__library_version="2",
    )
    case = CaseFactory(desk=desk, item=desk.item, day=DAY)
    case = services.case_accept(acting_user=desk.clerk, case=case, window_post=desk.post, day=DAY)
    rows = list(Outbox.objects.filter(key=f"case-{case.pk}").order_by("id"))
    assert [r.payload["action"] for r in rows] == ["submit", "accept"]
    for row in rows:  # the accept is written from the locked read of the case and its item
        assert row.payload["item_code"] == desk.item.implementation_code
        assert row.payload["item_basic_code"] == desk.item.basic_code
        assert row.payload["item_local_code"] == LOCAL_IMPL
        assert row.payload["item_local_basic_code"] == LOCAL_BASIC
        assert row.payload["item_version"] == "2"
    # The province may name the item by its national code too; the answer names the canonical.
    province = ApiClientFactory(name="湖南省一体化平台")
    made = _submit(client, desk.item.implementation_code, province.key, desk.item.materials.all())
    assert made.status_code == 201, made.content
    assert made.json()["item"] == desk.item.implementation_code
    assert made.json()["item_local_code"] == LOCAL_IMPL
