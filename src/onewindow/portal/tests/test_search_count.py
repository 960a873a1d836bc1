"""The public search says how many items matched and which of them the page shows (in the words
of the staff lists' _list_count.html); when the ranked list is cut at the cap it says so and asks
for a narrower query; its pages keep the query (issue 17 items 6 and 8)."""

import re

import pytest
from django.core.paginator import Paginator

from onewindow.catalog import selectors as catalog_selectors
from onewindow.portal import views
from onewindow.portal.selectors import count_line
from onewindow.testing.factories import ItemFactory

pytestmark = pytest.mark.django_db
CAP_NOTICE = "结果较多，仅显示前{}项，请输入更具体的关键词"


def _line(n: int, per_page: int, number: int = 1, total: int | None = None) -> str:
    return count_line(Paginator(range(n), per_page).get_page(number), total)


@pytest.mark.parametrize(
    ("n", "per_page", "number", "total", "expected"),
    [
        (0, 30, 1, None, ""),
        (1, 30, 1, None, "共1项"),
        (30, 30, 1, None, "共30项"),
        (31, 30, 1, None, "共31项，显示第1–30项"),
        (31, 30, 2, None, "共31项，显示第31项"),
        (1236, 50, 1, None, "共1,236项，显示第1–50项"),
        (1236, 50, 3, None, "共1,236项，显示第101–150项"),
        # a capped search: 500 ranked of 1,236 that matched
        (500, 30, 1, 1236, "共1,236项，显示第1–30项"),
        (500, 30, 17, 1236, "共1,236项，显示第481–500项"),
        # a cap below one page: all that is listed is on the page, still fewer than matched
        (5, 30, 1, 7, "共7项，显示第1–5项"),
    ],
)
def test_count_line(n, per_page, number, total, expected):
    assert _line(n, per_page, number, total) == expected


def _text(response) -> str:
    """The page's main text, tags dropped."""
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def seven():
    return [ItemFactory(name=f"计数测试许可{n}") for n in range(7)]


def test_a_search_under_the_cap_says_how_many_and_no_notice(client, seven):
    text = _text(client.get("/guide/search/", {"q": "计数测试"}))
    assert "共7项" in text and "显示" not in text
    assert "结果较多" not in text


def test_a_capped_search_says_so_and_asks_for_a_narrower_query(client, seven, monkeypatch):
    monkeypatch.setattr(catalog_selectors, "SEARCH_CAP", 5)
    response = client.get("/guide/search/", {"q": "计数测试"})
    text = _text(response)
    assert "共7项，显示第1–5项" in text
    assert CAP_NOTICE.format(5) in text
    assert response.content.decode().count('data-label="事项名称"') == 5


def test_the_cap_counts_every_match_not_only_the_ranked_ones(seven):
    hits, total = catalog_selectors.item_search_counted(
        catalog_selectors.public_items(), "计数测试", cap=3
    )
    assert (len(hits), total) == (3, 7)
    hits, total = catalog_selectors.item_search_counted(
        catalog_selectors.public_items(), "计数测试", cap=7
    )
    assert (len(hits), total) == (7, 7)
    assert catalog_selectors.item_search(catalog_selectors.public_items(), "计数测试")[0].name


def test_search_pages_keep_the_query_and_say_which_items_they_show(client, seven, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_PAGE", 3)
    first = client.get("/guide/search/", {"q": "计数测试"})
    assert "共7项，显示第1–3项" in _text(first)
    body = first.content.decode()
    assert 'href="?q=%E8%AE%A1%E6%95%B0%E6%B5%8B%E8%AF%95&amp;page=2"' in body  # the query kept
    second = client.get("/guide/search/", {"q": "计数测试", "page": 2})
    assert "共7项，显示第4–6项" in _text(second)
    names = set(re.findall(r"计数测试许可\d", second.content.decode()))
    assert len(names) == 3 and names.isdisjoint(re.findall(r"计数测试许可\d", body))
    last = client.get("/guide/search/", {"q": "计数测试", "page": 3})
    assert "共7项，显示第7项" in _text(last)


def test_browsing_a_unit_counts_its_items(client, seven, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_PAGE", 4)
    unit = seven[0].unit
    n = catalog_selectors.public_items().filter(unit=unit).count()
    response = client.get("/guide/search/", {"unit": unit.pk})
    text = _text(response)
    assert (f"共{n}项，显示第1–4项" if n > 4 else f"共{n}项") in text
    assert "结果较多" not in text
    if n > 4:
        assert f'href="?unit={unit.pk}&amp;page=2"' in response.content.decode()


def test_no_hits_says_nothing_about_counts(client):
    text = _text(client.get("/guide/search/", {"q": "没有这种事项zzz"}))
    assert "没有找到相关事项" in text and "共0项" not in text


def test_the_cap_keeps_the_items_whose_name_holds_the_query(seven):
    """Matches by keyword only rank below name matches; a cap drops them first."""
    by_keyword = [ItemFactory(name=f"其他事项{n}", keywords="计数测试") for n in range(3)]
    hits, total = catalog_selectors.item_search_counted(
        catalog_selectors.public_items(), "计数测试", cap=7
    )
    assert total == 10 and {i.pk for i in hits} == {i.pk for i in seven}
    assert not {i.pk for i in by_keyword} & {i.pk for i in hits}
