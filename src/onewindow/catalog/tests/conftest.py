import pytest

from onewindow.catalog.models import Item
from onewindow.org.models import Unit, User


@pytest.fixture
def reform(db):
    return User.objects.get(username="reform")


@pytest.fixture
def smj(db):
    """县市监局, where the demo's unit-bound logins work."""
    return Unit.objects.get(short_name="县市监局")


def item_data(**overrides):
    data = {
        "name": "测试许可事项",
        "item_type": "01",
        "basic_code": "000122999000",
        "relation": "independent",
        "level": "4",
        "legal_limit": 20,
        "promised_limit": 5,
        "case_kind": "promised",
        "legal_basis": "《测试条例》第一条",
        "conditions": "材料齐全",
    }
    data.update(overrides)
    return data


MATERIALS = [
    {"name": "申请表", "originals": 1, "copies": 0},
    {"name": "营业执照", "originals": 0, "copies": 1, "is_main": False, "rongque": True},
]


@pytest.fixture
def draft(reform, smj):
    from onewindow.catalog import services

    return services.item_create(acting_user=reform, unit=smj, data=item_data(), materials=MATERIALS)


@pytest.fixture
def published(db):
    return Item.objects.get(name="食品生产许可")
