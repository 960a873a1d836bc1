"""The shared list templates: _list_count.html says how many, _pager.html keeps the filters."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from onewindow.web.templatetags.lists import thousands


def _count(**context) -> str:
    return render_to_string("_list_count.html", context).strip()


def test_thousands_separator():
    assert thousands(1236) == "1,236"
    assert thousands(1234567) == "1,234,567"
    assert thousands(12) == "12"
    assert thousands("x") == "x"


def test_count_for_a_page():
    page = Paginator(range(1236), 50).get_page(1)
    assert "共1,236项，显示第1–50项" in _count(page=page)
    last = Paginator(range(1236), 50).get_page(25)
    assert "共1,236项，显示第1,201–1,236项" in _count(page=last)


def test_count_for_a_single_page_has_no_range():
    assert ">共12项<" in _count(page=Paginator(range(12), 50).get_page(1))
    assert ">共0项<" in _count(page=Paginator([], 50).get_page(1))


def test_count_for_a_capped_list():
    assert "共1,236项，显示前50项" in _count(total=1236, shown=50)
    assert ">共20项<" in _count(total=20, shown=20)
    assert "显示前500项，还有更多" in _count(shown=500, more=True)
    assert ">显示前30项<" in _count(shown=30, more=False)


def test_pager_keeps_filters_and_offers_first_and_last():
    request = RequestFactory().get("/x/", {"q": "张 三", "unit": "7", "page": "3"})
    from onewindow.web.context import _pager_query

    page = Paginator(range(500), 50).get_page(3)
    html = render_to_string("_pager.html", {"page": page, "pager_query": _pager_query(request)})
    assert "第3页，共10页" in html
    assert 'href="?q=%E5%BC%A0+%E4%B8%89&amp;unit=7&amp;page=2" rel="prev"' in html
    assert "page=4" in html and "首页" in html and "末页" in html and "page=10" in html
    first = render_to_string("_pager.html", {"page": Paginator(range(60), 50).get_page(1)})
    assert "首页" not in first and "末页" not in first and "下一页" in first
    assert (
        render_to_string("_pager.html", {"page": Paginator(range(5), 50).get_page(1)}).strip() == ""
    )


def test_count_for_a_capped_page():
    from onewindow.common.paging import page_of

    page = page_of(list(range(1236)), {"page": "2"}, cap=1000)
    assert page.paginator.capped and page.paginator.count == 1000
    assert "超过1,000项，显示第51–100项" in _count(page=page)
    last = page_of(list(range(1236)), {"page": "20"}, cap=1000)
    assert "显示第951–1,000项（仅列出前1,000项，请用筛选条件缩小范围）" in _count(page=last)
    small = page_of(list(range(1000)), {}, cap=1000)
    assert not small.paginator.capped and "共1,000项，显示第1–50项" in _count(page=small)
    assert page_of(list(range(60)), {"page": "abc"}).number == 1
    assert page_of(list(range(60)), {"page": "99999999999999999999999"}).number == 2
