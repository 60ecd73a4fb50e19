"""Turn upstream HTML snippets into plain text (DCAT-AP wants plain-text descriptions)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
_TRIVIAL = {"", "none", "-", "n/a", "na", "no", "some text here"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment: block elements become line breaks, lists ``- `` items."""
    collector = _TextCollector()
    collector.feed(value)
    collector.close()
    text = unescape("".join(collector.parts))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def is_trivial(value: str) -> bool:
    """True for placeholder texts such as 'None' or 'Some text here'."""
    return html_to_text(value).strip().rstrip(".").lower() in _TRIVIAL
