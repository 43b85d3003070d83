"""Which stored device is this? Device identity across scans (rules in docs/inventory.md).

A scan sees addresses; an inventory follows devices.  The rules, in order:

1. **MAC first.**  A result with a MAC address is the device already known by that MAC
   (in any site: a device moved between sites keeps its history).  A device known at
   the same address *without* a MAC (seen before from a remote vantage) and with a
   compatible identity takes the MAC.  A different MAC is a different device.
2. **Address plus identity.**  Without a MAC, the device last seen at the same address
   in the same site is the same device if its identity is compatible: same name
   (sysName or host name) and same vendor/product of its main identity, wherever both
   scans know them.  An address now answering with another name or product is a new
   device (DHCP handed the address to someone else).
3. **Re-addressed devices.**  A result still unmatched whose name is known is the
   device of the same site with the same name (and compatible product) that this scan
   has not already matched, when exactly one such device exists.
4. Otherwise it is a new device.

Two unnamed devices of the same product that swap addresses cannot be told apart
without a MAC: they are taken as staying where they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from legacyscan.inventory.backend import Backend
from legacyscan.inventory.records import DeviceResult

DEVICES_LOCK = 7_340_002  # advisory lock key (PostgreSQL) held while assigning devices


@dataclass(frozen=True)
class KnownDevice:
    id: int
    site: str
    mac: str | None
    address: str | None
    name: str
    identity: str
    last_scan: int


def identity_key(result: DeviceResult) -> str:
    main = result.main_identity
    return f"{main.vendor}/{main.product}" if main else ""


def compatible(known: KnownDevice, result: DeviceResult) -> bool:
    """Nothing known on both sides contradicts: same name, same main product."""
    key = identity_key(result)
    if known.identity and key and known.identity != key:
        return False
    return not (known.name and result.name and known.name.lower() != result.name.lower())


def _load(backend: Backend, site: str, macs: Sequence[str]) -> list[KnownDevice]:
    columns = "id, site, mac, address, name, identity, last_scan"
    rows = backend.query(f"SELECT {columns} FROM devices WHERE site = ?", (site,))
    if macs:
        marks = ", ".join("?" for _ in macs)
        rows += backend.query(
            f"SELECT {columns} FROM devices WHERE site <> ? AND mac IN ({marks})",
            (site, *macs),
        )
    return [KnownDevice(int(r[0]), r[1], r[2], r[3], r[4], r[5], int(r[6])) for r in rows]


def assign_devices(
    backend: Backend, scan_id: int, site: str, results: Sequence[DeviceResult]
) -> list[int]:
    """The device id of each result, creating and updating devices; call in a transaction."""
    backend.lock(DEVICES_LOCK)
    known = _load(backend, site, sorted({r.mac for r in results if r.mac}))
    by_mac: dict[str, KnownDevice] = {}
    for device in sorted(known, key=lambda d: (d.site != site, -d.last_scan)):
        if device.mac and device.mac not in by_mac:
            by_mac[device.mac] = device
    recent_first = sorted((d for d in known if d.site == site), key=lambda d: -d.last_scan)
    chosen: dict[int, KnownDevice] = {}  # result index -> device
    claimed: set[int] = set()

    def claim(index: int, device: KnownDevice) -> None:
        chosen[index] = device
        claimed.add(device.id)

    # 1. MAC, or a MAC-less device at the same address that takes the MAC.
    for i, result in enumerate(results):
        if not result.mac:
            continue
        known_mac = by_mac.get(result.mac)
        if known_mac is not None and known_mac.id not in claimed:
            claim(i, known_mac)
            continue
        for device in recent_first:
            if (
                device.id not in claimed
                and device.mac is None
                and result.address
                and device.address == result.address
                and compatible(device, result)
            ):
                claim(i, device)
                break
    # 2. Address plus a compatible identity.
    for i, result in enumerate(results):
        if i in chosen or result.mac or not result.address:
            continue
        for device in recent_first:
            if (
                device.id not in claimed
                and device.address == result.address
                and compatible(device, result)
            ):
                claim(i, device)
                break
    # 3. Re-addressed: a unique device of the site with the same name.
    for i, result in enumerate(results):
        if i in chosen or not result.name:
            continue
        candidates = [
            d
            for d in recent_first
            if d.id not in claimed
            and d.name.lower() == result.name.lower()
            and (d.mac is None or result.mac is None)
            and compatible(d, result)
        ]
        if len(candidates) == 1:
            claim(i, candidates[0])
    # 4. New devices; then every matched device learns its latest address, MAC and name.
    ids: list[int] = []
    for i, result in enumerate(results):
        key = identity_key(result)
        match = chosen.get(i)
        if match is None:
            ids.append(
                backend.insert(
                    "INSERT INTO devices (site, mac, address, name, identity, first_scan,"
                    " last_scan) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (site, result.mac, result.address, result.name, key, scan_id, scan_id),
                )
            )
            continue
        backend.execute(
            "UPDATE devices SET mac = ?, address = ?, name = ?, identity = ?, last_scan = ?"
            " WHERE id = ?",
            (
                result.mac or match.mac,
                result.address or match.address,
                result.name or match.name,
                key or match.identity,
                max(scan_id, match.last_scan),
                match.id,
            ),
        )
        ids.append(match.id)
    return ids
