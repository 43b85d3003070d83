"""The PDF report: the HTML report printed by headless Chromium, in one language.

Chromium is the printer because the report's map and tables are drawn by the page's
own script; printing the page is the only way the PDF shows what the browser shows.
The page is rendered in print mode (``render_view(..., print_mode=True)``): every
finding listed, no filters or language buttons, a table of contents, and the print
stylesheet of ``reports/style.css`` (A4, page numbers and the client's name in the
margin boxes, sections on new pages, table rows never cut).  Chromium runs with a
throw-away profile, no network features and, for root only, without its sandbox
(it refuses to start as root otherwise).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from legacyscan.errors import UserError
from legacyscan.files import atomic_write

#: Names Chromium goes by on PATH, in the order they are tried.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: How long a page may take to print (a 20,000-device report takes about a minute).
PRINT_TIMEOUT_S = 300
#: Time the page's script gets before printing, in Chromium's virtual time.
SCRIPT_BUDGET_MS = 30_000


class PdfError(UserError, RuntimeError):
    """No browser to print with, or the browser could not print."""


def find_browser(named: str | Path | None = None) -> Path:
    """The Chromium to print with: ``named`` (a path or a name on PATH), else the first
    of ``BROWSER_NAMES`` on PATH."""
    if named:
        found = shutil.which(str(named))
        if found is None:
            raise PdfError(f"--browser {named}: no such executable")
        return Path(found)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise PdfError(
        "the PDF is printed by headless Chromium, and none was found on PATH: install it "
        "(apt-get install chromium) or name it with --browser PATH"
    )


def chromium_command(browser: Path, page: Path, pdf: Path, profile: Path) -> list[str]:
    command = [
        str(browser),
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",  # ours are in the page's @page margin boxes
        f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(1, "--no-sandbox")
    return command


def print_pdf(page_html: str, path: Path, browser: Path) -> None:
    """Print ``page_html`` (a print-mode report) to ``path`` with ``browser``."""
    with tempfile.TemporaryDirectory(prefix="legacyscan-pdf-") as work:
        folder = Path(work)
        page, pdf = folder / "report.html", folder / "report.pdf"
        page.write_text(page_html, encoding="utf-8")
        command = chromium_command(browser, page, pdf, folder / "profile")
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=PRINT_TIMEOUT_S,
                check=False,
            )
        except OSError as exc:
            raise PdfError(f"cannot start {browser}: {exc.strerror or exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"{browser} did not print within {PRINT_TIMEOUT_S} s") from exc
        if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            said = [line for line in done.stderr.splitlines() if line.strip()]
            why = said[-1].strip() if said else f"exit status {done.returncode}"
            raise PdfError(f"{browser} could not print the PDF: {why[:300]}")
        atomic_write(path, pdf.read_bytes(), error=PdfError)
