"""The browser site's files, without a browser: pages, index data, audit verdicts, server."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest

from synrl.audit import AuditSummary, SampleAudit
from synrl.browse import BrowseError, build_site, serve_in_thread
from synrl.browse.site import answer_display, read_audit, timeline_lanes
from synrl.dataset import load_dataset


def _index_data(site: Path) -> dict:
    text = (site / "data" / "index.js").read_text()
    assert text.startswith("window.SYNRL_INDEX = ")
    return json.loads(text.removeprefix("window.SYNRL_INDEX = ").rstrip().rstrip(";"))


def test_site_has_a_page_per_sample_with_relative_links(dataset):
    result = build_site(dataset, page_size=4)
    site = dataset / "site"
    records = load_dataset(dataset)
    assert result.samples == len(records) == 9
    assert result.thumbs_written == 9
    data = _index_data(site)
    assert data == json.loads((site / "data" / "index.json").read_text())
    assert data["page_size"] == 4
    assert [row[0] for row in data["rows"]] == [r["id"] for r in records]
    for record in records:
        page = (site / "samples" / f"{record['id']}.html").read_text()
        src = re.search(r'<video[^>]* src="([^"]+)"', page).group(1)
        assert not src.startswith(("/", "file:", "http"))
        assert (site / "samples" / src).resolve() == (dataset / record["video"]["path"]).resolve()
        assert f'data-duration-ms="{record["video"]["duration_ms"]}"' in page
        assert page.count('class="event ') == len(record["timeline"])
        assert (site / "thumbs" / f"{record['id']}.jpg").stat().st_size > 0
        for href in re.findall(r'(?:href|src)="([^"#]+)"', page):
            if href.startswith("data:"):
                continue
            assert not href.startswith(("/", "http")), href
            assert (site / "samples" / href).exists(), href
    index = (site / "index.html").read_text()
    for href in re.findall(r'(?:href|src)="([^"#]+)"', index):
        if not href.startswith("data:"):
            assert (site / href).exists(), href


def test_sample_page_marks_the_answer_and_shows_cot(dataset):
    build_site(dataset)
    records = {r["id"]: r for r in load_dataset(dataset)}
    cots = {json.loads(line)["id"]: json.loads(line) for line in (dataset / "cot.jsonl").read_text().splitlines()}
    mc = next(r for r in records.values() if r["answer_type"] == "multiple_choice")
    page = (dataset / "site" / "samples" / f"{mc['id']}.html").read_text()
    marked = re.findall(r'<li class="correct" data-letter="([A-Z])">', page)
    assert marked == [mc["answer"]]
    # Jinja autoescapes: the CoT's <think> tags appear as text, not as elements.
    assert "&lt;think&gt;" in page and "<think>" not in page
    assert cots[mc["id"]]["cot"].split("\n")[0].replace("<think>", "&lt;think&gt;")[:40] in page
    other = next(r for r in records.values() if r["answer_type"] == "list")
    page = (dataset / "site" / "samples" / f"{other['id']}.html").read_text()
    assert 'class="correct"' not in page
    assert answer_display(other) in page


def test_rebuild_is_identical_and_skips_fresh_thumbnails(dataset):
    build_site(dataset)
    site = dataset / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = build_site(dataset)
    assert again.thumbs_written == 0
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_rebuild_drops_pages_of_removed_samples(dataset):
    build_site(dataset)
    manifest = dataset / "manifest.jsonl"
    lines = manifest.read_text().splitlines()
    removed = json.loads(lines[-1])["id"]
    manifest.write_text("\n".join(lines[:-1]) + "\n")
    result = build_site(dataset)
    assert result.samples == len(lines) - 1
    assert not (dataset / "site" / "samples" / f"{removed}.html").exists()
    assert not (dataset / "site" / "thumbs" / f"{removed}.jpg").exists()
    assert len(list((dataset / "site" / "samples").glob("*.html"))) == len(lines) - 1


def test_audit_report_gives_per_sample_verdicts(dataset):
    records = load_dataset(dataset)
    first, second = records[0], records[1]
    assert first["task"] == second["task"]
    summary = AuditSummary([SampleAudit(r["id"], r["task"], "ok") for r in records if r["id"] != first["id"]]
                           + [SampleAudit(first["id"], first["task"], "mismatch", 2, 3, "derived 3")])
    (dataset / "audit.json").write_text(summary.to_json())
    build_site(dataset)
    page = (dataset / "site" / "samples" / f"{first['id']}.html").read_text()
    assert re.search(r'id="audit"><b>mismatch</b>: derived 3', page)
    assert "expected 2, derived 3" in page
    page = (dataset / "site" / "samples" / f"{second['id']}.html").read_text()
    assert re.search(r'id="audit"><b>ok</b>', page)
    # A partial audit (--limit) does not vouch for the samples it did not check.
    partial = AuditSummary([SampleAudit(first["id"], first["task"], "ok")])
    verdicts = read_audit(_write(dataset / "partial.json", partial.to_json()), records)
    assert verdicts[second["id"]]["status"] == "unknown"
    assert verdicts[first["id"]]["status"] == "unknown"
    other_task = next(r for r in records if r["task"] != first["task"])
    assert verdicts[other_task["id"]]["status"] == "not audited"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_timeline_lanes_never_overlap():
    events = [{"type": "a", "start_ms": 0, "end_ms": 1000}, {"type": "b", "start_ms": 500, "end_ms": 1500},
              {"type": "c", "start_ms": 1000, "end_ms": 1000}, {"type": "d", "start_ms": 1200, "end_ms": 2000},
              {"type": "e", "start_ms": 2500, "end_ms": 9000}]
    placed, lanes = timeline_lanes(events, 3000)
    # c starts where a ends: it would touch a, so it takes a lane of its own.
    assert lanes == 3
    assert [e["lane"] for e in placed] == [0, 1, 2, 0, 0]
    for lane in range(lanes):
        spans = sorted((e["left"], e["left"] + e["width"]) for e in placed if e["lane"] == lane)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert placed[-1]["end_ms"] == 3000 and placed[-1]["left"] + placed[-1]["width"] <= 100.0
    assert placed[2]["width"] == 0.8  # an instant stays clickable


def test_bad_input_is_one_clear_error(tmp_path, dataset):
    with pytest.raises(BrowseError, match="is not a folder"):
        build_site(tmp_path / "missing")
    with pytest.raises(BrowseError, match="no manifest.jsonl"):
        build_site(tmp_path)
    with pytest.raises(BrowseError, match="no such audit report"):
        build_site(dataset, audit=tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(BrowseError, match="not a `synrl audit --report` file"):
        build_site(dataset, audit=tmp_path / "bad.json")
    with pytest.raises(BrowseError, match="must not be the dataset folder"):
        build_site(dataset, out=dataset)


def test_server_answers_byte_ranges(dataset):
    build_site(dataset)
    video = sorted((dataset / "videos").glob("*.mp4"))[0]
    data = video.read_bytes()
    server, base = serve_in_thread(dataset)
    try:
        url = base + "videos/" + video.name
        with urllib.request.urlopen(url) as whole:
            assert whole.status == 200 and whole.read() == data
            assert whole.headers["Accept-Ranges"] == "bytes"
        request = urllib.request.Request(url, headers={"Range": "bytes=100-199"})
        with urllib.request.urlopen(request) as part:
            assert part.status == 206
            assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
            assert part.read() == data[100:200]
        request = urllib.request.Request(url, headers={"Range": "bytes=-50"})
        with urllib.request.urlopen(request) as tail:
            assert tail.read() == data[-50:]
        request = urllib.request.Request(url, headers={"Range": f"bytes={len(data)}-"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request)
        assert err.value.code == 416
        with urllib.request.urlopen(base + "site/data/index.js") as script:
            assert script.headers["Content-Type"].startswith("text/javascript")
    finally:
        server.shutdown()
        server.server_close()


def test_cli_browse(dataset, tmp_path):
    from typer.testing import CliRunner

    from synrl.cli import app

    result = CliRunner().invoke(app, ["browse", str(dataset), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert "9 sample pages" in result.output
    assert (tmp_path / "site" / "index.html").is_file()
    bad = CliRunner().invoke(app, ["browse", str(tmp_path / "nothing")])
    assert bad.exit_code == 2 and "is not a folder" in bad.output


def test_cli_serve_serves_the_site_and_stops_on_ctrl_c(dataset):
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "synrl.cli", "browse", str(dataset), "--serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        match = re.search(r"at (http://127\.0\.0\.1:\d+/\S+) ", lines[1])
        assert match, lines
        assert match.group(1).endswith("/site/index.html")
        with urllib.request.urlopen(match.group(1)) as page:
            assert page.status == 200 and b"synrl browser" in page.read()
        video = load_dataset(dataset)[0]["video"]["path"]
        with urllib.request.urlopen(match.group(1).replace("site/index.html", video)) as response:
            assert response.read() == (dataset / video).read_bytes()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
