"""AB cover (S12): who is present at each window post on a day, and whether a leave keeps every
post the person holds as A covered by its B."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from onewindow import workdays
from onewindow.org.models import Leave, Staff, WindowPost


def on_leave(staff_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict:
    """{staff id: [(start, end), ...]} of approved leaves overlapping [start, end]."""
    found: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    rows = Leave.objects.filter(
        staff_id__in=list(staff_ids),
        status=Leave.Status.APPROVED,
        start__lte=end,
        end__gte=start,
    ).values_list("staff_id", "start", "end")
    for staff_id, s, e in rows:
        found.setdefault(staff_id, []).append((s, e))
    return found


def _away(leaves: dict, staff_id: int | None, day: datetime.date) -> bool:
    return any(s <= day <= e for s, e in leaves.get(staff_id, []))


def days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The working days in [start, end]: the hall is open on those."""
    out, day = [], start
    while day <= end:
        if workdays.is_workday(day):
            out.append(day)
        day += datetime.timedelta(days=1)
    return out


@dataclass
class Gap:
    post: WindowPost
    days: list[datetime.date]
    why: str


def leave_gaps(staff: Staff, start: datetime.date, end: datetime.date) -> list[Gap]:
    """The posts `staff` holds as A that would have nobody on some working day of the leave.

    B covers a day only when B exists, is not on leave that day, and is not needed as A on a
    post of their own (a person works one window at a time).
    """
    posts = list(WindowPost.objects.filter(staff_a=staff, active=True).select_related("staff_b"))
    if not posts:
        return []
    b_ids = {p.staff_b_id for p in posts if p.staff_b_id}
    leaves = on_leave(b_ids, start, end)
    b_is_a = set(
        WindowPost.objects.filter(staff_a_id__in=b_ids, active=True)
        .exclude(pk__in=[p.pk for p in posts])
        .values_list("staff_a_id", flat=True)
    )
    gaps = []
    open_days = days(start, end)
    for post in posts:
        if post.staff_b_id is None:
            gaps.append(Gap(post, open_days, "该窗口未配备B岗人员"))
            continue
        if post.staff_b_id in b_is_a:
            gaps.append(
                Gap(post, open_days, f"B岗{post.staff_b.name}同时是其他窗口的A岗，须在本岗")
            )
            continue
        uncovered = [d for d in open_days if _away(leaves, post.staff_b_id, d)]
        if uncovered:
            gaps.append(Gap(post, uncovered, f"B岗{post.staff_b.name}当日请假"))
    return gaps


@dataclass
class Cover:
    post: WindowPost
    a_present: bool
    b_present: bool

    @property
    def on_duty(self) -> Staff | None:
        if self.a_present:
            return self.post.staff_a
        return self.post.staff_b if self.b_present else None


def cover_on(day: datetime.date, posts: Iterable[WindowPost]) -> list[Cover]:
    """Each post's cover on `day`: A present, else B, else nobody."""
    posts = list(posts)
    ids = {p.staff_a_id for p in posts} | {p.staff_b_id for p in posts if p.staff_b_id}
    leaves = on_leave(ids, day, day)
    inactive = set(Staff.objects.filter(pk__in=ids, active=False).values_list("pk", flat=True))
    result = []
    for post in posts:
        a_here = post.staff_a_id not in inactive and not _away(leaves, post.staff_a_id, day)
        b_here = (
            post.staff_b_id is not None
            and post.staff_b_id not in inactive
            and not _away(leaves, post.staff_b_id, day)
        )
        result.append(Cover(post, a_here, b_here))
    return result


def leaves_overlapping(staff: Staff, start, end, exclude_id=None):
    qs = Leave.objects.filter(
        Q(start__lte=end) & Q(end__gte=start), staff=staff, status=Leave.Status.APPROVED
    )
    return qs.exclude(pk=exclude_id) if exclude_id else qs
