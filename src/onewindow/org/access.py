"""Page access by role: anonymous users go to the login page, users without the role get 403."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from onewindow.org.roles import RoleCode

STAFF_ROLES = tuple(c for c in RoleCode if c != RoleCode.APPLICANT)


def role_required(*codes: str) -> Callable:
    """Allow the view to users holding any of `codes`. The system administrator passes too."""
    allowed = frozenset(codes) | {RoleCode.SYSADMIN}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.role_codes & allowed:
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # read by the navigation and by the access tests
        return wrapper

    return decorator
