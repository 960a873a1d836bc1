import datetime

import pytest
from stdnum.cn import ric

from onewindow.cases import services
from onewindow.cases.models import Channel
from onewindow.catalog.models import Item
from onewindow.org.models import User, WindowPost

DAY = datetime.date(2026, 12, 1)  # a Tuesday


def id_number(body: str = "43092219800101123") -> str:
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the first 17 of 18


APPLICANT = {
    "applicant_kind": "person",
    "applicant_name": "王小明",
    "applicant_id": id_number(),
    "phone": "13807371234",
}


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def clerk_post(db):
    return WindowPost.objects.get(staff_a__user__username="clerk", kind="department")


def submit(item_name: str, *, complete: bool = True, day=DAY, **kw):
    """A window application by the demo clerk; `complete` marks every material received."""
    item = Item.objects.get(name=item_name)
    given = []
    if complete:
        given = [{"material_id": m.pk, "status": "paper"} for m in item.materials.all()]
    return services.application_submit(
        acting_user=kw.pop("acting_user", None) or user("clerk"),
        item=item,
        channel=kw.pop("channel", Channel.WINDOW),
        applicant=kw.pop("applicant", APPLICANT),
        materials=given,
        day=day,
        **kw,
    )


# --- factory-based helpers (issue 16 item 5): no demo names -------------------------------


@pytest.fixture
def desk(db):
    """One unit's working set made by the factories (see `onewindow.testing.factories`)."""
    from onewindow.testing.factories import DeskFactory

    return DeskFactory()


def submit_at(desk, item=None, *, complete: bool = True, day=DAY, **kw):
    """A window application at `desk` (of its promised item unless `item`) by its clerk;
    `complete` marks every material received."""
    item = item or desk.item
    given = []
    if complete:
        given = [{"material_id": m.pk, "status": "paper"} for m in item.materials.all()]
    return services.application_submit(
        acting_user=kw.pop("acting_user", None) or desk.clerk,
        item=item,
        channel=kw.pop("channel", Channel.WINDOW),
        applicant=kw.pop("applicant", APPLICANT),
        materials=given,
        day=day,
        **kw,
    )


def signed_in(client, user: User):
    """The test client signed in as `user` (the factory-made counterpart of `login(name)`)."""
    client.force_login(user)
    return client
