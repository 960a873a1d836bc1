"""Reads for the public portal that no other app's selectors already offer."""

from django.shortcuts import get_object_or_404

from onewindow.cases.models import Case
from onewindow.portal.models import Draft


def progress_case(case_id: int) -> Case:
    """The case a signed progress link names, with what its page shows (404 if unknown)."""
    return get_object_or_404(Case.objects.select_related("item", "unit__region"), pk=case_id)


def count_line(page, total: int | None = None) -> str:
    """How many a list has and which of them this page shows, in the words of the staff lists'
    _list_count.html: 共12项 (one page), 共1,236项，显示第31–60项 (one page of several), '' (none).
    `total` is how many matched when the list was cut (a capped search: the page lists the first
    `page.paginator.count` of them); else the paginator's count."""
    listed = page.paginator.count
    total = listed if total is None else total
    if not total:
        return ""
    if page.paginator.num_pages == 1 and listed == total:
        return f"共{total:,}项"
    first, last = page.start_index(), page.end_index()
    shown = f"第{first:,}项" if first == last else f"第{first:,}–{last:,}项"
    return f"共{total:,}项，显示{shown}"


def draft_list_for_user(*, user):
    """我的申请: the account's drafts and submitted online applications, newest first."""
    return Draft.objects.filter(owner=user).select_related(
        "item", "service", "submitted_case", "submitted_combined"
    )


def draft_get_for_user(draft_id: int, *, user):
    """One of the account's own drafts (404 for anybody else's: not even its existence shows)."""
    return get_object_or_404(draft_list_for_user(user=user), pk=draft_id)
