from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from onewindow import __version__
from onewindow.web.forms import LoginForm
from onewindow.web.navigation import home_url_for


@require_GET
@never_cache
def healthz(request):
    """Liveness and readiness: answers 200 only when the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the probe reports any database failure rather than raising
        return JsonResponse(
            {
                "status": "error",
                "database": connection.vendor,
                "detail": exc.__class__.__name__,
                "version": __version__,
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": connection.vendor, "version": __version__})


def index(request):
    if request.user.is_authenticated:
        return redirect(home_url_for(request.user))
    return redirect("portal:home")  # the public guides; staff sign in from there


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(home_url_for(request.user))


def no_role(request):
    return render(request, "web/no_role.html", status=403)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def permission_denied(request, exception=None):
    return render(request, "web/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "web/404.html", status=404)
