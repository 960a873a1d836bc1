"""The hall manager's work queue, counted for the navigation (`web.queues` adds it up): window
posts with nobody present today — neither A nor B (org:hall_cover lists them)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from onewindow.org import selectors
from onewindow.org.models import Leave, User, WindowPost
from onewindow.org.roles import RoleCode

HALL_COVER = "org:hall_cover"


def uncovered(posts: QuerySet[WindowPost], day: datetime.date) -> QuerySet[WindowPost]:
    """The posts among `posts` with nobody present on `day`: `cover.cover_on`'s rule (a person
    is away when inactive or on approved leave that day; no B is nobody) in one query."""
    away = Leave.objects.filter(status=Leave.Status.APPROVED, start__lte=day, end__gte=day).values(
        "staff_id"
    )
    a_away = Q(staff_a__active=False) | Q(staff_a_id__in=away)
    b_away = Q(staff_b__isnull=True) | Q(staff_b__active=False) | Q(staff_b_id__in=away)
    return posts.filter(a_away & b_away)


def counts(user: User, url_names: set[str]) -> dict[str, int]:
    if HALL_COVER not in url_names or RoleCode.HALL_MANAGER not in user.role_codes:
        return {}
    posts = selectors.window_post_list_for_user(user=user).filter(active=True)
    found = uncovered(posts.prefetch_related(None).order_by(), timezone.localdate())
    return {HALL_COVER: found.count()}
