from onewindow import __version__
from onewindow.org.roles import RoleCode
from onewindow.web.navigation import nav_for


def shell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"app_version": __version__}
    return {
        "app_version": __version__,
        "nav": nav_for(user),
        "role_labels": [RoleCode(c).label for c in sorted(user.role_codes)],
    }
