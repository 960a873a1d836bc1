"""Login lockout (django-axes) by account *at an address*, and by address (docs/decisions.md).

axes counts failures per (username, address) and locks that pair after AXES_FAILURE_LIMIT: the
same account still signs in from anywhere else, so five wrong passwords cannot lock an
administrator out of the whole system. On top of it the address itself is locked for the
cool-off when, within the cool-off, it has failed for too many distinct accounts (a password
spray) or too often in all. Both rules read the rows axes already keeps.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Sum


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ONEWINDOW_TRUSTED_PROXIES proxies the address
    the nearest one received from, the N-th from the right of X-Forwarded-For (each proxy appends
    to it; what a client sends itself stands further left and is never read)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.ONEWINDOW_TRUSTED_PROXIES
    if count <= 0:
        return remote
    chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [a for a in chain if a]
    if len(chain) < count:
        return remote  # not through every proxy: only the address we see is known
    try:
        return str(ipaddress.ip_address(chain[-count]))
    except ValueError:
        return remote


def address_locked(request) -> bool:
    """True when the request's address has failed for too many accounts or too often."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return False
    seen = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(accounts=Count("username", distinct=True), failures=Sum("failures_since_start"))
    return (seen["accounts"] or 0) >= settings.ONEWINDOW_LOGIN_ADDRESS_USERNAMES or (
        seen["failures"] or 0
    ) >= settings.ONEWINDOW_LOGIN_ADDRESS_FAILURES


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the address rules: a locked address counts as the failure
    limit reached for every account tried from it. The page says which lock applies."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if address_locked(request):
            request.onewindow_address_locked = True
            return max(failures, get_failure_limit(request, credentials))
        return failures
