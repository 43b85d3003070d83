"""The report in a real headless Chromium, opened from file:// as from a USB key.

Nothing may be requested but the file itself, nothing may be logged to the console,
no script of a device may run (a dialog would prove it), and the interactive parts
(filters, sorting, language switch, segment drill-down, device detail) must work.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from legacyscan.model import Assessment
from legacyscan.report.html import write_html
from legacyscan.report.view import Cover

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"


@dataclass
class Watched:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def count(self) -> str:
        return str(self.page.inner_text("#f-count"))

    def clean(self) -> None:
        assert self.requests == [self.url]
        assert self.console == []
        assert self.errors == []
        assert self.dialogs == []


def _open(browser: Any, path: Path) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watched = Watched(page, path.as_uri())
    page.on("request", lambda r: watched.requests.append(r.url))
    page.on("console", lambda m: watched.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: watched.errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:  # a device's script ran: record it, never block
        watched.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(watched.url, wait_until="load")
        page.wait_for_selector("#findings-table tbody tr")
        yield watched
    finally:
        context.close()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, rich_assessment: Assessment) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    cover = Cover(client="CHU Exemple", author="A. Auditrice")
    write_html(rich_assessment, path, "en", cover)
    return path


@pytest.fixture
def en(browser: Any, report_file: Path) -> Iterator[Watched]:
    yield from _open(browser, report_file)


def test_loads_with_no_request_no_console_message_no_error(en: Watched) -> None:
    en.page.wait_for_timeout(200)
    en.clean()
    assert en.count() == "7 of 7 devices"


def test_hostile_strings_render_as_text_and_never_run(en: Watched) -> None:
    page = en.page
    page.fill("#f-search", "10.1.1.11")
    expect(page.locator("#findings-table tbody tr")).to_have_count(1)
    page.click("#findings-table tbody tr")
    detail = page.inner_text("#device-detail")
    assert "<script>alert(1)</script>" in detail  # sysDescr and the rule's evidence
    assert '"><img src=x onerror=alert(1)>' in detail  # sysName, hostname, http product
    assert "</script><script>alert(2)</script>" in detail  # the one that tries to break out
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.scripts.length") == 2  # our data block and our code
    assert page.evaluate("document.querySelectorAll('[onerror]').length") == 0
    error_row = page.inner_text("#appendix")
    assert "timeout <script>alert(1)</script>" in error_row
    page.wait_for_timeout(200)
    en.clean()  # in particular: no dialog ever opened


def test_filters_and_sorting(en: Watched) -> None:
    page = en.page
    page.fill("#f-search", "windows xp")
    expect(page.locator("#f-count")).to_have_text("1 of 7 devices")
    page.fill("#f-search", "")
    page.select_option("#f-class", "medical")
    assert en.count() == "2 of 7 devices"
    page.check("#f-legacy")
    assert en.count() == "0 of 7 devices"
    assert "No device matches" in page.inner_text("#findings-table")
    page.click("#f-reset")
    page.check("#f-kev")
    assert en.count() == "1 of 7 devices"
    page.click("#f-reset")
    page.select_option("#f-segment", label="biomed")
    assert en.count() == "3 of 7 devices"
    page.click("#f-reset")
    first = "#findings-table tbody tr:first-child td:nth-child(2)"
    assert page.inner_text(first) == "10.1.1.10"  # highest risk first
    page.click("th[data-sort='a']")
    assert page.inner_text(first) == "10.1.1.10"
    page.click("th[data-sort='a']")
    assert page.inner_text(first) == "10.1.3.50"
    en.clean()


def test_device_detail_shows_evidence_record_and_factors(en: Watched) -> None:
    page = en.page
    page.click("#findings-table tbody tr:first-child")
    detail = page.inner_text("#device-detail")
    for text in ("snmp.windows.xp", "CVE-2017-0144", "82 points", "lifecycle", "8 April 2014",
                 "Clinical devices it can reach (3)", "Signals disagree",
                 "enterprise number 311, registered at IANA to Microsoft"):  # fmt: skip
        assert text in detail
    link = page.get_attribute("#device-detail a.source", "href")
    assert link == "https://learn.microsoft.com/en-us/lifecycle/products/windows-xp"
    # the hostile device's javascript: source is not a link
    page.fill("#f-search", "10.1.1.11")
    expect(page.locator("#findings-table tbody tr")).to_have_count(1)
    page.click("#findings-table tbody tr")
    assert page.locator("#device-detail a.source").count() == 0
    assert "javascript:x" in page.inner_text("#device-detail")
    en.clean()


def test_segment_drill_down_highlights_what_a_device_reaches(en: Watched) -> None:
    page = en.page
    page.click("#seg-graph [data-seg='0']")
    assert "Segment admin: 3 devices" in page.inner_text("#seg-drill")
    index = page.get_attribute("#seg-drill [data-device] >> nth=0", "data-device")
    page.click(f"#seg-drill [data-device='{index}']")
    info = page.inner_text("#reach-info")
    assert "can reach 3 clinical devices" in info
    assert "2 of them are in other segments" in info
    reached = page.eval_on_selector_all(
        "#seg-drill .reached title", "nodes => nodes.map(n => n.textContent)"
    )
    assert len(reached) == 1 and reached[0].startswith("10.1.1.20")
    page.click("#reach-info a")
    assert page.inner_text("#device-detail h3").startswith("10.1.1.10 — workstation")
    en.clean()


def test_language_switch(en: Watched) -> None:
    page = en.page
    assert page.is_visible("text=Executive summary")
    page.click("button[data-set-lang='fr']")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.is_visible("h2:has-text('Synthèse')")
    assert not page.is_visible("text=Executive summary")
    assert en.count() == "7 équipements sur 7"
    assert page.inner_text("th[data-sort='a']").startswith("Adresse")
    body = page.inner_text("main")
    for english in ("Executive summary", "What to fix first", "Findings", "Risk weights",
                    "devices found", "End-of-support horizon", "Segment map"):  # fmt: skip
        assert english not in body
    assert "€18,500.50" not in body and "18\u202f500,50\u00a0€" in body
    page.click("#findings-table tbody tr:first-child")
    assert "Identités et cycle de vie" in page.inner_text("#device-detail")
    assert "8 avril 2014" in page.inner_text("#device-detail")
    page.click("button[data-set-lang='en']")
    assert page.is_visible("text=Executive summary")
    assert "Identities and lifecycle" in page.inner_text("#device-detail")  # kept open
    en.clean()


def test_french_report_opens_in_french(
    browser: Any, tmp_path: Path, rich_assessment: Assessment
) -> None:
    path = tmp_path / "rapport.html"
    write_html(rich_assessment, path, "fr")
    for watched in _open(browser, path):
        assert watched.page.is_visible("h2:has-text('Synthèse')")
        assert watched.count() == "7 équipements sur 7"
        watched.clean()


def test_screenshot_of_the_summary(en: Watched, tmp_path: Path) -> None:
    shot = tmp_path / "report-summary.png"
    en.page.set_viewport_size({"width": 1280, "height": 1400})
    en.page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000  # a real picture, not an empty page
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("LEGACYSCAN_UPDATE_DOCS_SCREENSHOT"):
        shutil.copy(shot, DOCS / "report-summary.png")
    en.clean()


def _overlaps(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    found = []
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if (
                a["x"] < b["x"] + b["width"]
                and b["x"] < a["x"] + a["width"]
                and a["y"] < b["y"] + b["height"]
                and b["y"] < a["y"] + a["height"]
            ):
                found.append((i, j))
    return found


#: Blocks and the labels around them (a block's own inner count is inside it by design).
MEASURE = """root => Array.from(
  root.querySelectorAll('rect.seg-block, text:not(.seg-inner)')).map(n => {
  const r = n.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height, text: n.textContent};
})"""


@pytest.mark.parametrize("wards", [3, 9, 14])
def test_the_segment_map_has_no_two_boxes_overlapping(
    browser: Any, tmp_path: Path, wards: int, segments_of_wards: Any
) -> None:
    assessment = segments_of_wards(wards)
    path = tmp_path / "map.html"
    write_html(assessment, path, "fr")
    for watched in _open(browser, path):
        page = watched.page
        boxes = page.eval_on_selector("#seg-graph svg", MEASURE)
        blocks = page.locator("#seg-graph rect.seg-block").count()
        assert blocks == wards  # every segment drawn once
        assert len(boxes) == 3 * wards  # a block, its name and its counts
        overlapping = [(boxes[i]["text"], boxes[j]["text"]) for i, j in _overlaps(boxes)]
        assert overlapping == []
        # every label stays inside the map
        frame = page.eval_on_selector("#seg-graph svg", "n => n.getBoundingClientRect().toJSON()")
        for box in boxes:
            assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["right"] + 0.5
        # arrows: legacy -> clinical between segments, wider for more pairs
        widths = page.eval_on_selector_all(
            "#seg-graph path.edge",
            "ps => ps.map(p => [Number(p.dataset.pairs), Number(p.getAttribute('stroke-width'))])",
        )
        assert widths, "no arrow drawn"
        # the pairs inside a segment: written inside its block, as many as the reach holds
        inner = page.eval_on_selector_all(
            "#seg-graph text.seg-inner",
            """ts => ts.map(t => {
              const block = document.querySelector(
                `#seg-graph g[data-seg="${t.dataset.seg}"] rect`).getBoundingClientRect();
              const r = t.getBoundingClientRect();
              return [t.dataset.seg, t.textContent, r.x >= block.x && r.right <= block.right
                      && r.y >= block.y && r.bottom <= block.bottom];
            })""",
        )
        first = {}
        for segment in assessment.topology.segments:
            for member in segment.members:
                first.setdefault(member, segment.name)
        names = [s.name for s in assessment.topology.segments]
        expected: dict[str, int] = {}
        for e in assessment.topology.exposures:
            if first[e.legacy] == first[e.clinical]:
                index = str(names.index(first[e.legacy]))
                expected[index] = expected.get(index, 0) + 1
        written = {seg: text.replace(" paires internes", "") for seg, text, _ in inner}
        assert written == {seg: str(n) for seg, n in expected.items()}
        assert all(within for _, _, within in inner)
        ordered = sorted(widths)
        assert all(a[1] <= b[1] for a, b in zip(ordered, ordered[1:], strict=False))
        watched.clean()
