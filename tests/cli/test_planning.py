"""``legacyscan plan`` and ``legacyscan whatif`` on a stored scan.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from clirun import run_process as run

from legacyscan.assess import assess
from legacyscan.model import Host, ScanMeta, Service, SnmpSystem
from legacyscan.scanfile import write_scan_json

XP = (
    "Hardware: x86 Family 15 Model 4 Stepping 1 AT/AT COMPATIBLE - "
    "Software: Windows Version 5.1 (Build 2600 Multiprocessor Free)"
)
PUMP = "B. Braun Melsungen AG SpaceCom 2 infusion data gateway, software 012U000061"


@pytest.fixture(scope="module")
def scan_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    xp = SnmpSystem(descr=XP, object_id="1.3.6.1.4.1.311.1.1.3.1.1")
    hosts = [
        Host(address=f"127.67.1.{i}", snmp=xp, services=(Service(445, "tcp", "open"),))
        for i in (10, 11, 12)
    ]
    hosts += [Host(address=f"127.67.{s}.20", snmp=SnmpSystem(descr=PUMP)) for s in (1, 2)]
    meta = ScanMeta(as_of=dt.date(2026, 11, 23), started="s", finished="f", targets=())
    path = tmp_path_factory.mktemp("plan") / "scan.json"
    write_scan_json(assess(hosts, meta), path)
    return path


def test_plan_json_stays_within_budget(scan_json: Path) -> None:
    result = run("plan", str(scan_json), "--budget", "2000", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    plan = data["plan"]
    assert 0 < plan["total_cost"] <= 2000
    assert plan["risk_after"] < plan["risk_before"]
    assert data["currency"] == "EUR" and "no published source" in data["costs_source"]
    assert [h["months"] for h in data["horizon"]] == [12, 24, 36]


def test_plan_text(scan_json: Path) -> None:
    result = run("plan", str(scan_json), "--budget", "150000")
    assert result.returncode == 0, result.stderr
    assert "budget 150,000 EUR" in result.stdout
    assert "method: exact" in result.stdout
    assert "out of support within 36 months" in result.stdout


def test_plan_needs_a_budget_and_a_good_cost_file(scan_json: Path, tmp_path: Path) -> None:
    result = run("plan", str(scan_json))
    assert result.returncode == 2 and "--budget" in result.stderr
    bad = tmp_path / "costs.yaml"
    bad.write_text("classes: {pc: {buy: 1}}")
    result = run("plan", str(scan_json), "--budget", "10", "--costs", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {bad}: classes.pc: unknown action 'buy' "
        "(known: replace, upgrade, isolate, decommission)"
    )


def test_whatif_before_and_after(scan_json: Path, tmp_path: Path) -> None:
    changes = tmp_path / "changes.yaml"
    changes.write_text("changes:\n  - isolate: 127.67.1.20\n  - replace: 127.67.1.10\n")
    result = run("whatif", str(scan_json), str(changes), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["before"]["exposures"] == 3 and data["after"]["exposures"] == 0
    assert data["after"]["total_risk"] < data["before"]["total_risk"]
    changed = {row["address"] for row in data["devices"]}
    assert changed == {"127.67.1.10", "127.67.1.11", "127.67.1.12"}
    text = run("whatif", str(scan_json), str(changes)).stdout
    assert "change: isolate 127.67.1.20" in text
    assert "legacy -> clinical pairs" in text


def test_whatif_with_an_unknown_device_is_one_line(scan_json: Path, tmp_path: Path) -> None:
    changes = tmp_path / "changes.yaml"
    changes.write_text("changes:\n  - replace: 127.67.9.9\n")
    result = run("whatif", str(scan_json), str(changes))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: replace 127.67.9.9: no device has that address"


@pytest.mark.parametrize("command", [["graph"], ["graph", "exposures"], ["plan"], ["whatif"]])
def test_the_new_commands_explain_themselves(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: " in result.stdout
