"""A tiny OpenID Connect provider for the tests: the province's unified identity in miniature.

A WSGI app served by wsgiref in a thread on 127.0.0.1 (a free port): discovery, /authorize
(consents at once for the configured user and redirects back with a code), /token (checks the
client, the code, the redirect URI and the PKCE verifier, then answers with an RS256-signed ID
token), /jwks. A test can make it misbehave: sign with a key it does not publish, put another
nonce in the token, leave a claim out.

    with OidcProvider(client_id="ow", client_secret="s", claims={...}) as op:
        settings.ONEWINDOW_OIDC_ISSUER = op.issuer
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwt
from joserfc.jwk import RSAKey


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # no request lines in the test output
        pass


class _ThreadedServer(WSGIServer):
    daemon_threads = True


class OidcProvider:
    def __init__(self, *, client_id: str, client_secret: str, claims: dict[str, Any]):
        self.client_id = client_id
        self.client_secret = client_secret
        self.claims = dict(claims)  # the consenting user's claims (sub, name, id_card, ...)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "op-1", "use": "sig"})
        self.sign_with = self.key  # set to another key: a signature the published keys refuse
        self.nonce_override: str | None = None  # a nonce other than the one asked for
        self.lifetime = 300
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self._server = None
        self._thread = None
        self.issuer = ""

    # --- the server ------------------------------------------------------------------------

    def start(self) -> "OidcProvider":
        self._server = make_server(
            "127.0.0.1", 0, self, server_class=_ThreadedServer, handler_class=_Quiet
        )
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> "OidcProvider":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- WSGI --------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/.well-known/openid-configuration":
            return self._json(start_response, 200, self.discovery())
        if path == "/jwks":
            return self._json(start_response, 200, {"keys": [self.key.as_dict(private=False)]})
        if path == "/authorize":
            return self._authorize(start_response, query)
        if path == "/token" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            return self._token(start_response, form, environ.get("HTTP_AUTHORIZATION", ""))
        return self._json(start_response, 404, {"error": "not_found"})

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "scopes_supported": ["openid", "profile", "phone"],
        }

    @staticmethod
    def _json(start_response, status: int, data: dict):
        body = json.dumps(data).encode()
        reason = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized"}
        start_response(
            f"{status} {reason.get(status, 'Not Found')}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _authorize(self, start_response, q: dict):
        if q.get("client_id") != self.client_id or q.get("response_type") != "code":
            return self._json(start_response, 400, {"error": "invalid_request"})
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return self._json(start_response, 400, {"error": "invalid_request", "pkce": "S256"})
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": q["redirect_uri"],
            "nonce": q.get("nonce", ""),
            "challenge": q["code_challenge"],
        }
        target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")})
        start_response("302 Found", [("Location", target), ("Content-Length", "0")])
        return [b""]

    def _client_ok(self, form: dict, authorization: str) -> bool:
        if authorization.startswith("Basic "):
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            return (user, password) == (self.client_id, self.client_secret)
        return (form.get("client_id"), form.get("client_secret")) == (
            self.client_id,
            self.client_secret,
        )

    def _token(self, start_response, form: dict, authorization: str):
        self.token_requests.append(form)
        if not self._client_ok(form, authorization):
            return self._json(start_response, 401, {"error": "invalid_client"})
        grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(start_response, 400, {"error": "invalid_grant"})
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant["challenge"]:
            return self._json(start_response, 400, {"error": "invalid_grant", "pkce": "mismatch"})
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + self.lifetime,
            "nonce": self.nonce_override if self.nonce_override is not None else grant["nonce"],
            **self.claims,
        }
        id_token = jwt.encode(
            {"alg": "RS256", "kid": self.sign_with.kid},
            claims,
            self.sign_with,
            algorithms=["RS256"],
        )
        return self._json(
            start_response,
            200,
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )
