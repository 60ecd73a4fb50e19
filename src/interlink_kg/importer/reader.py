"""Read an upstream INTERLINK seed folder into :mod:`interlink_kg.importer.seed` types.

The folder layout is the one of the INTERLINK ``backend-catalogue`` seed:
``interlinkers/<kind>/<folder>/metadata.json``, ``problemprofiles/problemprofiles.json``,
``schemas/<id>/metadata.json`` with ``phases/*.json``, and optional ``weblate/<lang>/*.json``
translation tables that fill in names and descriptions missing from the bundles.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from interlink_kg.errors import SeedImportError
from interlink_kg.importer.seed import (
    Seed,
    SeedInterlinker,
    SeedItem,
    SeedProblemProfile,
    SeedSchema,
    Translations,
)

_URL = re.compile(r"https?://[^\s)<>\"'\]]+")

INTERLINKER_KINDS = ("software", "knowledge", "externalsoftware", "externalknowledge")
LANGUAGES = ("en", "es", "it", "lv")


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError as exc:
        raise SeedImportError(f"missing seed file: {path}", details={"path": str(path)}) from exc
    except json.JSONDecodeError as exc:
        raise SeedImportError(
            f"invalid JSON in {path}: {exc.msg} (line {exc.lineno})", details={"path": str(path)}
        ) from exc


def _translations(value: object) -> Translations:
    """Keep the non-empty string translations of a ``*_translations`` object."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}


def _weblate(seed_dir: Path, table: str) -> dict[str, dict[str, str]]:
    """``{key: {lang: text}}`` from ``weblate/<lang>/<table>.json`` (absent folders are fine)."""
    merged: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        path = seed_dir / "weblate" / lang / f"{table}.json"
        if not path.is_file():
            continue
        for key, text in _load_json(path).items():
            if isinstance(text, str) and text.strip():
                merged.setdefault(key.lower(), {})[lang] = text.strip()
    return merged


def _merge(primary: Translations, fallback: dict[str, str] | None) -> Translations:
    merged = dict(fallback or {})
    merged.update(primary)
    return merged


def read_seed(seed_dir: Path) -> Seed:
    """Read every INTERLINKER, problem profile and schema of a seed folder."""
    if not seed_dir.is_dir():
        raise SeedImportError(f"not a folder: {seed_dir}", details={"path": str(seed_dir)})
    seed = Seed()
    weblate_interlinkers = _weblate(seed_dir, "interlinkers")
    for kind in INTERLINKER_KINDS:
        kind_dir = seed_dir / "interlinkers" / kind
        for meta in sorted(kind_dir.glob("*/metadata.json")):
            data = _load_json(meta)
            if not isinstance(data, dict) or "id" not in data:
                raise SeedImportError(f"{meta}: an INTERLINKER bundle needs an 'id'")
            key = f"{kind};{data['id']}".lower()
            seed.interlinkers.append(
                SeedInterlinker(
                    folder_kind=kind,
                    folder=meta.parent.name,
                    data=data,
                    names=_merge(
                        _translations(data.get("name_translations")),
                        weblate_interlinkers.get(f"{key};name"),
                    ),
                    descriptions=_merge(
                        _translations(data.get("description_translations")),
                        weblate_interlinkers.get(f"{key};description"),
                    ),
                    instruction_urls=_instruction_urls(meta.parent / "instructions.md"),
                )
            )
    profiles_path = seed_dir / "problemprofiles" / "problemprofiles.json"
    for entry in _load_json(profiles_path):
        seed.problem_profiles.append(
            SeedProblemProfile(
                identifier=str(entry["id"]),
                names=_translations(entry.get("name_translations")),
                descriptions=_translations(entry.get("description_translations")),
            )
        )
    weblate_schemas = _weblate(seed_dir, "schemas")
    for meta in sorted((seed_dir / "schemas").glob("*/metadata.json")):
        seed.schemas.append(_read_schema(meta, weblate_schemas))
    if not seed.interlinkers:
        raise SeedImportError(f"no INTERLINKER bundles under {seed_dir / 'interlinkers'}")
    return seed


def _instruction_urls(path: Path) -> tuple[str, ...]:
    """The web addresses an INTERLINKER's instructions mention, in order, without duplicates."""
    if not path.is_file():
        return ()
    found = (m.group(0).rstrip(".,;:") for m in _URL.finditer(path.read_text(encoding="utf-8")))
    return tuple(dict.fromkeys(found))


def _previous(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(p["item"]) for p in value if isinstance(p, dict) and "item" in p)
    return ()


def _item(raw: dict[str, Any], key: str, weblate: dict[str, dict[str, str]]) -> SeedItem:
    children: list[SeedItem] = []
    for child_key in ("objectives", "tasks"):
        for child in raw.get(child_key, []):
            children.append(_item(child, f"{key};{child['id']}", weblate))
    return SeedItem(
        identifier=str(raw["id"]),
        names=_merge(
            _translations(raw.get("name_translations")), weblate.get(f"{key};name".lower())
        ),
        descriptions=_merge(
            _translations(raw.get("description_translations")),
            weblate.get(f"{key};description".lower()),
        ),
        problem_profiles=tuple(str(p) for p in raw.get("problemprofiles", [])),
        previous=_previous(raw.get("prerequisites")),
        children=tuple(children),
        part_of_codelivery=raw.get("is_part_of_codelivery"),
    )


def _read_schema(meta: Path, weblate: dict[str, dict[str, str]]) -> SeedSchema:
    data = _load_json(meta)
    schema_id = str(data["id"])
    phases = []
    for path in sorted((meta.parent / "phases").glob("*.json")):
        raw = _load_json(path)
        phases.append(_item(raw, f"{schema_id};{raw['id']}", weblate))
    return SeedSchema(
        identifier=schema_id,
        names=_merge(
            _translations(data.get("name_translations")), weblate.get(f"{schema_id};name")
        ),
        descriptions=_merge(
            _translations(data.get("description_translations")),
            weblate.get(f"{schema_id};description"),
        ),
        licence=str(data.get("licence", "")),
        tags={k: list(v) for k, v in (data.get("tags_translations") or {}).items()},
        phases=tuple(phases),
    )
