"""``db export`` / ``db import``: the whole inventory as one JSON file, and back.

For backups and for handing an inventory over (consultant -> hospital, SQLite ->
PostgreSQL).  The file holds every scan with its metadata, committed chunks (raw hosts
as codec JSON, evidence blobs in base64) and per-device results.  Device identities are
not exported: they are derived, and an import links the scans to the devices of the
receiving inventory with the rules of ``identity.py``, scan by scan in time order.
A scan already present (same kind, start time, site, vantage and targets) is skipped, so
importing the same file twice adds nothing.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from legacyscan.clock import now
from legacyscan.codec import from_data, to_data
from legacyscan.files import atomic_write
from legacyscan.inventory.backend import InventoryError
from legacyscan.inventory.records import DeviceResult, ScanSummary
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


def import_file(inventory: Inventory, path: Path) -> tuple[int, int]:
    """Add the scans of an export; returns (imported, skipped as already present)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InventoryError(f"cannot read {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise InventoryError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InventoryError(f"{path}: not a legacyscan inventory export")
    if data.get("format_version") != FORMAT_VERSION:
        raise InventoryError(f"{path}: export format {data.get('format_version')} not supported")
    try:
        scans = sorted(data["scans"], key=lambda s: str(s["started"]))
        decoded = [_decode(s) for s in scans]
    except (KeyError, TypeError, ValueError) as exc:
        raise InventoryError(f"{path}: damaged export ({type(exc).__name__}: {exc})") from exc
    present = {
        _identity(r.kind, r.started, r.site, r.vantage, r.targets) for r in inventory.scans()
    }
    imported = skipped = 0
    for scan, meta in decoded:
        key = _identity(scan["kind"], scan["started"], meta.site, meta.vantage, meta.targets)
        if key in present:
            skipped += 1
            continue
        _import_scan(inventory, scan, meta)
        present.add(key)
        imported += 1
    return imported, skipped


def _identity(
    kind: str, started: str, site: str, vantage: str, targets: tuple[str, ...]
) -> tuple[str, str, str, str, tuple[str, ...]]:
    return (kind, started, site, vantage, tuple(targets))


def _decode(scan: dict[str, Any]) -> tuple[dict[str, Any], ScanMeta]:
    """Check every part before anything is written: a damaged file imports nothing."""
    meta = from_data(ScanMeta, scan["meta"])
    if scan["kind"] not in ("scan", "import") or scan["status"] not in ("running", "finished"):
        raise ValueError(f"unknown kind or status in scan started {scan['started']}")
    for chunk in scan["chunks"]:
        chunk["hosts"] = [from_data(Host, h) for h in chunk["hosts"]]
        chunk["evidence"] = {
            e["name"]: base64.b64decode(e["content_base64"], validate=True)
            for e in chunk["evidence"]
        }
    scan["results"] = [from_data(DeviceResult, r) for r in scan["results"]]
    if scan["status"] == "finished":
        scan["summary"] = from_data(ScanSummary, scan["summary"])
    return scan, meta


def _import_scan(inventory: Inventory, scan: dict[str, Any], meta: ScanMeta) -> None:
    scan_id = inventory.begin_scan(
        meta, scan["kind"], started=scan["started"], data_version=scan.get("data_version")
    )
    for chunk in scan["chunks"]:
        inventory.record_hosts(
            scan_id, chunk["key"], chunk["hosts"], chunk["evidence"], recorded=chunk["recorded"]
        )
    if scan["status"] == "finished":
        inventory.finish_results(scan_id, meta, scan["results"], scan["summary"], scan["finished"])
