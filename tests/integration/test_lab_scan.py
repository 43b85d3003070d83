"""The real path against the minimal lab: real snmpsim agents, real nmap, the real CLI.

The lab's ground truth (``truth`` in legacyscan/lab/minimal.yaml) says what each device
is; the scan must find it.  The lab is stopped even when a test fails.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labscan import running_lab, scan_lab

from legacyscan.lab import runner

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[runner.LabState]:
    with running_lab("minimal", tmp_path_factory.mktemp("lab-state")) as state:
        yield state


@pytest.fixture(scope="module")
def scan(lab: runner.LabState, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("scan")
    data = scan_lab(lab, out, timeout=600)
    assert (out / "report.html").is_file()
    evidence = gzip.decompress((out / "nmap" / "chunk-000001.xml.gz").read_bytes())
    assert evidence.startswith(b"<?xml")
    return data


def test_second_lab_up_says_it_is_running(lab: runner.LabState) -> None:
    with pytest.raises(runner.LabError, match="already running"):
        runner.up("minimal")
    assert "running" in runner.status()


def test_every_lab_device_is_found(lab: runner.LabState, scan: dict[str, Any]) -> None:
    found = {d["address"] for d in scan["devices"]}
    assert found == set(lab.targets)


def test_scan_matches_the_ground_truth(lab: runner.LabState, scan: dict[str, Any]) -> None:
    devices = {d["address"]: d for d in scan["devices"]}
    right = 0
    for truth_device in lab.devices:
        name = truth_device.name
        truth = truth_device.truth
        seen = devices[truth_device.address]
        assert seen["device_class"] == truth["class"], name
        if "type" in truth:
            assert seen["device_type"] == truth["type"], name
        main = [i for i in seen["identities"] if i["product"] == truth["product"]]
        assert main, f"{name}: {truth['product']} not identified"
        (identity,) = main
        assert identity["vendor"] == truth["vendor"], name
        assert identity["version"] == truth["version"], name
        status = identity["lifecycle"]["status"]
        if status != truth["lifecycle"]:
            # Only an honest "unknown", documented in the truth, is allowed to differ.
            assert status == "unknown" and truth.get("known_gap"), f"{name}: {status}"
        else:
            right += 1
        if status in ("eol", "extended"):
            assert identity["lifecycle"]["eol_date"], name
            assert identity["lifecycle"]["source"].startswith("https://"), name
    print(f"\nlifecycle verdicts matching the lab's ground truth: {right}/{len(lab.devices)}")


def test_legacy_systems_next_to_clinical_devices(scan: dict[str, Any]) -> None:
    pairs = {(e["legacy"], e["clinical"]) for e in scan["exposures"]}
    assert ("127.42.20.40", "127.42.20.15") in pairs  # Windows 7 nurse station -> pump gateway
    assert ("127.42.20.30", "127.42.20.15") in pairs  # Windows 7 telehealth cart -> pump
    assert ("127.42.10.11", "127.42.10.20") in pairs  # XP console -> PACS
    assert not any(legacy == "127.42.30.10" for legacy, _ in pairs)  # the supported server
    assert "127.42.20.0/24" in scan["mixed_segments"]
    for device in scan["devices"]:
        factors = device["risk"]["factors"]
        assert sum(f["points"] for f in factors) == device["risk"]["score"]


def test_agents_answering_public_are_flagged(scan: dict[str, Any]) -> None:
    # The lab's agents answer the factory-default community "public": a risk in itself.
    core = next(d for d in scan["devices"] if d["address"] == "127.42.1.1")
    assert core["observed"]["snmp_credential"].endswith("(default community public)")
    assert any("default community" in f["explanation"] for f in core["risk"]["factors"])


def test_report_can_be_rendered_again(scan: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "again.html"
    result = subprocess.run(
        [sys.executable, "-m", "legacyscan", "report", str(Path(scan["_out"]) / "scan.json"),
         "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert "Windows XP" in html and "127.42.10.11" in html


def _implied_pairs(lab: runner.LabState) -> set[tuple[str, str]]:
    """Legacy -> clinical pairs the ground truth implies: same lab segment, nothing filters."""
    clinical = {"medical", "iot", "telehealth"}
    pairs = set()
    for source in lab.devices:
        if source.truth["lifecycle"] not in ("eol", "extended") or source.truth.get("known_gap"):
            continue  # a documented gap: legacyscan cannot know this one is legacy
        for target in lab.devices:
            if target is not source and target.segment == source.segment:
                if target.truth["class"] in clinical:
                    pairs.add((source.address, target.address))
    return pairs


def test_graph_names_the_pairs_the_ground_truth_implies(
    lab: runner.LabState, scan: dict[str, Any]
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "legacyscan", "graph", "exposures",
         str(Path(scan["_out"]) / "scan.json"), "--format", "json", "--limit", "0"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    pairs = {(e["legacy"], e["clinical"]) for e in data["exposures"]}
    assert pairs == _implied_pairs(lab)
    assert data["exposure_count"] == len(pairs) == scan["exposure_count"]
    assert all(e["evidence"] and len(e["path"]) >= 2 for e in data["exposures"])


def test_segment_and_network_scores_add_up(scan: dict[str, Any]) -> None:
    assert scan["segment_risks"]
    for segment in scan["segment_risks"]:
        assert sum(f["points"] for f in segment["factors"]) == segment["score"]
    network = scan["network_score"]
    assert sum(f["points"] for f in network["factors"]) == network["score"]
    assert [h["months"] for h in scan["horizon"]] == [12, 24, 36]
