"""Where a form may send a browser back to: a path on this site, and nothing else."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def local_path(target: str | None) -> str:
    """A path on this site to go back to: never another site, never a character a browser or
    a header would read differently (controls, spaces, backslashes); else ``/``."""
    if not target or len(target) > 2000 or not target.isascii():
        return "/"
    for form in (target, unquote(target)):  # also as any percent-decoding would read it
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "\\" for c in form):
            return "/"
        if form.startswith("//"):
            return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
