"""Page access by permission: anonymous users go to the login page, everyone else without the
permission gets 403."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from onewindow.org.permissions import allows


def permission_required(perm: str, *, fn: Callable | None = None) -> Callable:
    """Allow the view to users who have the named permission (`rules`, see org.permissions);
    anonymous users go to the login page. With `fn`, the permission is tested on the object
    `fn(request, *args, **kwargs)` returns. The rule alone decides (`permissions.allows`, no
    blanket yes for a Django superuser), as it does for the navigation and the services."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            target = fn(request, *args, **kwargs) if fn is not None else None
            if not allows(user, perm, target):
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        wrapper.permission = perm  # read by the navigation and by the access tests
        return wrapper

    return decorator
