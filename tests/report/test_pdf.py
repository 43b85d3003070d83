"""The PDF report: printed by Debian's headless Chromium, read back with poppler.

Each language gets its own PDF: its text (pdftotext) must hold the contents, every
section, every device and the page numbers with the client's name in the margin, and
none of the other language's headings; every page must render (pdftoppm).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from clirun import run

from legacyscan.model import Assessment
from legacyscan.report.formats import write_report
from legacyscan.report.pdf import PdfError, find_browser
from legacyscan.report.view import Cover
from legacyscan.scanfile import write_scan_json

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
needs_tools = pytest.mark.skipif(
    not CHROMIUM.exists() or shutil.which("pdftotext") is None,
    reason="needs Debian's chromium and poppler-utils (make system-deps)",
)

HEADINGS = {
    "en": ("Contents", "Executive summary", "Segmentation", "Segment map", "Findings",
           "Method", "Appendix"),
    "fr": ("Sommaire", "Synthèse", "Segmentation", "Carte des segments", "Constats",
           "Méthode", "Annexes"),
}  # fmt: skip


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert found, info.stdout
    return int(found.group(1))


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@needs_tools
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_pdf_holds_the_report_in_one_language(
    tmp_path: Path, rich_assessment: Assessment, lang: str
) -> None:
    pdf = tmp_path / f"report-{lang}.pdf"
    cover = Cover(client='CHU Exemple "Nord" </style>', author="A. Auditrice")
    assert write_report(rich_assessment, "pdf", pdf, lang, cover, browser=str(CHROMIUM)) == [pdf]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = _pages(pdf)
    text = _text(pdf)
    for heading in HEADINGS[lang]:
        assert heading in text, heading
    other = HEADINGS["fr" if lang == "en" else "en"]
    for heading in other[:2] + other[4:]:  # "Segmentation" is both languages' word
        assert heading not in text, heading
    for device in rich_assessment.devices:  # every finding on paper, not the first page
        assert device.address in text
    # the margin of every page: the client's name (escaped, whole) and "page / pages"
    numbers = re.findall(r"(\d+) / (\d+)\s*$", text, re.M)
    assert [int(n) for n, _ in numbers] == list(range(1, pages + 1))
    assert {int(total) for _, total in numbers} == {pages}
    assert text.count('CHU Exemple "Nord" </style>') >= pages
    # every page renders
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages and all(p.stat().st_size > 500 for p in images)


@needs_tools
def test_every_finding_is_printed_not_one_page_of_the_table(
    tmp_path: Path, many_segments: Assessment
) -> None:
    assert len(many_segments.devices) > 50  # the page's table shows 50 at a time
    pdf = tmp_path / "report.pdf"
    write_report(many_segments, "pdf", pdf, "en", browser=str(CHROMIUM))
    text = _text(pdf)
    missing = [d.address for d in many_segments.devices if f"{d.address} " not in text]
    assert missing == []


@needs_tools
def test_report_command_prints_a_pdf(tmp_path: Path, rich_assessment: Assessment) -> None:
    scan = tmp_path / "scan.json"
    write_scan_json(rich_assessment, scan)
    done = run("report", str(scan), "--format", "pdf", "--lang", "fr", "--client", "CHU B")
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "report.pdf"
    assert done.stdout.strip() == f"report: {pdf}"
    assert "Sommaire" in _text(pdf) and "CHU B" in _text(pdf)


def test_no_chromium_is_one_clear_line(
    tmp_path: Path, rich_assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = tmp_path / "scan.json"
    write_scan_json(rich_assessment, scan)
    done = run("report", str(scan), "--format", "pdf", "--browser", str(tmp_path / "nothing"))
    assert done.returncode != 0
    missing = tmp_path / "nothing"
    assert done.stderr.strip().splitlines() == [f"error: --browser {missing}: no such executable"]
    assert not (tmp_path / "report.pdf").exists()
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PdfError, match="none was found on PATH: install it"):
        find_browser()
