"""Queues: a real worker process takes only its site's and its vantage point's jobs.

A real ``redis-server`` and a real ``legacyscan worker`` (site chu-nord, vantage dc);
every job here (a loopback address) is outside the worker's networks, so it is refused
before any packet and which worker refused it shows who took it.  A job for another
vantage point of the site, or for another site, is never taken: it stays queued.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import run
from redisserver import redis_server, redis_skip_reason

from legacyscan.inventory import Inventory
from legacyscan.jobs.store import JobStore

pytestmark = pytest.mark.skipif(redis_skip_reason() is not None, reason=str(redis_skip_reason()))


def _state(db: str, job_id: int) -> tuple[str, str, str]:
    with Inventory.open(db) as inventory:
        job = JobStore(inventory.backend).job(job_id)
    return job.state, job.worker, job.reason


def test_a_worker_takes_only_the_jobs_of_its_site_and_vantage_point(tmp_path: Path) -> None:
    db = str(tmp_path / "inventory.sqlite")
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "site: chu-nord\nvantages: [dc]\nnetworks: [127.98.0.0/24]\nprofiles: [clinical-safe]\n"
        "work_dir: work\n"
    )
    with redis_server(tmp_path) as port:
        url = tmp_path / "broker.url"
        url.write_text(f"redis://127.0.0.1:{port}/0\n")
        common = ("--db", db, "--broker-file", str(url))

        def dispatch(*args: str) -> int:
            result = run("dispatch", "127.99.0.1", *args, *common)
            assert result.returncode == 0, result.stderr
            return int(result.stdout.split()[1].rstrip(":"))

        site, mine, other, elsewhere = (
            dispatch("--site", "chu-nord"),
            dispatch("--site", "chu-nord", "--vantage", "dc"),
            dispatch("--site", "chu-nord", "--vantage", "ward-b"),
            dispatch("--site", "chu-sud"),
        )
        with (tmp_path / "worker.log").open("wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "legacyscan", "worker", "--site", "chu-nord",
                 "--vantage", "dc", "--policy", str(policy), "--name", "nord-dc", *common],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while {_state(db, j)[0] for j in (site, mine)} != {"failed"}:
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
                time.sleep(0.3)
            time.sleep(2)  # time enough to take a wrong job too, if it would
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
    for job_id in (site, mine):
        state, by, why = _state(db, job_id)
        assert (state, by) == ("failed", "nord-dc")
        assert "outside this scanner's networks" in why
    assert _state(db, other)[:2] == ("queued", "")
    assert _state(db, elsewhere)[:2] == ("queued", "")
