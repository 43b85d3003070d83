"""``db export`` / ``db import``: the whole inventory as one JSON file, and back.

For backups and for handing an inventory over (consultant -> hospital, SQLite ->
PostgreSQL).  The file holds every scan with its metadata, committed chunks (raw hosts
as codec JSON, evidence blobs in base64) and per-device results.  Device identities are
not exported: they are derived, and an import links the scans to the devices of the
receiving inventory with the rules of ``identity.py``, scan by scan in time order.
A scan already present (same kind, start time, site, vantage and targets) is skipped, so
importing the same file twice adds nothing.  Each scan is imported in one transaction:
a killed import leaves the scans before it and nothing half-way, and importing the file
again adds the rest (an unfinished copy left by an older version is replaced).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from legacyscan.clock import now
from legacyscan.codec import from_data, to_data
from legacyscan.files import atomic_write
from legacyscan.inventory.backend import InventoryError
from legacyscan.inventory.records import DeviceResult, ScanRecord, ScanSummary
from legacyscan.inventory.schema import latest_version
from legacyscan.inventory.store import Inventory
from legacyscan.model import Host, ScanMeta

FORMAT = "legacyscan-inventory"
FORMAT_VERSION = 1


def export_data(inventory: Inventory) -> dict[str, Any]:
    scans = []
    for record in inventory.scans():
        evidence: dict[str, list[dict[str, str]]] = {}
        for chunk_key, name, content in inventory.evidence(record.id):
            evidence.setdefault(chunk_key, []).append(
                {"name": name, "content_base64": base64.b64encode(content).decode("ascii")}
            )
        chunks = [
            {
                "key": key,
                "recorded": recorded,
                "hosts": [to_data(h) for h in inventory.hosts(record.id, key, latest=False)],
                "evidence": evidence.get(key, []),
            }
            for key, recorded in inventory.chunks(record.id)
        ]
        scans.append(
            {
                "kind": record.kind,
                "status": record.status,
                "started": record.started,
                "finished": record.finished,
                "data_version": record.data_version,
                "meta": to_data(inventory.meta(record.id)),
                "summary": to_data(record.summary) if record.summary else None,
                "chunks": chunks,
                "results": [to_data(r) for _, r in inventory.results(record.id)],
            }
        )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": latest_version(),
        "exported": now(),
        "scans": scans,
    }


def export_file(inventory: Inventory, path: Path) -> int:
    """Write the export atomically; returns the number of scans."""
    data = export_data(inventory)
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1), error=InventoryError)
    return len(data["scans"])


Decoded = list[tuple[dict[str, Any], ScanMeta]]


def import_file(
    inventory: Inventory, path: Path, on_scan: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Add the scans of an export; returns (imported, skipped as already present)."""
    return import_scans(inventory, read_export(path), on_scan)


def read_export(path: Path) -> Decoded:
    """Every scan of an export, checked completely before anything is written."""
    try:
        if not path.is_file():  # a FIFO or a device would block or never end
            raise InventoryError(f"cannot read {path}: not a regular file")
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise InventoryError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise InventoryError(f"{path}: not JSON ({str(exc)[:120]})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InventoryError(f"{path}: not a legacyscan inventory export")
    if data.get("format_version") != FORMAT_VERSION:
        shown = str(data.get("format_version"))[:20]
        raise InventoryError(f"{path}: export format {shown} not supported")
    try:
        scans = data["scans"]
        if not isinstance(scans, list):
            raise TypeError("'scans' must be a list")
        return [_decode(s) for s in sorted(scans, key=lambda s: str(s["started"]))]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)[:160]
        raise InventoryError(f"{path}: damaged export ({what})") from None


def import_scans(
    inventory: Inventory, decoded: Decoded, on_scan: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Add decoded scans (``read_export``); returns (imported, skipped as already present).

    Each scan is one transaction: a killed import is finished by importing the file
    again.  ``on_scan(done, total)`` is told after each scan committed.
    """
    present: dict[tuple[str, str, str, str, tuple[str, ...]], ScanRecord] = {
        _identity(r.kind, r.started, r.site, r.vantage, r.targets): r for r in inventory.scans()
    }
    imported = skipped = 0
    for scan, meta in decoded:
        key = _identity(scan["kind"], scan["started"], meta.site, meta.vantage, meta.targets)
        there = present.get(key)
        if there is not None and (there.status == "finished" or scan["status"] == "running"):
            skipped += 1
            continue
        # one transaction per scan: a kill leaves every scan before it, and none half-way
        with inventory.transaction():
            if there is not None:
                # an unfinished copy of a scan the file holds finished: what a `db import`
                # killed by an earlier version left behind; the file's copy replaces it
                inventory.discard_unfinished(there.id)
            present[key] = _import_scan(inventory, scan, meta)
        imported += 1
        if on_scan is not None:
            on_scan(imported, len(decoded))
    return imported, skipped


def _identity(
    kind: str, started: str, site: str, vantage: str, targets: tuple[str, ...]
) -> tuple[str, str, str, str, tuple[str, ...]]:
    return (kind, started, site, vantage, tuple(targets))


def _text(value: object, what: str, optional: bool = False) -> None:
    if not (isinstance(value, str) or (optional and value is None)):
        raise TypeError(f"{what} must be text, not {str(value)[:20]!r}")


def _decode(scan: dict[str, Any]) -> tuple[dict[str, Any], ScanMeta]:
    """Check every part before anything is written: a damaged file imports nothing."""
    if not isinstance(scan, dict):
        raise TypeError("each scan must be an object")
    _text(scan["started"], "'started'")
    where = f"scan started {scan['started'][:40]!r}"
    try:
        meta = from_data(ScanMeta, scan["meta"])
        if scan["kind"] not in ("scan", "import") or scan["status"] not in (
            "running",
            "finished",
        ):
            raise ValueError("unknown kind or status")
        _text(scan.get("finished"), "'finished'", optional=True)
        _text(scan.get("data_version"), "'data_version'", optional=True)
        if not isinstance(scan["chunks"], list) or not isinstance(scan["results"], list):
            raise TypeError("'chunks' and 'results' must be lists")
        for chunk in scan["chunks"]:
            _text(chunk["key"], "a chunk's 'key'")
            _text(chunk["recorded"], "a chunk's 'recorded'")
            chunk["hosts"] = [from_data(Host, h) for h in chunk["hosts"]]
            evidence: dict[str, bytes] = {}
            for item in chunk["evidence"]:
                _text(item["name"], "an evidence 'name'")
                _text(item["content_base64"], "an evidence 'content_base64'")
                evidence[item["name"]] = base64.b64decode(item["content_base64"], validate=True)
            chunk["evidence"] = evidence
        scan["results"] = [from_data(DeviceResult, r) for r in scan["results"]]
        if scan["status"] == "finished":
            _text(scan["finished"], "'finished'")
            scan["summary"] = from_data(ScanSummary, scan["summary"])
            if scan["summary"].devices != len(scan["results"]):
                raise ValueError(
                    f"its totals say {scan['summary'].devices} device(s), "
                    f"it holds {len(scan['results'])} result(s)"
                )
        elif scan["results"]:
            raise ValueError("unfinished but with results")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)[:160]
        raise ValueError(f"{where}: {what}") from None
    return scan, meta


def _import_scan(inventory: Inventory, scan: dict[str, Any], meta: ScanMeta) -> ScanRecord:
    scan_id = inventory.begin_scan(
        meta, scan["kind"], started=scan["started"], data_version=scan.get("data_version")
    )
    for chunk in scan["chunks"]:
        inventory.record_hosts(
            scan_id, chunk["key"], chunk["hosts"], chunk["evidence"], recorded=chunk["recorded"]
        )
    if scan["status"] == "finished":
        inventory.finish_results(scan_id, meta, scan["results"], scan["summary"], scan["finished"])
    return inventory.scan(scan_id)
