"""``--segments FILE`` on the commands that build an assessment."""

from __future__ import annotations

import json
from pathlib import Path

from clirun import run_process as run
from testpaths import FIXTURES


def test_identify_places_the_device_in_the_mapped_segment(tmp_path: Path) -> None:
    mapping = tmp_path / "segments.yaml"
    mapping.write_text("segments:\n  - {cidr: 10.20.30.0/24, name: radiology, zone: imaging}\n")
    result = run(
        "identify", "--snmpwalk", str(FIXTURES / "cli" / "xp-console.snmpwalk"),
        "--segments", str(mapping), "--format", "json", "--as-of", "2026-11-23",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (device,) = json.loads(result.stdout)["devices"]
    assert device["address"] == "10.20.30.41"
    assert device["segment"] == "radiology"


def test_a_bad_mapping_file_is_one_line(tmp_path: Path) -> None:
    mapping = tmp_path / "segments.yaml"
    mapping.write_text("segments:\n  - {cidr: 10.20.30.0/33, name: x}\n")
    result = run(
        "identify", "--snmpwalk", str(FIXTURES / "cli" / "xp-console.snmpwalk"),
        "--segments", str(mapping),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: {mapping}: segment 1: '10.20.30.0/33' is not a CIDR")
