"""``legacyscan snmp`` and ``legacyscan scan --snmp-sweep`` against a real snmpsim agent.

The agent serves the ward switch fixture under an unusual community, which is the
secret the test then looks for in every output: stdout, stderr, scan.json, report.html.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from legacyscan.lab.snmp_agents import snmpsim

pytestmark = pytest.mark.lab

FIXTURES = Path(__file__).parent.parent / "fixtures"
ADDRESS, PORT = "127.50.4.1", 16164
SECRET = "Wq7-ward-community"


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("snmp-cli")
    (work / "data").mkdir()
    shutil.copy(FIXTURES / "snmprec" / "ward-switch.snmprec", work / "data" / f"{SECRET}.snmprec")
    creds = work / "creds.yaml"
    creds.write_text(
        "credentials:\n"
        "  - label: old-public\n    version: 2c\n    community: public\n"
        f"  - label: ward-ro\n    version: 2c\n    community: {SECRET}\n",
        encoding="utf-8",
    )
    with snmpsim(work / "data", [(ADDRESS, PORT)], work, community=SECRET):
        yield creds


def legacyscan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "legacyscan", *args],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_snmp_command_text_and_json(agent: Path) -> None:
    common = [f"{ADDRESS[:-1]}0/30", "--port", str(PORT), "--credentials", str(agent),
              "--timeout", "1", "--retries", "0"]  # fmt: skip
    text = legacyscan("snmp", *common)
    assert text.returncode == 0, text.stderr
    assert f"{ADDRESS}" in text.stdout and "ok  credential=ward-ro" in text.stdout
    assert "fw 12.2(44r)SE3" in text.stdout  # the ENTITY-MIB firmware revision
    assert "4 address(es)" in text.stderr and "1 ok, 3 no-response" in text.stderr
    as_json = legacyscan("snmp", *common, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    hosts = {h["address"]: h for h in data["hosts"]}
    assert hosts[ADDRESS]["credential"] == "ward-ro"
    assert hosts[ADDRESS]["tables"]["arp"][0]["mac"] == "00:09:fb:11:22:33"
    assert hosts["127.50.4.2"]["status"] == "no-response"
    for output in (text.stdout, text.stderr, as_json.stdout, as_json.stderr):
        assert SECRET not in output


def test_scan_sweep_fills_tables_and_keeps_the_secret_out(agent: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan"
    done = legacyscan(
        "scan", ADDRESS, "--snmp-port", str(PORT), "--snmp-credentials", str(agent),
        "--snmp-sweep", "--out", str(out), "--as-of", "2026-11-23",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "sweeping all 1 address(es)" in done.stderr
    scan_json = (out / "scan.json").read_text(encoding="utf-8")
    data = json.loads(scan_json)
    # the one scanned device; the others are seen only in its ARP/forwarding tables
    [device] = [d for d in data["devices"] if d["address"] == ADDRESS]
    assert all(d.get("scanned") is False for d in data["devices"] if d is not device)
    observed = device["observed"]
    assert observed["snmp_credential"] == "ward-ro"
    assert observed["snmp_tables"]["entities"][0]["firmware_rev"] == "12.2(44r)SE3"
    assert observed["snmp_tables"]["neighbours"][0]["system_name"] == "core-sw.example.org"
    for output in (done.stdout, done.stderr, scan_json, (out / "report.html").read_text()):
        assert SECRET not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--credentials", "/nonexistent.yaml"], "cannot read"),
        (["--tables", "entity,bogus"], "unknown table group"),
        (["--credentials", "x.yaml", "--community", "c"], "not both"),
        (["8.8.8.8"], "public"),
    ],
)
def test_bad_input_is_one_line(args: list[str], message: str) -> None:
    done = legacyscan("snmp", *(args if args[0][0].isdigit() else ["127.50.4.9", *args]))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
