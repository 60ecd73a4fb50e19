"""The README's examples work as written: every ``sh`` block with ``curl`` lines is run by bash,
in order, against a live server (its address put in place of ``127.0.0.1:8080``), with the
README's own token commands, and every request must succeed (2xx)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import ROOT, LiveServer

from interlink_kg.curation.loading import load_bundled
from interlink_kg.store import Store

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = [
    b
    for b in re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    if "curl " in b or "token create" in b
]
# Each curl writes its status code to a file instead of its body to the terminal.
PRELUDE = """
curl() { command curl -sS -o /dev/null -w '%{http_code}\\n' "$@" >> "$STATUSES"; }
"""


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 4
    assert any("docs/examples/my-tool.ttl" in block for block in BLOCKS)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_readme_curl_line_succeeds(
    live_server: Callable[..., LiveServer], tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.json"

    def fill(store: Store, base: str) -> None:
        load_bundled(store, base, validate=False)

    server = live_server(fill, tokens_file=tokens, contact_email="catalogue@example.org")
    address = server.url.rstrip("/").removeprefix("http://")
    script = PRELUDE + "\n".join(BLOCKS)
    script = script.replace("127.0.0.1:8080", address)
    script = script.replace(".venv/bin/interlink-kg", f"{sys.executable} -m interlink_kg")
    statuses = tmp_path / "statuses"
    run = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=ROOT,
        env={**os.environ, "STATUSES": str(statuses), "INTERLINK_KG_TOKENS_FILE": str(tokens)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    codes = statuses.read_text().split()
    commands = len(re.findall(r"^curl ", "\n".join(BLOCKS), re.MULTILINE))
    assert len(codes) == commands
    failed = [(number, code) for number, code in enumerate(codes) if not code.startswith("2")]
    assert not failed, failed
