"""A scan folder is user data: ``scan --resume`` plans it again through every guard.

The folder is made by the real CLI with a stand-in ``nmap`` first on PATH, which logs its
argument vector and answers an empty nmap run (no host up): nothing is sent anywhere.
Each test then edits one thing of ``OUT/nmap/`` as an attacker could, resumes with the
real CLI, and checks that the refusal is one line and came before any nmap started --
or, for the journal and the stored XML, that nothing edited is believed.  The untampered
resume is the control: it does start nmap, with the command line made again.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from clirun import run

from legacyscan.collect.nmap.chunkstore import sha256

pytestmark = pytest.mark.skipif(
    shutil.which("nmap") is None, reason="nmap's script.db is needed to check scripts"
)

SCOPE = "127.51.9.0/30"
SCAN = ["--ports", "22", "--chunk-size", "2", "--snmp-port", "9", "--no-db",
        "--as-of", "2026-11-23"]  # fmt: skip
EMPTY_RUN = (
    '<?xml version="1.0"?><nmaprun scanner="nmap" args="nmap" version="7.93" '
    'xmloutputversion="1.05"><runstats><finished time="1"/>'
    '<hosts up="0" down="0" total="0"/></runstats></nmaprun>'
)
FAKE_NMAP = """#!/bin/sh
printf '%s\\0' "$@" >> "$FAKE_NMAP_LOG"
printf '\\n' >> "$FAKE_NMAP_LOG"
cat "$FAKE_NMAP_XML"
"""


@pytest.fixture
def nmap_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in nmap first on PATH; returns the file where it logs each call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "nmap"
    fake.write_text(FAKE_NMAP)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "nmap.log"
    xml = tmp_path / "answer.xml"
    xml.write_text(EMPTY_RUN)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NMAP_LOG", str(log))
    monkeypatch.setenv("FAKE_NMAP_XML", str(xml))
    monkeypatch.setenv("NMAPDIR", "/usr/share/nmap")
    return log


def _calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [line.strip("\0").split("\0") for line in log.read_text().splitlines() if line]


@pytest.fixture
def folder(tmp_path: Path, nmap_log: Path) -> Path:
    """A finished two-chunk scan made by the real CLI; chunk 2's journal is gone (a kill)."""
    out = tmp_path / "scan"
    result = run("scan", SCOPE, "--exclude", "127.51.9.3", "--out", str(out), *SCAN)
    assert result.returncode == 0, result.stderr
    assert len(_calls(nmap_log)) == 2
    (out / "nmap" / "chunk-000002.json").unlink()
    return out


def _edit_plan(out: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = out / "nmap" / "plan.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_the_untampered_resume_runs_the_command_made_again(folder: Path, nmap_log: Path) -> None:
    first = _calls(nmap_log)
    result = run("scan", "--resume", "--out", str(folder), *SCAN)
    assert result.returncode == 0, result.stderr
    assert "1 chunk(s) were already done" in result.stderr
    assert _calls(nmap_log)[2:] == [first[1]]  # chunk 2 only, argument for argument
    assert "127.51.9.3" not in " ".join(first[1])  # the exclusion holds on resume


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["request"][key] = value

    return change


def _add_argument(data: dict[str, Any]) -> None:
    data["chunks"][1]["argv"][1:1] = ["-oN", "/tmp/legacyscan-tampered-output"]


def _drop_request(data: dict[str, Any]) -> None:
    del data["request"]


def _printer_ports_consistently(data: dict[str, Any]) -> None:
    data["request"]["tcp_ports"] = [22, 9100]
    data["request"]["allow_printer_ports"] = True


@pytest.mark.parametrize(
    ("tamper", "refusal"),
    [
        (_set("targets", ["8.8.8.8"]), "public"),
        (_set("targets", ["10.0.0.0/8"]), "--max-hosts"),
        (_set("targets", ["127.51.9.1 -oN /tmp/x"]), "not an address"),
        (_set("exclude", []), "holds another scan"),
        (_set("scripts", ["/tmp/evil.nse"]), "plain script names"),
        (_set("scripts", ["dicom-brute"]), "'brute' category"),
        (_set("scripts", ["no-such-script"]), "no script of that name"),
        (_set("scripts", ["http-title", "--script-args=x"]), "plain script names"),
        (_set("tcp_ports", [22, 9100]), "--allow-printer-ports"),
        (_printer_ports_consistently, "--allow-printer-ports"),
        (_set("tcp_ports", [70000]), "port out of range"),
        (_set("targets", ["127.51.9.1"] * 500_001), "write them as ranges"),
        (_set("profile", "aggressive"), "no scan profile"),
        (_set("parallel", 10_000), "parallel must be between"),
        (_set("chunk_size", 0), "chunk size"),
        (_set("chunk_size", "2"), "not a scan request"),
        (_set("allow_printer_ports", "yes"), "not a scan request"),
        (_add_argument, "holds another scan"),
        (_drop_request, "holds no scan request"),
    ],
)
def test_a_tampered_plan_is_refused_before_nmap_runs(
    folder: Path, nmap_log: Path, tamper: Callable[[dict[str, Any]], None], refusal: str
) -> None:
    _edit_plan(folder, tamper)
    result = run("scan", "--resume", "--out", str(folder), *SCAN)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and refusal in line, line
    assert len(_calls(nmap_log)) == 2  # the two chunks of the first run, nothing since
    assert not Path("/tmp/legacyscan-tampered-output").exists()


def test_authorisation_comes_from_the_command_line_not_the_folder(
    folder: Path, nmap_log: Path
) -> None:
    _edit_plan(folder, _printer_ports_consistently)
    # Authorised on the command line, the guard passes; the command lines still differ
    # from the stored ones, so the folder is refused as another scan: nmap never runs.
    result = run("scan", "--resume", "--allow-printer-ports", "--out", str(folder), *SCAN)
    assert result.returncode == 2 and "holds another scan" in result.stderr
    assert len(_calls(nmap_log)) == 2


@pytest.mark.parametrize(
    ("content", "refusal"),
    [("{not json", "cannot read the stored scan plan"), ("[1, 2]", "holds no scan request")],
)
def test_a_broken_plan_file_is_one_line(
    folder: Path, nmap_log: Path, content: str, refusal: str
) -> None:
    (folder / "nmap" / "plan.json").write_text(content)
    result = run("scan", "--resume", "--out", str(folder), *SCAN)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert refusal in line and len(_calls(nmap_log)) == 2


def test_an_edited_journal_entry_is_not_believed(folder: Path, nmap_log: Path) -> None:
    journal = folder / "nmap" / "chunk-000001.json"
    entry = json.loads(journal.read_text())
    entry["command_line"] = "nmap --script /tmp/evil.nse 127.51.9.0/31"
    journal.write_text(json.dumps(entry))
    first = _calls(nmap_log)
    result = run("scan", "--resume", "--out", str(folder), *SCAN)
    assert result.returncode == 0, result.stderr
    assert _calls(nmap_log)[2:] == first  # both chunks run again, as planned
    scan = json.loads((folder / "scan.json").read_text())
    assert "evil" not in json.dumps(scan)


def test_a_host_outside_the_scope_in_stored_xml_is_ignored(folder: Path, nmap_log: Path) -> None:
    # Out of the scope but on loopback: were the guard broken, SNMP would ask it on port 9.
    xml = EMPTY_RUN.replace(
        "<runstats>",
        '<host><status state="up"/><address addr="127.51.9.200" addrtype="ipv4"/>'
        '<ports><port protocol="tcp" portid="22"><state state="open"/>'
        '<service name="ssh"/></port></ports></host><runstats>',
    ).encode()
    (folder / "nmap" / "chunk-000001.xml.gz").write_bytes(gzip.compress(xml))
    journal = folder / "nmap" / "chunk-000001.json"
    entry = json.loads(journal.read_text())
    entry["xml_sha256"] = sha256(xml)
    journal.write_text(json.dumps(entry))
    result = run("scan", "--resume", "--out", str(folder), *SCAN)
    assert result.returncode == 0, result.stderr
    assert "1 host(s) outside the scope ignored" in result.stderr
    scan = json.loads((folder / "scan.json").read_text())
    assert "127.51.9.200" not in json.dumps(scan["devices"])
