from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from onewindow import __version__
from onewindow.accounts import oidc
from onewindow.common import import_report
from onewindow.documents import download
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

    def get_context_data(self, **kwargs):
        # The province's unified identity button shows only when it is configured.
        return super().get_context_data(**kwargs) | {"oidc_enabled": oidc.enabled()}


class PasswordChangeView(auth_views.PasswordChangeView):
    """A wrong *old* password is a failed login for the lockout (web/lockout.py): the session
    that keeps guessing is ended and the account locked at that address, like the login page."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("home")

    def dispatch(self, request, *args, **kwargs):
        # An account made through the province's unified identity has no password here: it is
        # told so (the header does not offer the page), and nothing can be set.
        if request.user.is_authenticated and not request.user.has_usable_password():
            return render(request, self.template_name, {"no_password": True})
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        credentials = {"username": request.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return self._locked_out(credentials)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "密码已修改，下次登录请使用新密码。")
        return response

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            credentials = {"username": self.request.user.get_username()}
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            if getattr(self.request, "axes_locked_out", False):
                return self._locked_out(credentials)
        return super().form_invalid(form)

    def _locked_out(self, credentials):
        logout(self.request)
        self.request.axes_locked_out = False  # answered here, not again by axes' middleware
        return get_lockout_response(self.request, credentials=credentials)


@require_GET
@login_required
def import_errors(request, token: str):
    """An import's error workbook (common/import_report.py), for the person who uploaded only:
    the token is looked up among that person's own files, so anyone else gets "not found"."""
    kept = import_report.kept_workbook(user=request.user, token=token)
    if kept is None:
        message = (
            f"错误清单只保留{import_report.keep_hours()}小时，且只有上传文件的人可以下载。"
            "请重新上传文件，系统会再次检查并生成新的错误清单。"
        )
        return render(
            request,
            "web/error.html",
            {"title": "错误清单不存在或已过期", "message": message},
            status=404,
        )
    name, content = kept
    return download(content, name, "xlsx")


def permission_denied(request, exception=None):
    return render(request, "web/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "web/404.html", status=404)
