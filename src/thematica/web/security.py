"""Who may talk to the local server, and how: an access token, a session cookie, CSRF, strict headers.

* The server prints a URL with a random token. Visiting it once sets an
  HttpOnly, SameSite=Strict session cookie and redirects to the same page
  without the token. Every other request needs that cookie (or the token as
  ``Authorization: Bearer``): otherwise 401.
* Every request that changes anything (POST, PUT, PATCH, DELETE) must carry
  the CSRF token, as the ``X-CSRF-Token`` header (fetch) or a ``csrf`` form
  field: otherwise 403. The token is in a ``<meta>`` tag of every page.
* Every response says: only this origin's scripts, styles and images; no
  framing; no referrer; no sniffing.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

COOKIE = "thematica_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Secrets:
    """The access token (in the URL once, then the cookie) and the CSRF token (in every page)."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


class GuardMiddleware(BaseHTTPMiddleware):
    """Token, cookie, CSRF and security headers for every request."""

    def __init__(self, app: object, secrets_: Secrets) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.secrets = secrets_

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await self._guard(request, call_next)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def _guard(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        given = request.query_params.get("token")
        if given is not None and request.method in SAFE_METHODS:
            if not _same(given, self.secrets.token):
                return _refuse(request, 401, "wrong access token")
            rest = [(k, v) for k, v in parse_qsl(request.url.query) if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            redirect = RedirectResponse(target, status_code=303)
            redirect.set_cookie(COOKIE, self.secrets.token, httponly=True, samesite="strict", path="/")
            return redirect
        bearer = request.headers.get("authorization", "")
        authorised = _same(request.cookies.get(COOKIE), self.secrets.token) or (
            bearer.startswith("Bearer ") and _same(bearer[7:], self.secrets.token)
        )
        if not authorised:
            return _refuse(request, 401, "open the link with the access token that 'thematica serve' printed")
        if request.method not in SAFE_METHODS and not await self._csrf_ok(request):
            return _refuse(request, 403, "missing or wrong CSRF token; reload the page")
        return await call_next(request)

    async def _csrf_ok(self, request: Request) -> bool:
        if _same(request.headers.get(CSRF_HEADER), self.secrets.csrf):
            return True
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            await request.body()  # cache the body, so the handler can still read the form
            form = await request.form()
            value = form.get(CSRF_FIELD)
            return isinstance(value, str) and _same(value, self.secrets.csrf)
        return False


def _refuse(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(f"{status}: {message}", status_code=status)
