import pytest

from onewindow.org.roles import RoleCode
from onewindow.testing.factories import ItemFactory, UnitFactory, UserFactory


@pytest.fixture
def reform(db):
    """An account of the reform office, which governs every unit's catalogue."""
    return UserFactory(roles=[RoleCode.REFORM_OFFICE])


@pytest.fixture
def smj(db):
    """A reform unit (the 县市监局 of the tests), with no items yet."""
    return UnitFactory(name="测试县市场监督管理局", short_name="测试市监局")


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
def published(smj):
    """A published item of `smj`, entered in the hall, with a main and a minor material."""
    return ItemFactory(unit=smj, name="食品生产许可")
