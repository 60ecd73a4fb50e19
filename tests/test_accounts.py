"""Tokens: created once, stored as digests, checked in constant time; roles are ordered."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from interlink_kg.curation.accounts import (
    TokenRegistry,
    create_token,
    hash_token,
    read_tokens_file,
)
from interlink_kg.errors import ConfigurationError
from interlink_kg.model.roles import Account, Role


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


GOOD = {"user": "ana", "role": "curator", "sha256": hash_token("secret-ana")}


@pytest.mark.parametrize(
    ("bad_entry", "needle"),
    [
        ({"user": "a b", "role": "curator", "sha256": "0" * 64}, "user"),
        ({"user": "a", "role": "boss", "sha256": "0" * 64}, "role"),
        ({"user": "a", "role": "curator", "sha256": "xyz"}, "SHA-256"),
        ("not an object", "not an object"),
    ],
)
def test_one_bad_entry_is_reported_and_the_others_still_work(
    tmp_path: Path, bad_entry: object, needle: str
) -> None:
    tokens = tmp_path / "tokens.json"
    tokens.write_text(json.dumps({"tokens": [bad_entry, GOOD]}))
    registry = TokenRegistry.load(tokens, None)
    assert registry.authenticate("secret-ana") == Account("ana", Role.CURATOR)
    assert registry.complete
    assert any(needle in problem and "entry 1" in problem for problem in registry.problems)
    with pytest.raises(ConfigurationError, match=needle):
        read_tokens_file(tokens)  # commands that rewrite the file refuse to drop it


@pytest.mark.parametrize("content", ["not json", '{"tokens": 3}', "[]", "\x00\xff"])
def test_an_unreadable_file_leaves_the_registry_incomplete(tmp_path: Path, content: str) -> None:
    tokens = tmp_path / "tokens.json"
    tokens.write_text(content)
    registry = TokenRegistry.load(tokens, f"bob:contributor:{hash_token('secret-bob')}")
    assert not registry.complete
    assert registry.authenticate("secret-bob") == Account("bob", Role.CONTRIBUTOR)
    assert str(tokens) in registry.problems[0]


def test_roles_are_ordered() -> None:
    assert Account("a", Role.ADMIN).can(Role.CURATOR)
    assert Account("a", Role.CURATOR).can(Role.CONTRIBUTOR)
    assert not Account("a", Role.CONTRIBUTOR).can(Role.CURATOR)


def test_cli_creates_lists_and_revokes_tokens(cli, tmp_path: Path) -> None:
    tokens = tmp_path / "t.json"
    result = cli("token", "create", "ana", "--role", "curator", "--tokens-file", str(tokens))
    assert result.code == 0, result.err
    token = result.out.strip()
    assert TokenRegistry.load(tokens, None).authenticate(token) == Account("ana", Role.CURATOR)
    bad = cli("token", "create", "a b", "--role", "curator", "--tokens-file", str(tokens))
    assert bad.code == 2
    assert "user name" in bad.err
    second = cli("token", "create", "bob", "--role", "contributor", "--tokens-file", str(tokens))
    listed = cli("token", "list", "--tokens-file", str(tokens))
    assert listed.code == 0
    rows = [line.split("\t") for line in listed.out.splitlines()]
    assert [(user, role) for user, role, _ in rows] == [("ana", "curator"), ("bob", "contributor")]
    assert token not in listed.out
    assert hash_token(token)[:12] == rows[0][2]
    revoked = cli("token", "revoke", "ana", "--tokens-file", str(tokens))
    assert revoked.code == 0, revoked.err
    registry = TokenRegistry.load(tokens, None)
    assert registry.authenticate(token) is None
    assert registry.authenticate(second.out.strip()) == Account("bob", Role.CONTRIBUTOR)
    missing = cli("token", "revoke", "ana", "--tokens-file", str(tokens))
    assert missing.code != 0
    assert "no token of 'ana'" in missing.err
