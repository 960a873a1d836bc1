import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware:
    """Chinese unless the user chose another language (the language cookie set by set_language).

    Unlike LocaleMiddleware it ignores Accept-Language: many hall PCs run English-language
    browsers, and the service must still speak Chinese to them by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


NUL_MESSAGE = "提交的内容含有空字符（\\0），已全部拒收，请删除后重新提交。"


class RefuseNulMiddleware:
    """Refuse any request whose parameters or body carry a NUL character, with one Chinese
    400, before a view sees it. PostgreSQL cannot store NUL in text or JSON, so it would
    otherwise fail deep inside a write as a 500; SQLite would keep a value no one can see."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return render(request, "web/400.html", {"message": NUL_MESSAGE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        kind = request.content_type or ""
        if kind.startswith("multipart/"):
            names = [f.name for files in request.FILES.lists() for f in files[1]]
            values = [v for _k, vs in request.POST.lists() for v in vs]
            return any("\x00" in s for s in [*values, *names, *request.POST.keys()])
        body = request.body
        if kind == "application/x-www-form-urlencoded" and b"%00" in body:
            return True
        return b"\x00" in body or b"\\u0000" in body.lower()


class NoStoreMiddleware:
    """Nothing we answer may be kept by a browser or a proxy (a shared hall PC's back button, a
    cached PDF with a name and ID number) unless the view said it is public (a guide's QR code).
    Applies to pages, PDF/DOCX/XLSX/JSON downloads and the API alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


SESSION_TOUCHED = "onewindow_touched_at"


class SessionRefreshMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) without a session write on every page: the session
    is saved when it changed, or when its expiry was last pushed forward more than
    SESSION_REFRESH_SECONDS ago (SESSION_SAVE_EVERY_REQUEST = False). An idle session so ends
    between SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after its last
    request: never later than the timeout, at most a minute earlier. Sits right after
    SessionMiddleware, so that it decides after every other middleware and the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or (session.session_key is None and not session.modified):
            return response  # no session: nothing to keep alive (and nothing read)
        touched = session.get(SESSION_TOUCHED)  # loads it, as saving it would
        if session.is_empty():
            return response  # expired, flushed at logout, or never held anything
        now = time.time()
        stale = touched is None or not 0 <= now - touched < settings.SESSION_REFRESH_SECONDS
        if session.modified or stale:
            session[SESSION_TOUCHED] = now  # SessionMiddleware saves it, with a new expiry
        return response


SESSION_STARTED = "onewindow_login_at"
SESSION_TOO_OLD = "您已连续登录超过{hours}小时，为安全起见请重新登录。"


class AbsoluteSessionMiddleware:
    """A session ends `SESSION_MAX_HOURS` after login however busy it is, as well as after the
    idle timeout (SESSION_COOKIE_AGE): a wall display or a forgotten tab cannot keep it forever.
    The login time is stored in the session by the user_logged_in receiver below."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED] = now  # a session from before this rule
            elif now - started > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.warning(request, SESSION_TOO_OLD.format(hours=settings.SESSION_MAX_HOURS))
        return self.get_response(request)


FIRST_PASSWORD = "您正在使用导入时发放的初始密码，请先设置自己的密码，然后再办理业务。"


class PasswordChangeRequiredMiddleware:
    """A person signed in with the first password the onboarding import handed out
    (User.password_change_required) reaches only the password page (and can sign out) until
    they have set their own."""

    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.password_change_required
            and not request.path.startswith(self.ALLOWED)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": FIRST_PASSWORD}, status=403)
            messages.info(request, FIRST_PASSWORD)
            return redirect("password_change")
        return self.get_response(request)


@receiver(user_logged_in)
def _note_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = time.time()
