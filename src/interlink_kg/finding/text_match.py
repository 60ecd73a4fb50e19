"""How an INTERLINKER's words matched a task's: the record the ranking explains. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from interlink_kg.finding.thesaurus import Related


@dataclass(frozen=True)
class TextMatch:
    score: float  # 0..1, the best match of the task being 1
    words: tuple[str, ...]  # task words the INTERLINKER matched, best part first
    part: str  # where the first of them is: "task title", "task description"...
    language: str  # the language the match was made in
    fallback: bool  # True when English stood in for the asked language
    # words of the activity thesaurus it matched, each with the task word that brought it
    related: tuple[Related, ...] = ()
    parts: tuple[str, ...] = ()  # the part each of ``words`` was found in

    def by_part(self) -> list[tuple[str, list[str]]]:
        """``words`` grouped by the part they were found in, best part first."""
        groups: list[tuple[str, list[str]]] = []
        parts = self.parts or (self.part,) * len(self.words)
        for word, part in zip(self.words, parts, strict=True):
            if groups and groups[-1][0] == part:
                groups[-1][1].append(word)
            else:
                groups.append((part, [word]))
        return groups
