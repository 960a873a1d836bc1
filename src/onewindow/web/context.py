from onewindow import __version__
from onewindow.org.permissions import allows
from onewindow.org.roles import RoleCode
from onewindow.org.selectors import county_name
from onewindow.web.navigation import menu_for


def _pager_query(request) -> str:
    """The query string without `page`, for the pager's links. Built here because a template
    lookup like `request.GET.items` finds a parameter named "items" before the method."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def shell(request) -> dict:
    user = getattr(request, "user", None)
    # The county's own name (cached) for the headings and the footer: "" when none is loaded.
    base = {
        "app_version": __version__,
        "pager_query": _pager_query(request),
        "county_name": county_name(),
    }
    if user is None or not user.is_authenticated:
        return base
    return {
        **base,
        # A queue page's own tab counts serve its navigation entry (one count, not two).
        "nav": menu_for(user, request.path, getattr(request, "waiting", None)),
        "role_labels": [RoleCode(c).label for c in sorted(user.role_codes)],
        # The header's case-number box, by the rule alone (a `perms` lookup in the template
        # would also ask Django's ModelBackend: two queries on every applicant's page).
        "may_search_cases": allows(user, "cases.search_cases"),
    }
