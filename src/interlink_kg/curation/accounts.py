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

from interlink_kg.errors import BadRequestError, ConfigurationError, NotFoundError
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


def _rows(path: Path) -> list[object]:
    """The entries of a tokens file (none when it does not exist); ConfigurationError when it
    cannot be read as a whole."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the tokens file {path}: {exc}") from exc
    rows = document.get("tokens") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ConfigurationError(f'{path}: expected {{"tokens": [...]}}')
    return rows


def _row_entry(row: object, where: str) -> TokenEntry:
    if not isinstance(row, dict):
        raise ConfigurationError(f"{where}: an entry is not an object")
    return _entry(
        str(row.get("user", "")), str(row.get("role", "")), str(row.get("sha256", "")), where
    )


def read_tokens_file(path: Path) -> list[TokenEntry]:
    """Every entry of the file, strictly (for commands that rewrite it: a bad entry stops them
    rather than being dropped from the file)."""
    return [_row_entry(row, str(path)) for row in _rows(path)]


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
    """The tokens the server accepts, read leniently: an entry that cannot be read is left
    out and reported in ``problems`` (one bad line must not lock every curator out); a file
    that cannot be read at all makes the registry ``incomplete`` (its tokens are unknown, so a
    token not found may be valid: the server says it cannot check, rather than "wrong")."""

    entries: tuple[TokenEntry, ...]
    problems: tuple[str, ...] = ()
    complete: bool = True

    @classmethod
    def load(cls, tokens_file: Path | None, env_value: str | None) -> TokenRegistry:
        entries: list[TokenEntry] = []
        problems: list[str] = []
        complete = True
        if tokens_file is not None:
            try:
                rows = _rows(tokens_file)
            except ConfigurationError as exc:
                rows, complete = [], False
                problems.append(exc.message)
            for number, row in enumerate(rows, 1):
                try:
                    entries.append(_row_entry(row, f"{tokens_file}, entry {number}"))
                except ConfigurationError as exc:
                    problems.append(exc.message)
        for item in filter(None, (part.strip() for part in (env_value or "").split(","))):
            try:
                entries.extend(_read_env(item))
            except ConfigurationError as exc:
                problems.append(exc.message)
        return cls(tuple(entries), tuple(problems), complete)

    def authenticate(self, token: str) -> Account | None:
        digest = hash_token(token)
        found = None
        for entry in self.entries:
            if hmac.compare_digest(entry.digest, digest):
                found = Account(entry.user, entry.role)
        return found


def _write_tokens_file(tokens_file: Path, entries: list[TokenEntry]) -> None:
    document = {
        "tokens": [{"user": e.user, "role": e.role.label, "sha256": e.digest} for e in entries]
    }
    tokens_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = tokens_file.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
    temporary.replace(tokens_file)


def create_token(tokens_file: Path, user: str, role: Role) -> str:
    """Make a new token for ``user``, store its digest in ``tokens_file``, return the token."""
    try:
        entry = _entry(user, role.label, "0" * 64, str(tokens_file))
    except ConfigurationError as exc:
        raise BadRequestError(exc.message) from exc
    entries = read_tokens_file(tokens_file)
    token = secrets.token_urlsafe(32)
    entries.append(TokenEntry(entry.user, entry.role, hash_token(token)))
    _write_tokens_file(tokens_file, entries)
    return token


def list_tokens(tokens_file: Path) -> list[TokenEntry]:
    return read_tokens_file(tokens_file)


def revoke_tokens(tokens_file: Path, user: str, digest_prefix: str | None = None) -> int:
    """Remove ``user``'s tokens (only the one whose digest starts with ``digest_prefix`` when
    given); how many were removed. NotFoundError when none matched."""
    entries = read_tokens_file(tokens_file)
    prefix = (digest_prefix or "").strip().lower()
    kept = [e for e in entries if not (e.user == user and e.digest.startswith(prefix))]
    removed = len(entries) - len(kept)
    if removed == 0:
        raise NotFoundError(
            f"no token of {user!r}"
            + (f" with a digest starting {prefix!r}" if prefix else "")
            + f" in {tokens_file}"
        )
    if prefix and removed > 1:
        raise BadRequestError(
            f"{removed} tokens of {user!r} have digests starting {prefix!r}: give more of it"
        )
    _write_tokens_file(tokens_file, kept)
    return removed
