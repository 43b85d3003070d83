"""Jobs and schedules in the inventory: who runs a job is decided there, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from legacyscan.inventory import Inventory
from legacyscan.inventory.check import check
from legacyscan.jobs.payload import JobPayload
from legacyscan.jobs.store import JobStore
from legacyscan.model import ScanMeta

LEASE = 60.0


@pytest.fixture
def jobs(tmp_path: Path) -> Iterator[JobStore]:
    with Inventory.open(tmp_path / "inventory.sqlite") as inventory:
        yield JobStore(inventory.backend)


def _payload(site: str = "chu-nord") -> JobPayload:
    return JobPayload(site=site, profile="clinical-safe", targets=("10.20.0.0/24",))


def test_a_job_is_claimed_once_while_its_worker_lives(jobs: JobStore) -> None:
    job_id = jobs.create(_payload())
    assert jobs.job(job_id).state == "queued"
    first = jobs.claim(job_id, "nord-a", now=1000.0, lease=LEASE)
    assert first is not None and first.state == "running" and first.attempts == 1
    assert first.payload.job_id == job_id
    # The same message delivered again, to the other worker: not run twice.
    assert jobs.claim(job_id, "nord-b", now=1030.0, lease=LEASE) is None
    assert jobs.renew(job_id, "nord-a", now=1050.0, done=2, total=5)
    assert jobs.claim(job_id, "nord-b", now=1100.0, lease=LEASE) is None
    progress = jobs.job(job_id)
    assert (progress.chunks_done, progress.chunks_total) == (2, 5)


def test_a_job_whose_worker_died_goes_to_the_next_worker(jobs: JobStore) -> None:
    job_id = jobs.create(_payload())
    jobs.claim(job_id, "nord-a", now=1000.0, lease=LEASE)
    assert jobs.orphaned("chu-nord", (), now=1030.0, lease=LEASE) == ()
    assert [j.id for j in jobs.orphaned("chu-nord", (), now=1061.0, lease=LEASE)] == [job_id]
    assert jobs.orphaned("chu-sud", (), now=1061.0, lease=LEASE) == ()
    taken = jobs.claim(job_id, "nord-b", now=1061.0, lease=LEASE)
    assert taken is not None and taken.worker == "nord-b" and taken.attempts == 2
    # The first worker, back from the dead, has lost its lease and knows it: it can
    # neither renew it nor close the job the other worker now runs.
    assert not jobs.renew(job_id, "nord-a", now=1062.0, done=1, total=5)
    assert not jobs.finish(job_id, "nord-a")
    assert not jobs.fail(job_id, "nord-a", "nmap failed")
    assert jobs.job(job_id).state == "running"
    assert jobs.finish(job_id, "nord-b") and jobs.job(job_id).state == "done"


def test_done_and_failed_jobs_are_never_run_again(jobs: JobStore) -> None:
    done, failed = jobs.create(_payload()), jobs.create(_payload())
    jobs.claim(done, "nord-a", now=1000.0, lease=LEASE)
    jobs.finish(done, "nord-a")
    jobs.fail(failed, "nord-a", "refused by the policy of nord-a: profile\nsecond line")
    for job_id in (done, failed):
        assert jobs.claim(job_id, "nord-b", now=9999.0, lease=LEASE) is None
    assert jobs.job(failed).reason == "refused by the policy of nord-a: profile"
    assert [j.state for j in jobs.jobs(site="chu-nord")] == ["done", "failed"]


def test_a_due_schedule_is_taken_by_one_caller_only(jobs: JobStore) -> None:
    schedule_id = jobs.add_schedule(_payload(), every_s=3600, next_due=5000.0)
    (schedule,) = jobs.schedules("chu-nord")
    assert schedule.id == schedule_id and schedule.every_s == 3600
    assert jobs.take_due(schedule, 5000.0, 8600.0)
    assert not jobs.take_due(schedule, 5000.0, 8600.0)  # a second worker, a moment later
    assert jobs.schedules()[0].next_due == 8600.0
    jobs.stop_schedule(schedule_id)
    assert jobs.schedules() == ()


def test_db_check_knows_a_done_job_needs_a_finished_scan(tmp_path: Path) -> None:
    with Inventory.open(tmp_path / "inventory.sqlite") as inventory:
        jobs = JobStore(inventory.backend)
        job_id = jobs.create(_payload())
        jobs.claim(job_id, "nord-a", now=1000.0, lease=LEASE)
        scan_id = inventory.begin_scan(ScanMeta(dt.date(2026, 11, 23), "", "", ()))
        jobs.set_scan(job_id, scan_id)
        assert check(inventory).ok  # running job, running scan: fine
        jobs.finish(job_id, "nord-a")
        assert check(inventory).problems == (
            f"job {job_id}: state 'done' with scan running (a done job's scan is finished)",
        )
