"""``legacyscan db check``: is the inventory consistent?

Checks what the database engine can (SQLite's integrity and foreign-key checks) and
what only legacyscan knows: every stored host and result decodes into today's records,
each chunk holds as many hosts as it claims, finished scans have their totals and every
result its device, running scans have no results yet.  A scan killed mid-way is not a
problem: it is reported as unfinished, with the pieces it committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from legacyscan.codec import from_data
from legacyscan.inventory.records import DeviceResult, ScanSummary
from legacyscan.inventory.schema import current_version, latest_version
from legacyscan.inventory.store import Inventory
from legacyscan.model import Host, ScanMeta


@dataclass(frozen=True)
class CheckReport:
    schema_version: int
    scans: int
    unfinished: int
    observations: int
    results: int
    devices: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(inventory: Inventory) -> CheckReport:
    backend = inventory.backend
    problems: list[str] = []
    version = current_version(backend)
    if version != latest_version():
        problems.append(f"schema version {version}, expected {latest_version()}")
    if backend.name == "sqlite":
        integrity = [str(r[0]) for r in backend.query("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.extend(f"sqlite integrity: {line}" for line in integrity[:20])
        for table, rowid, parent, _ in backend.query("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid} points to a missing {parent} row")

    scans = backend.query("SELECT id, status, finished, meta, summary FROM scans")
    result_counts = dict(
        (int(sid), int(n))
        for sid, n in backend.query("SELECT scan_id, COUNT(*) FROM results GROUP BY scan_id")
    )
    for scan_id, status, finished, meta, summary in scans:
        where = f"scan {scan_id}"
        _decodes(problems, where, "metadata", ScanMeta, meta)
        if status == "finished":
            if not finished or not summary:
                problems.append(f"{where}: finished without its end time or totals")
            elif _decodes(problems, where, "totals", ScanSummary, summary):
                expected = from_data(ScanSummary, json.loads(summary)).devices
                if expected != result_counts.get(int(scan_id), 0):
                    problems.append(
                        f"{where}: totals say {expected} device(s), "
                        f"{result_counts.get(int(scan_id), 0)} result(s) stored"
                    )
        elif status == "running":
            if result_counts.get(int(scan_id)):
                problems.append(f"{where}: unfinished but has results")
        else:
            problems.append(f"{where}: unknown status {status!r}")

    for scan_id, key, claimed, stored in backend.query(
        "SELECT c.scan_id, c.chunk_key, c.host_count,"
        " (SELECT COUNT(*) FROM observations o"
        "  WHERE o.scan_id = c.scan_id AND o.chunk_key = c.chunk_key)"
        " FROM chunks c"
    ):
        if int(claimed) != int(stored):
            problems.append(f"scan {scan_id} chunk {key}: {stored} host(s), expected {claimed}")

    observations = backend.query("SELECT id, scan_id, host FROM observations")
    for obs_id, scan_id, data in observations:
        _decodes(problems, f"scan {scan_id} observation {obs_id}", "host", Host, data)
    results = backend.query(
        "SELECT r.id, r.scan_id, r.result, r.device_id, d.id FROM results r"
        " LEFT JOIN devices d ON d.id = r.device_id"
    )
    for result_id, scan_id, data, device_id, found in results:
        where = f"scan {scan_id} result {result_id}"
        _decodes(problems, where, "result", DeviceResult, data)
        if device_id is None or found is None:
            problems.append(f"{where}: not linked to a device")
    devices = backend.query(
        "SELECT d.id FROM devices d LEFT JOIN scans f ON f.id = d.first_scan"
        " LEFT JOIN scans l ON l.id = d.last_scan"
        " WHERE f.id IS NULL OR l.id IS NULL OR d.first_scan > d.last_scan"
    )
    problems.extend(f"device {r[0]}: first or last scan missing or out of order" for r in devices)
    # Jobs (legacyscan/jobs/): a job is done only once its scan has finished.
    jobs = backend.query(
        "SELECT j.id, j.state, s.status FROM jobs j LEFT JOIN scans s ON s.id = j.scan_id"
        " WHERE j.state NOT IN ('queued', 'running', 'done', 'failed')"
        " OR (j.state = 'done' AND (s.status IS NULL OR s.status != 'finished'))"
    )
    problems.extend(
        f"job {r[0]}: state {r[1]!r} with scan {r[2] or 'missing'} (a done job's scan is finished)"
        for r in jobs
    )
    device_count = int(backend.query("SELECT COUNT(*) FROM devices")[0][0])
    return CheckReport(
        schema_version=version,
        scans=len(scans),
        unfinished=sum(1 for s in scans if s[1] == "running"),
        observations=len(observations),
        results=len(results),
        devices=device_count,
        problems=tuple(problems),
    )


def _decodes(problems: list[str], where: str, what: str, cls: type, data: str) -> bool:
    try:
        from_data(cls, json.loads(data))
    except (ValueError, TypeError, KeyError) as exc:
        problems.append(f"{where}: {what} does not decode ({type(exc).__name__}: {exc})")
        return False
    return True
