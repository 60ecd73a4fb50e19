"""Bearer-token authentication for writes: 401 without a valid token, 403 without the role."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Request

from interlink_kg.curation.accounts import TokenRegistry, hash_token
from interlink_kg.errors import ForbiddenError, InterlinkKGError, UnauthorizedError
from interlink_kg.model.roles import Account, Role
from interlink_kg.web import browser_session

log = logging.getLogger(__name__)


class AuthenticationUnavailableError(InterlinkKGError):
    code = "authentication_unavailable"
    status = 503
    retry_after = 30


class Authenticator:
    """Reads tokens from the file and environment; re-reads the file when it changes."""

    def __init__(self, tokens_file: Path | None, tokens_env: str | None) -> None:
        self._file = tokens_file
        self._env = tokens_env
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._registry = TokenRegistry(())
        self._refresh()

    def _refresh(self) -> None:
        try:
            stamp = self._file.stat().st_mtime if self._file and self._file.exists() else None
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or not self._registry.entries:
                registry = TokenRegistry.load(self._file, self._env)
                if registry.problems and registry.problems != self._registry.problems:
                    for problem in registry.problems:  # the operator's log, never a response
                        log.warning("tokens: %s", problem)
                self._registry = registry
                self._stamp = stamp

    def account(self, request: Request) -> Account | None:
        """The bearer token's account; without an ``Authorization`` header, the signed-in
        browser's (while its token is still valid)."""
        header = request.headers.get("Authorization", "")
        if not header:
            return self._session_account()
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        self._refresh()
        account = self._registry.authenticate(token.strip())
        if account is None and not self._registry.complete:
            raise AuthenticationUnavailableError(
                "tokens cannot be checked right now: the server's tokens file is unreadable "
                "(its operator's log says why)"
            )
        return account

    def _session_account(self) -> Account | None:
        found = browser_session.signed_in()
        if found is None:
            return None
        user, digest = found
        self._refresh()
        roles = [e.role for e in self._registry.entries if e.user == user and e.digest == digest]
        return Account(user, max(roles)) if roles else None

    def sign_in(self, token: str) -> Account | None:
        """The account of ``token``, with the browser session started; None for a wrong one."""
        self._refresh()
        account = self._registry.authenticate(token.strip())
        if account is not None:
            browser_session.sign_in(account.user, hash_token(token.strip()))
        return account

    def knows(self, user: str) -> bool:
        """True when ``user`` holds a token (an account that can sign in)."""
        self._refresh()
        return any(entry.user == user for entry in self._registry.entries)

    def require(self, request: Request, role: Role) -> Account:
        account = self.account(request)
        if account is None:
            raise UnauthorizedError(
                "this needs a bearer token: send 'Authorization: Bearer <token>'",
                details={"needed": role.label},
            )
        if not account.can(role):
            raise ForbiddenError(
                f"this needs the {role.label} role; you are {account.role.label}",
                details={"needed": role.label, "role": account.role.label},
            )
        return account
