"""The inventory: every scan and import, committed piece by piece as it completes.

Writing follows the life of a scan, one transaction per step, so that a scan killed at
any moment leaves every finished piece behind and nothing half-written:

* ``begin_scan(meta)`` -> scan id (status "running");
* ``record_hosts(scan_id, chunk_key, hosts, evidence)`` -> the hosts of one finished
  piece (an nmap chunk, one SNMP host...) with its raw evidence (nmap XML), at once;
* ``finish_scan(scan_id, assessment)`` -> per-device results, device identities across
  scans (``identity.py``) and the scan's totals; status "finished".

``unfinished_scans()``, ``finished_chunks(scan_id)`` and ``hosts(scan_id)`` are what a
resumed scan needs.  Readers (history, diff, report) only read committed data: SQLite
in WAL mode lets them run while a scan writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from legacyscan.clock import now
from legacyscan.codec import from_data, to_data
from legacyscan.inventory.backend import Backend, InventoryError, Row, connect, where_equal
from legacyscan.inventory.identity import assign_devices
from legacyscan.inventory.location import resolve
from legacyscan.inventory.records import DeviceResult, ScanRecord, ScanSummary
from legacyscan.inventory.schema import migrate
from legacyscan.inventory.summary import summarise
from legacyscan.model import Assessment, Host, ScanMeta
from legacyscan.paths import knowledge_version

_SCAN_COLUMNS = (
    "id, kind, status, started, finished, as_of, site, vantage, profile, targets,"
    " legacyscan_version, data_version, meta, summary"
)


def _json(value: Any) -> str:
    return json.dumps(to_data(value), ensure_ascii=False, sort_keys=True)


class Inventory:
    """One inventory database (SQLite file or PostgreSQL URL), migrated when opened."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        migrate(backend)

    @classmethod
    def open(cls, target: str | Path | None = None, create: bool = True) -> Inventory:
        """``target``, else $LEGACYSCAN_DB, else the default file (see ``location``).

        ``create=False`` (the commands that only read): a SQLite file that does not
        exist is an error, and nothing is created.
        """
        return cls(connect(resolve(target), create))

    @property
    def location(self) -> str:
        return self.backend.location

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Inventory:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------

    def begin_scan(
        self,
        meta: ScanMeta,
        kind: str = "scan",
        started: str | None = None,
        data_version: str | None = None,
    ) -> int:
        """Open a scan (status "running") and return its id; committed at once."""
        if kind not in ("scan", "import"):
            raise ValueError(f"kind must be 'scan' or 'import', not {kind!r}")
        with self.backend.transaction():
            return self.backend.insert(
                "INSERT INTO scans (kind, status, started, as_of, site, vantage, profile,"
                " targets, legacyscan_version, data_version, meta)"
                " VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    kind,
                    started or meta.started or now(),
                    meta.as_of.isoformat(),
                    meta.site,
                    meta.vantage,
                    meta.profile,
                    json.dumps(list(meta.targets)),
                    meta.legacyscan_version,
                    knowledge_version() if data_version is None else data_version,
                    _json(meta),
                ),
            )

    def record_hosts(
        self,
        scan_id: int,
        chunk_key: str,
        hosts: Sequence[Host],
        evidence: Mapping[str, bytes] | None = None,
        recorded: str | None = None,
    ) -> None:
        """Commit one finished piece of a scan: its hosts and raw evidence, all or nothing.

        Recording a chunk key again replaces it (a resumed scan redoing a piece).  A
        later chunk's observation of an address supersedes an earlier one in ``hosts``.
        """
        with self.backend.transaction():
            self._require_running(scan_id)
            self.backend.execute(
                "DELETE FROM observations WHERE scan_id = ? AND chunk_key = ?", (scan_id, chunk_key)
            )
            self.backend.execute(
                "DELETE FROM evidence WHERE scan_id = ? AND chunk_key = ?", (scan_id, chunk_key)
            )
            self.backend.execute(
                "DELETE FROM chunks WHERE scan_id = ? AND chunk_key = ?", (scan_id, chunk_key)
            )
            self.backend.execute(
                "INSERT INTO chunks (scan_id, chunk_key, recorded, host_count) VALUES (?, ?, ?, ?)",
                (scan_id, chunk_key, recorded or now(), len(hosts)),
            )
            for host in hosts:
                self.backend.execute(
                    "INSERT INTO observations (scan_id, chunk_key, address, mac, host)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (scan_id, chunk_key, host.address, host.mac, _json(host)),
                )
            for name, content in (evidence or {}).items():
                self.backend.execute(
                    "INSERT INTO evidence (scan_id, chunk_key, name, media_type, content)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (scan_id, chunk_key, name, _media_type(name), content),
                )

    def finish_scan(
        self, scan_id: int, assessment: Assessment, finished: str | None = None
    ) -> tuple[int, ...]:
        """Store the verdicts, follow the devices, close the scan; returns the device ids."""
        results, summary = summarise(assessment)
        return self.finish_results(scan_id, assessment.meta, results, summary, finished)

    def finish_results(
        self,
        scan_id: int,
        meta: ScanMeta,
        results: Sequence[DeviceResult],
        summary: ScanSummary,
        finished: str | None = None,
    ) -> tuple[int, ...]:
        """Close a scan with results already summarised (``db import`` replays these)."""
        with self.backend.transaction():
            record = self._require_running(scan_id)
            device_ids = assign_devices(self.backend, scan_id, record.site, results)
            for device_id, result in zip(device_ids, results, strict=True):
                self.backend.execute(
                    "INSERT INTO results (scan_id, device_id, address, mac, result)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (scan_id, device_id, result.address, result.mac, _json(result)),
                )
            meta = replace(meta, site=record.site, vantage=record.vantage)
            self.backend.execute(
                "UPDATE scans SET status = 'finished', finished = ?, meta = ?, summary = ?"
                " WHERE id = ?",
                (finished or meta.finished or now(), _json(meta), _json(summary), scan_id),
            )
        return tuple(device_ids)

    def record_assessment(
        self,
        assessment: Assessment,
        kind: str = "import",
        evidence: Mapping[str, bytes] | None = None,
        chunk_key: str = "hosts",
    ) -> int:
        """A whole import (or a stored scan.json) in one commit; returns the scan id.

        All or nothing: a kill or an error half-way leaves no unfinished scan behind.
        """
        with self.backend.transaction():
            scan_id = self.begin_scan(assessment.meta, kind)
            hosts = tuple(d.device.host for d in assessment.devices)
            self.record_hosts(scan_id, chunk_key, hosts, evidence)
            self.finish_scan(scan_id, assessment)
        return scan_id

    def discard_unfinished(self, scan_id: int) -> None:
        """Remove an unfinished scan and what it committed (a killed import's leftovers).

        A running scan has no results, so no device points to it.
        """
        with self.backend.transaction():
            self._require_running(scan_id)
            for table in ("evidence", "observations", "chunks"):
                self.backend.execute(f"DELETE FROM {table} WHERE scan_id = ?", (scan_id,))
            self.backend.execute("DELETE FROM scans WHERE id = ?", (scan_id,))

    def scan_with_chunk(self, chunk_key: str) -> int | None:
        """The finished scan holding a chunk of this key, if any (content-keyed imports)."""
        rows = self.backend.query(
            "SELECT c.scan_id FROM chunks c JOIN scans s ON s.id = c.scan_id"
            " WHERE c.chunk_key = ? AND s.status = 'finished' ORDER BY c.scan_id",
            (chunk_key,),
        )
        return int(rows[0][0]) if rows else None

    # --- reading ---------------------------------------------------------------------

    def scans(self, site: str | None = None, status: str | None = None) -> tuple[ScanRecord, ...]:
        """Scans oldest first, optionally of one site and/or status."""
        clause, params = where_equal(site=site, status=status)
        rows = self.backend.query(f"SELECT {_SCAN_COLUMNS} FROM scans{clause} ORDER BY id", params)
        counts = self._counts()
        return tuple(self._record(row, counts.get(int(row[0]), (0, 0))) for row in rows)

    def scan(self, scan_id: int) -> ScanRecord:
        rows = self.backend.query(f"SELECT {_SCAN_COLUMNS} FROM scans WHERE id = ?", (scan_id,))
        if not rows:
            raise InventoryError(f"no scan {scan_id} in {self.location}")
        return self._record(rows[0], self._counts(scan_id).get(scan_id, (0, 0)))

    def unfinished_scans(self) -> tuple[ScanRecord, ...]:
        return self.scans(status="running")

    def finished_chunks(self, scan_id: int) -> frozenset[str]:
        rows = self.backend.query("SELECT chunk_key FROM chunks WHERE scan_id = ?", (scan_id,))
        return frozenset(str(r[0]) for r in rows)

    def chunks(self, scan_id: int) -> tuple[tuple[str, str], ...]:
        """(chunk key, recorded time) of a scan's committed chunks, in recording order."""
        rows = self.backend.query(
            "SELECT c.chunk_key, c.recorded FROM chunks c WHERE c.scan_id = ? ORDER BY"
            " COALESCE((SELECT MIN(o.id) FROM observations o WHERE o.scan_id = c.scan_id"
            " AND o.chunk_key = c.chunk_key), 0), c.recorded, c.chunk_key",
            (scan_id,),
        )
        return tuple((str(r[0]), str(r[1])) for r in rows)

    def hosts(
        self, scan_id: int, chunk_key: str | None = None, latest: bool = True
    ) -> tuple[Host, ...]:
        """The hosts recorded so far (of one chunk, or the whole scan).

        ``latest``: one host per address, the one from the most recent chunk; otherwise
        every observation in recording order.
        """
        sql = "SELECT id, address, host FROM observations WHERE scan_id = ?"
        params: list[Any] = [scan_id]
        if chunk_key is not None:
            sql += " AND chunk_key = ?"
            params.append(chunk_key)
        found: dict[str, Host] = {}
        for obs_id, address, data in self.backend.query(sql + " ORDER BY id", params):
            key = address if latest and address else f"#{obs_id}"
            found[key] = from_data(Host, json.loads(data))
        return tuple(found.values())

    def results(self, scan_id: int) -> tuple[tuple[int, DeviceResult], ...]:
        """(device id, result) of every device of a finished scan."""
        rows = self.backend.query(
            "SELECT device_id, result FROM results WHERE scan_id = ? ORDER BY id", (scan_id,)
        )
        return tuple((int(r[0]), from_data(DeviceResult, json.loads(r[1]))) for r in rows)

    def evidence(
        self, scan_id: int, chunk_key: str | None = None
    ) -> tuple[tuple[str, str, bytes], ...]:
        """(chunk key, name, content) of the raw evidence blobs of a scan (or of one chunk)."""
        sql = "SELECT chunk_key, name, content FROM evidence WHERE scan_id = ?"
        params: list[Any] = [scan_id]
        if chunk_key is not None:
            sql += " AND chunk_key = ?"
            params.append(chunk_key)
        rows = self.backend.query(sql + " ORDER BY id", params)
        return tuple((str(r[0]), str(r[1]), bytes(r[2])) for r in rows)

    def meta(self, scan_id: int) -> ScanMeta:
        rows = self.backend.query("SELECT meta FROM scans WHERE id = ?", (scan_id,))
        if not rows:
            raise InventoryError(f"no scan {scan_id} in {self.location}")
        return from_data(ScanMeta, json.loads(rows[0][0]))

    # --- helpers ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.backend.transaction():
            yield

    def _require_running(self, scan_id: int) -> ScanRecord:
        record = self.scan(scan_id)
        if record.status != "running":
            raise InventoryError(f"scan {scan_id} is already finished")
        return record

    def _counts(self, scan_id: int | None = None) -> dict[int, tuple[int, int]]:
        """Chunks and distinct observed addresses per scan."""
        clause, params = ("WHERE scan_id = ?", (scan_id,)) if scan_id is not None else ("", ())
        chunks = self.backend.query(
            f"SELECT scan_id, COUNT(*) FROM chunks {clause} GROUP BY scan_id", params
        )
        hosts = self.backend.query(
            f"SELECT scan_id, COUNT(DISTINCT COALESCE(address, CAST(id AS TEXT)))"
            f" FROM observations {clause} GROUP BY scan_id",
            params,
        )
        found: dict[int, list[int]] = {}
        for sid, count in chunks:
            found.setdefault(int(sid), [0, 0])[0] = int(count)
        for sid, count in hosts:
            found.setdefault(int(sid), [0, 0])[1] = int(count)
        return {k: (v[0], v[1]) for k, v in found.items()}

    @staticmethod
    def _record(row: Row, counts: tuple[int, int]) -> ScanRecord:
        meta = json.loads(row[12])
        summary = from_data(ScanSummary, json.loads(row[13])) if row[13] else None
        return ScanRecord(
            id=int(row[0]),
            kind=row[1],
            status=row[2],
            started=row[3],
            finished=row[4],
            as_of=row[5],
            site=row[6],
            vantage=row[7],
            profile=row[8],
            targets=tuple(json.loads(row[9])),
            legacyscan_version=row[10],
            data_version=row[11],
            command_lines=tuple(meta.get("command_lines", ())),
            tool_versions=tuple(tuple(t) for t in meta.get("tool_versions", ())),
            chunks=counts[0],
            hosts=counts[1],
            summary=summary,
        )


def _media_type(name: str) -> str:
    if name.endswith(".xml"):
        return "application/xml"
    if name.endswith(".json"):
        return "application/json"
    return "application/octet-stream"
