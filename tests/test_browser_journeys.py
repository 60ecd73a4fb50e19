"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright (never a
browser download), against ``interlink-kg serve`` on loopback. Five journeys, a screenshot of
each step (in ``build/screenshots/``, or ``$INTERLINK_KG_SCREENSHOTS``), and axe-core on every
page type: no serious or critical accessibility violation.

Chromium comes from the project's setup (``make setup`` installs Debian's ``chromium``); where
it is missing these tests fail and say so, rather than skip: they are part of every run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from support import ROOT, free_port, serving

from interlink_kg.curation.accounts import hash_token

CLI = [sys.executable, "-m", "interlink_kg"]
CHROMIUM = os.environ.get("INTERLINK_KG_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("INTERLINK_KG_SCREENSHOTS", ROOT / "build" / "screenshots"))
TOKENS = {"ana": "browser-token-of-ana", "cora": "browser-token-of-cora"}
# Without these, Chromium keeps calling Google's hosts (refused on a closed network).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SERIOUS = {"serious", "critical"}
CHECKED: set[str] = set()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = {
        **os.environ,
        "INTERLINK_KG_STORE": f"oxigraph:{folder / 'store'}",
        "INTERLINK_KG_TOKENS": f"ana:contributor:{hash_token(TOKENS['ana'])},"
        f"cora:curator:{hash_token(TOKENS['cora'])}",
        "INTERLINK_KG_TOKENS_FILE": str(folder / "tokens.json"),
        "INTERLINK_KG_BASE_IRI": f"http://127.0.0.1:{port}/",
    }
    subprocess.run([*CLI, "load", "--no-validate"], env=env, check=True, capture_output=True)
    with serving(CLI, port, env, folder / "serve.log") as base:
        _api(base, "POST", "/teams", {"id": "parks", "name": "Parks of Riga", "type": "citizens"})
        yield base


def _api(base: str, method: str, path: str, body: object) -> object:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {TOKENS['ana']}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"no Chromium at {CHROMIUM}: run 'make setup' (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def shot(page: Page, journey: str, step: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{journey}-{step}.png"), full_page=full_page)


def accessible(page: Page, kind: str) -> None:
    """axe-core on this page: no serious or critical violation (each page type once)."""
    if kind in CHECKED:
        return
    CHECKED.add(kind)
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    assert not serious, f"{kind}: {serious}"


def sign_in(page: Page, base: str, user: str) -> None:
    page.goto(base + "/signin")
    accessible(page, "sign-in")
    page.get_by_label("Token").fill(TOKENS[user])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {user}")).to_be_visible()


def test_journey_1_search_filter_open_and_switch_to_spanish(server: str, page: Page) -> None:
    page.goto(server + "/")
    accessible(page, "home")
    shot(page, "1-search", "1-home")
    page.get_by_label("Search INTERLINKERs").fill("personas")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("personas")
    accessible(page, "search")
    shot(page, "1-search", "2-results")
    page.get_by_role("navigation", name="Kind").get_by_role("link").first.click()
    expect(page.get_by_text("Filtered by:")).to_be_visible()
    shot(page, "1-search", "3-filtered")
    page.locator("ol.results h3 a").first.click()
    expect(page.get_by_role("heading", name="What it is")).to_be_visible()
    accessible(page, "interlinker")
    shot(page, "1-search", "4-interlinker")
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Qué es")).to_be_visible()
    shot(page, "1-search", "5-spanish")
    shot(page, "readme", "interlinker-es", full_page=False)


def test_journey_2_guide_task_and_why(server: str, page: Page) -> None:
    page.goto(server + "/schemas")
    accessible(page, "guides")
    page.get_by_role("link", name=re.compile("Default", re.IGNORECASE)).first.click()
    accessible(page, "guide")
    shot(page, "2-guide", "1-schema")
    page.get_by_role("link", name="Define personas").click()
    expect(page.get_by_role("heading", name="Recommended INTERLINKERs")).to_be_visible()
    accessible(page, "task")
    why = page.locator(".why").first
    expect(why).to_contain_text("Why this one:")
    assert len(why.inner_text()) > 30
    shot(page, "2-guide", "2-task")
    shot(page, "readme", "task", full_page=False)
    page.get_by_label("Kind").select_option("software")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_label("Kind")).to_have_value("software")
    shot(page, "2-guide", "3-filtered")


def test_journey_3_a_team_member_runs_a_process(server: str, page: Page) -> None:
    sign_in(page, server, "ana")
    page.get_by_role("link", name="Processes").click()
    accessible(page, "processes")
    page.get_by_label("Title").fill("Booking parks for events")
    page.get_by_label("Guide to follow").select_option("default")
    page.get_by_role("button", name="Start the process").click()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    accessible(page, "process")
    shot(page, "3-process", "1-guide")
    page.get_by_role("link", name="Define personas").first.click()
    accessible(page, "process-task")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    first = page.locator("ol.results > li").first
    chosen = first.locator("h3").inner_text()
    first.get_by_label("Note for your team (optional)").fill("To list who uses the parks.")
    first.get_by_role("button", name="Select for this task").click()
    expect(page.get_by_role("status")).to_contain_text("Selected for this task.")
    expect(page.get_by_text("To list who uses the parks.")).to_be_visible()
    shot(page, "3-process", "2-selected")
    page.get_by_label("Your rating (0 to 5)").first.select_option("4")
    page.get_by_role("button", name="Rate it").first.click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    page.get_by_role("link", name="Booking parks for events").click()
    task = page.locator("li", has=page.get_by_role("link", name="Define personas")).first
    expect(task).to_contain_text("In progress")
    expect(task).to_contain_text(chosen)
    shot(page, "3-process", "3-guide-after")


def test_journey_4_a_curator_fixes_submits_and_approves(server: str, page: Page) -> None:
    fixed = (ROOT / "docs" / "examples" / "my-tool.ttl").read_text(encoding="utf-8")
    fixed = fixed.replace("my_tool", "park_survey").replace(
        "Neighbourhood survey builder", "Park users survey"
    )
    broken = re.sub(
        r"ilk:purpose <[^>]+> ;\n", "ilk:purpose <vocabularies/purposes/nothing> ;\n", fixed
    )
    assert broken != fixed
    sign_in(page, server, "cora")
    page.get_by_role("link", name="Contribute").click()
    page.get_by_label("The description").fill(broken)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("alert")).to_contain_text("problem(s) to fix")
    expect(page.locator(".report")).to_contain_text("Allowed values")
    accessible(page, "curate-report")
    shot(page, "4-curator", "1-report")
    page.get_by_label("The description").fill(fixed)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("follows every rule")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").filter(has_text="Submitted")).to_contain_text("park_survey")
    shot(page, "4-curator", "2-submitted")
    page.get_by_role("link", name="Review the submissions").click()
    accessible(page, "submissions")
    item = page.locator("li", has_text="park_survey")
    item.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("park_survey is published")
    shot(page, "4-curator", "3-approved")
    page.goto(server + "/quality")
    accessible(page, "quality")
    page.goto(server + "/")
    page.get_by_label("Search INTERLINKERs").fill("park users survey")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Park users survey")).to_be_visible()
    shot(page, "4-curator", "4-found")


def test_journey_5_an_example_sparql_query(server: str, page: Page) -> None:
    page.goto(server + "/sparql")
    accessible(page, "sparql")
    page.get_by_role("link", name=re.compile("of each kind")).click()
    expect(page.locator("table.data tbody tr").first).to_be_visible()
    assert page.locator("table.data tbody tr").count() >= 2
    accessible(page, "sparql-results")
    shot(page, "5-sparql", "1-results")
    expect(page.get_by_role("link", name="csv")).to_be_visible()


def test_errors_are_pages_with_a_search_box(server: str, page: Page) -> None:
    response = page.goto(server + "/interlinkers/no_such_thing")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_label("Search INTERLINKERs")).to_be_visible()
    accessible(page, "error")
    shot(page, "6-errors", "1-not-found")


def test_pages_fit_a_phone_and_work_with_the_keyboard(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    try:
        for path in ("/", "/interlinkers?q=canvas", "/schemas/default/tasks/task-define_personas"):
            phone.goto(server + path)
            wide = phone.evaluate("document.documentElement.scrollWidth")
            assert wide <= 375 + 1, (path, wide)
        shot(phone, "7-phone", "1-task")
        phone.goto(server + "/")
        phone.keyboard.press("Tab")
        expect(phone.get_by_role("link", name="Skip to content")).to_be_focused()
        phone.keyboard.press("Enter")
        assert phone.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()


def test_every_page_type_was_checked_for_accessibility() -> None:
    """Runs last (file order): the journeys above reached every page type."""
    expected = {
        "home",
        "search",
        "interlinker",
        "guides",
        "guide",
        "task",
        "sign-in",
        "processes",
        "process",
        "process-task",
        "curate-report",
        "submissions",
        "quality",
        "sparql",
        "sparql-results",
        "error",
    }
    assert expected <= CHECKED, sorted(expected - CHECKED)
