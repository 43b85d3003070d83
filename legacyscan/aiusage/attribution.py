"""Which inventory device a connection came from, and how sure that is.

DHCP leases move addresses between devices, so a log line is matched against the scans
closest to it in time: the last finished scan before the line and the first after it.

* **sure**: both scans saw the same device at the line's source address;
* **likely**: only one of them saw a device there (the log is older than the first
  scan, newer than the last, or the address was empty in one scan), or they saw two
  different devices -- then the scan closer in time names it;
* **unattributed**: neither saw anything at that address (a guest, a device outside the
  scanned ranges).

The segment (the department) and the site come from the user's segment mapping file by
the source address when one is given, else from the scan's site and the address's /24.
"""

from __future__ import annotations

import bisect
import datetime as dt
import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from netaddr import IPAddress

from legacyscan.inventory import Inventory
from legacyscan.inventory.records import DeviceResult, ScanRecord
from legacyscan.topology.mapping import SegmentMap

RULE = (
    "the scans just before and just after a connection: sure when both saw the same device "
    "at its source address, likely when only one saw one (or they differ: the closer wins), "
    "unattributed when neither did"
)


@dataclass(frozen=True)
class Seen:
    """A device as one scan saw it at one address."""

    device_id: int
    name: str
    device_class: str


@dataclass(frozen=True)
class Attribution:
    certainty: str  # "sure" | "likely" | "unattributed"
    device: Seen | None
    segment: str
    site: str


def _seconds(stamp: str) -> float | None:
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()


class Timeline:
    """The finished scans of one inventory (one site, or all), in time order; each
    scan's devices are read from the database the first time a connection needs them."""

    def __init__(
        self,
        inventory: Inventory | None,
        site: str | None = None,
        segments: SegmentMap | None = None,
    ) -> None:
        self.inventory = inventory
        self.segment_map = segments
        timed: list[tuple[float, ScanRecord]] = []
        if inventory is not None:
            for scan in inventory.scans(site=site, status="finished"):
                seconds = _seconds(scan.started)
                if seconds is not None:
                    timed.append((seconds, scan))
        timed.sort(key=lambda item: (item[0], item[1].id))
        self.times = [t for t, _ in timed]
        self.scans = [s for _, s in timed]
        self._devices: dict[int, dict[str, Seen]] = {}
        self._place = lru_cache(maxsize=65536)(self._place_uncached)

    def position(self, seconds: float) -> tuple[int, int]:
        """(index of the first scan after ``seconds``, 0 if the scan before is closer else 1)."""
        after = bisect.bisect_right(self.times, seconds)
        if after == 0:
            return after, 1
        if after == len(self.times):
            return after, 0
        closer_after = self.times[after] - seconds < seconds - self.times[after - 1]
        return after, 1 if closer_after else 0

    def _seen(self, index: int) -> dict[str, Seen]:
        if index not in self._devices:
            assert self.inventory is not None
            found: dict[str, Seen] = {}
            for device_id, result in self.inventory.results(self.scans[index].id):
                if result.address:
                    found[_normal(result.address)] = _seen(device_id, result)
            self._devices[index] = found
        return self._devices[index]

    def attribute(self, address: str, position: tuple[int, int]) -> Attribution:
        after, side = position
        before_seen = self._seen(after - 1).get(address) if after > 0 else None
        after_seen = self._seen(after).get(address) if after < len(self.scans) else None
        device: Seen | None
        if before_seen and after_seen and before_seen.device_id == after_seen.device_id:
            certainty, device = "sure", after_seen
        elif before_seen and after_seen:
            certainty, device = "likely", after_seen if side else before_seen
        elif before_seen or after_seen:
            certainty, device = "likely", before_seen or after_seen
        else:
            certainty, device = "unattributed", None
        near = after if side and after < len(self.scans) else max(after - 1, 0)
        scan_site = self.scans[near].site if self.scans else ""
        segment, site = self._place(address)
        return Attribution(certainty, device, segment, site or scan_site)

    def _place_uncached(self, address: str) -> tuple[str, str]:
        if self.segment_map is not None:
            mapped = self.segment_map.find(IPAddress(address))
            if mapped is not None:
                return mapped.name, mapped.site
        ip = ipaddress.ip_address(address)
        prefix = 24 if ip.version == 4 else 64
        return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False)), ""

    @property
    def first(self) -> str:
        return self.scans[0].started if self.scans else ""

    @property
    def last(self) -> str:
        return self.scans[-1].started if self.scans else ""


def _normal(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address


def _seen(device_id: int, result: DeviceResult) -> Seen:
    return Seen(device_id, result.name, result.device_class)
