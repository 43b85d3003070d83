"""The lab's generated month of logs and an inventory of the lab's devices, built once
per test session (no live lab: the inventory is written through its own API)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from legacyscan.inventory import Inventory
from legacyscan.inventory.records import DeviceResult, ScanSummary
from legacyscan.lab.logs import LOG_FILES, write_month
from legacyscan.lab.scenario import LabDevice, load
from legacyscan.model import ScanMeta

#: The guest Wi-Fi's DHCP: guest-laptop leaves before the second scan, and two phones
#: swap their addresses between the scans.
LEFT = "127.42.80.101"
SWAPPED = ("127.42.80.102", "127.42.80.103")


def result(device: LabDevice, address: str | None = None) -> DeviceResult:
    return DeviceResult(
        address=address or device.address, mac=device.mac, name=device.name,
        device_class=device.truth.get("class", "unknown"),
    )  # fmt: skip


def record_scan(inventory: Inventory, started: str, results: Sequence[DeviceResult]) -> int:
    meta = ScanMeta(as_of=dt.date(2026, 12, 1), started=started, finished=started,
                    targets=("127.42.0.0/16",), site="demo-hospital")  # fmt: skip
    scan_id = inventory.begin_scan(meta, started=started)
    inventory.finish_results(scan_id, meta, results, ScanSummary(), finished=started)
    return scan_id


@dataclass(frozen=True)
class Month:
    folder: Path
    truth: dict[str, Any]
    db: Path

    @property
    def logs(self) -> list[str]:
        return [str(self.folder / name) for name in LOG_FILES]


@pytest.fixture(scope="session")
def month(tmp_path_factory: pytest.TempPathFactory) -> Month:
    folder = tmp_path_factory.mktemp("month")
    scenario = load("hospital")
    truth = write_month(scenario, folder, "2026-11", 19)
    assert truth == json.loads((folder / "truth.json").read_text())
    by_address = {d.address: d for d in scenario.devices}
    db = folder / "inventory.sqlite"
    with Inventory.open(db) as inventory:
        first = [result(d) for d in scenario.devices]
        second = [result(d) for d in scenario.devices if d.address not in (LEFT, *SWAPPED)]
        second += [
            result(by_address[SWAPPED[0]], SWAPPED[1]),
            result(by_address[SWAPPED[1]], SWAPPED[0]),
        ]
        record_scan(inventory, "2026-10-31T22:00:00+00:00", first)
        record_scan(inventory, "2026-12-01T06:00:00+00:00", second)
    return Month(folder, truth, db)
