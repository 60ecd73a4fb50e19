"""Imports point one way: RDF files → store → capabilities → adapters (CLI, HTTP).

Read from the source with ``ast`` (imports inside functions count too): Flask stays in the web
adapter, nothing below the adapters imports them, ``model/`` does no I/O, lower layers never
import higher ones, and the capabilities import each other without a circle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "interlink_kg"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)

# Each top-level part of the package, by layer (a part may import its own layer and below;
# within the capabilities, without a circle).
LAYERS: dict[str, int] = {
    **dict.fromkeys(["errors", "vocab", "resources", "model", "__init__"], 0),
    **dict.fromkeys(["rdf", "queries", "settings"], 1),
    **dict.fromkeys(["store", "processes"], 2),
    **dict.fromkeys(
        [
            "validation",
            "finding",
            "publishing",
            "curation",
            "sparql",
            "coproduction",
            "importer",
        ],
        3,
    ),
    **dict.fromkeys(
        ["web", "cli", "cli_parser", "cli_coproduction", "cli_progress", "__main__"], 4
    ),
}
FLASK = ("flask", "flask_cors", "werkzeug", "waitress")
# What model/ may import: pure standard-library modules, rdflib's terms and in-memory graphs,
# and the package's other pure modules (an allow-list: anything else is a new decision).
MODEL_MAY_IMPORT = (
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "enum",
    "re",
    "types",
    "typing",
    "urllib.parse",
    "rdflib",
    "interlink_kg.model",
    "interlink_kg.errors",
    "interlink_kg.vocab",
)


def _part(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports (relative imports resolved), at any depth of the code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def _internal_part(name: str) -> str | None:
    if not name.startswith("interlink_kg."):
        return None
    return name.split(".")[1]


def test_every_part_has_a_layer() -> None:
    parts = {_part(p) for p in MODULES}
    assert parts <= set(LAYERS), sorted(parts - set(LAYERS))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    part = _part(path)
    for name in _imports(path):
        if part != "web":
            assert not name.startswith(FLASK), f"{name} outside web/"
        target = _internal_part(name)
        if target is None or target == part or target not in LAYERS:
            continue
        assert LAYERS[target] <= LAYERS[part], f"{part} (layer {LAYERS[part]}) imports {name}"
        if target in {"web", "cli"}:
            assert part in {
                "web",
                "cli",
                "cli_parser",
                "cli_coproduction",
                "cli_progress",
                "__main__",
            }, f"{part} imports {name}"


@pytest.mark.parametrize("path", [p for p in MODULES if _part(p) == "model"], ids=lambda p: p.name)
def test_model_does_no_io(path: Path) -> None:
    for name in _imports(path):
        assert name.startswith(MODEL_MAY_IMPORT), f"model/{path.name} imports {name}"


def test_the_capabilities_import_each_other_without_a_circle() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in MODULES:
        part = _part(path)
        for name in _imports(path):
            target = _internal_part(name)
            if target and target != part and LAYERS.get(target) == LAYERS.get(part) == 3:
                edges[part].add(target)
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in done:
            return
        assert node not in visiting, " -> ".join([*trail, node])
        visiting.add(node)
        for following in sorted(edges[node]):
            visit(following, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(edges):
        visit(node, [])


def test_no_module_import_circle() -> None:
    """Over the whole package, module by module (imports made at import time or later)."""
    names = {_module_name(p): p for p in MODULES}

    def targets(path: Path, module: str) -> set[str]:
        imported = {n for n in _imports(path) if n in names and n != module}
        # "from package import submodule" depends on the submodule, not on the package's
        # other names: the package itself counts only when nothing under it is named.
        return {n for n in imported if not any(m.startswith(n + ".") for m in imported)}

    edges = {module: targets(path, module) for module, path in names.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        assert state.get(node) != 1, " -> ".join([*trail, node])
        state[node] = 1
        for following in sorted(edges[node]):
            visit(following, [*trail, node])
        state[node] = 2

    for node in sorted(edges):
        visit(node, [])


def test_no_route_module_imports_the_app_factory() -> None:
    for path in (PACKAGE / "web" / "routes").glob("*.py"):
        assert "interlink_kg.web.app" not in _imports(path), path.name
