"""Jobs and schedules in the inventory (tables of migration 0004): the truth about a job.

The broker only carries wake-up messages; who runs a job is decided here, in one
transaction (:meth:`JobStore.claim`): a queued job, or a running one whose worker has
not renewed its lease (``heartbeat``) for ``lease`` seconds, goes to the claiming
worker; a job that is done, failed, or held by a live worker is not run again, so a
message delivered twice runs nothing twice.  Times in the lease are seconds since the
epoch passed in by the caller (the tests give their own clock); times a user reads come
from ``legacyscan.clock``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from legacyscan.clock import now as wall_clock
from legacyscan.inventory.backend import Backend, InventoryError, Row, where_equal
from legacyscan.jobs.payload import JobPayload

STATES = ("queued", "running", "done", "failed")
_LOCK_BASE = 7_340_100_000  # advisory lock keys (PostgreSQL): one per job id
_COLUMNS = (
    "id, site, vantage, state, payload, created, sent, started, finished, worker, heartbeat,"
    " attempts, scan_id, chunks_done, chunks_total, reason, schedule_id"
)


@dataclass(frozen=True)
class JobRecord:
    id: int
    site: str
    vantage: str
    state: str
    payload: JobPayload
    created: str
    sent: str | None
    started: str | None
    finished: str | None
    worker: str
    heartbeat: float | None
    attempts: int
    scan_id: int | None
    chunks_done: int
    chunks_total: int
    reason: str
    schedule_id: int | None

    @property
    def where(self) -> str:
        return self.site + (f"/{self.vantage}" if self.vantage else "")


@dataclass(frozen=True)
class ScheduleRecord:
    id: int
    site: str
    vantage: str
    payload: JobPayload
    every_s: int
    next_due: float
    created: str


class JobStore:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    # --- jobs ------------------------------------------------------------------------

    def create(self, payload: JobPayload, schedule_id: int | None = None) -> int:
        with self.backend.transaction():
            return self.backend.insert(
                "INSERT INTO jobs (site, vantage, state, payload, created, schedule_id)"
                " VALUES (?, ?, 'queued', ?, ?, ?) RETURNING id",
                (payload.site, payload.vantage, _dump(payload), wall_clock(), schedule_id),
            )

    def mark_sent(self, job_id: int) -> None:
        with self.backend.transaction():
            self.backend.execute("UPDATE jobs SET sent = ? WHERE id = ?", (wall_clock(), job_id))

    def job(self, job_id: int) -> JobRecord:
        rows = self.backend.query(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            raise InventoryError(f"no job {job_id} in the inventory")
        return _job(rows[0])

    def jobs(self, site: str | None = None, state: str | None = None) -> tuple[JobRecord, ...]:
        clause, params = where_equal(site=site, state=state)
        rows = self.backend.query(f"SELECT {_COLUMNS} FROM jobs{clause} ORDER BY id", params)
        return tuple(_job(r) for r in rows)

    def claim(self, job_id: int, worker: str, now: float, lease: float) -> JobRecord | None:
        """Give the job to ``worker`` if nobody alive holds it; None: leave it alone."""
        with self.backend.transaction():
            self.backend.lock(_LOCK_BASE + job_id)
            job = self.job(job_id)
            alive = job.heartbeat is not None and now - job.heartbeat < lease
            if job.state in ("done", "failed"):
                return None
            if job.state == "running" and alive and job.worker != worker:
                return None
            self.backend.execute(
                "UPDATE jobs SET state = 'running', worker = ?, heartbeat = ?,"
                " started = COALESCE(started, ?), attempts = attempts + 1 WHERE id = ?",
                (worker, now, wall_clock(), job_id),
            )
            return self.job(job_id)

    def renew(self, job_id: int, worker: str, now: float, done: int, total: int) -> bool:
        """Renew the lease and record the progress; False when another worker took it."""
        with self.backend.transaction():
            rows = self.backend.query(
                "UPDATE jobs SET heartbeat = ?, chunks_done = ?, chunks_total = ?"
                " WHERE id = ? AND worker = ? AND state = 'running' RETURNING id",
                (now, done, total, job_id, worker),
            )
        return bool(rows)

    def set_scan(self, job_id: int, scan_id: int) -> None:
        self.backend.execute("UPDATE jobs SET scan_id = ? WHERE id = ?", (scan_id, job_id))

    def finish(self, job_id: int, worker: str) -> bool:
        """Mark the job done; False (nothing changed) when ``worker`` no longer holds it."""
        return self._close(job_id, worker, "done", "")

    def fail(self, job_id: int, worker: str, reason: str) -> bool:
        """Mark the job failed with one line of reason; False when ``worker`` lost it."""
        return self._close(job_id, worker, "failed", reason.splitlines()[0][:500] if reason else "")

    def _close(self, job_id: int, worker: str, state: str, reason: str) -> bool:
        # Only the holder closes a job (or anyone a queued one): a worker that lost its
        # lease to another never marks the other's running job done or failed.
        with self.backend.transaction():
            rows = self.backend.query(
                "UPDATE jobs SET state = ?, finished = ?, worker = ?, reason = ?"
                " WHERE id = ? AND (worker = ? OR state = 'queued') RETURNING id",
                (state, wall_clock(), worker, reason, job_id, worker),
            )
        return bool(rows)

    def orphaned(
        self, site: str, vantages: tuple[str, ...], now: float, lease: float
    ) -> tuple[JobRecord, ...]:
        """Running jobs of the site whose worker stopped renewing its lease."""
        return tuple(
            j
            for j in self.jobs(site=site, state="running")
            if (not j.vantage or j.vantage in vantages)
            and (j.heartbeat is None or now - j.heartbeat >= lease)
        )

    # --- schedules -------------------------------------------------------------------

    def add_schedule(self, payload: JobPayload, every_s: int, next_due: float) -> int:
        with self.backend.transaction():
            return self.backend.insert(
                "INSERT INTO schedules (site, vantage, payload, every_s, next_due, created)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (payload.site, payload.vantage, _dump(payload), every_s, next_due, wall_clock()),
            )

    def schedules(self, site: str | None = None) -> tuple[ScheduleRecord, ...]:
        sql = "SELECT id, site, vantage, payload, every_s, next_due, created FROM schedules"
        sql += " WHERE active = 1" + (" AND site = ?" if site is not None else "")
        rows = self.backend.query(sql + " ORDER BY id", (site,) if site is not None else ())
        return tuple(
            ScheduleRecord(
                id=int(r[0]),
                site=str(r[1]),
                vantage=str(r[2]),
                payload=_load(r[3]),
                every_s=int(r[4]),
                next_due=float(r[5]),
                created=str(r[6]),
            )
            for r in rows
        )

    def take_due(self, schedule: ScheduleRecord, due: float, following: float) -> bool:
        """Move a due schedule to its next time; False when someone else just did."""
        with self.backend.transaction():
            rows = self.backend.query(
                "UPDATE schedules SET next_due = ? WHERE id = ? AND next_due = ? RETURNING id",
                (following, schedule.id, due),
            )
        return bool(rows)

    def stop_schedule(self, schedule_id: int) -> None:
        with self.backend.transaction():
            self.backend.execute("UPDATE schedules SET active = 0 WHERE id = ?", (schedule_id,))


def _dump(payload: JobPayload) -> str:
    return json.dumps(payload.to_message(), sort_keys=True)


def _load(text: Any) -> JobPayload:
    return JobPayload.from_message(json.loads(str(text)))


def _job(row: Row) -> JobRecord:
    return JobRecord(
        id=int(row[0]),
        site=str(row[1]),
        vantage=str(row[2]),
        state=str(row[3]),
        payload=replace(_load(row[4]), job_id=int(row[0])),
        created=str(row[5]),
        sent=row[6],
        started=row[7],
        finished=row[8],
        worker=str(row[9]),
        heartbeat=None if row[10] is None else float(row[10]),
        attempts=int(row[11]),
        scan_id=None if row[12] is None else int(row[12]),
        chunks_done=int(row[13]),
        chunks_total=int(row[14]),
        reason=str(row[15]),
        schedule_id=None if row[16] is None else int(row[16]),
    )
