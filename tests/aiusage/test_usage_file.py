"""The aggregate file: written, read back the same, and refused in one line when it has
been tampered with; hostile strings in it are escaped in the report; the CLI's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import run

from legacyscan.aiusage.usagefile import UsageFileError, read_usage, to_json
from legacyscan.model.aiusage import (
    AiService,
    AttributionInfo,
    CatalogueInfo,
    KeptInfo,
    UsageData,
    UsageRow,
)
from legacyscan.report.ai_usage import AiUsageView

HOSTILE = '<script>alert("x")</script>\x1b[2J'


def sample(segment: str = "soins", device: str = "MED-PC-01") -> UsageData:
    services = (
        AiService("openai-chatgpt", "ChatGPT", "OpenAI", "chat", None, "https://x.example", "d"),
        AiService("mistral-le-chat", "Le Chat", "Mistral AI", "chat", "EU", "", "", True),
    )
    rows = (
        UsageRow("2026-11-03", "proxy", "openai-chatgpt", "chatgpt.com", "10.0.0.1", "sure", 7,
                 1, device, "workstation", segment, "nord", "", 5000),
        UsageRow("2026-11-04", "proxy", "mistral-le-chat", "chat.mistral.ai", "10.0.0.1", "sure",
                 3, 1, device, "workstation", segment, "nord", "", None),
        UsageRow("2026-12-01", "dns", "openai-chatgpt", "chatgpt.com", "10.0.0.9",
                 "unattributed", 4, segment="guest"),
    )  # fmt: skip
    return UsageData(
        legacyscan_version="test", generated="2026-12-07T00:00:00+00:00",
        catalogue=CatalogueInfo("2026-12-07", "abc", 2),
        attribution=AttributionInfo("inventory.sqlite", "", 2), kept=KeptInfo("none", ("day",)),
        inputs=(), services=services, rows=rows, policy="policy.yaml",
    )  # fmt: skip


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "u.json"
    path.write_text(to_json(sample()))
    assert read_usage(path) == sample()


def test_view_counts_one_evidence_and_the_unapproved_share() -> None:
    view = AiUsageView(sample())
    assert (view.evidence, view.total, view.unapproved) == ("proxy", 10, 7)
    assert view.other_evidence == [("dns", 4)]
    assert [(c.name, c.connections, c.unapproved) for c in view.by_month] == [("2026-11", 10, 7)]
    assert view.top_segments[0].name == "soins"


def _tamper(tmp_path: Path, change: object) -> Path:
    document = json.loads(to_json(sample()))
    assert callable(change)
    change(document)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(format="other"), "not a legacyscan AI-usage file"),
        (lambda d: d.update(version=9), "version 9 unknown"),
        (lambda d: d["rows"][0].__setitem__(6, "many"), "connections"),
        (lambda d: d["rows"][0].__setitem__(2, "no-such"), "names a service"),
        (lambda d: d["rows"][0].__setitem__(3, "<b>.openai.com"), "not a host name"),
        (lambda d: d["rows"][0].__setitem__(0, "2026-13-45"), "impossible day"),
        (lambda d: d["rows"][0].__setitem__(6, -5), "negative"),
        (lambda d: d["rows"][0].pop(), "does not have"),
        (lambda d: d["services"][0].update(kind="oracle"), "unknown kind"),
    ],
)
def test_tampered_file_is_one_line(tmp_path: Path, change: object, problem: str) -> None:
    with pytest.raises(UsageFileError, match=problem):
        read_usage(_tamper(tmp_path, change))


def test_not_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "u.json"
    path.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(UsageFileError):
        read_usage(path)
    path.write_text("[1, 2")
    with pytest.raises(UsageFileError, match="not JSON"):
        read_usage(path)


def test_hostile_strings_are_escaped_in_the_report(tmp_path: Path) -> None:
    usage = tmp_path / "u.json"
    usage.write_text(to_json(sample(segment=HOSTILE, device=HOSTILE)))
    scan = tmp_path / "scan"
    assert run("import", "tests/fixtures/nmap/lab-minimal.xml", "--out", str(scan),
               "--no-db").returncode == 0  # fmt: skip
    done = run("report", str(scan / "scan.json"), "--ai-usage", str(usage), "-o",
               str(tmp_path / "r.html"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "r.html").read_text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    csv_done = run("report", str(scan / "scan.json"), "--ai-usage", str(usage), "--format",
                   "csv", "-o", str(tmp_path / "csv"))  # fmt: skip
    assert csv_done.returncode == 0, csv_done.stderr
    segments = (tmp_path / "csv" / "ai-usage-by-segment.csv").read_text(encoding="utf-8-sig")
    assert HOSTILE.replace('"', '""') in segments  # data, not a formula (no = + - @ start)


def test_report_refuses_a_bad_usage_file_before_reading_the_scan(tmp_path: Path) -> None:
    bad = tmp_path / "u.json"
    bad.write_text("{}")
    done = run("report", str(tmp_path / "missing-scan.json"), "--ai-usage", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: {bad}: not a legacyscan AI-usage file"]


def test_cli_progress_and_summary_are_clean(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(
        b"1793697121.000 1 10.0.0.1 TCP_TUNNEL/200 5 CONNECT chatgpt.com:443 - HIER_DIRECT/x -\n"
        b"\x1b]0;owned\x07 \x1b[2J\n"
    )
    done = run("ai-usage", str(log), "--no-db", "-o", str(tmp_path / "u.json"))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stderr + done.stdout
    assert "1 malformed (first at line 2)" in done.stderr
    assert "1 proxy connection(s) to AI services, 1 to unapproved ones (100%)" in done.stderr


def test_a_file_cut_short_keeps_what_was_read(tmp_path: Path) -> None:
    import gzip

    line = b"1793697121.000 1 10.0.0.1 TCP_TUNNEL/200 5 CONNECT chatgpt.com:443 - HIER_DIRECT/x -\n"
    cut = tmp_path / "access.log.1.gz"
    cut.write_bytes(gzip.compress(line * 40_000)[:-40])  # rotated while being written
    whole = tmp_path / "access.log"
    whole.write_bytes(line * 3)
    output = tmp_path / "u.json"
    done = run("ai-usage", str(cut), str(whole), "--no-db", "-o", str(output))
    assert done.returncode == 0, done.stderr
    assert "truncated" in done.stderr
    inputs = {i.name: i for i in read_usage(output).inputs}
    assert inputs["access.log"].matched == 3
    assert 0 < inputs["access.log.1.gz"].matched < 40_000
    assert "truncated" in inputs["access.log.1.gz"].note
