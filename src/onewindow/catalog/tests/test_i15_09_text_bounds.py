"""Issue 15 item 9: catalogue guide texts and approval reasons are bounded, with Chinese
messages, whichever way they arrive (service, import)."""

import pytest
from django.core.exceptions import ValidationError

from onewindow.catalog import services
from onewindow.catalog.tests.conftest import MATERIALS, item_data
from onewindow.common import limits

pytestmark = pytest.mark.django_db


def test_i15_09_guide_texts_are_bounded(reform, smj):
    huge = "依" * 250_000
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            acting_user=reform, unit=smj, data=item_data(legal_basis=huge), materials=MATERIALS
        )
    assert f"最多{limits.GUIDE_TEXT}字，现有250000字" in str(exc.value)
    materials = [dict(MATERIALS[0], standard=huge), MATERIALS[1]]
    with pytest.raises(ValidationError, match=f"最多{limits.GUIDE_TEXT}字"):
        services.item_create(acting_user=reform, unit=smj, data=item_data(), materials=materials)
    at_limit = "依" * limits.GUIDE_TEXT
    item = services.item_create(
        acting_user=reform, unit=smj, data=item_data(legal_basis=at_limit), materials=MATERIALS
    )
    assert item.legal_basis == at_limit
