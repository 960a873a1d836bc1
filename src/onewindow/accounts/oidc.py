"""The province's unified identity (省统一身份认证) as an OpenID Connect provider; we are the
relying party: discovery, the authorization code flow with PKCE (S256), state and nonce, the ID
token's signature checked against the provider's published keys (JWKS) and its claims (issuer,
audience, expiry, nonce) checked before anything is believed.

Authlib builds the requests (authorization URL, PKCE challenge, token request); joserfc, its
JOSE library, checks the ID token. Off while ONEWINDOW_OIDC_ISSUER is unset."""

import logging
import secrets

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

log = logging.getLogger("onewindow.accounts.oidc")

SESSION_KEY = "oidc_flow"
TIMEOUT = 10
# Asymmetric algorithms only: "none" and the shared-secret HS* are never accepted for ID tokens.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
UNREACHABLE = "暂时无法连接省统一身份认证平台，请稍后再试，或使用身份证号码（手机号码）和密码登录。"


class OidcError(Exception):
    """A sign-on that cannot be trusted or completed; the message is Chinese, for the page, and
    holds no personal data."""


def enabled() -> bool:
    return bool(settings.ONEWINDOW_OIDC_ISSUER and settings.ONEWINDOW_OIDC_CLIENT_ID)


def _get_json(url: str) -> dict:
    try:
        response = httpx.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("OIDC %s failed: %s", url.split("?")[0], type(exc).__name__)
        raise OidcError(UNREACHABLE) from exc
    if not isinstance(data, dict):
        raise OidcError(UNREACHABLE)
    return data


def metadata() -> dict:
    """The provider's discovery document (cached for an hour), its issuer checked."""
    issuer = settings.ONEWINDOW_OIDC_ISSUER
    key = f"ow-oidc-meta:{issuer}"
    meta = cache.get(key)
    if meta is None:
        meta = _get_json(f"{issuer}/.well-known/openid-configuration")
        needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if meta.get("issuer", "").rstrip("/") != issuer or not all(meta.get(k) for k in needed):
            log.warning("OIDC discovery document of %s is not usable", issuer)
            raise OidcError("省统一身份认证平台的配置信息不正确，请联系系统管理员核对认证地址。")
        cache.set(key, meta, 3600)
    return meta


def begin(*, redirect_uri: str, session, next_url: str = "") -> str:
    """The provider's authorization URL for a new sign-on; what the callback must check
    (state, nonce, PKCE verifier) is kept in the session."""
    meta = metadata()
    state, nonce, verifier = (
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(24),
        generate_token(64),
    )
    session[SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "next": next_url,
    }
    return prepare_grant_uri(
        meta["authorization_endpoint"],
        client_id=settings.ONEWINDOW_OIDC_CLIENT_ID,
        response_type="code",
        redirect_uri=redirect_uri,
        scope=settings.ONEWINDOW_OIDC_SCOPE,
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )


def _token(meta: dict, *, code: str, flow: dict) -> dict:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": flow["redirect_uri"],
        "code_verifier": flow["verifier"],
    }
    client = (settings.ONEWINDOW_OIDC_CLIENT_ID, settings.ONEWINDOW_OIDC_CLIENT_SECRET)
    methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    auth = None
    if "client_secret_basic" in methods:
        auth = client
    else:
        data.update(client_id=client[0], client_secret=client[1])
    try:
        response = httpx.post(meta["token_endpoint"], data=data, auth=auth, timeout=TIMEOUT)
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("OIDC token request failed: %s", type(exc).__name__)
        raise OidcError(UNREACHABLE) from exc
    if response.status_code != 200 or not isinstance(body, dict) or "id_token" not in body:
        error = body.get("error", "") if isinstance(body, dict) else ""
        log.warning("OIDC token request refused: HTTP %d %s", response.status_code, error[:40])
        raise OidcError("省统一身份认证平台未确认本次登录（授权码无效或已使用），请重新登录。")
    return body


def _verify(meta: dict, id_token: str, *, nonce: str) -> dict:
    allowed = [a for a in meta.get("id_token_signing_alg_values_supported", []) if a in ALGORITHMS]
    keys = _get_json(meta["jwks_uri"])
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=allowed or ["RS256"])
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        log.warning("OIDC ID token refused: %s", type(exc).__name__)
        raise OidcError("统一身份认证的登录凭证签名无效，本次登录未被接受，请重新登录。") from exc
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=60,
        # The issuer exactly as the provider spells it (a trailing slash included).
        iss={"essential": True, "value": meta["issuer"]},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        log.warning("OIDC ID token claims refused: %s", type(exc).__name__)
        raise OidcError("统一身份认证的登录凭证已过期或来源不符，请重新登录。") from exc
    audience = claims.get("aud")
    audience = [audience] if isinstance(audience, str) else list(audience or [])
    if settings.ONEWINDOW_OIDC_CLIENT_ID not in audience or (
        len(audience) > 1 and claims.get("azp") != settings.ONEWINDOW_OIDC_CLIENT_ID
    ):
        raise OidcError("统一身份认证的登录凭证不是签发给本平台的，本次登录未被接受。")
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        log.warning("OIDC ID token nonce mismatch")
        raise OidcError("统一身份认证的登录凭证与本次登录不符（可能被重放），请重新登录。")
    return claims


def finish(*, params, session) -> tuple[dict, str]:
    """Check the provider's answer against the session's flow, redeem the code and verify the ID
    token. Returns the verified claims and the page to go to next. The flow is used once."""
    flow = session.pop(SESSION_KEY, None)
    if params.get("error"):
        if params.get("error") == "access_denied":
            raise OidcError("您已取消省统一身份认证登录。")
        raise OidcError("省统一身份认证平台未完成登录，请重新登录。")
    if not flow:
        raise OidcError("登录已超时或已完成，请重新点击“省统一身份认证登录”。")
    if not secrets.compare_digest(str(params.get("state", "")), flow["state"]):
        log.warning("OIDC callback state mismatch")
        raise OidcError("登录请求校验失败（状态参数不符），请重新点击“省统一身份认证登录”。")
    code = params.get("code", "")
    if not code:
        raise OidcError("省统一身份认证平台未返回授权码，请重新登录。")
    meta = metadata()
    body = _token(meta, code=code, flow=flow)
    return _verify(meta, body["id_token"], nonce=flow["nonce"]), flow.get("next", "")
