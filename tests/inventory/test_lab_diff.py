"""Two scans of the lab with a change in between: the diff names exactly those changes.

The first scan sees the minimal lab; before the second, one device is removed (the PACS
server), one is added (a second telehealth cart) and the core switch's IOS is updated.
Both scans go through the real CLI (real nmap, real snmpsim) into one inventory.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from legacyscan.lab import runner

pytestmark = pytest.mark.lab
AS_OF = "2026-11-23"


def _scenario_after(before: dict[str, Any]) -> dict[str, Any]:
    after = copy.deepcopy(before)
    after["devices"] = [d for d in after["devices"] if d["name"] != "pacs-server"]
    switch = next(d for d in after["devices"] if d["name"] == "core-switch")
    switch["snmp"]["sysDescr"] = switch["snmp"]["sysDescr"].replace("12.2(55)SE7", "15.0(2)SE11")
    cart = copy.deepcopy(next(d for d in after["devices"] if d["name"] == "telehealth-cart"))
    cart.update(name="telehealth-cart-3", address="127.42.20.31")
    cart["snmp"]["sysName"] = "TELECONSULT-CART3"
    after["devices"].append(cart)
    return after


def _scan(scenario: Path, db: Path, out: Path) -> None:
    state = runner.up(str(scenario))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "legacyscan", "scan", *state.targets,
             "--snmp-port", str(state.snmp_port), "--out", str(out), "--db", str(db),
             "--as-of", AS_OF, "--site", "lab"],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    finally:
        runner.down()


def test_a_change_in_the_lab_is_named_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEGACYSCAN_LAB_DIR", str(tmp_path / "lab-state"))
    before = yaml.safe_load((Path(runner.__file__).parent / "minimal.yaml").read_text())
    first, second = tmp_path / "before.yaml", tmp_path / "after.yaml"
    first.write_text(yaml.safe_dump(before))
    second.write_text(yaml.safe_dump(_scenario_after(before)))
    db = tmp_path / "inventory.sqlite"
    _scan(first, db, tmp_path / "scan-1")
    _scan(second, db, tmp_path / "scan-2")

    result = subprocess.run(
        [sys.executable, "-m", "legacyscan", "diff", "--db", str(db), "--format", "json"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    change = json.loads(result.stdout)
    assert [d["address"] for d in change["new_devices"]] == ["127.42.20.31"]
    assert [d["address"] for d in change["gone_devices"]] == ["127.42.10.20"]
    assert [(v["device"]["address"], v["old"], v["new"]) for v in change["version_changes"]] == [
        ("127.42.1.1", "IOS 12.2(55)SE7", "IOS 15.0(2)SE11")
    ]
    assert change["readdressed"] == [] and change["caveats"] == [
        "different scopes: devices outside the common scope show as new or gone"
    ]
