"""Tokens: created once, stored as digests, checked in constant time; roles are ordered."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from interlink_kg.errors import ConfigurationError
from interlink_kg.model.roles import Account, Role
from interlink_kg.services.accounts import TokenRegistry, create_token, hash_token


def test_created_token_is_stored_only_as_a_digest(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    token = create_token(tokens, "ana", Role.CURATOR)
    text = tokens.read_text()
    assert token not in text
    assert hash_token(token) in text
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    registry = TokenRegistry.load(tokens, None)
    assert registry.authenticate(token) == Account("ana", Role.CURATOR)
    assert registry.authenticate(token + "x") is None


def test_tokens_from_the_environment(tmp_path: Path) -> None:
    registry = TokenRegistry.load(None, f"bob:contributor:{hash_token('secret-bob')}")
    assert registry.authenticate("secret-bob") == Account("bob", Role.CONTRIBUTOR)


def test_a_second_token_keeps_the_first(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    first = create_token(tokens, "ana", Role.CONTRIBUTOR)
    second = create_token(tokens, "cora", Role.ADMIN)
    registry = TokenRegistry.load(tokens, None)
    assert registry.authenticate(first) == Account("ana", Role.CONTRIBUTOR)
    assert registry.authenticate(second) == Account("cora", Role.ADMIN)
    assert len(json.loads(tokens.read_text())["tokens"]) == 2


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("not json", "cannot read"),
        ('{"tokens": [{"user": "a b", "role": "curator", "sha256": "' + "0" * 64 + '"}]}', "user"),
        ('{"tokens": [{"user": "a", "role": "boss", "sha256": "' + "0" * 64 + '"}]}', "role"),
        ('{"tokens": [{"user": "a", "role": "curator", "sha256": "xyz"}]}', "SHA-256"),
    ],
)
def test_bad_tokens_file(tmp_path: Path, content: str, needle: str) -> None:
    tokens = tmp_path / "tokens.json"
    tokens.write_text(content)
    with pytest.raises(ConfigurationError, match=needle):
        TokenRegistry.load(tokens, None)


def test_roles_are_ordered() -> None:
    assert Account("a", Role.ADMIN).can(Role.CURATOR)
    assert Account("a", Role.CURATOR).can(Role.CONTRIBUTOR)
    assert not Account("a", Role.CONTRIBUTOR).can(Role.CURATOR)


def test_cli_creates_a_token(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tokens = tmp_path / "t.json"
    result = cli("token", "ana", "--role", "curator", "--tokens-file", str(tokens))
    assert result.code == 0, result.err
    token = result.out.strip()
    assert TokenRegistry.load(tokens, None).authenticate(token) == Account("ana", Role.CURATOR)
    bad = cli("token", "a b", "--role", "curator", "--tokens-file", str(tokens))
    assert bad.code == 2
    assert "user name" in bad.err
