"""Issue 19 item 1: codes as the province issues them. An item carries the national codes, the
provincial library's local codes, or both, and its version in that library; import, export, the
guide (by either code), the API, search and the push all carry both."""

import io
import json
import time

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from onewindow.catalog import codes, services, transfer
from onewindow.catalog.models import Item
from onewindow.catalog.tests.conftest import MATERIALS, item_data
from onewindow.catalog.transfer import ImportRefused
from onewindow.testing.factories import ItemFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCAL_BASIC = "HN0001XK000001"  # 14 characters with letters, as a provincial library issues
LOCAL_IMPL = "114309000060897240-4-HN0001XK000001-000-0001"  # hyphen-joined, 45 characters


def _local_item(**kw) -> Item:
    """A published item that the provincial library issued only local codes for."""
    data = {
        "basic_code": "",
        "local_basic_code": LOCAL_BASIC,
        "local_implementation_code": LOCAL_IMPL,
        "library_version": "3",
        "name": "地方编码测试许可",
    }
    return ItemFactory(**(data | kw))


def _import_xlsx(user, data: bytes):
    items, materials, errors = transfer.read_xlsx(data)
    return transfer.import_catalogue(
        acting_user=user, item_rows=items, material_rows=materials, errors=errors
    )


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the codes themselves ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            "HN0001XK00000１",
            "地方实施编码第14位“１”是不允许的字符：只能使用英文字母、数字和连字符“-”",
        ),
        ("1143-HN－01", "地方实施编码第8位“－”是不允许的字符：全角连字符“－”请改为半角“-”"),
        ("1143 HN01", "地方实施编码第5位空格是不允许的字符：编码中不能有空格"),
        ("事项1143", "地方实施编码第1位“事”是不允许的字符"),
        ("A" * 65, "地方实施编码最长64位，现为65位"),
    ],
)
def test_a_bad_local_code_is_refused_naming_the_character_and_its_position(value, reason):
    with pytest.raises(ValidationError) as exc:
        codes.validate_local_implementation_code(value)
    assert len(exc.value.messages) == 1 and exc.value.messages[0].startswith(reason)


def test_local_codes_are_not_forced_into_the_national_layout():
    codes.validate_local_basic_code(LOCAL_BASIC)
    codes.validate_local_implementation_code(LOCAL_IMPL)
    codes.validate_local_implementation_code("A" * 64)
    codes.validate_library_version("2.1")
    with pytest.raises(ValidationError, match="事项版本号第2位“版”"):
        codes.validate_library_version("3版")


def test_an_item_with_only_local_codes_is_named_by_its_local_code(reform, smj):
    item = services.item_create(
        acting_user=reform,
        unit=smj,
        data=item_data(
            basic_code="",
            local_basic_code=LOCAL_BASIC,
            local_implementation_code=LOCAL_IMPL,
            library_version="3",
        ),
        materials=MATERIALS,
    )
    assert item.implementation_code == "" and item.code == LOCAL_IMPL
    assert item.basic_code_shown == LOCAL_BASIC
    # A second item with only local codes: the blank national code is no collision.
    other = services.item_create(
        acting_user=reform,
        unit=smj,
        data=item_data(
            basic_code="",
            name="另一个地方事项",
            local_basic_code="HN0002XK000002",
            local_implementation_code=LOCAL_IMPL + "2",
        ),
    )
    assert other.implementation_code == ""


def test_an_item_needs_the_national_codes_or_the_local_pair(reform, smj):
    with pytest.raises(ValidationError) as exc:
        services.item_create(acting_user=reform, unit=smj, data=item_data(basic_code=""))
    assert "请填写基本编码；省级事项库只发放地方编码的" in exc.value.message_dict["basic_code"][0]
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            acting_user=reform,
            unit=smj,
            data=item_data(basic_code="", local_implementation_code=LOCAL_IMPL),
        )
    assert exc.value.message_dict == {
        "local_basic_code": ["没有国家基本编码的事项须填写地方基本编码。"]
    }


def test_an_item_with_a_national_code_keeps_it(reform, smj):
    item = ItemFactory(unit=smj, local_basic_code=LOCAL_BASIC, local_implementation_code=LOCAL_IMPL)
    with pytest.raises(ValidationError) as exc:
        services.item_update(acting_user=reform, item=item, data={"basic_code": ""})
    assert exc.value.message_dict == {
        "basic_code": [f"本事项已有实施编码“{item.implementation_code}”，不能清空基本编码。"]
    }
    item.refresh_from_db()
    assert item.basic_code and item.implementation_code


def test_a_local_implementation_code_belongs_to_one_item(reform, smj):
    _local_item(unit=smj)
    with pytest.raises(ValidationError, match="地方实施编码已被其他事项使用"):
        services.item_create(
            acting_user=reform,
            unit=smj,
            data=item_data(local_basic_code=LOCAL_BASIC, local_implementation_code=LOCAL_IMPL),
        )


def test_the_form_creates_a_local_only_item_and_names_a_bad_character_once(client, reform):
    from onewindow.catalog.tests.test_views import _form_data

    client.force_login(reform)
    page = client.get("/catalog/items/new/").content.decode()
    assert "地方基本编码" in page and "地方实施编码" in page and "事项版本号" in page
    local = {"basic_code": "", "local_basic_code": LOCAL_BASIC, "library_version": "3"}
    bad = client.post(
        "/catalog/items/new/", _form_data(local_implementation_code="1143_HN01", **local)
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and not Item.objects.filter(name="网页新增的许可").exists()
    assert body.count("地方实施编码第5位“_”是不允许的字符：下划线“_”请改为半角连字符“-”。") == 1
    made = client.post(
        "/catalog/items/new/", _form_data(local_implementation_code=LOCAL_IMPL, **local)
    )
    assert made.status_code == 302
    item = Item.objects.get(name="网页新增的许可")
    assert (item.implementation_code, item.local_implementation_code) == ("", LOCAL_IMPL)
    assert item.library_version == "3"
    detail = client.get(f"/catalog/items/{item.pk}/").content.decode()
    assert f"地方实施编码 {LOCAL_IMPL}" in detail


# --- import and export ---------------------------------------------------------------------


def test_local_codes_round_trip_through_xlsx_and_json(reform):
    national = ItemFactory(name="国家编码事项")
    local = _local_item()
    both = ItemFactory(
        name="两套编码事项",
        local_basic_code="HN0009XK000009",
        local_implementation_code="114309000060897240-4-HN0009XK000009-000-0009",
        library_version="12",
    )
    qs = Item.objects.filter(pk__in=[national.pk, local.pk, both.pk])
    data = transfer.export_xlsx(qs)
    ws = load_workbook(io.BytesIO(data))["事项"]
    header = [c.value for c in ws[1]]
    for name in ("地方基本编码", "地方实施编码", "事项版本号"):
        assert name in header
    rows = {r[header.index("事项名称")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["地方编码测试许可"][header.index("地方实施编码")] == LOCAL_IMPL
    assert rows["地方编码测试许可"][header.index("实施编码")] is None
    assert rows["两套编码事项"][header.index("事项版本号")] == "12"
    materials = load_workbook(io.BytesIO(data))["申请材料"]
    assert LOCAL_IMPL in [r[0] for r in materials.iter_rows(min_row=2, values_only=True)]

    result = _import_xlsx(reform, data)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    payload = json.loads(transfer.export_json(qs))
    by_name = {r["name"]: r for r in payload["items"]}
    assert by_name["地方编码测试许可"]["local_implementation_code"] == LOCAL_IMPL
    assert by_name["两套编码事项"]["library_version"] == "12"
    items, mats, errors = transfer.read_json(transfer.export_json(qs))
    result = transfer.import_catalogue(
        acting_user=reform, item_rows=items, material_rows=mats, errors=errors
    )
    assert result.unchanged == 3


def test_import_matches_a_local_only_item_by_its_local_code(reform):
    item = _local_item()
    wb = load_workbook(io.BytesIO(transfer.export_xlsx(Item.objects.filter(pk=item.pk))))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("事项版本号") + 1, value="4")
    ws.cell(row=2, column=header.index("基本编码") + 1, value="000122999000")  # now national too
    result = _import_xlsx(reform, _save(wb))
    assert (result.created, result.updated) == (0, 1)
    item.refresh_from_db()
    assert item.library_version == "4" and item.basic_code == "000122999000"
    assert item.implementation_code == f"{item.unit.credit_code}4000122999000"
    assert item.local_implementation_code == LOCAL_IMPL


def test_import_refuses_a_local_code_that_another_item_holds(reform):
    holder = _local_item()
    other = ItemFactory(name="另一个事项")
    wb = load_workbook(io.BytesIO(transfer.export_xlsx(Item.objects.filter(pk=other.pk))))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("地方基本编码") + 1, value=LOCAL_BASIC)
    ws.cell(row=2, column=header.index("地方实施编码") + 1, value=LOCAL_IMPL)
    with pytest.raises(ImportRefused) as exc:
        _import_xlsx(reform, _save(wb))
    assert [str(e) for e in exc.value.errors] == [
        f"事项第2行“地方实施编码”列：地方实施编码“{LOCAL_IMPL}”已被事项“{holder.name}”使用。"
    ]


def _template_rows(unit, rows: list[dict]) -> bytes:
    """The import template filled with `rows` (header → value) of `unit`'s draft items."""
    wb = load_workbook(io.BytesIO(transfer.export_xlsx(None)))
    ws = wb["事项"]
    header = [c.value for c in ws[1]]
    base = {
        "事项类型": "行政许可",
        "事项关系": "独立项",
        "实施主体统一社会信用代码": unit.credit_code,
        "行使层级": "县级",
        "法定办结时限（工作日）": 20,
        "承诺办结时限（工作日）": 5,
        "办件类型": "承诺件",
        "设定依据": "《测试条例》第一条",
        "不收费": "是",
        "实体大厅进驻情况": "尚未进驻",
        "状态": "草稿",
    }
    for row in rows:
        values = base | row
        ws.append([values.get(h) for h in header])
    return _save(wb)


def _mixed_rows(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        row = {"事项名称": f"批量事项{i}"}
        kind = i % 3
        if kind in (0, 2):
            row["基本编码"] = f"4301{i:05d}000"
        if kind in (1, 2):
            row["地方基本编码"] = f"HN{i:04d}XK{i:06d}"
            row["地方实施编码"] = f"114309000060897240-4-HN{i:04d}XK{i:06d}-000-{i:04d}"
            row["事项版本号"] = str(i % 7 + 1)
        rows.append(row)
    return rows


def test_a_workbook_of_1000_items_with_national_and_local_codes_imports(reform, capsys):
    unit = UnitFactory()
    data = _template_rows(unit, _mixed_rows(1000))
    started = time.perf_counter()
    result = _import_xlsx(reform, data)
    took = time.perf_counter() - started
    assert result.created == 1000
    items = Item.objects.filter(unit=unit)
    assert items.filter(implementation_code="").count() == 333
    assert items.filter(local_implementation_code="").count() == 334
    assert (
        items.exclude(implementation_code="").exclude(local_implementation_code="").count() == 333
    )
    # Export → import of the same 1,000 is the identity.
    again = _import_xlsx(reform, transfer.export_xlsx(items))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1000)
    with capsys.disabled():
        print(f"\n[i19] 1,000 mixed-code items imported in {took:.2f} s")


def test_bad_local_codes_are_refused_with_row_column_and_reason(reform):
    unit = UnitFactory()
    rows = _mixed_rows(3)
    rows[1]["地方实施编码"] = "1143０9-HN"  # a full-width digit at position 5
    rows[2]["地方基本编码"] = "HN" + "0" * 40
    before = Item.objects.count()
    with pytest.raises(ImportRefused) as exc:
        _import_xlsx(reform, _template_rows(unit, rows))
    assert [str(e) for e in exc.value.errors] == [
        "事项第3行“地方实施编码”列：地方实施编码第5位“０”是不允许的字符：只能使用英文字母、"
        "数字和连字符“-”。",
        "事项第4行“地方基本编码”列：地方基本编码最长32位，现为42位。",
    ]
    assert Item.objects.count() == before


def test_rows_repeating_a_local_code_are_refused(reform):
    unit = UnitFactory()
    rows = _mixed_rows(3)
    rows[2]["地方实施编码"] = rows[1]["地方实施编码"]
    with pytest.raises(ImportRefused) as exc:
        _import_xlsx(reform, _template_rows(unit, rows))
    assert [str(e) for e in exc.value.errors] == [
        "事项第4行“地方实施编码”列：与第3行的地方实施编码重复。"
    ]


# --- guide, search, API --------------------------------------------------------------------


def test_the_guide_opens_by_either_code_and_its_qr_names_the_canonical_one(client):
    both = ItemFactory(
        name="两套编码指南",
        local_basic_code=LOCAL_BASIC,
        local_implementation_code=LOCAL_IMPL,
        library_version="5",
    )
    for code in (both.implementation_code, LOCAL_IMPL):
        page = client.get(f"/guide/items/{code}/")
        body = page.content.decode()
        assert page.status_code == 200 and "两套编码指南" in body
        assert both.implementation_code in body and LOCAL_IMPL in body
        assert f"/guide/items/{both.implementation_code}/</span>" in body  # the QR's URL
    qr = client.get(f"/guide/items/{LOCAL_IMPL}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"


def test_a_local_only_items_guide_and_links_use_its_local_code(client):
    item = _local_item()
    page = client.get(f"/guide/items/{LOCAL_IMPL}/").content.decode()
    assert "地方实施编码" in page and f"/guide/items/{LOCAL_IMPL}/qr.svg" in page
    search = client.get("/guide/search/", {"q": "地方编码测试"}).content.decode()
    assert f'href="/guide/items/{LOCAL_IMPL}/"' in search
    assert client.get("/guide/items/HN0001XK000001-missing/").status_code == 404
    assert item.status == Item.Status.PUBLISHED


def test_search_finds_an_item_by_part_of_either_code(client, reform):
    _local_item()
    ItemFactory(name="别的事项")
    body = client.get("/guide/search/", {"q": "HN0001XK"}).content.decode()
    assert "地方编码测试许可" in body and "别的事项" not in body
    client.force_login(reform)
    staff = client.get("/catalog/", {"q": "XK000001-000"}).content.decode()
    assert "地方编码测试许可" in staff and "别的事项" not in staff


def test_a_whole_code_puts_its_item_first(client):
    for n in range(3):  # the query is part of their codes too
        _local_item(
            name=f"相近编码事项{n}",
            local_basic_code=f"HN0001XK00000{n}",
            local_implementation_code=f"{LOCAL_IMPL}{n}",
        )
    _local_item(name="正是这个编码所指的那一个事项")  # longer: it ranks last by name
    hits = client.get("/api/catalog/items", {"q": LOCAL_IMPL}).json()["items"]
    assert hits[0]["name"] == "正是这个编码所指的那一个事项" and len(hits) == 4


def test_the_api_reads_an_item_by_either_code_with_both_codes(client):
    both = ItemFactory(
        local_basic_code=LOCAL_BASIC, local_implementation_code=LOCAL_IMPL, library_version="5"
    )
    for code in (both.implementation_code, LOCAL_IMPL):
        data = client.get(f"/api/catalog/items/{code}").json()
        assert data["code"] == both.implementation_code
        assert data["implementation_code"] == both.implementation_code
        assert data["basic_code"] == both.basic_code
        assert data["local_implementation_code"] == LOCAL_IMPL
        assert data["local_basic_code"] == LOCAL_BASIC
        assert data["library_version"] == "5"
    listed = client.get("/api/catalog/items", {"q": "HN0001XK"}).json()
    assert [i["code"] for i in listed["items"]] == [both.implementation_code]


def test_the_api_creates_an_item_with_only_local_codes(client, smj):
    reform = UserFactory(roles=["reform_office"])
    client.force_login(reform)
    body = item_data(
        basic_code="",
        local_basic_code=LOCAL_BASIC,
        local_implementation_code=LOCAL_IMPL,
        library_version="1",
        unit=smj.credit_code,
        materials=MATERIALS,
    )
    made = client.post("/api/catalog/items", json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["code"] == LOCAL_IMPL and made.json()["implementation_code"] == ""
    patched = client.patch(
        f"/api/catalog/items/{LOCAL_IMPL}",
        json.dumps({"library_version": "2"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["library_version"] == "2"
    bad = client.patch(
        f"/api/catalog/items/{LOCAL_IMPL}",
        json.dumps({"local_basic_code": "HN 01"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "地方基本编码第3位空格是不允许的字符" in json.dumps(bad.json(), ensure_ascii=False)
