"""Review of issue 19: the catalogue import refuses, never fails while writing."""

import pytest

from onewindow.catalog.models import Item
from onewindow.catalog.tests.test_i19_local_codes import _import_xlsx, _template_rows
from onewindow.catalog.transfer import ImportRefused
from onewindow.testing.factories import UnitFactory

pytestmark = pytest.mark.django_db

LOCAL = "114309000060897240-4-HN0001XK000001-000-0001"


@pytest.mark.parametrize("national_first", [True, False])
def test_a_local_code_on_a_row_with_national_codes_and_on_a_local_only_row_is_refused(
    reform, national_first
):
    """Two rows, one with national codes and the local code, one with the same local code
    alone: two items would hold one local code (an IntegrityError while writing)."""
    unit = UnitFactory()
    both = {"事项名称": "两套编码", "基本编码": "000122999000", "地方基本编码": "HN0001XK000001"}
    alone = {"事项名称": "只有地方编码", "地方基本编码": "HN0001XK000001"}
    rows = [both | {"地方实施编码": LOCAL}, alone | {"地方实施编码": LOCAL}]
    if not national_first:
        rows.reverse()
    before = Item.objects.count()
    with pytest.raises(ImportRefused) as exc:
        _import_xlsx(reform, _template_rows(unit, rows))
    assert [str(e) for e in exc.value.errors] == [
        "事项第3行“地方实施编码”列：与第2行的地方实施编码重复。"
    ]
    assert Item.objects.count() == before
