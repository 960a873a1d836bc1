import pytest

from onewindow.catalog.models import CombinedService, Item

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_land_on_the_guides(client):
    response = client.get("/", follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "办事指南" in body and "一件事一次办" in body and "出生" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [("jzxk", "建筑工程施工许可"), ("食品", "食品经营许可"), ("spjy", "食品经营许可")],
)
def test_search_without_login(client, query, expected):
    body = client.get("/guide/search/", {"q": query}).content.decode()
    assert expected in body


def test_drafts_are_not_public(client):
    draft = Item.objects.get(name="人力资源服务许可")
    assert client.get(f"/guide/items/{draft.implementation_code}/").status_code == 404
    body = client.get("/guide/search/", {"q": "人力资源服务"}).content.decode()
    assert "人力资源服务许可" not in body


def test_browse_by_life_event_unit_and_type(client):
    body = client.get("/guide/search/", {"event": "birth"}).content.decode()
    assert "户口登记（出生登记）" in body and "新生儿出生一件事" in body
    unit = Item.objects.get(name="取水许可").unit
    body = client.get("/guide/search/", {"unit": unit.pk}).content.decode()
    assert "取水许可" in body and "食品经营许可" not in body
    body = client.get("/guide/search/", {"type": "05"}).content.decode()
    assert "最低生活保障金给付" in body and "取水许可" not in body


def test_item_page_has_what_an_applicant_needs_and_a_qr_code(client):
    item = Item.objects.get(name="食品经营许可（新办）")
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
    item = Item.objects.get(name="取水许可")
    qr = client.get(f"/guide/items/{item.implementation_code}/qr.svg")
    # The SVG draws modules only; the test decodes nothing, but the URL must be built from
    # the request host and the item's code, which a changed route would break.
    assert qr.status_code == 200
    from django.urls import reverse

    assert reverse("portal:item_qr", args=[item.implementation_code]).startswith(
        reverse("portal:item", args=[item.implementation_code])
    )


def test_combined_guide_lists_a_shared_material_once(client):
    service = CombinedService.objects.get(name="企业开办一件事")
    body = client.get(f"/guide/combined/{service.pk}/").content.decode()
    assert body.count("<td>营业执照</td>") == 1
    assert "只交一份" in body


def test_sample_file_download(client):
    from django.core.files.base import ContentFile

    material = Item.objects.get(name="取水许可").materials.first()
    material.sample.save("取水许可申请表样表.pdf", ContentFile(b"%PDF-1.4 sample"), save=True)
    response = client.get(f"/guide/materials/{material.pk}/sample/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"/guide/materials/{material.pk}/blank_form/").status_code == 404
    assert client.get(f"/guide/materials/{material.pk}/passwd/").status_code == 404
