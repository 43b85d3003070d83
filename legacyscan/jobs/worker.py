"""One site worker: run the jobs of its queues, each piece committed to the inventory.

``run_job`` is what the Celery task does with a message: claim the job in the inventory
(``store.JobStore.claim``: a message delivered twice runs nothing twice), check it
against this scanner's policy before any packet (refused: the job is marked failed with
the reason), rebuild the scan folder from the pieces the inventory already holds (a job
begun by a worker that died resumes here without scanning a finished chunk again:
``rebuild_folder``), then run the ordinary live scan (``pipeline.scan``) with the
inventory recorder, renewing the job's lease and progress from a thread of its own.

``Sweeper`` runs beside the worker: it sends again the jobs of its site whose worker
stopped renewing its lease (killed, machine lost) and the queued jobs whose message may
have been lost with the broker, and starts the stored schedules that are due.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legacyscan.codec import from_data
from legacyscan.collect.nmap.chunkstore import ChunkRecord, FilesystemChunkStore
from legacyscan.collect.nmap.profiles import load_profiles
from legacyscan.collect.nmap.runner import ScanInterrupted, ScanProgress
from legacyscan.collect.nmap.second_pass import PASS2_PREFIX, PASS2_SOURCE, SecondPassOptions
from legacyscan.collect.snmp.sweep import SnmpOptions
from legacyscan.errors import UserError
from legacyscan.inventory import Inventory, InventoryError
from legacyscan.inventory.backend import connect
from legacyscan.inventory.location import resolve
from legacyscan.inventory.recorder import InventoryRecorder
from legacyscan.jobs.broker import send
from legacyscan.jobs.dispatch import run_schedules
from legacyscan.jobs.payload import JobPayload, PayloadError
from legacyscan.jobs.policy import PolicyRefusal, SitePolicy
from legacyscan.jobs.store import JobRecord, JobStore
from legacyscan.pipeline import scan, scan_meta_at_start

Say = Callable[[str], None]
RESEND_QUEUED_S = 3600.0  # a queued job's message is sent again after this long


def _quiet(_: str) -> None:
    pass


@dataclass
class WorkerContext:
    policy: SitePolicy
    db: str | None
    app: Any
    vantages: tuple[str, ...] = ()
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    lease: float = 60.0
    as_of: dt.date | None = None
    clock: Callable[[], float] = time.time
    say: Say = _quiet


def run_job(ctx: WorkerContext, message: object) -> dict[str, Any]:
    """Run (or resume) the job of one message; the job's state is left in the inventory."""
    try:
        payload = JobPayload.from_message(message)
    except PayloadError as exc:
        ctx.say(f"rejected a message: {exc}")
        return {"status": "rejected", "reason": str(exc)}
    with Inventory.open(ctx.db) as inventory:
        jobs = JobStore(inventory.backend)
        try:
            job = jobs.claim(payload.job_id, ctx.name, ctx.clock(), ctx.lease)
        except InventoryError as exc:
            ctx.say(f"job {payload.job_id}: {exc}")
            return {"status": "rejected", "reason": str(exc)}
        if job is None:
            ctx.say(f"job {payload.job_id}: done, failed or held by a live worker; skipped")
            return {"status": "skipped", "job": payload.job_id}
        ctx.say(f"job {job.id}: {job.where}, {len(job.payload.targets)} target(s), attempt "
                f"{job.attempts}")  # fmt: skip
        if job.payload != payload:
            return _failed(ctx, jobs, job, "the message does not match the job dispatch recorded")
        try:
            plan = ctx.policy.check(job.payload)
            credentials = ctx.policy.snmp_credentials(job.payload)
        except PolicyRefusal as exc:
            return _failed(ctx, jobs, job, f"refused by the policy of {ctx.name}: {exc}")
        lease = Lease(ctx, job.id, len(plan.chunks))
        lease.start()
        try:
            scan_id = _scan(ctx, inventory, jobs, job, plan, credentials, lease)
        except ScanInterrupted:
            # Ctrl-C or SIGTERM reached nmap's runner: the job stays running, its lease
            # runs out and the site's next worker resumes it; this worker stops as asked.
            ctx.say(f"job {job.id}: interrupted; the site's next worker resumes it")
            raise _shutdown() from None
        except UserError as exc:
            return _failed(ctx, jobs, job, str(exc))
        except Exception as exc:  # noqa: BLE001 - the job says what happened, the worker lives on
            return _failed(ctx, jobs, job, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            lease.stop()
        if not jobs.finish(job.id, ctx.name):
            return _lost(ctx, job)
        ctx.say(f"job {job.id}: done, scan {scan_id} in {inventory.location}")
        return {"status": "done", "job": job.id, "scan": scan_id}


def _shutdown() -> BaseException:
    from celery.exceptions import WorkerShutdown

    stop: BaseException = WorkerShutdown()  # a SystemExit: Celery stops the worker
    return stop


def _failed(ctx: WorkerContext, jobs: JobStore, job: JobRecord, reason: str) -> dict[str, Any]:
    if not jobs.fail(job.id, ctx.name, reason):
        return _lost(ctx, job)
    ctx.say(f"job {job.id}: failed: {reason}")
    return {"status": "failed", "job": job.id, "reason": reason}


def _lost(ctx: WorkerContext, job: JobRecord) -> dict[str, Any]:
    """Another worker took the job over (this one missed its lease): its state is theirs."""
    ctx.say(f"job {job.id}: taken over by another worker meanwhile; left to it")
    return {"status": "lost", "job": job.id}


def _scan(
    ctx: WorkerContext,
    inventory: Inventory,
    jobs: JobStore,
    job: JobRecord,
    plan: Any,
    credentials: Any,
    lease: Lease,
) -> int:
    payload = job.payload
    as_of = ctx.as_of or dt.datetime.now(dt.UTC).date()
    out = ctx.policy.work_dir / f"job-{job.id}"
    if job.scan_id is None:
        meta = scan_meta_at_start(plan, as_of, payload.site, payload.vantage)
        with inventory.transaction():  # the scan and the job's link to it, or neither
            scan_id = inventory.begin_scan(meta)
            jobs.set_scan(job.id, scan_id)
        recorder = InventoryRecorder(inventory, scan_id, ctx.say)
    else:
        scan_id = job.scan_id
        if inventory.scan(scan_id).status == "finished":  # killed after the scan's end
            return scan_id
        recorder = InventoryRecorder.resume(inventory, scan_id, ctx.say)
        kept = rebuild_folder(inventory, scan_id, out)
        done = sum(1 for key in inventory.finished_chunks(scan_id) if key.startswith("nmap:"))
        ctx.say(
            f"job {job.id}: resuming scan {scan_id}: {done} nmap chunk(s) already in the "
            f"inventory ({kept} written back to {out / 'nmap'})"
        )
    enabled = payload.second_pass
    if enabled is None:
        enabled = load_profiles().get(plan.profile).second_pass
    scan(
        plan,
        out,
        as_of,
        progress=ctx.say,
        on_scan_progress=lease.progress,
        resume=True,
        snmp_options=SnmpOptions(port=ctx.policy.snmp_port, credentials=credentials),
        snmp_sweep=payload.snmp_sweep,
        recorder=recorder,
        site=payload.site,
        vantage=payload.vantage,
        second_pass=SecondPassOptions(enabled=enabled),
    )
    return scan_id


def rebuild_folder(inventory: Inventory, scan_id: int, out: Path) -> int:
    """Write the nmap chunks the inventory holds for a scan into ``out/nmap``.

    Only chunks committed with their journal entry (XML and ``.json``) count; the runner
    then skips those whose command line is the plan's, exactly as ``scan --resume`` does.
    """
    stores = {"nmap": FilesystemChunkStore(out / "nmap"), PASS2_SOURCE: None}
    stores[PASS2_SOURCE] = FilesystemChunkStore(out / "nmap", prefix=PASS2_PREFIX)
    pieces: dict[tuple[str, int], dict[str, bytes]] = {}
    for chunk_key, name, content in inventory.evidence(scan_id):
        kind, _, number = chunk_key.partition(":")
        if kind in stores and number.isdigit():
            suffix = name.rsplit(".", 1)[-1]
            pieces.setdefault((kind, int(number)), {})[suffix] = content
    written = 0
    for (kind, index), files in sorted(pieces.items()):
        store = stores[kind]
        assert store is not None
        if "xml" not in files or "json" not in files or index in store.finished():
            continue
        try:
            record = from_data(ChunkRecord, json.loads(files["json"]))
        except (ValueError, TypeError, KeyError):
            continue  # not a journal entry of ours: the chunk runs again
        if record.index == index:
            store.save(record, files["xml"])
            written += kind == "nmap"
    return written


class Lease(threading.Thread):
    """Renews the job's lease and records its progress while the scan runs."""

    def __init__(self, ctx: WorkerContext, job_id: int, chunks: int) -> None:
        super().__init__(name=f"lease-{job_id}", daemon=True)
        self.ctx, self.job_id = ctx, job_id
        self.done, self.total = 0, chunks
        self.lost = False
        self._stop_event = threading.Event()

    def progress(self, state: ScanProgress) -> None:
        self.done, self.total = state.chunks_done, state.chunks_total

    def run(self) -> None:
        backend = connect(resolve(self.ctx.db))  # a connection of its own: thread-safe
        try:
            jobs = JobStore(backend)
            while True:
                stopping = self._stop_event.is_set()  # one last renewal: the final progress
                kept = jobs.renew(
                    self.job_id, self.ctx.name, self.ctx.clock(), self.done, self.total
                )
                if not kept and not self.lost:
                    self.lost = True
                    self.ctx.say(f"job {self.job_id}: lease taken by another worker")
                if stopping:
                    break
                self._stop_event.wait(self.ctx.lease / 4)
        except UserError as exc:
            self.ctx.say(f"job {self.job_id}: cannot renew the lease: {exc}")
        finally:
            backend.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=30)


class Sweeper(threading.Thread):
    """Sends again what needs it on this site's queues; starts due schedules."""

    def __init__(self, ctx: WorkerContext) -> None:
        super().__init__(name="sweeper", daemon=True)
        self.ctx = ctx
        self._stop_event = threading.Event()

    def sweep_once(self, jobs: JobStore) -> int:
        ctx, now, sent = self.ctx, self.ctx.clock(), 0
        for job in jobs.orphaned(ctx.policy.site, ctx.vantages, now, ctx.lease):
            if _age(job.sent, now) >= ctx.lease:
                ctx.say(f"job {job.id}: its worker {job.worker} stopped; sent again")
                sent += _resend(ctx, jobs, job)
        for job in jobs.jobs(site=ctx.policy.site, state="queued"):
            if (not job.vantage or job.vantage in ctx.vantages) and _age(
                job.sent, now
            ) >= RESEND_QUEUED_S:
                sent += _resend(ctx, jobs, job)
        started = run_schedules(jobs, ctx.app, now, site=ctx.policy.site)
        for job_id in started:
            ctx.say(f"job {job_id}: started by its schedule")
        return sent + len(started)

    def run(self) -> None:
        while not self._stop_event.wait(max(1.0, self.ctx.lease / 2)):
            try:
                backend = connect(resolve(self.ctx.db))
                try:
                    self.sweep_once(JobStore(backend))
                finally:
                    backend.close()
            except Exception as exc:  # noqa: BLE001 - try again at the next round
                self.ctx.say(f"sweep: {type(exc).__name__}: {exc}")

    def stop(self) -> None:
        self._stop_event.set()


def _age(stamp: str | None, now: float) -> float:
    if not stamp:
        return float("inf")
    try:
        return now - dt.datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return float("inf")


def _resend(ctx: WorkerContext, jobs: JobStore, job: JobRecord) -> int:
    send(ctx.app, job.payload.to_message(), job.payload.queue)
    jobs.mark_sent(job.id)
    return 1
