"""``legacyscan graph ...`` on a stored scan.json, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from legacyscan.assess import assess
from legacyscan.model import Host, ScanMeta, Service, SnmpSystem
from legacyscan.scanfile import write_scan_json

XP_DESCR = (
    "Hardware: x86 Family 15 Model 4 Stepping 1 AT/AT COMPATIBLE - "
    "Software: Windows Version 5.1 (Build 2600 Multiprocessor Free)"
)
PUMP_DESCR = "B. Braun Melsungen AG SpaceCom 2 infusion data gateway, software 012U000061"
META = ScanMeta(
    as_of=__import__("datetime").date(2026, 11, 23), started="s", finished="f", targets=()
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "legacyscan", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def scan_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hosts = [
        Host(
            address=f"127.60.1.{i}",
            snmp=SnmpSystem(descr=XP_DESCR, object_id="1.3.6.1.4.1.311.1.1.3.1.1"),
            services=(Service(445, "tcp", "open"),),
        )
        for i in (10, 11)
    ]
    hosts += [Host(address=f"127.60.1.{i}", snmp=SnmpSystem(descr=PUMP_DESCR)) for i in (20, 21)]
    hosts.append(Host(address="127.60.2.20", snmp=SnmpSystem(descr=PUMP_DESCR)))
    path = tmp_path_factory.mktemp("graph") / "scan.json"
    write_scan_json(assess(hosts, META), path)
    return path


def test_exposures_json_lists_and_counts(scan_json: Path) -> None:
    result = run("graph", "exposures", str(scan_json), "--format", "json", "--limit", "3")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["exposure_count"] == 4  # two XP PCs x two pumps in 127.60.1.0/24
    assert data["listed"] == 3
    first = data["exposures"][0]
    assert (first["legacy"], first["clinical"]) == ("127.60.1.10", "127.60.1.20")
    assert first["path"] == ["127.60.1.10", "segment:127.60.1.0/24", "127.60.1.20"]


def test_exposures_text(scan_json: Path) -> None:
    result = run("graph", "exposures", str(scan_json))
    assert result.returncode == 0, result.stderr
    assert "127.60.1.10 (workstation, eol) -> 127.60.1.20 (medical/infusion-pump" in result.stdout
    assert "4 legacy -> clinical pair(s); 4 listed" in result.stdout
    assert "vantage point is unknown" in result.stdout


def test_mixed_with_a_mapping_file(scan_json: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "segments:\n"
        "  - {cidr: 127.60.1.0/24, name: rea, site: CHU-A, zone: biomedical}\n"
        "  - {cidr: 127.60.2.0/24, name: rea, site: CHU-A, zone: biomedical}\n"
    )
    result = run("graph", "mixed", str(scan_json), "--segments", str(mapping))
    assert result.returncode == 0, result.stderr
    assert "rea (127.60.1.0/24, 127.60.2.0/24, CHU-A, biomedical): 2 legacy IT" in result.stdout
    assert "3 clinical device(s)" in result.stdout
    data = json.loads(run("graph", "mixed", str(scan_json), "--format", "json").stdout)
    assert [m["name"] for m in data] == ["127.60.1.0/24"]


def test_bridges_json_is_a_list(scan_json: Path) -> None:
    result = run("graph", "bridges", str(scan_json), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_a_missing_scan_is_one_line() -> None:
    result = run("graph", "exposures", "/nonexistent/scan.json")
    assert result.returncode == 2
    assert result.stderr.startswith("error: /nonexistent/scan.json: cannot read")
