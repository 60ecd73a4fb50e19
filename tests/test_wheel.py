"""The installed package works on its own: build the wheel, install it in a fresh virtual
environment, and serve from it (outside the source tree) `/health`, `/openapi.json` and a page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from support import free_port, serving, status_of

ROOT = Path(__file__).resolve().parents[1]
NEEDED_IN_WHEEL = [
    "interlink_kg/py.typed",
    "interlink_kg/_bundled/api/openapi.yaml",
    "interlink_kg/_bundled/ontology/interlink.ttl",
    "interlink_kg/_bundled/shapes/interlinker.ttl",
    "interlink_kg/_bundled/catalogue_data/interlinkers/trello.ttl",
    "interlink_kg/queries/usage-summaries.rq",
    "interlink_kg/templates/resource.html",
    "interlink_kg/templates/base.html",
    "interlink_kg/static/style.css",
    "interlink_kg/translations/es.po",
    "interlink_kg/translations/lv.po",
    "interlink_kg/_bundled/docs/sparql/interlinkers-by-kind.rq",
    "interlink_kg/_bundled/shapes/official/cpsv-ap-3.2.0/cpsv-ap-SHACL.ttl",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (found,) = out.glob("interlink_kg-*.whl")
    return found


def test_the_wheel_holds_what_the_package_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in NEEDED_IN_WHEEL if name not in names]
    assert not missing


def test_the_installed_wheel_serves(wheel: Path, tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    port = free_port()
    env = {
        key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    env.update(
        INTERLINK_KG_STORE=f"oxigraph:{tmp_path / 'store'}",
        INTERLINK_KG_BASE_IRI=f"http://127.0.0.1:{port}/",
        INTERLINK_KG_TOKENS_FILE=str(tmp_path / "tokens.json"),
    )
    cli = [str(environment / "bin" / "interlink-kg")]
    subprocess.run([*cli, "load"], env=env, cwd=tmp_path, check=True, capture_output=True)
    with serving(cli, port, env, tmp_path / "serve.log", cwd=tmp_path, seconds=90) as base:
        assert status_of(base + "/openapi.json") == 200
        assert status_of(base + "/interlinkers/trello", accept="text/html") == 200
        assert status_of(base + "/interlinkers/trello", accept="text/turtle") == 200
        assert status_of(base + "/?lang=lv", accept="text/html") == 200
        assert status_of(base + "/sparql", accept="text/html") == 200
        assert status_of(base + "/static/style.css") == 200
