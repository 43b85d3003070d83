"""The command line as a user meets it: real processes, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import run_process as run

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = "2026-11-23"


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("legacyscan, version ")


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["scan"],
        ["identify"],
        ["report"],
        ["lab"],
        ["demo"],
        ["fingerprints"],
        ["fingerprints", "check"],
        ["fingerprints", "explain"],
    ],
)
def test_every_command_explains_itself(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: " in result.stdout
    assert len(result.stdout.splitlines()) > 5


def test_identify_snmpwalk_json_follows_the_schema() -> None:
    result = run(
        "identify", "--snmpwalk", str(FIXTURES / "cli" / "xp-console.snmpwalk"),
        "--format", "json", "--as-of", AS_OF,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == AS_OF
    (device,) = data["devices"]
    assert device["address"] == "10.20.30.41"  # the agent's own interface, not 127.0.0.1
    assert device["device_class"] == "workstation"
    (identity,) = device["identities"]
    assert (identity["vendor"], identity["product"], identity["version"]) == (
        "Microsoft", "Windows XP", "5.1.2600",
    )  # fmt: skip
    assert identity["evidence"][0]["rule"] == "snmp.windows.xp"
    assert identity["lifecycle"]["status"] == "eol"
    assert identity["lifecycle"]["eol_date"] == "2014-04-08"
    assert identity["lifecycle"]["source"].startswith("https://")


def test_identify_unknown_device_is_honestly_unknown() -> None:
    result = run(
        "identify", "--snmpwalk", str(FIXTURES / "cli" / "unknown-device.snmpwalk"),
        "--format", "json", "--as-of", AS_OF,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (device,) = json.loads(result.stdout)["devices"]
    assert device["device_class"] == "unknown"
    assert device["identities"] == []


def test_identify_nmap_xml_text() -> None:
    result = run(
        "identify", "--nmap-xml", str(FIXTURES / "nmap" / "lab-minimal.xml"), "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr
    assert "OpenBSD OpenSSH 4.3" in result.stdout
    assert "Apache HTTP Server 2.2.3" in result.stdout
    assert "EOL:" in result.stdout


def test_bad_file_is_one_line_and_others_still_identified() -> None:
    result = run(
        "identify",
        "--nmap-xml", str(FIXTURES / "cli" / "truncated.xml"),
        "--snmpwalk", str(FIXTURES / "cli" / "xp-console.snmpwalk"),
        "--as-of", AS_OF,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Windows XP" in result.stdout
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1
    assert "truncated.xml" in errors[0] and "line" in errors[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scan", "8.8.8.8", "--out", "x"], "public"),
        (["scan", "not-an-address", "--out", "x"], "not an address"),
        (["scan", "10.0.0.0/8", "--out", "x"], "more than the limit"),
        (["identify", "--snmpwalk", "/nonexistent/walk.txt"], "cannot read"),
        (["report", "/nonexistent/scan.json"], "cannot read"),
        (["identify", "--snmpwalk", "x", "--as-of", "23/11/2026"], "--as-of"),
        (["identify"], "--snmpwalk"),
    ],
)
def test_bad_input_gives_one_line_and_nonzero_exit(
    args: list[str], expected: str, tmp_path: Path
) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "x").exists()  # refused before anything was created


def test_a_command_collects_garbage_less_often_than_the_default() -> None:
    """A large import builds millions of objects that live to the end: the default
    threshold (700) made the collector walk them again and again (issue 20)."""
    import gc

    from clirun import run as run_here

    from legacyscan.cli import GC_YOUNG

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, before[1], before[2])
        assert run_here("--version").returncode == 0
        assert gc.get_threshold() == (GC_YOUNG, before[1], before[2])
    finally:
        gc.set_threshold(*before)
