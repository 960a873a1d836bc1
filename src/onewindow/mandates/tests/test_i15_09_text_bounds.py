"""Issue 15 item 9: the letter's free text (printed in the PDF) and the seal's explanations are
bounded, with Chinese messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from onewindow.common import limits
from onewindow.mandates import services
from onewindow.mandates.models import Letter
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import DeskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reform():
    return UserFactory(roles=[RoleCode.REFORM_OFFICE])


def test_i15_09_letter_and_seal_texts_are_bounded(reform):
    desk = DeskFactory()  # with a filed letter
    unit = desk.unit
    data = {
        "legal_representative": "张局长",
        "supervisor": desk.winsup.staff,
        "team_leader": desk.teamlead.staff,
        "clauses": [1, 2, 3, 4, 5, 6],
        "valid_from": datetime.date(2030, 1, 1),
        "valid_until": datetime.date(2031, 12, 31),
        "other_tasks": "办" * 250_000,
    }
    with pytest.raises(ValidationError) as exc:
        services.letter_create(acting_user=reform, unit=unit, data=data)
    assert f"最多{limits.REASON}字，现有250000字" in exc.value.message_dict["other_tasks"][0]
    with pytest.raises(ValidationError) as exc:
        services.seal_save(
            acting_user=reform,
            unit=unit,
            data={"enabled": False, "reason_not_enabled": "因" * 2001, "plan": "计" * 2001},
        )
    assert {"reason_not_enabled", "plan"} <= set(exc.value.message_dict)
    letter = Letter.objects.get(unit=unit, status=Letter.Status.FILED)
    with pytest.raises(ValidationError, match="撤销原因最多200字"):
        services.letter_revoke(acting_user=reform, letter=letter, reason="撤" * 201)
    letter.refresh_from_db()
    assert letter.status != Letter.Status.REVOKED
