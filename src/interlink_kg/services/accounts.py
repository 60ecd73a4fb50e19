"""Bearer tokens: stored only as SHA-256 digests, in a JSON file or an environment variable.

Tokens are 256-bit random strings, so one fast hash is enough (no salt or key stretching is
needed against guessing); comparisons are constant-time.

File format: ``{"tokens": [{"user": "ana", "role": "curator", "sha256": "<hex>"}]}``.
Environment: ``INTERLINK_KG_TOKENS="ana:curator:<hex>,bob:contributor:<hex>"``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from interlink_kg.errors import BadRequestError, ConfigurationError
from interlink_kg.model.iris import is_identifier
from interlink_kg.model.roles import Account, Role


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenEntry:
    user: str
    role: Role
    digest: str


def _entry(user: str, role: str, digest: str, where: str) -> TokenEntry:
    if not is_identifier(user):
        raise ConfigurationError(f"{where}: user name {user!r} must be letters, digits, _ . -")
    try:
        parsed_role = Role.parse(role)
    except ValueError as exc:
        raise ConfigurationError(f"{where}: {exc}") from exc
    digest = digest.strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ConfigurationError(f"{where}: the token digest of {user!r} is not a SHA-256 hex")
    return TokenEntry(user, parsed_role, digest)


def _read_file(path: Path) -> list[TokenEntry]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the tokens file {path}: {exc}") from exc
    rows = document.get("tokens") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ConfigurationError(f'{path}: expected {{"tokens": [...]}}')
    return [
        _entry(str(r.get("user", "")), str(r.get("role", "")), str(r.get("sha256", "")), str(path))
        for r in rows
        if isinstance(r, dict)
    ]


def _read_env(value: str) -> list[TokenEntry]:
    out = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        pieces = item.split(":")
        if len(pieces) != 3:
            raise ConfigurationError("INTERLINK_KG_TOKENS entries are user:role:sha256hex")
        out.append(_entry(pieces[0], pieces[1], pieces[2], "INTERLINK_KG_TOKENS"))
    return out


@dataclass(frozen=True)
class TokenRegistry:
    entries: tuple[TokenEntry, ...]

    @classmethod
    def load(cls, tokens_file: Path | None, env_value: str | None) -> TokenRegistry:
        entries = _read_file(tokens_file) if tokens_file is not None else []
        entries += _read_env(env_value) if env_value else []
        return cls(tuple(entries))

    def authenticate(self, token: str) -> Account | None:
        digest = hash_token(token)
        found = None
        for entry in self.entries:
            if hmac.compare_digest(entry.digest, digest):
                found = Account(entry.user, entry.role)
        return found


def create_token(tokens_file: Path, user: str, role: Role) -> str:
    """Make a new token for ``user``, store its digest in ``tokens_file``, return the token."""
    try:
        entry = _entry(user, role.label, "0" * 64, str(tokens_file))
    except ConfigurationError as exc:
        raise BadRequestError(exc.message) from exc
    entries = list(_read_file(tokens_file))
    token = secrets.token_urlsafe(32)
    entries.append(TokenEntry(entry.user, entry.role, hash_token(token)))
    document = {
        "tokens": [{"user": e.user, "role": e.role.label, "sha256": e.digest} for e in entries]
    }
    tokens_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = tokens_file.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
    temporary.replace(tokens_file)
    return token
