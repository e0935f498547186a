"""The browser site in a real headless Chromium (the system package), driven by Playwright.

Skipped only when Playwright (the `browser` extra) or a Chromium executable is absent, and
never under SYNRL_REQUIRE_BROWSER=1, which `.ci/run` sets after `.ci/chromium.sh` installs it. The site is served by the same localhost server as `synrl browse --serve`.
"""

from __future__ import annotations

import os
import shutil

import pytest

from synrl.browse import build_site, serve_in_thread
from synrl.dataset import load_dataset

REQUIRED = os.environ.get("SYNRL_REQUIRE_BROWSER") == "1"
if REQUIRED:
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = os.environ.get("SYNRL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    if REQUIRED:
        raise RuntimeError("SYNRL_REQUIRE_BROWSER=1 but no chromium executable (bash .ci/chromium.sh)")
    pytest.skip("no chromium executable (apt-get install chromium)", allow_module_level=True)

# No network beyond localhost, no GPU, no sandbox (CI runs as root).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGE_SIZE = 4


@pytest.fixture(scope="module")
def site(browse_dataset, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser") / "ds"
    shutil.copytree(browse_dataset, folder)
    build_site(folder, page_size=PAGE_SIZE)
    server, base = serve_in_thread(folder)
    yield folder, base + "site/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: errors.append(f"{req.url}: {req.failure}"))
    page.on("response", lambda r: errors.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)
    yield page
    context.close()
    assert not errors, errors


def _listed(page) -> list[str]:
    return page.eval_on_selector_all("#results li.sample", "els => els.map(e => e.dataset.id)")


def test_index_lists_pages_and_filters(site, page):
    folder, base = site
    records = load_dataset(folder)
    ids = [r["id"] for r in records]
    page.goto(base + "index.html")
    assert _listed(page) == ids[:PAGE_SIZE]
    assert page.text_content("#count") == f"1–{PAGE_SIZE} of {len(ids)} samples (page 1 of 3)"
    assert page.locator("#task-table tbody tr").count() == 3
    # Every thumbnail loads.
    page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    page.click("#next")
    assert _listed(page) == ids[PAGE_SIZE:2 * PAGE_SIZE]
    page.click("#next")
    assert _listed(page) == ids[2 * PAGE_SIZE:]
    assert page.is_disabled("#next")

    page.select_option("#f-task", "cards")
    assert _listed(page) == [r["id"] for r in records if r["task"] == "cards"]
    page.select_option("#f-answer_type", "list")
    want = [r["id"] for r in records if r["task"] == "cards" and r["answer_type"] == "list"]
    assert want and _listed(page) == want
    # The filter state is in the URL: a reload (or a shared link) shows the same list.
    page.reload()
    assert page.input_value("#f-task") == "cards" and _listed(page) == want

    page.select_option("#f-task", "")
    page.select_option("#f-answer_type", "")
    page.select_option("#f-difficulty", "2")
    assert len(page.eval_on_selector_all("#results li.sample", "e => e")) == PAGE_SIZE
    page.select_option("#f-difficulty", "")
    word = "pile"  # in the cards questions only; matching ignores case
    page.fill("#f-q", word.upper())
    want = [r["id"] for r in records if word.lower() in (r["question"] + " " + r["id"]).lower()][:PAGE_SIZE]
    assert want and _listed(page) == want
    page.fill("#f-q", "zzz no such words")
    assert _listed(page) == [] and page.text_content("#count") == "no sample matches"

    page.fill("#f-q", "")
    page.click("#results li.sample a >> nth=0")
    page.wait_for_url("**/samples/*.html")
    assert page.text_content("#sample-id") == ids[0]


def test_sample_video_plays_and_timeline_seeks(site, page):
    folder, base = site
    record = next(r for r in load_dataset(folder) if r["task"] == "cards")
    page.goto(base + f"samples/{record['id']}.html")
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=20_000)
    state = page.evaluate("(() => { const v = document.getElementById('video');"
                          " return {ready: v.readyState, duration: v.duration, error: v.error && v.error.code,"
                          " width: v.videoWidth, height: v.videoHeight}; })()")
    assert state["error"] is None
    assert (state["width"], state["height"]) == (record["video"]["width"], record["video"]["height"])
    expected = record["video"]["num_frames"] / record["video"]["fps"]
    assert state["duration"] == pytest.approx(expected, abs=1.5 / record["video"]["fps"])

    events = page.locator(".timeline .event")
    assert events.count() == len(record["timeline"])
    target = next(n for n, event in enumerate(record["timeline"]) if event["start_ms"] > 0)
    start_ms = record["timeline"][target]["start_ms"]
    events.nth(target).click()
    page.wait_for_function(f"(() => {{ const v = document.getElementById('video');"
                           f" return !v.seeking && Math.abs(v.currentTime - {start_ms / 1000}) < 0.02; }})()")
    cursor = float(page.get_attribute("#cursor", "style").split("left:")[1].split("%")[0])
    assert cursor == pytest.approx(100 * start_ms / record["video"]["duration_ms"], abs=0.5)
    assert "active" in events.nth(target).get_attribute("class")

    # The table's times seek too, and playing moves the cursor.
    last = len(record["timeline"]) - 1
    page.click(f".event-row[data-n='{last}'] a.seek")
    page.wait_for_function(f"Math.abs(document.getElementById('video').currentTime - "
                           f"{record['timeline'][last]['start_ms'] / 1000}) < 0.02")
    page.evaluate("(() => { const v = document.getElementById('video'); v.currentTime = 0; return v.play(); })()")
    page.wait_for_function("document.getElementById('video').currentTime > 0.3", timeout=20_000)
    page.evaluate("document.getElementById('video').pause()")
    cursor = float(page.get_attribute("#cursor", "style").split("left:")[1].split("%")[0])
    now = page.evaluate("document.getElementById('video').currentTime")
    assert cursor > 0
    assert cursor == pytest.approx(100 * now * 1000 / record["video"]["duration_ms"], abs=0.5)


def test_site_opens_from_disk(site, page):
    folder, _ = site
    page.goto((folder / "site" / "index.html").as_uri())
    assert len(_listed(page)) == PAGE_SIZE
    record = load_dataset(folder)[0]
    page.goto((folder / "site" / "samples" / f"{record['id']}.html").as_uri())
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=20_000)
