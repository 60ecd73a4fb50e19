"""Query expansion from the activity thesaurus: the words of a task that name a kind of work
bring in the other words used for that work ("coordinate" brings "calendar" and "board").

The thesaurus is a SKOS scheme in the catalogue (``vocabularies/activities``); each concept is a
kind of work with its labels in en/es/it/lv. A label is present in a text when all its content
words are (compared as stems, like the rest of the text relevance); then every other label of
the concept joins the match as a related word, which counts for less than the task's own words
(:data:`interlink_kg.finding.ranking.THESAURUS_WEIGHT`). A concept typed
``ilk:SynonymSet`` is different: its labels are names for one and the same thing ("stakeholders",
"attori coinvolti"), so a label it brings in counts as one word of the text's own (``synonym``;
each word of a label of n words counts 1/n: ``share``).
Pure apart from :func:`from_store`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Literal

from interlink_kg.model.labels import FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES
from interlink_kg.queries import query
from interlink_kg.store.base import Store

TRUE = Literal(True)
MAX_RELATED = 48  # related stems added to one text at most (the query stays small)

Analyser = Callable[[str, str], list[tuple[str, str]]]


@dataclass(frozen=True)
class Label:
    stems: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Related:
    word: str  # the thesaurus word as written in its label
    because_of: str  # the text's word that brought it
    trigger: tuple[str, ...]  # the stems of ``because_of``
    synonym: bool = False  # another name for the same thing (an ``ilk:SynonymSet``'s label)
    share: float = 1.0  # its part of its label: 1 / the label's words


class Thesaurus:
    """Labels by language and concept, analysed like the texts they are compared with."""

    def __init__(
        self, labels: dict[str, dict[str, list[Label]]], synonyms: frozenset[str] = frozenset()
    ) -> None:
        self._labels = labels  # language -> concept -> labels
        self._synonyms = synonyms  # the concepts whose labels name one thing

    @classmethod
    def of(
        cls,
        rows: Iterable[tuple[str, Literal]],
        analyse: Analyser,
        synonyms: frozenset[str] = frozenset(),
    ) -> Thesaurus:
        """The thesaurus of ``(concept, label)`` rows; ``synonyms``: the concepts whose labels
        are names for one and the same thing."""
        labels: dict[str, dict[str, list[Label]]] = defaultdict(lambda: defaultdict(list))
        # in an order of their own, not the store's: which concept's words come first decides
        # which are kept under MAX_RELATED, and a store on disk answers in another order than
        # one in memory (the same request ranked differently on two backends)
        for concept, label in sorted(
            rows, key=lambda row: (row[0], str(row[1]), row[1].language or "")
        ):
            lang = (label.language or FALLBACK_LANGUAGE).split("-")[0]
            if lang not in SUPPORTED_LANGUAGES:
                continue
            analysed = analyse(str(label), lang)
            if analysed:
                stems, words = zip(*analysed, strict=True)
                labels[lang][concept].append(Label(tuple(stems), tuple(words)))
        by_language = {lang: dict(by_concept) for lang, by_concept in labels.items()}
        return cls(by_language, synonyms)

    def related(self, analysed: list[tuple[str, str]], lang: str) -> dict[str, Related]:
        """The related words of a text (its ``(stem, word)`` pairs), by stem; none of them is
        a word of the text itself."""
        present = {stem for stem, _ in analysed}
        word_of: dict[str, str] = {}
        for stem, word in analysed:
            word_of.setdefault(stem, word)
        out: dict[str, Related] = {}
        for concept, labels in self._labels.get(lang, {}).items():
            trigger = next((label for label in labels if set(label.stems) <= present), None)
            if trigger is None:
                continue
            because = " ".join(word_of[s] for s in trigger.stems)
            synonym = concept in self._synonyms
            for label in labels:
                share = 1 / len(label.stems)
                for stem, word in zip(label.stems, label.words, strict=True):
                    if stem not in present and stem not in out and len(out) < MAX_RELATED:
                        out[stem] = Related(word, because, trigger.stems, synonym, share)
        return out


def from_store(store: Store, analyse: Analyser) -> Thesaurus:
    found = store.select(query("relevance-thesaurus"))
    rows = [(str(r["concept"]), r["label"]) for r in found if isinstance(r["label"], Literal)]
    synonyms = frozenset(str(r["concept"]) for r in found if r["synonyms"] == TRUE)
    return Thesaurus.of(rows, analyse, synonyms)
