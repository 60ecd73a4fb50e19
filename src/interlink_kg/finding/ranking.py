"""Recommendations and their explanations. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from interlink_kg.finding import siblings

if TYPE_CHECKING:
    from interlink_kg.finding.text_match import TextMatch

# How strongly a problem profile counts, by where it was found on the task's path.
SOURCE_STRENGTH: dict[str, float] = {
    "task": 1.0,
    "given": 1.0,
    "objective": 0.75,
    "sibling-task": 0.5,
    "phase": 0.5,
    "phase-objective": 0.35,
}
HIERARCHY_FACTOR = 0.3  # a profile of the same group as a path profile: 0.3 x that strength
# Tiers of the path: a lower tier joins only while fewer than MIN_CANDIDATES INTERLINKERs match.
TIERS: tuple[tuple[str, ...], ...] = (
    ("task", "objective"),
    ("sibling-task", "phase"),
    ("phase-objective",),
)
MIN_CANDIDATES = 3
# The preferences' constants (their one source; finding/recommendations.py applies them).
LANGUAGE_MISS = 0.6  # factor of an INTERLINKER not available in the requested language
AUDIENCE_MISS = 0.75  # factor of one that does not fit the requested audience
# What teams did feeds the score, bounded: together these move it by -10% to +50% at most, so
# a few selections cannot bury an INTERLINKER that matches the task better. Teams are counted,
# not selections: one team selecting the same INTERLINKER again and again counts once.
USAGE_WEIGHT = 0.3  # the most the registry of use for the same task can add (as 1 + usage)
USAGE_HALF = 3  # teams at which half of that is reached
RELATED_WEIGHT = 0.1  # the most selections for other tasks with the same problems can add
RELATED_HALF = 5
RATING_WEIGHT = 0.1  # ratings move the score by at most this, up (5/5) or down (0/5)
RATING_HALF = 3  # ratings at which half of that is reached
CANDIDATES = 60  # how many of the best by match * focus get the preferences applied
# Text relevance (finding/relevance.py): how much a task's words count against its problem
# profiles. Chosen on the judged set of bench/recommend_eval.py (see bench/RESULTS.md).
GRAPH_WEIGHT = 0.25  # the problem-profile match, relative to the task's best
TEXT_WEIGHT = 0.75  # the words' match, relative to the task's best, damped for catch-alls
TEXT_CANDIDATES = 20  # the best word matches join the candidates even without a profile
TEXT_FLOOR = 0.15  # ... when they match at least this well
TEXT_FOCUS_EXPONENT = 0.5  # words count as match * focus ** this: catch-alls do not win on words
# Words of the activity thesaurus (finding/thesaurus.py) related to the task's title or
# description count this much of the task's own words (another name for the same thing, from a
# synonym set, counts as one word of the task's own: 1/n each of its n words).
THESAURUS_WEIGHT = 0.6
# A word of the task's title or description (or one the thesaurus relates to it, or one brought
# by such a word) that another task of its objective also uses in its title counts this much:
# the words that tell the task apart from its siblings weigh more than those it shares with them.
SIBLING_SHARED_WEIGHT = 0.7
# Tasks of one objective with the same first three: all but one take another INTERLINKER in
# third place (finding/siblings.py). Off only to measure its effect.
COMPARE_SIBLINGS = True
WEIGHTS_TEXT = {
    "match": "sum over matched problem profiles of strength / INTERLINKERs addressing it",
    "focus": "2 / (1 + number of problem profiles the INTERLINKER addresses)",
    "language": f"1 if available in the requested language, else {LANGUAGE_MISS}",
    "target": f"1 if no audience is asked or it fits the audience, else {AUDIENCE_MISS}",
    "usage": f"{USAGE_WEIGHT} * teams / (teams + {USAGE_HALF}), teams that selected it for the "
    "same task in any process (registry of use)",
    "related": f"{RELATED_WEIGHT} * teams / (teams + {RELATED_HALF}), teams that selected it for "
    "other tasks raising the same problem profiles",
    "rating": f"{RATING_WEIGHT} * (average - 2.5) / 2.5 * ratings / (ratings + {RATING_HALF}), "
    "from its ratings (0 to 5)",
    "graph": "match * focus, relative to the best of this task (0 to 1)",
    "text": "BM25 of the task's words in the INTERLINKER's title, keywords, problem labels and "
    "description, relative to the best of this task (0 to 1); words of the activity thesaurus "
    f"related to the task's title and description count {THESAURUS_WEIGHT} of the task's own "
    "(another name for the same thing counts as one of the task's words, 1/n each of its n "
    "words); words the task shares with its "
    f"sibling tasks' titles, and those they bring, count {SIBLING_SHARED_WEIGHT}",
    "score": f"({GRAPH_WEIGHT} * graph + {TEXT_WEIGHT} * text * sqrt(focus)) * language * target "
    f"* (1 + usage + related + rating), among the {CANDIDATES} best by match * focus and the "
    f"{TEXT_CANDIDATES} best by text",
    "order": "by score, best first; except that where tasks of one objective have the same "
    "first three, all but one raise into third place an INTERLINKER from lower in their first "
    "ten that sets theirs apart, the choice that costs least score (finding/siblings.py)",
}


def usage_boost(teams: int) -> float:
    """What the teams that selected an INTERLINKER for the same task add (0 to USAGE_WEIGHT)."""
    return USAGE_WEIGHT * teams / (teams + USAGE_HALF)


def related_boost(teams: int) -> float:
    """What the teams that selected it for other tasks with the same problems add."""
    return RELATED_WEIGHT * teams / (teams + RELATED_HALF)


def rating_boost(count: int, average: float) -> float:
    """What its ratings (0 to 5) add or take: -RATING_WEIGHT to +RATING_WEIGHT, nearer 0 while
    few people rated it."""
    if count <= 0:
        return 0.0
    return RATING_WEIGHT * (average - 2.5) / 2.5 * count / (count + RATING_HALF)


def combine(
    *,
    graph: float,
    strongest: float,
    text: float,
    focus: float,
    language: float,
    target: float,
    boost: float,
) -> dict[str, float]:
    """One score from every component (their weights are above): the problem-profile match
    and the words' match, each relative to the task's best, the words damped for INTERLINKERs
    that address many problems (so catch-alls do not win on words), then the preferences and
    what teams did."""
    graph_part = graph / strongest if strongest > 0 else 0.0
    text_part = text * max(focus, 0.0) ** TEXT_FOCUS_EXPONENT
    relevance = GRAPH_WEIGHT * graph_part + TEXT_WEIGHT * text_part
    return {
        "graph": round(graph_part, 6),
        "text": round(text, 6),
        "score": round(relevance * language * target * (1 + boost), 6),
    }


@dataclass(frozen=True)
class WeightedProfile:
    iri: str
    source: str
    strength: float
    via: str | None = None  # for the hierarchy fallback: the path profile it stands in for


def profile_tiers(rows: list[tuple[str, str]]) -> list[list[WeightedProfile]]:
    """The path's profiles tier by tier (empty tiers left out), each at its strongest source.

    A profile already found in a higher tier is not repeated in a lower one.
    """
    tiers: list[list[WeightedProfile]] = []
    seen: set[str] = set()
    for tier in TIERS:
        best: dict[str, WeightedProfile] = {}
        for iri, source in rows:
            if source not in tier or iri in seen:
                continue
            strength = SOURCE_STRENGTH[source]
            if iri not in best or strength > best[iri].strength:
                best[iri] = WeightedProfile(iri, source, strength)
        if best:
            tiers.append(sorted(best.values(), key=lambda p: p.iri))
            seen.update(best)
    return tiers


def with_neighbours(
    profiles: list[WeightedProfile], neighbours: list[tuple[str, str]]
) -> list[WeightedProfile]:
    """Add same-group profiles (``(path profile, neighbour)`` pairs) at a reduced strength."""
    by_iri = {p.iri: p for p in profiles}
    added: dict[str, WeightedProfile] = {}
    for origin, neighbour in neighbours:
        if neighbour in by_iri or origin not in by_iri:
            continue
        strength = by_iri[origin].strength * HIERARCHY_FACTOR
        if neighbour not in added or strength > added[neighbour].strength:
            added[neighbour] = WeightedProfile(neighbour, "hierarchy", strength, origin)
    return sorted([*profiles, *added.values()], key=lambda p: p.iri)


@dataclass(frozen=True)
class MatchedProfile:
    id: str
    iri: str
    label: str | None
    source: str
    strength: float
    interlinkers_addressing: int
    via: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "iri": self.iri,
            "label": self.label,
            "source": self.source,
            "strength": self.strength,
            "interlinkers_addressing": self.interlinkers_addressing,
            "weight": round(self.strength / max(self.interlinkers_addressing, 1), 6),
        }
        if self.via:
            out["via"] = self.via
        return out


@dataclass(frozen=True)
class SiblingChange:
    """An INTERLINKER placed apart from the first three of a sibling task that had the same
    three (:mod:`interlink_kg.finding.siblings`): ``raised`` into third place, or lowered to
    fourth."""

    raised: bool
    schema: str  # the sibling task's schema identifier
    task: str  # its identifier
    title: str  # its title in the asked language (or the fallback)

    def sentence(self, lang: str) -> str:
        return siblings.sentence(self.raised, self.title, lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": "raised" if self.raised else "lowered",
            "schema": self.schema,
            "task": self.task,
            "task_title": self.title,
        }


@dataclass(frozen=True)
class Recommendation:
    id: str
    iri: str
    title: str | None
    title_language: str | None
    kind: str | None
    score: float
    components: dict[str, float]
    matched: tuple[MatchedProfile, ...]
    language_available: bool
    uses: int
    reason: str
    related_uses: int = 0
    ratings: int = 0
    average_rating: float | None = None
    text: TextMatch | None = None
    sibling: SiblingChange | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "iri": self.iri,
            "title": self.title,
            "title_language": self.title_language,
            "kind": self.kind,
            "score": self.score,
            "explanation": {
                "reason": self.reason,
                "matched_problem_profiles": [m.to_dict() for m in self.matched],
                "components": self.components,
                "weights": WEIGHTS_TEXT,
                "language_available": self.language_available,
                "uses": self.uses,
                "related_uses": self.related_uses,
                "ratings": self.ratings,
                "average_rating": self.average_rating,
                "text_match": (
                    {
                        "words": list(self.text.words),
                        "matched_words": [
                            {"word": w, "part": p}
                            for p, found in self.text.by_part()
                            for w in found
                        ],
                        "related_words": [
                            {"word": r.word, "because_of": r.because_of, "synonym": r.synonym}
                            for r in self.text.related
                        ],
                        "part": self.text.part,
                        "language": self.text.language,
                        "english_stood_in": self.text.fallback,
                    }
                    if self.text is not None
                    else None
                ),
                "found_by": "words" if not self.matched else "problem profiles",
                "sibling_task": self.sibling.to_dict() if self.sibling is not None else None,
            },
        }


@dataclass(frozen=True)
class RecommendationList:
    language: str
    profiles: tuple[WeightedProfile, ...]
    items: tuple[Recommendation, ...] = field(default_factory=tuple)
    subject: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.subject,
            "language": self.language,
            "problem_profiles": [
                {
                    "iri": p.iri,
                    "source": p.source,
                    "strength": p.strength,
                    **({"via": p.via} if p.via else {}),
                }
                for p in self.profiles
            ],
            "items": [r.to_dict() for r in self.items],
            "total": len(self.items),
        }


_TEMPLATES: dict[str, dict[str, str]] = {
    "direct": {
        "en": "It addresses {labels}, which this task raises.",
        "es": "Aborda {labels}, que esta tarea plantea.",
        "it": "Affronta {labels}, posti da questo compito.",
        "lv": "Tas risina {labels}, ko izvirza šis uzdevums.",
    },
    "context": {
        "en": "It addresses {labels}, raised by neighbouring tasks of this objective or phase.",
        "es": "Aborda {labels}, que plantean tareas cercanas de este objetivo o fase.",
        "it": "Affronta {labels}, posti da compiti vicini di questo obiettivo o fase.",
        "lv": "Tas risina {labels}, ko izvirza citi šī mērķa vai posma uzdevumi.",
    },
    "hierarchy": {
        "en": "It addresses {labels}, close to the problems of this task.",
        "es": "Aborda {labels}, cercanos a los problemas de esta tarea.",
        "it": "Affronta {labels}, vicini ai problemi di questo compito.",
        "lv": "Tas risina {labels}, kas ir tuvas šī uzdevuma problēmām.",
    },
}
_NOT_IN_LANGUAGE = {
    "en": " It is not available in English.",
    "es": " No está disponible en español.",
    "it": " Non è disponibile in italiano.",
    "lv": " Tas nav pieejams latviešu valodā.",
}


_USES = {
    "en": " Selected by {n} team(s) for this task.",
    "es": " Seleccionado por {n} equipo(s) para esta tarea.",
    "it": " Selezionato da {n} team per questo compito.",
    "lv": " To šim uzdevumam izvēlējušās {n} komanda(s).",
}
_RELATED_USES = {
    "en": " Selected {n} time(s) by teams for tasks with the same problems.",
    "es": " Seleccionado {n} vez/veces por equipos para tareas con los mismos problemas.",
    "it": " Selezionato {n} volta/e da team per compiti con gli stessi problemi.",
    "lv": " Komandas to {n} reizi(-es) izvēlējušās uzdevumiem ar tām pašām problēmām.",
}
_RATED = {
    "en": " Rated {avg}/5 by {n} user(s).",
    "es": " Valorado con {avg}/5 por {n} usuario(s).",
    "it": " Valutato {avg}/5 da {n} utente/i.",
    "lv": " Vērtējums {avg}/5 no {n} lietotāja(-iem).",
}


def usage_reason(uses: int, related: int, ratings: int, average: float | None, lang: str) -> str:
    """What the registry of use and the ratings add to the reason, in ``lang``."""
    lang = lang if lang in _USES else "en"
    text = ""
    if uses:
        text += _USES[lang].format(n=uses)
    if related:
        text += _RELATED_USES[lang].format(n=related)
    if ratings and average is not None:
        text += _RATED[lang].format(avg=f"{average:.1f}", n=ratings)
    return text


_WORDS = {
    "en": "It matches {groups}.",
    "es": "Coincide con {groups}.",
    "it": "Corrisponde a {groups}.",
    "lv": "Tas atbilst vārdiem {groups}.",
}
_GROUP = {
    "en": "{words} in {part}",
    "es": "{words} en {part}",
    "it": "{words} in {part}",
    "lv": "{words} ({part})",
}
_AND = {"en": " and ", "es": " y ", "it": " e ", "lv": " un "}
_PARTS = {
    "en": {
        "task title": "the task's title",
        "task description": "the task's description",
        "objective": "the objective",
        "phase": "the phase",
    },
    "es": {
        "task title": "el título de la tarea",
        "task description": "la descripción de la tarea",
        "objective": "el objetivo",
        "phase": "la fase",
    },
    "it": {
        "task title": "il titolo del compito",
        "task description": "la descrizione del compito",
        "objective": "l'obiettivo",
        "phase": "la fase",
    },
    "lv": {
        "task title": "uzdevuma nosaukumā",
        "task description": "uzdevuma aprakstā",
        "objective": "mērķī",
        "phase": "posmā",
    },
}
_IN_ENGLISH = {
    "en": "",
    "es": " (comparado en inglés, a falta de texto en español)",
    "it": " (confrontato in inglese, in mancanza di testo in italiano)",
    "lv": " (salīdzināts angliski, jo latviešu teksta nav)",
}
_WORDS_ONLY = {
    "en": " It addresses none of this task's problem profiles: its words brought it here.",
    "es": " No aborda ninguno de los perfiles de problema de esta tarea: "
    "lo han traído sus palabras.",
    "it": " Non affronta nessuno dei profili di problema di questo compito: "
    "lo hanno portato qui le sue parole.",
    "lv": " Tas nerisina nevienu šī uzdevuma problēmu profilu: šeit to atveda tā vārdi.",
}


_RELATED = {
    "en": "It matches {pairs}: words for the same kind of work (activity thesaurus).",
    "es": "Coincide con {pairs}: palabras del mismo tipo de trabajo (tesauro de actividades).",
    "it": "Corrisponde a {pairs}: parole dello stesso tipo di lavoro (tesauro delle attività).",
    "lv": "Tas atbilst vārdiem {pairs}, kas apzīmē to pašu darba veidu (darbību tēzaurs).",
}
_SYNONYMS = {
    "en": "It matches {pairs}: other names for the same thing (activity thesaurus).",
    "es": "Coincide con {pairs}: otros nombres de la misma cosa (tesauro de actividades).",
    "it": "Corrisponde a {pairs}: altri nomi della stessa cosa (tesauro delle attività).",
    "lv": "Tas atbilst vārdiem {pairs}, kas ir citi tās pašas lietas nosaukumi (darbību tēzaurs).",
}
# The task's word that brought a related word ("for" it; Latvian puts "dēļ" after the word).
_FOR = {"en": "for “{w}”", "es": "por “{w}”", "it": "per “{w}”", "lv": "“{w}” dēļ"}


def _words_sentence(words: TextMatch, lang: str) -> str:
    sentences = []
    if words.words:
        groups = [
            _GROUP[lang].format(
                words=", ".join(f"“{w}”" for w in found), part=_PARTS[lang].get(part, part)
            )
            for part, found in words.by_part()
        ]
        sentences.append(_WORDS[lang].format(groups=_AND[lang].join(groups)))
    for template, synonyms in ((_SYNONYMS, True), (_RELATED, False)):
        found = [r for r in words.related if r.synonym == synonyms]
        if found:
            pairs = ", ".join(f"“{r.word}” ({_FOR[lang].format(w=r.because_of)})" for r in found)
            sentences.append(template[lang].format(pairs=pairs))
    if words.fallback and sentences:
        sentences[0] = sentences[0][:-1] + _IN_ENGLISH[lang] + "."
    return " ".join(sentences)


def reason(
    matched: tuple[MatchedProfile, ...],
    lang: str,
    language_available: bool,
    words: TextMatch | None = None,
) -> str:
    """Why, in ``lang`` (English when there is no template): the problems it addresses, the
    task's words it matches, and whether it is available in ``lang``."""
    lang = lang if lang in _NOT_IN_LANGUAGE else "en"
    if not matched:
        text = _words_sentence(words, lang) + _WORDS_ONLY[lang] if words else ""
        if not language_available:
            text += _NOT_IN_LANGUAGE[lang]
        return text.strip()
    sources = {m.source for m in matched}
    if sources & {"task", "objective", "given"}:
        kind = "direct"
    elif sources & {"sibling-task", "phase", "phase-objective"}:
        kind = "context"
    else:
        kind = "hierarchy"
    labels = [f"“{m.label or m.id}”" for m in matched[:3]]
    text = _TEMPLATES[kind][lang].format(labels=", ".join(labels))
    if words is not None:
        text += " " + _words_sentence(words, lang)
    if not language_available:
        text += _NOT_IN_LANGUAGE[lang]
    return text
