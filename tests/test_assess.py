"""A stored scan is shown as it was judged; judged again only when asked, and then it says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import meta
from clirun import run
from testpaths import FIXTURES

from legacyscan.assess import assess, reopen
from legacyscan.collect.snmp.walkfile import read_walk
from legacyscan.scanfile import write_scan_json

#: An EOL overlay that (wrongly, on purpose) says Windows XP is supported until 2099:
#: "different knowledge installed after the scan".
OVERLAY = """records:
  - vendor: Microsoft
    product: Windows XP
    cycle: "XP (test overlay)"
    released: 2001-12-31
    support_end: 2099-01-01
    security_end: 2099-01-01
    security_end_latest: null
    extended_end: null
    source: https://example.invalid/test-overlay
    checked: 2026-11-23
    note: "A test's stand-in for knowledge that changed after the scan."
"""


def _xp_status(devices: object) -> str:
    for device in devices:  # type: ignore[attr-defined]
        for judged in device.identities:
            if judged.identity.product == "Windows XP":
                return str(judged.lifecycle.status)
    raise AssertionError("no Windows XP identity")


@pytest.fixture
def stored_scan(tmp_path: Path) -> Path:
    host = read_walk(FIXTURES / "cli" / "xp-console.snmpwalk")
    assessment = assess([host], meta(targets=(host.address or "",)))
    assert _xp_status(assessment.devices) == "eol"
    path = tmp_path / "scan.json"
    write_scan_json(assessment, path)
    return path


def test_a_stored_scan_keeps_its_verdicts_when_the_knowledge_changes(
    stored_scan: Path, _isolated_user_data: Path
) -> None:
    made = json.loads(stored_scan.read_text(encoding="utf-8"))["provenance"]
    (_isolated_user_data / "eol-overlay.yaml").write_text(OVERLAY, encoding="utf-8")
    kept = reopen(stored_scan).assessment
    assert _xp_status(kept.devices) == "eol"
    assert kept.provenance is not None and kept.provenance.knowledge == made["knowledge"]
    again = reopen(stored_scan, reassess=True).assessment
    assert _xp_status(again.devices) != "eol"  # the overlay now contradicts the record
    assert again.provenance is not None
    assert again.provenance.rejudged_from == made["knowledge"]
    assert again.provenance.knowledge != made["knowledge"]


def test_report_renders_the_stored_verdicts_and_says_when_judged_again(
    stored_scan: Path, _isolated_user_data: Path, tmp_path: Path
) -> None:
    (_isolated_user_data / "eol-overlay.yaml").write_text(OVERLAY, encoding="utf-8")
    html = tmp_path / "kept.html"
    result = run("report", str(stored_scan), "-o", str(html))
    assert result.returncode == 0, result.stderr
    assert "as judged by the scan" in result.stderr
    page = html.read_text(encoding="utf-8")
    assert "Judged again" not in page
    again = tmp_path / "again.html"
    result = run("report", str(stored_scan), "--reassess", "-o", str(again))
    assert result.returncode == 0, result.stderr
    assert "judged 1 device(s) again" in result.stderr
    assert "Judged again" in again.read_text(encoding="utf-8")


def test_report_budget_fills_the_plan_with_the_stored_verdicts(
    stored_scan: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    result = run(
        "report", str(stored_scan), "--format", "json", "--budget", "50000", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["plan"] is not None and data["plan"]["budget"] == 50000


@pytest.mark.parametrize("budget", ["inf", "nan", "-5"])
def test_report_refuses_a_budget_that_is_not_an_amount(stored_scan: Path, budget: str) -> None:
    result = run("report", str(stored_scan), "--budget", budget)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--budget" in result.stderr
