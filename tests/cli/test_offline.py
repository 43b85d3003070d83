"""``legacyscan report``: every format and language from a stored scan, as a user runs it."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook

from legacyscan.assess import assess
from legacyscan.cli import main
from legacyscan.model import Host, ScanMeta, Service, SnmpSystem
from legacyscan.scanfile import write_scan_json

XP = Host(
    address="127.42.20.15",
    snmp=SnmpSystem(
        descr="Hardware: x86 Family 15 Model 4 Stepping 1 AT/AT COMPATIBLE - "
        "Software: Windows Version 5.1 (Build 2600 Multiprocessor Free)",
        object_id="1.3.6.1.4.1.311.1.1.3.1.1",
    ),
    services=(Service(port=104, protocol="tcp", state="open", name="acr-nema"),),
    sources=("nmap", "snmp"),
)
PUMP = Host(
    address="127.42.20.30",
    snmp=SnmpSystem(descr="B. Braun Melsungen AG SpaceCom 2 infusion data gateway"),
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process (slow on a busy machine: used twice)."""
    return subprocess.run(
        [sys.executable, "-m", "legacyscan", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def invoke(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """The same entry point as the installed command, in this process."""

    def call(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "argv", ["legacyscan", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return call


@pytest.fixture
def scan_json(tmp_path: Path) -> Path:
    import datetime as dt

    meta = ScanMeta(
        as_of=dt.date(2026, 11, 23),
        started="2026-11-23T10:00:00+00:00",
        finished="2026-11-23T10:05:00+00:00",
        targets=("127.42.20.0/24",),
        legacyscan_version="0.1.0",
    )
    path = tmp_path / "scan.json"
    write_scan_json(assess((XP, PUMP), meta), path)
    return path


def test_default_is_english_html_beside_the_scan(scan_json: Path) -> None:
    result = run("report", str(scan_json), cwd=scan_json.parent)
    assert result.returncode == 0, result.stderr
    page = (scan_json.parent / "report.html").read_text("utf-8")
    assert 'data-lang="en"' in page
    assert f"report: {scan_json.parent / 'report.html'}" in result.stdout


def test_french_html_with_cover_from_config_and_options(
    scan_json: Path, invoke: Callable[..., Result]
) -> None:
    config = scan_json.parent / "report.yaml"
    config.write_text(
        "client: CHU Exemple\nauthor: Config Author\nscope: Bâtiment B\nlang: fr\n", "utf-8"
    )
    out = scan_json.parent / "rapport.html"
    result = invoke("report", str(scan_json), "--config", str(config), "--author", "A. Auditrice",
                 "-o", str(out), cwd=scan_json.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = out.read_text("utf-8")
    assert 'data-lang="fr"' in page
    assert "CHU Exemple" in page and "Bâtiment B" in page
    assert "A. Auditrice" in page and "Config Author" not in page  # the option wins


@pytest.mark.parametrize("fmt", ["json", "csv", "graphml", "xlsx"])
def test_every_export(scan_json: Path, fmt: str, invoke: Callable[..., Result]) -> None:
    result = invoke("report", str(scan_json), "--format", fmt, "--lang", "fr", cwd=scan_json.parent)
    assert result.returncode == 0, result.stderr
    folder = scan_json.parent
    if fmt == "csv":
        with (folder / "report-csv" / "devices.csv").open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        assert {r["address"] for r in rows} == {"127.42.20.15", "127.42.20.30"}
    elif fmt == "graphml":
        assert nx.read_graphml(folder / "report.graphml").number_of_nodes() == 3
    elif fmt == "xlsx":
        assert load_workbook(folder / "report.xlsx").sheetnames[0] == "Synthèse"
    else:
        assert '"lang": "fr"' in (folder / "report.json").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "docx"], "'docx' is not one of"),
        (["--lang", "de"], "'de' is not one of"),
        (["--config", "missing.yaml"], "missing.yaml: cannot read"),
        (["--config", "bad.yaml"], "unknown key(s) 'colour'"),
        (["--config", "badlang.yaml"], "lang 'de' is not one of fr, en"),
        (["-o", "."], "is a folder"),
    ],
)
def test_bad_options_give_one_line(
    scan_json: Path, args: list[str], expected: str, invoke: Callable[..., Result]
) -> None:
    (scan_json.parent / "bad.yaml").write_text("client: x\ncolour: blue\n", "utf-8")
    (scan_json.parent / "badlang.yaml").write_text("lang: de\n", "utf-8")
    result = invoke("report", str(scan_json), *args, cwd=scan_json.parent)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr  # progress + error
    assert not (scan_json.parent / "report.html").exists()


def test_bad_option_in_a_real_process(scan_json: Path) -> None:
    result = run("report", str(scan_json), "--lang", "de", cwd=scan_json.parent)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: Invalid value for '--lang': 'de' is not one of 'fr', 'en'.")
