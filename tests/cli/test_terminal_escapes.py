"""Device-supplied text never drives the terminal, whatever command prints it.

A hostile agent names itself with an escape sequence that sets the terminal's title, a
C1 CSI, a bidi override, a carriage return and a fake second line.  The devices are
read from a real walk file, recorded in a real scan.json and inventory, and every
command that prints device text runs on them (in text and JSON); no raw control
character, bidi control or line-faking break may reach stdout or stderr.  The live
``snmp`` command asks a real snmpsim agent serving the same strings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from clirun import run, run_process

from legacyscan import __version__
from legacyscan.assess import assess
from legacyscan.cli.terminal import clean, field
from legacyscan.collect.snmp.walkfile import read_walk
from legacyscan.lab.snmp_agents import snmpsim
from legacyscan.model import ScanMeta
from legacyscan.scanfile import write_scan_json

TITLE = "\x1b]0;pwned\x07"
HOSTILE = f"ward{TITLE}\x9b2J\u202etxt.exe\rerror: fake"
# Every character that may not reach a terminal raw: C0 but tab and newline, DEL, C1,
# bidi marks/overrides/isolates, line and paragraph separators, surrogates.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029"
    "\u2066-\u2069\ud800-\udfff]"
)


def _walk(name: str, descr: str) -> str:
    return (
        f'.1.3.6.1.2.1.1.1.0 = STRING: "{descr}"\n'
        ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.311.1.1.3.1.1\n"
        f'.1.3.6.1.2.1.1.4.0 = STRING: "{name}"\n'
        f'.1.3.6.1.2.1.1.5.0 = STRING: "{name}"\n'
        f'.1.3.6.1.2.1.1.6.0 = STRING: "{name}"\n'
        ".1.3.6.1.2.1.4.20.1.1.127.0.0.9 = IpAddress: 127.0.0.9\n"
    )


def _descr(build: str) -> str:
    return (
        f"Hardware: x86 - Software: Windows 2000 Version 5.0 (Build {build} Uniprocessor "
        f"Free){TITLE}\u202e"
    )


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, Path]:
    """A hostile walk file, two scan.json files made from it and an inventory of both."""
    files: dict[str, Path] = {"db": tmp_path / "inventory.sqlite"}
    for number, build in enumerate(("2195", "2600"), 1):
        walk = tmp_path / f"hostile-{number}.snmpwalk"
        walk.write_bytes(_walk(HOSTILE, _descr(build)).encode("utf-8"))
        files[f"walk{number}"] = walk
        host = read_walk(walk)
        day = dt.date(2026, 11, 20 + number)
        meta = ScanMeta(
            as_of=day, started=f"{day}T10:00:00Z", finished=f"{day}T10:05:00Z",
            targets=("127.0.0.9/32",), legacyscan_version=__version__, site=HOSTILE,
        )  # fmt: skip
        scan = tmp_path / f"scan-{number}" / "scan.json"
        scan.parent.mkdir()
        write_scan_json(assess([host], meta), scan)
        files[f"scan{number}"] = scan
        added = run("db", "add", str(scan), "--db", str(files["db"]))
        assert added.returncode == 0, added.stderr
    return files


def _assert_clean(result: object, *texts: str) -> None:
    for text in texts:
        raw = RAW.search(text)
        assert raw is None, f"raw {raw.group()!r} reached the terminal in {result}"
        assert "\nerror: fake" not in text  # no device value fakes a line of its own


def _commands(files: dict[str, Path]) -> list[list[str]]:
    db = ["--db", str(files["db"])]
    scan = str(files["scan2"])
    commands = [
        ["identify", "--snmpwalk", str(files["walk1"]), "--as-of", "2026-11-23"],
        ["devices", *db],
        ["history", *db],
        ["diff", *db],
        ["graph", "exposures", scan],
        ["graph", "mixed", scan],
        ["graph", "bridges", scan],
    ]
    return commands + [[*c, "--format", "json"] for c in commands]


def test_every_command_prints_hostile_device_text_inert(hostile: dict[str, Path]) -> None:
    for command in _commands(hostile):
        result = run(*command)
        assert result.returncode == 0, (command, result.stderr)
        _assert_clean(command, result.stdout, result.stderr)
        if "--format" in command:
            json.loads(result.stdout)  # escaped, still valid JSON with the same data
    shown = run("identify", "--snmpwalk", str(hostile["walk1"]), "--format", "json")
    assert "\\u001b]0;pwned\\u0007" in shown.stdout  # visible, not executed
    assert json.loads(shown.stdout)["devices"][0]["observed"]["snmp"]["name"].startswith(
        "ward\x1b]0;pwned"
    )  # the data itself is unchanged


def test_a_real_process_too(hostile: dict[str, Path]) -> None:
    result = run_process("devices", "--db", str(hostile["db"]), timeout=60)
    assert result.returncode == 0, result.stderr
    _assert_clean("devices", result.stdout, result.stderr)
    assert "ward\\u001b]0;pwned\\u0007" in result.stdout


def test_clean_and_field() -> None:
    assert clean("a\x1b[31mb\x07\x9b\u202e\ud800\tc\nd") == (
        "a\\u001b[31mb\\u0007\\u009b\\u202e\\ud800\tc\nd"
    )
    assert field("name\r\nerror: x\t") == "name\\u000d\\u000aerror: x\\u0009"
    assert clean("Köln 東京 ✓") == "Köln 東京 ✓"  # printable text is left alone


@pytest.mark.lab
def test_the_snmp_command_on_a_hostile_agent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    hexed = HOSTILE.encode("utf-8").hex()
    (data / "public.snmprec").write_text(
        f"1.3.6.1.2.1.1.1.0|4x|{_descr('2195').encode().hex()}\n"
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.311.1.1.3.1.1\n"
        f"1.3.6.1.2.1.1.4.0|4x|{hexed}\n1.3.6.1.2.1.1.5.0|4x|{hexed}\n"
        f"1.3.6.1.2.1.1.6.0|4x|{hexed}\n"
    )
    address, port = "127.50.14.1", 16174
    with snmpsim(data, [(address, port)], tmp_path / "work"):
        for extra in ([], ["--format", "json"]):
            result = run_process(
                "snmp", address, "--port", str(port), "--timeout", "1", "--retries", "1",
                *extra, timeout=120,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert "pwned" in result.stdout  # the agent answered
            _assert_clean("snmp", result.stdout, result.stderr)
