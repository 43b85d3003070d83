"""One view across sites and vantage points, with a documented precedence.

Each device's latest result from every *source* (a site/vantage pair) is a sighting.
When sightings disagree about a value, the precedence below decides, criterion by
criterion, and the losing values stay listed as disagreements:

1. **Evidence kind**: an identity read over SNMP (the device describing itself) beats
   one guessed by nmap from banners: SNMP over nmap for OS and firmware.
2. **Locality**: a scanner that stood on the device's own subnet (it saw the MAC
   address, which only a local scan can) beats a remote one that looked through
   routers, NAT or filters.
3. **Recency**: a newer sighting beats an older one.

Identities are chosen per kind (os, firmware, application, hardware); the class and
the address come from the best sighting by locality then recency.  Only a source's
latest result counts: a vantage point's own older scans are history, not disagreement.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from legacyscan.codec import from_data
from legacyscan.inventory.records import DeviceResult, IdentitySummary
from legacyscan.inventory.store import Inventory
from legacyscan.model import LEGACY_STATUSES


@dataclass(frozen=True)
class Sighting:
    """A source's latest view of a device."""

    scan_id: int
    started: str
    site: str
    vantage: str
    result: DeviceResult

    @property
    def source(self) -> str:
        where = "/".join(p for p in (self.site, self.vantage) if p) or "-"
        return f"scan {self.scan_id} ({where}, {self.started[:10]})"


@dataclass(frozen=True)
class Disagreement:
    topic: str  # "os", "firmware", "class", "address"...
    chosen: str
    chosen_from: str
    other: str
    other_from: str
    rule: str  # which precedence criterion decided


@dataclass(frozen=True)
class MergedDevice:
    device_id: int
    site: str
    address: str | None
    mac: str | None
    name: str
    device_class: str
    identities: tuple[IdentitySummary, ...]
    legacy: bool
    last_seen: str
    sightings: tuple[Sighting, ...]
    disagreements: tuple[Disagreement, ...] = ()


def _evidence_rank(identity: IdentitySummary) -> int:
    if any(s.startswith("snmp") for s in identity.sources):
        return 2
    return 1 if any(s.startswith("nmap") for s in identity.sources) else 0


_RULES = ("SNMP over nmap", "own subnet over remote", "newer over older")


def _rule(better: tuple[int, int, str], worse: tuple[int, int, str]) -> str:
    for name, a, b in zip(_RULES, better, worse, strict=True):
        if a != b:
            return name
    return "same rank: first seen"


def _load(inventory: Inventory, site: str | None) -> dict[int, list[Sighting]]:
    sql = (
        "SELECT r.device_id, s.id, s.started, s.site, s.vantage, r.result"
        " FROM results r JOIN scans s ON s.id = r.scan_id WHERE s.status = 'finished'"
    )
    params: tuple[str, ...] = ()
    if site is not None:
        sql += " AND s.site = ?"
        params = (site,)
    latest: dict[tuple[int, str, str], Sighting] = {}
    for device_id, scan_id, started, scan_site, vantage, data in inventory.backend.query(
        sql + " ORDER BY s.started, s.id", params
    ):
        sighting = Sighting(
            int(scan_id), started, scan_site, vantage, from_data(DeviceResult, json.loads(data))
        )
        latest[(int(device_id), scan_site, vantage)] = sighting  # later rows replace earlier
    by_device: dict[int, list[Sighting]] = {}
    for (device_id, _, _), sighting in latest.items():
        by_device.setdefault(device_id, []).append(sighting)
    return by_device


def merge_device(device_id: int, sightings: list[Sighting]) -> MergedDevice:
    def place(s: Sighting) -> tuple[int, str]:
        return (int(s.result.local), s.started)

    ordered = sorted(sightings, key=place, reverse=True)
    best = ordered[0]
    disagreements: list[Disagreement] = []
    topics: tuple[tuple[str, Callable[[DeviceResult], str]], ...] = (
        ("class", lambda r: r.device_class),
        ("address", lambda r: r.address or "-"),
    )
    for topic, value in topics:
        for other in ordered[1:]:
            if value(other.result) != value(best.result):
                rule = _rule((0, *place(best)), (0, *place(other)))
                disagreements.append(
                    Disagreement(
                        topic, value(best.result), best.source, value(other.result),
                        other.source, rule,
                    )
                )  # fmt: skip
    identities: list[IdentitySummary] = []
    kinds = sorted({i.kind for s in sightings for i in s.result.identities})
    for kind in kinds:
        candidates = [
            ((_evidence_rank(i), *place(s)), i, s)
            for s in sightings
            for i in s.result.identities
            if i.kind == kind
        ]
        candidates.sort(key=lambda c: c[0], reverse=True)
        top_rank, chosen, chosen_sighting = candidates[0]
        # Every identity of this kind from the winning sighting (a server may run two
        # applications); the others' differing values are disagreements.
        identities.extend(i for r, i, s in candidates if s is chosen_sighting)
        chosen_labels = {i.label for r, i, s in candidates if s is chosen_sighting}
        for rank, identity, sighting in candidates:
            if sighting is chosen_sighting or identity.label in chosen_labels:
                continue
            disagreements.append(
                Disagreement(
                    kind, chosen.label, f"{chosen_sighting.source} via {_via(chosen)}",
                    identity.label, f"{sighting.source} via {_via(identity)}",
                    _rule(top_rank, rank),
                )
            )  # fmt: skip
    return MergedDevice(
        device_id=device_id,
        site=best.site,
        address=best.result.address,
        mac=next((s.result.mac for s in ordered if s.result.mac), None),
        name=next((s.result.name for s in ordered if s.result.name), ""),
        device_class=best.result.device_class,
        identities=tuple(identities),
        legacy=any(i.status in LEGACY_STATUSES for i in identities),
        last_seen=max(s.started for s in sightings),
        sightings=tuple(sorted(sightings, key=lambda s: s.started)),
        disagreements=tuple(disagreements),
    )


def _via(identity: IdentitySummary) -> str:
    return "/".join(identity.sources) or "?"


def merged_view(inventory: Inventory, site: str | None = None) -> tuple[MergedDevice, ...]:
    """Every device of the inventory (or of one site), merged across its sources."""
    merged = [merge_device(i, s) for i, s in _load(inventory, site).items()]
    return tuple(sorted(merged, key=lambda d: (d.site, d.address or "", d.device_id)))
