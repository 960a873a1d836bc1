"""省统一身份认证登录: the start of the sign-on and the provider's callback."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from onewindow.accounts import oidc, services, signon

BACKEND = "django.contrib.auth.backends.ModelBackend"
# The credit codes the last province login vouched for (the legal-person claim), for 登记单位.
ORG_CLAIM_SESSION_KEY = "oidc_org_codes"


def _claimed_codes(claims: dict) -> list[str]:
    """The unified social credit codes in the configured legal-person claim (a string or a
    list of strings), as given."""
    raw = claims.get(settings.ONEWINDOW_OIDC_ORG_CLAIM)
    values = raw if isinstance(raw, list) else [raw]
    return [v.strip().upper() for v in values if isinstance(v, str) and v.strip()][:20]


def _failed(request, message: str):
    return render(request, "accounts/oidc_error.html", {"message": message}, status=400)


@require_GET
def oidc_login(request):
    if not oidc.enabled():
        raise Http404("本平台未启用省统一身份认证登录。")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    try:
        url = oidc.begin(
            redirect_uri=request.build_absolute_uri(reverse("accounts:oidc_callback")),
            session=request.session,
            next_url=next_url,
        )
    except oidc.OidcError as exc:
        return _failed(request, str(exc))
    return redirect(url)


@require_GET
def oidc_callback(request):
    if not oidc.enabled():
        raise Http404("本平台未启用省统一身份认证登录。")
    try:
        claims, next_url = oidc.finish(params=request.GET, session=request.session)
        user = signon.oidc_user(
            issuer=settings.ONEWINDOW_OIDC_ISSUER,
            claims=claims,
            id_claim=settings.ONEWINDOW_OIDC_ID_CLAIM,
        )
    except oidc.OidcError as exc:
        return _failed(request, str(exc))
    except ValidationError as exc:
        return _failed(request, " ".join(exc.messages))
    login(request, user, backend=BACKEND)
    codes = _claimed_codes(claims)
    if codes:
        request.session[ORG_CLAIM_SESSION_KEY] = codes
        for org in services.organisations_for_claim(user=user, credit_codes=codes):
            messages.success(request, f"单位“{org.name}”已由省统一身份认证（法人）核验。")
    messages.success(request, f"已通过省统一身份认证登录，欢迎您，{user.display_name or user}。")
    return redirect(next_url or "home")
