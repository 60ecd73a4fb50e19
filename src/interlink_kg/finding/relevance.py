"""Text relevance for the ranking: how well an INTERLINKER's words match a task's words.

BM25 (:mod:`interlink_kg.finding.bm25`: SQLite FTS5's ``bm25`` scores over posting arrays, so
that a query costs little more than its words' postings) over each INTERLINKER's title,
keywords, the labels of the problem profiles it addresses and its description (weighted in that
order), one index per language, of words with stop words removed (``stopwordsiso``) and
reduced to their stems by the Snowball stemmers (PyStemmer: English, Spanish, Italian; Latvian
words are kept whole, Snowball having no Latvian stemmer). IDF weighting makes a rare word
("personas") count and a common one ("service") hardly at all.

A task is matched in the asked language when it has text in it, else in English; so is each
INTERLINKER (the explanation says when English stood in). The task's own title counts most,
then its description, then its objective's and phase's titles; a word of its title or
description that another task of its objective has in its title counts
``ranking.SIBLING_SHARED_WEIGHT`` of that (the words that tell siblings apart weigh more). All
the words go into one BM25 pass, each weighted by the parts it comes from. Scores are returned
normalised to the best one (1.0) with, for each INTERLINKER, the task words it matched and
where.

The indexes are built once, then patched per change of the catalogue
(:mod:`interlink_kg.finding.maintained`): the INTERLINKERs a change touched are analysed again
into small indexes of their own that stand in for their old texts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

import Stemmer
import stopwordsiso
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.finding import ranking, thesaurus
from interlink_kg.finding.bm25 import Bm25, Layered
from interlink_kg.finding.maintained import Maintained
from interlink_kg.finding.task_table import Texts, grouped_texts, task_texts
from interlink_kg.finding.text_match import TextMatch
from interlink_kg.model.labels import FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.vocab import DCTERMS

# Which words of the task count, and how much (the part a matched word came from).
PART_WEIGHTS: Mapping[str, float] = {
    "task title": 1.0,
    "task description": 0.6,
    "objective": 0.3,
    "phase": 0.15,
}
# bm25 column weights: title, keywords, problem labels, description.
FIELDS = ("title", "keywords", "problems", "description")
FIELD_WEIGHTS = (4.0, 2.0, 1.0, 2.0)
_STEMMERS = {"en": "english", "es": "spanish", "it": "italian"}
# Words that every task and INTERLINKER of this catalogue uses, so they tell nothing apart
# (on top of each language's general stop words).
DOMAIN_STOP_WORDS: Mapping[str, frozenset[str]] = {
    "en": frozenset(
        [
            "define",
            "service",
            "services",
            "public",
            "co",
            "production",
            "coproduction",
            "produce",
            "produced",
            "use",
            "used",
            "using",
            "help",
            "helps",
            "tool",
            "tools",
            "way",
            "ways",
            "make",
        ]
    ),
    "es": frozenset(
        [
            "definir",
            "defina",
            "servicio",
            "servicios",
            "público",
            "pública",
            "públicos",
            "públicas",
            "coproducción",
            "coproducir",
            "usar",
            "herramienta",
            "herramientas",
        ]
    ),
    "it": frozenset(
        [
            "definire",
            "definisci",
            "servizio",
            "servizi",
            "pubblico",
            "pubblica",
            "pubblici",
            "pubbliche",
            "coproduzione",
            "coprodurre",
            "usare",
            "strumento",
            "strumenti",
        ]
    ),
    "lv": frozenset(
        [
            "definēt",
            "definējiet",
            "pakalpojums",
            "pakalpojuma",
            "pakalpojumu",
            "pakalpojumi",
            "publisks",
            "publiskais",
            "publiskā",
            "publisko",
            "kopradīšana",
            "kopradīšanas",
            "rīks",
            "rīki",
        ]
    ),
}
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
MAX_QUERY_WORDS = 64
FALLBACK_FACTOR = 0.8  # an English match standing in for the asked language
MAX_MATCHES = 120  # best-matching INTERLINKERs read for a task's words (the rest score ~0)
MAX_SCORED = 60  # INTERLINKERs whose matched words are worked out, best first
# The parts whose words bring in related words of the activity thesaurus (finding/thesaurus.py),
# which count ranking.THESAURUS_WEIGHT of the part they came from.
RELATED_PARTS = frozenset({"task title", "task description"})
# The titles of the other tasks of the task's objective (``task-texts.rq``): not matched
# themselves, they tell which words of the task it shares with them (those count
# ranking.SIBLING_SHARED_WEIGHT in the parts of RELATED_PARTS).
SIBLING_PART = "sibling title"
MERGE_AT = 1000  # INTERLINKERs changed since the first build that make the warmer build again


def _language(tag: str | None) -> str:
    """The two-letter language of a tag (none: English)."""
    return (tag or FALLBACK_LANGUAGE).split("-")[0].lower()


@cache
def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    name = _STEMMERS.get(lang)
    return Stemmer.Stemmer(name) if name else None


@cache
def _stop_words(lang: str) -> frozenset[str]:
    general = stopwordsiso.stopwords(lang) if stopwordsiso.has_lang(lang) else set()
    return frozenset(w.lower() for w in general) | DOMAIN_STOP_WORDS.get(lang, frozenset())


def analyse(text: str, lang: str) -> list[tuple[str, str]]:
    """(stem, word) for each content word of ``text`` in ``lang``: lower-cased, stop words
    dropped, stemmed where a Snowball stemmer exists."""
    words = [w.lower() for w in _WORD.findall(text)]
    stop = _stop_words(lang)
    kept = [w for w in words if w not in stop]
    stemmer = _stemmer(lang)
    stems = stemmer.stemWords(kept) if stemmer is not None else kept
    return list(zip(stems, kept, strict=True))


@dataclass(frozen=True)
class TextScores:
    """A task's word matches in one language: kept and shared between requests, so read-only."""

    language: str
    matches: Mapping[str, TextMatch] = field(  # item IRI -> match
        default_factory=lambda: MappingProxyType({})
    )
    task_fallback: bool = False  # the task has no text in the asked language


class _Documents:
    """The analysed texts of some INTERLINKERs (every one, or those a change touched: ``items``),
    one BM25 index per language of those that have a title or description in it."""

    def __init__(
        self,
        store: Store,
        label_stems: Mapping[str, Mapping[str, list[str]]],
        items: Sequence[str] | None = None,
    ) -> None:
        bound = {"item": [URIRef(i) for i in items]} if items is not None else None
        texts: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        for item, field_name, text, tag in store.select_values(query("relevance-texts", bound)):
            if item is None or field_name is None or text is None:
                continue
            lang = _language(tag)
            if lang in SUPPORTED_LANGUAGES:
                texts[item][lang][field_name].append(text)
        problems: dict[str, list[str]] = defaultdict(list)  # item -> the profiles it addresses
        for item, problem in store.select_values(query("relevance-problems", bound)):
            if item is not None and problem is not None:
                problems[item].append(problem)
        self.items = frozenset(texts)
        self.stems: dict[tuple[str, str], set[str]] = {}
        self.bm25: dict[str, Bm25] = {}
        for lang in SUPPORTED_LANGUAGES:
            labels = label_stems.get(lang, {})
            documents: list[tuple[str, list[list[str]]]] = []
            for item in sorted(texts):  # ties go to the smaller IRI
                fields = texts[item].get(lang)
                if not fields or not (fields.get("title") or fields.get("description")):
                    continue
                stems = [
                    [s for s, _ in analyse(" ".join(fields.get(f, [])), lang)]
                    if f != "problems"
                    else [s for p in problems.get(item, ()) for s in labels.get(p, ())]
                    for f in FIELDS
                ]
                self.stems[(item, lang)] = {s for words in stems for s in words}
                documents.append((item, stems))
            self.bm25[lang] = Bm25(documents, FIELD_WEIGHTS)


def _label_stems(store: Store) -> dict[str, dict[str, list[str]]]:
    """The stems of each problem profile's labels, by language then profile (each analysed once,
    whatever the number of INTERLINKERs addressing it)."""
    labels: dict[tuple[str, str], list[str]] = defaultdict(list)  # (profile, lang) -> texts
    for problem, label, tag in store.select_values(query("relevance-labels")):
        if problem is not None and label is not None and _language(tag) in SUPPORTED_LANGUAGES:
            labels[(problem, _language(tag))].append(label)
    out: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for (problem, lang), found in labels.items():
        out[lang][problem] = [s for s, _ in analyse(" ".join(found), lang)]
    return out


class _Index:
    """The BM25 indexes of the catalogue, one per language: those of the first build, and those
    of the INTERLINKERs changed since (``patched``), which stand in for theirs with the scores
    of one index built again (:class:`~interlink_kg.finding.bm25.Layered`)."""

    def __init__(
        self,
        store: Store,
        *,
        base: _Documents | None = None,
        changed: frozenset[str] = frozenset(),
        labels: dict[str, dict[str, list[str]]] | None = None,
        words: thesaurus.Thesaurus | None = None,
    ) -> None:
        self._labels = labels if labels is not None else _label_stems(store)
        self._base = base if base is not None else _Documents(store, self._labels)
        self._changed = changed
        self._overlay = _Documents(store, self._labels, sorted(changed)) if changed else None
        self._layered = {
            lang: Layered(
                self._base.bm25[lang], changed, self._overlay.bm25[lang] if self._overlay else None
            )
            for lang in SUPPORTED_LANGUAGES
        }
        self.thesaurus = words if words is not None else thesaurus.from_store(store, analyse)

    def patched(self, store: Store, subjects: frozenset[str]) -> _Index:
        """This index with the INTERLINKERs among ``subjects`` read again; the profiles' labels
        and the thesaurus too when some are not INTERLINKERs it knows (a new profile or
        concept, pointed to by nothing yet: one that is pointed to makes everything be built
        again)."""
        known = all(self.knows(s) for s in subjects)
        return _Index(
            store,
            base=self._base,
            changed=self._changed | subjects,
            labels=self._labels if known else None,
            words=self.thesaurus if known else None,
        )

    def needs_merge(self) -> bool:
        return len(self._changed) > MERGE_AT

    def knows(self, subject: str) -> bool:
        return subject in self._base.items or (
            self._overlay is not None and subject in self._overlay.items
        )

    def stems(self, item: str, lang: str) -> set[str]:
        """The stems of ``item``'s words in ``lang`` (none if it has no text in it)."""
        documents = self._overlay if item in self._changed else self._base
        return documents.stems.get((item, lang), set()) if documents else set()

    def bm25(self, lang: str, weights: Mapping[str, float]) -> dict[str, float]:
        """The best INTERLINKERs for stems of these weights (the sum of each one's BM25 part
        times its weight)."""
        index = self._layered.get(lang)
        if not weights or index is None:
            return {}
        return index.top(weights, MAX_MATCHES)


def _shared_factor(stem: str, part: str, shared: frozenset[str]) -> float:
    """What a stem of ``part`` counts when the task's siblings share it (1: not shared)."""
    if part in RELATED_PARTS and stem in shared:
        return ranking.SIBLING_SHARED_WEIGHT
    return 1.0


def query_words(stems: list[str]) -> list[str]:
    """The distinct ``stems`` of one text that are looked up (at most :data:`MAX_QUERY_WORDS`,
    in a fixed order)."""
    return sorted(set(stems))[:MAX_QUERY_WORDS]


_INDEXES = Maintained(_Index)


def _texts(store: Store, name: str, values: dict[str, list[URIRef]]) -> Texts:
    """The texts a query (``?part ?text``) reads, by language and part."""
    return grouped_texts((str(r["part"]), r["text"]) for r in store.select(query(name, values)))


def text_relevance(store: Store) -> TextRelevance:
    """The text relevance of ``store`` (its index is kept in memory and patched per change)."""
    return TextRelevance(store)


class TextRelevance:
    """Text relevance over one catalogue store, patched as its content changes."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _current(self) -> _Index:
        return _INDEXES.get(self._store)

    def warm(self) -> None:
        """Bring the index up to date now (the warmer calls it after a change)."""
        self._current()

    def for_task(self, task: URIRef, lang: str) -> TextScores:
        """Matches for a task's words (its texts kept per content stamp: every recommendation
        for the task reads them)."""
        return self.score(task_texts(self._store, task), lang)

    def for_interlinker(
        self, item: URIRef, lang: str, described: Graph | None = None
    ) -> TextScores:
        """Matches for an INTERLINKER's own title and description (for related ones), read from
        its description when the caller has it (``described``), else from the store."""
        if described is None:
            return self._from_query("item-texts", {"item": [item]}, lang)
        texts: list[tuple[str, Node]] = []
        for predicate, part in (
            (DCTERMS.title, "task title"),
            (DCTERMS.description, "task description"),
        ):
            found = [t for t in described.objects(item, predicate) if isinstance(t, Literal)]
            found.sort(key=lambda t: (t.language or "", str(t)))
            texts += [(part, text) for text in found]
        return self.score(grouped_texts(texts), lang)

    def _from_query(self, name: str, values: dict[str, list[URIRef]], lang: str) -> TextScores:
        return self.score(_texts(self._store, name, values), lang)

    def for_text(self, text: str, lang: str) -> TextScores:
        """Matches for a free text in ``lang`` (English for a language we do not know)."""
        lang = lang if lang in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE
        return self.score({lang: {"task title": [text]}}, lang)

    def score(self, texts: Mapping[str, Mapping[str, list[str]]], lang: str) -> TextScores:
        """Match ``texts`` (language -> part -> texts) in ``lang``; English stands in for the
        task and for the INTERLINKERs where ``lang`` gives no match (discounted by
        :data:`FALLBACK_FACTOR`: a match in the asked language wins)."""
        index = self._current()
        lang = lang if lang in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE
        matches: dict[str, TextMatch] = {}
        tried = [lang] if lang == FALLBACK_LANGUAGE else [lang, FALLBACK_LANGUAGE]
        for match_lang in tried:
            parts = texts.get(match_lang)
            if not parts:
                continue
            # Each stem's weight: the sum of those of the parts it comes from (own words at the
            # part's weight, related words at THESAURUS_WEIGHT of it); one BM25 pass then
            # scores the weighted sum of the parts.
            weights: dict[str, float] = defaultdict(float)
            analysed_parts: list[tuple[float, str, list[tuple[str, str]]]] = []
            related: dict[str, tuple[float, str, thesaurus.Related]] = {}
            shared = self._sibling_words(parts.get(SIBLING_PART, []), match_lang)
            for part, weight in PART_WEIGHTS.items():
                analysed = analyse(" ".join(parts.get(part, [])), match_lang)
                if not analysed:
                    continue
                analysed_parts.append((weight, part, analysed))
                for stem in query_words([s for s, _ in analysed]):
                    weights[stem] += weight * _shared_factor(stem, part, shared)
                if part not in RELATED_PARTS:
                    continue
                extra = index.thesaurus.related(analysed, match_lang)
                own = {s for _, _, pairs in analysed_parts for s, _ in pairs}
                extra = {s: r for s, r in extra.items() if s not in own and s not in related}
                share = weight * ranking.THESAURUS_WEIGHT
                # A synonym label counts as one word of the part (its n words 1/n each); what a
                # word the siblings share brings is shared too.
                counted = {s: weight * r.share if r.synonym else share for s, r in extra.items()}
                related.update({s: (counted[s], part, r) for s, r in extra.items()})
                for stem in query_words(list(extra)):
                    trigger = extra[stem].trigger
                    factor = min(_shared_factor(s, part, shared) for s in (stem, *trigger))
                    weights[stem] += counted[stem] * factor
            totals = index.bm25(match_lang, weights)
            best = max(totals.values(), default=0.0)
            if best <= 0:
                continue
            factor = 1.0 if match_lang == lang else FALLBACK_FACTOR
            leaders = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_SCORED]
            for item, total in leaders:
                found = self._words(index, item, match_lang, analysed_parts, related)
                if found is None:
                    continue
                weight, part, words, word_parts, via = found
                # A match only on the objective's or phase's words counts for less.
                score = round(factor * weight * total / best, 6)
                known = matches.get(item)
                if known is not None and known.score >= score:
                    continue
                matches[item] = TextMatch(
                    score=score,
                    words=words,
                    part=part,
                    language=match_lang,
                    fallback=match_lang != lang,
                    related=via,
                    parts=word_parts,
                )
        return TextScores(lang, MappingProxyType(matches), task_fallback=lang not in texts)

    @staticmethod
    def _sibling_words(titles: list[str], lang: str) -> frozenset[str]:
        """The stems the other tasks of the objective use in their titles in ``lang``."""
        return frozenset(s for s, _ in analyse(" ".join(titles), lang))

    @staticmethod
    def _words(
        index: _Index,
        item: str,
        lang: str,
        analysed_parts: list[tuple[float, str, list[tuple[str, str]]]],
        related: dict[str, tuple[float, str, thesaurus.Related]],
    ) -> tuple[float, str, tuple[str, ...], tuple[str, ...], tuple[thesaurus.Related, ...]] | None:
        """The task words ``item`` matched (best part first) and its related words, with the
        weight and part of its best match; None when it matched nothing."""
        doc = index.stems(item, lang)
        matched: list[tuple[float, str, str]] = []
        seen: set[str] = set()
        for weight, part, analysed in analysed_parts:
            for stem, word in analysed:
                if stem in doc and word not in seen:
                    matched.append((weight, word, part))
                    seen.add(word)
        via = sorted((entry for stem, entry in related.items() if stem in doc), key=lambda e: -e[0])
        if matched and (not via or matched[0][0] >= via[0][0]):
            weight, part = matched[0][0], matched[0][2]
        elif via:
            weight, part = via[0][0], via[0][1]
        else:
            return None
        return (
            weight,
            part,
            tuple(w for _, w, _ in matched[:4]),
            tuple(p for _, _, p in matched[:4]),
            tuple(r for _, _, r in via[:3]),
        )
