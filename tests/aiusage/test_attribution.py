"""Attribution rules on a small inventory: sure, likely (one side only, or two devices:
the closer scan wins), unattributed; segments from the mapping, else the /24."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from logmonth import record_scan

from legacyscan.aiusage.attribution import Timeline
from legacyscan.inventory import Inventory
from legacyscan.inventory.records import DeviceResult
from legacyscan.topology.mapping import SegmentMap


def at(day: int, hour: int = 12) -> float:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC).timestamp()


def pc(address: str, name: str, mac: str) -> DeviceResult:
    return DeviceResult(address=address, mac=mac, name=name, device_class="workstation")


def test_rules(tmp_path: Path) -> None:
    with Inventory.open(tmp_path / "inv.sqlite") as inventory:
        record_scan(inventory, "2026-11-10T12:00:00+00:00",
                    [pc("10.1.2.3", "A", "02:00:00:00:00:0a"),
                     pc("10.1.2.4", "B", "02:00:00:00:00:0b")])  # fmt: skip
        record_scan(inventory, "2026-11-20T12:00:00+00:00",
                    [pc("10.1.2.3", "A", "02:00:00:00:00:0a"),
                     pc("10.1.2.4", "C", "02:00:00:00:00:0c"),
                     pc("10.1.2.5", "D", "02:00:00:00:00:0d")])  # fmt: skip
        segments = SegmentMap.from_data({"segments": [{"cidr": "10.1.2.0/25", "name": "soins",
                                                       "site": "nord"}]})  # fmt: skip
        timeline = Timeline(inventory, segments=segments)

        def who(address: str, seconds: float) -> tuple[str, str, str, str]:
            given = timeline.attribute(address, timeline.position(seconds))
            name = given.device.name if given.device else "-"
            return given.certainty, name, given.segment, given.site

        assert who("10.1.2.3", at(15)) == ("sure", "A", "soins", "nord")
        assert who("10.1.2.4", at(12)) == ("likely", "B", "soins", "nord")  # closer to the 10th
        assert who("10.1.2.4", at(18)) == ("likely", "C", "soins", "nord")  # closer to the 20th
        assert who("10.1.2.5", at(15)) == ("likely", "D", "soins", "nord")  # only after
        assert who("10.1.2.3", at(2)) == ("likely", "A", "soins", "nord")  # before every scan
        assert who("10.1.2.3", at(28)) == ("likely", "A", "soins", "nord")  # after every scan
        assert who("10.1.2.200", at(15)) == ("unattributed", "-", "10.1.2.0/24", "demo-hospital")
    alone = Timeline(None)
    assert alone.attribute("10.9.8.7", alone.position(at(15))).certainty == "unattributed"
