"""A worker's parts: the scan folder rebuilt from the inventory, the lease and its progress."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from legacyscan.collect.nmap.chunkstore import ChunkRecord, FilesystemChunkStore, sha256
from legacyscan.collect.nmap.parse import parse_nmap_xml
from legacyscan.collect.nmap.runner import ScanProgress
from legacyscan.inventory import Inventory
from legacyscan.inventory.recorder import InventoryRecorder
from legacyscan.jobs.payload import JobPayload
from legacyscan.jobs.policy import SitePolicy
from legacyscan.jobs.store import JobStore
from legacyscan.jobs.worker import Lease, WorkerContext, rebuild_folder
from legacyscan.model import ScanMeta
from legacyscan.recording import RecordingChunkStore

XML = (Path(__file__).parent.parent / "fixtures" / "nmap" / "lab-minimal.xml").read_bytes()


def _record(index: int) -> ChunkRecord:
    run = parse_nmap_xml(XML)
    return ChunkRecord(
        index=index, targets=("127.42.1.1/32",), address_count=1,
        command_line=f"nmap -n -oX - 127.42.1.{index}", nmap_version=run.nmap_version,
        started="2026-12-07T10:00:00+00:00", finished="2026-12-07T10:00:05+00:00",
        hosts_up=len(run.hosts), xml_sha256=sha256(XML),
    )  # fmt: skip


def test_the_chunks_committed_by_a_dead_worker_are_rebuilt_for_the_next(tmp_path: Path) -> None:
    meta = ScanMeta(as_of=dt.date(2026, 11, 23), started="", finished="", targets=())
    with Inventory.open(tmp_path / "inventory.sqlite") as inventory:
        recorder = InventoryRecorder.start(inventory, meta)
        # The first worker's folder, and the inventory beside it (one commit per chunk).
        first = RecordingChunkStore(FilesystemChunkStore(tmp_path / "a" / "nmap"), recorder)
        first.save(_record(1), XML)
        first.save(_record(2), XML)
        # A piece committed without a journal entry (an older legacyscan): run again.
        inventory.record_hosts(recorder.scan_id, "nmap:3", (), {"nmap-000003.xml": XML})
        # The next worker, on another machine: an empty folder of its own.
        assert rebuild_folder(inventory, recorder.scan_id, tmp_path / "b") == 2
        rebuilt = FilesystemChunkStore(tmp_path / "b" / "nmap")
        assert rebuilt.finished() == {1: _record(1), 2: _record(2)}
        assert rebuilt.xml(2) == XML
        # Twice is harmless: what is already in the folder is kept.
        assert rebuild_folder(inventory, recorder.scan_id, tmp_path / "b") == 0


def test_the_lease_keeps_the_final_progress_of_the_job(tmp_path: Path) -> None:
    db = str(tmp_path / "inventory.sqlite")
    with Inventory.open(db) as inventory:
        jobs = JobStore(inventory.backend)
        payload = JobPayload(site="chu-nord", profile="clinical-safe", targets=("10.0.0.1",))
        job_id = jobs.create(payload)
        policy = SitePolicy(site="chu-nord", networks=("10.0.0.0/8",), profiles=("clinical-safe",))
        ctx = WorkerContext(policy=policy, db=db, app=None, name="nord-a", lease=3600.0)
        jobs.claim(job_id, "nord-a", now=ctx.clock(), lease=ctx.lease)
        lease = Lease(ctx, job_id, chunks=3)
        lease.start()
        time.sleep(0.5)  # its first renewal is made (progress 0/3)
        lease.progress(ScanProgress(3, 3, 3, 3, 1, 1.0, 0.0))  # the last chunk, just done
        lease.stop()  # right away: long before the next renewal would have come
        job = jobs.job(job_id)
        assert (job.chunks_done, job.chunks_total) == (3, 3) and not lease.lost
