"""Sign-in for browsers: a person signs in once with their token and gets a session cookie.

The cookie (Flask's signed session) holds the account name and the digest of the token used,
so revoking the token (``interlink-kg token revoke``) ends every session made with it. It is
HttpOnly, SameSite=Lax, and Secure when the catalogue is served over HTTPS.

Every request that changes something and would be authenticated by the cookie (no
``Authorization`` header) must carry the session's CSRF token (a form field ``csrf_token`` or an
``X-CSRF-Token`` header), so no other site can make a signed-in browser write. Bearer-token
clients are not affected: a token is never sent by a browser on its own.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from flask import Flask, request, session

from interlink_kg.errors import ForbiddenError
from interlink_kg.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_HOURS = 12
KEY_BYTES = 32


class CsrfError(ForbiddenError):
    code = "csrf_failed"


def secret_key(settings: Settings) -> bytes:
    """``INTERLINK_KG_SECRET_KEY``, else a random key kept (mode 0600) beside the tokens file,
    so sessions survive a restart; a fresh one per process when there is no tokens file."""
    if settings.secret_key:
        return settings.secret_key.encode()
    if settings.tokens_file is None:
        return secrets.token_bytes(32)
    path = Path(settings.tokens_file).with_name("session-secret")
    try:
        found = path.read_bytes()
        if len(found) >= KEY_BYTES:
            return found
    except FileNotFoundError:
        pass
    # Written whole beside it, then linked into place: no process ever reads half a key.
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    temporary = path.with_name(f".session-secret.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:  # another process, or a short file left by a crash
        found = path.read_bytes()
        if len(found) >= KEY_BYTES:
            return found
        os.replace(temporary, path)
        return key
    finally:
        temporary.unlink(missing_ok=True)
    return key


def csrf_token() -> str:
    """The session's CSRF token (made on first use; forms put it in a hidden field)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def sign_in(user: str, digest: str) -> None:
    session.clear()
    session.permanent = True
    session["user"] = user
    session["digest"] = digest
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def sign_out() -> None:
    session.clear()


def signed_in() -> tuple[str, str] | None:
    """(account, token digest) of the signed-in browser, if any."""
    user, digest = session.get("user"), session.get("digest")
    if isinstance(user, str) and isinstance(digest, str):
        return user, digest
    return None


# Unsafe methods that change nothing and never authenticate (public, read-only answers).
READ_ONLY_ENDPOINTS = frozenset(
    {"sparql.endpoint", "validation.validate", "recommendations.for_profiles"}
)


def _check_csrf() -> None:
    """Refuse a write made with the cookie but without the session's CSRF token: every form
    of the pages (signing in included, so no other site can sign a browser in as someone
    else), and any request a signed-in browser's cookie would authenticate."""
    if request.method in SAFE_METHODS or request.headers.get("Authorization"):
        return
    endpoint = request.endpoint or ""
    if endpoint in READ_ONLY_ENDPOINTS:
        return
    page_form = endpoint.startswith("pages.")
    if not page_form and signed_in() is None:
        return  # nothing a forged request could borrow
    sent = request.form.get(CSRF_FIELD) if request.form else None
    sent = sent or request.headers.get(CSRF_HEADER)
    expected = session.get(CSRF_FIELD)
    if not (isinstance(sent, str) and isinstance(expected, str)) or not hmac.compare_digest(
        sent, expected
    ):
        raise CsrfError(
            "this form has expired or did not come from this site: reload the page and try again"
        )


def install(app: Flask, settings: Settings) -> None:
    from datetime import timedelta

    app.secret_key = secret_key(settings)
    app.config.update(
        SESSION_COOKIE_NAME="interlink_kg_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_iri.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        # Twelve hours from signing in, not from the last request; and an answer that does
        # not change the session sets no cookie.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.before_request(_check_csrf)
