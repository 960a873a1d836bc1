"""The hall manager's work queue, counted for the navigation (`web.queues` adds it up): window
posts with nobody present today — neither A nor B (org:hall_cover lists them)."""

from django.utils import timezone

from onewindow.org import cover, selectors
from onewindow.org.models import User
from onewindow.org.roles import RoleCode

HALL_COVER = "org:hall_cover"


def uncovered_today(user: User) -> int:
    posts = selectors.window_post_list_for_user(user=user).filter(active=True)
    rows = cover.cover_on(timezone.localdate(), posts.prefetch_related(None))
    return sum(1 for r in rows if r.on_duty is None)


def counts(user: User, url_names: set[str]) -> dict[str, int]:
    if HALL_COVER in url_names and RoleCode.HALL_MANAGER in user.role_codes:
        return {HALL_COVER: uncovered_today(user)}
    return {}
