"""Change over time: what changed between two scans, device by device.

Devices are compared by their inventory identity (``identity.py``), not by address, so
a re-addressed device is "moved", not "gone + new".  Versions are compared per
identity (kind + vendor); "newly end-of-life" is an identity whose verdict became
``eol`` or ``extended``; exposures are legacy -> clinical pairs of devices.  When the
two scans differ in site, vantage point, scope or knowledge, the diff says so
(``caveats``) and marks version changes whose evidence came from different sources:
a change may then be a disagreement between sources rather than a new firmware.
"""

from __future__ import annotations

from collections import defaultdict

from legacyscan.collect.scope import target_set
from legacyscan.inventory.backend import InventoryError
from legacyscan.inventory.records import (
    DeviceRef,
    DeviceResult,
    ExposurePair,
    Readdressed,
    ScanDiff,
    ScanRecord,
    StatusChange,
    VersionChange,
)
from legacyscan.inventory.store import Inventory
from legacyscan.model import LEGACY_STATUSES, Trend

#: Two scans are compared when the addresses both scopes cover are at least this share of
#: each scope: a scan of two test hosts says nothing about the whole hospital, nor the
#: hospital about one ward scanned alone.
MIN_SHARED_SCOPE = 0.5


def device_ref(device_id: int, result: DeviceResult) -> DeviceRef:
    main = result.main_identity
    label = result.device_class + (f": {main.label}" if main else "")
    return DeviceRef(device_id, result.address, result.name, label)


def default_pair(
    inventory: Inventory, old: int | None = None, new: int | None = None, site: str | None = None
) -> tuple[int, int]:
    """OLD and NEW scan ids: as given, else the finished scan before NEW, else the last two."""
    if old is not None and new is not None:
        return old, new
    finished = inventory.scans(site=site, status="finished")
    if old is not None:  # one id given: it is the new one
        old, new = None, old
    if new is not None:
        target = inventory.scan(new)
        earlier = [s for s in finished if s.id < new and s.site == target.site]
        if not earlier:
            raise InventoryError(f"no finished scan of the same site before scan {new}")
        return earlier[-1].id, new
    if len(finished) < 2:
        where = f" of site {site!r}" if site is not None else ""
        raise InventoryError(
            f"a diff needs two finished scans{where}; {len(finished)} in {inventory.location}"
        )
    return finished[-2].id, finished[-1].id


def _finished(inventory: Inventory, scan_id: int) -> ScanRecord:
    record = inventory.scan(scan_id)
    if record.status != "finished":
        raise InventoryError(f"scan {scan_id} did not finish: nothing to compare yet")
    return record


def diff(inventory: Inventory, old_id: int, new_id: int) -> ScanDiff:
    old, new = _finished(inventory, old_id), _finished(inventory, new_id)
    before = dict(inventory.results(old_id))
    after = dict(inventory.results(new_id))
    both = sorted(before.keys() & after.keys())
    versions: list[VersionChange] = []
    newly_eol: list[StatusChange] = []
    moved: list[Readdressed] = []
    vantage_note = (
        f"scanned from {old.where} then from {new.where}" if old.where != new.where else ""
    )
    for device_id in both:
        was, now = before[device_id], after[device_id]
        ref = device_ref(device_id, now)
        if was.address != now.address:
            moved.append(Readdressed(ref, was.address, now.address))
        versions.extend(_version_changes(ref, was, now, vantage_note))
        newly_eol.extend(_status_changes(ref, was, now))
    return ScanDiff(
        old=old,
        new=new,
        new_devices=tuple(device_ref(i, after[i]) for i in sorted(after.keys() - before.keys())),
        gone_devices=tuple(device_ref(i, before[i]) for i in sorted(before.keys() - after.keys())),
        version_changes=tuple(versions),
        newly_eol=tuple(newly_eol),
        new_exposures=_sorted(_exposures(new, after) - _exposures(old, before)),
        gone_exposures=_sorted(_exposures(old, before) - _exposures(new, after)),
        readdressed=tuple(moved),
        risk_before=old.summary.risk_total if old.summary else 0.0,
        risk_after=new.summary.risk_total if new.summary else 0.0,
        caveats=_caveats(old, new),
    )


def _version_changes(
    ref: DeviceRef, was: DeviceResult, now: DeviceResult, vantage_note: str
) -> list[VersionChange]:
    def by_vendor(result: DeviceResult) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
        grouped: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for i in result.identities:
            grouped[(i.kind, i.vendor)].append((i.product, i.version or "", ",".join(i.sources)))
        return grouped

    old_groups, new_groups = by_vendor(was), by_vendor(now)
    changes = []
    for key in sorted(old_groups.keys() & new_groups.keys()):
        old_items = sorted(old_groups[key])
        new_items = sorted(new_groups[key])
        if [i[:2] for i in old_items] == [i[:2] for i in new_items]:
            continue
        notes = []
        old_sources = {i[2] for i in old_items}
        new_sources = {i[2] for i in new_items}
        if old_sources != new_sources:
            notes.append(
                f"evidence from {'/'.join(sorted(old_sources)) or '?'} then from "
                f"{'/'.join(sorted(new_sources)) or '?'}"
            )
        if vantage_note:
            notes.append(vantage_note)
        changes.append(
            VersionChange(
                device=ref,
                kind=key[0],
                vendor=key[1],
                product=new_items[0][0],
                old="; ".join(f"{p} {v}".strip() for p, v, _ in old_items),
                new="; ".join(f"{p} {v}".strip() for p, v, _ in new_items),
                note=("may be a disagreement between sources: " + ", ".join(notes))
                if notes
                else "",
            )
        )
    return changes


def _status_changes(ref: DeviceRef, was: DeviceResult, now: DeviceResult) -> list[StatusChange]:
    old_status = {i.product_key: i.status for i in was.identities}
    found = []
    for identity in now.identities:
        before = old_status.get(identity.product_key)
        if (
            before is not None
            and identity.status in LEGACY_STATUSES
            and before not in LEGACY_STATUSES
        ):
            found.append(StatusChange(ref, identity.label, before, identity.status))
    if not found and now.legacy and not was.legacy:
        main = now.main_identity
        found.append(
            StatusChange(ref, main.label if main else ref.label, was.worst_status, now.worst_status)
        )
    return found


def _sorted(pairs: frozenset[ExposurePair]) -> tuple[ExposurePair, ...]:
    return tuple(sorted(pairs, key=lambda p: (p.legacy.device_id, p.clinical.device_id)))


def _exposures(record: ScanRecord, results: dict[int, DeviceResult]) -> frozenset[ExposurePair]:
    if record.summary is None:
        return frozenset()
    by_address = {r.address: (i, r) for i, r in results.items() if r.address}
    pairs = set()
    for legacy, clinical in record.summary.exposures:
        if legacy in by_address and clinical in by_address:
            pairs.add(
                ExposurePair(device_ref(*by_address[legacy]), device_ref(*by_address[clinical]))
            )
    return frozenset(pairs)


def _caveats(old: ScanRecord, new: ScanRecord) -> tuple[str, ...]:
    caveats = []
    if old.site != new.site:
        caveats.append(f"different sites ({old.site or '-'} / {new.site or '-'})")
    if old.vantage != new.vantage:
        caveats.append(
            f"different vantage points ({old.vantage or '-'} / {new.vantage or '-'}): "
            "a device one of them cannot reach shows as new or gone"
        )
    if sorted(old.targets) != sorted(new.targets):
        caveats.append("different scopes: devices outside the common scope show as new or gone")
    if old.data_version != new.data_version:
        caveats.append(
            f"knowledge changed ({old.data_version or '?'} -> {new.data_version or '?'}): "
            "a verdict may have moved because our data changed, not the device"
        )
    return tuple(caveats)


def scope_overlap(old: ScanRecord, new: ScanRecord) -> tuple[int, int, int]:
    """(addresses both scopes cover, addresses of the old scope, of the new); a host name
    counts as one address, shared when both scopes name it."""
    old_set, old_names = target_set(old.targets)
    new_set, new_names = target_set(new.targets)
    common = (old_set & new_set).size + len(old_names & new_names)
    return common, old_set.size + len(old_names), new_set.size + len(new_names)


def comparable(old: ScanRecord, new: ScanRecord) -> bool:
    """Same site, and scopes that share at least ``MIN_SHARED_SCOPE`` of each."""
    if old.site != new.site:
        return False
    common, old_size, new_size = scope_overlap(old, new)
    return bool(common) and min(common / old_size, common / new_size) >= MIN_SHARED_SCOPE


def previous_scan_summary(inventory: Inventory, scan_id: int) -> Trend | None:
    """The trend since the latest earlier finished scan comparable with this one (same site,
    overlapping scope: ``comparable``), or None when there is none."""
    record = inventory.scan(scan_id)
    if record.status != "finished":
        return None
    earlier = [
        s
        for s in inventory.scans(site=record.site, status="finished")
        if s.id < scan_id and comparable(s, record)
    ]
    if not earlier:
        return None
    previous = earlier[-1]
    common, _, scope_size = scope_overlap(previous, record)
    change = diff(inventory, previous.id, scan_id)
    return Trend(
        previous_scan=change.old.id,
        previous_started=change.old.started,
        current_scan=scan_id,
        devices_before=change.old.summary.devices if change.old.summary else 0,
        devices_now=change.new.summary.devices if change.new.summary else 0,
        new_devices=len(change.new_devices),
        gone_devices=len(change.gone_devices),
        version_changes=len(change.version_changes),
        newly_eol=len(change.newly_eol),
        new_exposures=len(change.new_exposures),
        risk_before=change.risk_before,
        risk_after=change.risk_after,
        site=record.site,
        common_addresses=common,
        scope_addresses=scope_size,
        same_scope=sorted(previous.targets) == sorted(record.targets),
    )
