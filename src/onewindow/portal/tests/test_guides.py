import pytest

from onewindow.catalog.models import Item, LifeEvent
from onewindow.testing.factories import CombinedServiceFactory, ItemFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_land_on_the_guides(client):
    CombinedServiceFactory()
    response = client.get("/", follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "办事指南" in body and "一件事一次办" in body and "出生" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [("jzxk", "建筑工程施工许可"), ("食品", "食品经营许可"), ("spjy", "食品经营许可")],
)
def test_search_without_login(client, query, expected):
    ItemFactory(name="建筑工程施工许可")
    ItemFactory(name="食品经营许可")
    body = client.get("/guide/search/", {"q": query}).content.decode()
    assert expected in body


def test_drafts_are_not_public(client):
    draft = ItemFactory(name="测试草稿许可", status=Item.Status.DRAFT)
    assert client.get(f"/guide/items/{draft.implementation_code}/").status_code == 404
    body = client.get("/guide/search/", {"q": "测试草稿"}).content.decode()
    assert "测试草稿许可" not in body


def test_browse_by_life_event_unit_and_type(client):
    birth = LifeEvent.objects.get(code="birth")
    registration = ItemFactory(name="户口登记（出生登记）测试", life_events=[birth])
    CombinedServiceFactory(
        name="新生儿出生一件事（测试）", items=[registration, ItemFactory()], life_events=[birth]
    )
    body = client.get("/guide/search/", {"event": "birth"}).content.decode()
    assert "户口登记（出生登记）测试" in body and "新生儿出生一件事（测试）" in body
    water, other = ItemFactory(name="取水许可（测试）"), ItemFactory(name="食品经营许可（测试）")
    body = client.get("/guide/search/", {"unit": water.unit.pk}).content.decode()
    assert water.name in body and other.name not in body
    ItemFactory(name="最低生活保障金给付（测试）", item_type="05", basic_code="430500001000")
    body = client.get("/guide/search/", {"type": "05"}).content.decode()
    assert "最低生活保障金给付（测试）" in body and water.name not in body


def test_item_page_has_what_an_applicant_needs_and_a_qr_code(client):
    item = ItemFactory(promised_limit=7)
    body = client.get(f"/guide/items/{item.implementation_code}/").content.decode()
    for text in (
        "申请材料",
        "承诺7个工作日办结",
        "办理地点",
        "办理时间",
        "咨询电话",
        "最多跑1次",
        "<svg",
    ):
        assert text in body, text
    qr = client.get(f"/guide/items/{item.implementation_code}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_qr_code_encodes_the_item_page_url(client):
    item = ItemFactory()
    qr = client.get(f"/guide/items/{item.implementation_code}/qr.svg")
    # The SVG draws modules only; the test decodes nothing, but the URL must be built from
    # the request host and the item's code, which a changed route would break.
    assert qr.status_code == 200
    from django.urls import reverse

    assert reverse("portal:item_qr", args=[item.implementation_code]).startswith(
        reverse("portal:item", args=[item.implementation_code])
    )


def test_combined_guide_lists_a_shared_material_once(client):
    service = CombinedServiceFactory()  # both items ask for 营业执照
    body = client.get(f"/guide/combined/{service.pk}/").content.decode()
    assert body.count('data-label="材料名称">营业执照</td>') == 1
    assert "只交一份" in body


def test_sample_file_download(client):
    from django.core.files.base import ContentFile

    material = ItemFactory().materials.first()
    material.sample.save("取水许可申请表样表.pdf", ContentFile(b"%PDF-1.4 sample"), save=True)
    response = client.get(f"/guide/materials/{material.pk}/sample/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"/guide/materials/{material.pk}/blank_form/").status_code == 404
    assert client.get(f"/guide/materials/{material.pk}/passwd/").status_code == 404
