"""Two sites, three scanners, one inventory: jobs on Celery over a real Redis, for real.

A real ``redis-server`` (free loopback port, nothing saved), a real PostgreSQL inventory
(``tests/pgserver.py``), the minimal simulated hospital split in two sites, and three
real ``legacyscan worker`` processes: two for chu-nord, one for chu-sud, each with its
own policy file and working folder (as if on three machines).  tcpdump watches every
packet sent to the lab's addresses.  Checked:

* a job whose scope breaks chu-sud's policy is refused before any packet (not one packet
  reaches its address) and marked failed with the reason;
* the chu-nord job (one address per nmap chunk) is SIGKILLed with its worker after its
  first chunk; the other chu-nord worker resumes it from the inventory: every piece
  committed before the kill is still there, unchanged, the first chunk's address gets no
  packet after the kill (no finished chunk scanned twice), the job ends done, and
  ``legacyscan db check`` passes;
* the chu-sud job runs on chu-sud's worker; each site's addresses receive packets only
  while that site's job runs; both land in the one inventory, and the group report
  (``report --all-sites``) shows the two sites side by side.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from labscan import AS_OF, Packet, can_capture, capture, packets_of, running_lab
from pgserver import pg_skip_reason, postgres_server
from redisserver import redis_server, redis_skip_reason

from legacyscan.inventory import Inventory
from legacyscan.jobs.store import JobRecord, JobStore
from legacyscan.lab import runner

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(not can_capture(), reason="tcpdump on the loopback interface needs root"),
    pytest.mark.skipif(redis_skip_reason() is not None, reason=str(redis_skip_reason())),
    pytest.mark.skipif(pg_skip_reason() is not None, reason=str(pg_skip_reason())),
]

NORD = ("127.42.1.1", "127.42.10.11", "127.42.10.20")  # core switch, imaging segment
SUD = ("127.42.20.15", "127.42.20.30")  # the biomedical segment
OUTSIDE = "127.42.30.10"  # in the lab, in neither site's policy: the refused job's target
LEASE = "4"
TIMEOUT = 300.0


@dataclass
class Group:
    folder: Path
    db: str
    broker_file: Path
    workers: dict[str, subprocess.Popen[bytes]]
    env: dict[str, str]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "legacyscan", *args],
            capture_output=True, text=True, timeout=120, env=self.env,
        )  # fmt: skip

    def dispatch(self, *args: str) -> int:
        result = self.cli("dispatch", *args, "--broker-file", str(self.broker_file))
        assert result.returncode == 0, result.stderr
        return int(result.stdout.split()[1].rstrip(":"))

    def job(self, job_id: int) -> JobRecord:
        with Inventory.open(self.db) as inventory:
            return JobStore(inventory.backend).job(job_id)

    def wait(self, job_id: int, states: tuple[str, ...] = ("done", "failed")) -> JobRecord:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job.state in states:
                return job
            time.sleep(0.5)
        raise AssertionError(f"job {job_id} still {self.job(job_id).state}: {self.logs()}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.folder.glob("*.log"))
        )


def _policy(folder: Path, name: str, site: str, networks: tuple[str, ...], port: int) -> Path:
    (folder / "snmp.yaml").write_text(
        "credentials:\n  - {label: lab-public, version: 2c, community: public}\n"
    )
    path = folder / f"{name}.yaml"
    path.write_text(
        json.dumps(  # JSON is YAML: the policy as a scanner's administrator would write it
            {
                "site": site,
                "networks": list(networks),
                "profiles": ["clinical-safe"],
                "max_hosts": 256,
                "snmp": {"credentials": "snmp.yaml", "port": port},
                "work_dir": f"work-{name}",  # each worker its own folder: three machines
            }
        )
    )
    return path


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group (a worker and its nmap), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass


@dataclass(frozen=True)
class Outcome:
    group: Group
    packets: list[Packet]
    refused: JobRecord
    nord: JobRecord
    sud: JobRecord
    killed: str
    kill_time: float
    before_kill: dict[str, tuple[Any, ...]]  # committed piece -> its hosts, at the kill
    windows: dict[str, tuple[float, float]]  # site -> when its job ran (dispatch, done)
    report: subprocess.CompletedProcess[str]
    check: subprocess.CompletedProcess[str]
    jobs_listing: subprocess.CompletedProcess[str]
    snmp_port: int


def _pieces(db: str, scan_id: int) -> dict[str, tuple[Any, ...]]:
    with Inventory.open(db) as inventory:
        return {key: inventory.hosts(scan_id, key, latest=False)
                for key in inventory.finished_chunks(scan_id)}  # fmt: skip


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    folder = tmp_path_factory.mktemp("sites")
    with running_lab("minimal", folder / "lab") as lab, postgres_server() as pg:
        db = pg.new_schema_url()
        with redis_server(folder) as port:
            workers: dict[str, subprocess.Popen[bytes]] = {}
            try:
                yield _run(folder, lab, db, port, workers)
            finally:
                for process in workers.values():
                    _stop(process)


def _run(
    folder: Path,
    lab: runner.LabState,
    db: str,
    port: int,
    workers: dict[str, subprocess.Popen[bytes]],
) -> Outcome:
    broker_file = folder / "broker.url"
    broker_file.write_text(f"# the group's broker\nredis://127.0.0.1:{port}/0\n")
    # The inventory URL in the environment, not on any command line.
    env = {**os.environ, "LEGACYSCAN_DB": db}
    group = Group(folder, db, broker_file, workers, env)
    sites = {
        "nord-a": ("chu-nord", ("127.42.1.0/24", "127.42.10.0/24")),
        "nord-b": ("chu-nord", ("127.42.1.0/24", "127.42.10.0/24")),
        "sud-a": ("chu-sud", ("127.42.20.0/24",)),
    }
    with capture(folder / "lo.pcap") as pcap:
        for name, (site, networks) in sites.items():
            policy = _policy(folder, name, site, networks, lab.snmp_port)
            workers[name] = subprocess.Popen(
                [sys.executable, "-m", "legacyscan", "worker", "--site", site,
                 "--policy", str(policy), "--broker-file", str(broker_file), "--name", name,
                 "--lease", LEASE, "--as-of", AS_OF],
                stdout=(folder / f"{name}.log").open("wb"), stderr=subprocess.STDOUT,
                env=env, start_new_session=True,
            )  # fmt: skip
        common = ("--chunk-size", "1", "--parallel", "1", "--no-second-pass",
                  "--snmp-credential", "lab-public")  # fmt: skip
        # 1. Outside chu-sud's networks (but a private address: dispatch lets it through).
        refused = group.wait(group.dispatch(OUTSIDE, "--site", "chu-sud", *common))
        # 2. chu-nord, killed after its first chunk.
        start = time.time()
        nord_id = group.dispatch(*NORD, "--site", "chu-nord", *common)
        deadline = time.monotonic() + TIMEOUT
        while True:
            job = group.job(nord_id)
            if job.scan_id is not None and "nmap:1" in _pieces(db, job.scan_id):
                break
            assert time.monotonic() < deadline, group.logs()
            time.sleep(0.1)
        before_kill = _pieces(db, job.scan_id)
        killed = job.worker
        kill_time = time.time()
        os.killpg(workers[killed].pid, signal.SIGKILL)  # the worker and its nmap
        workers[killed].wait(timeout=15)
        nord = group.wait(nord_id)
        nord_done = time.time()
        # 3. chu-sud.
        sud_start = time.time()
        sud = group.wait(group.dispatch(*SUD, "--site", "chu-sud", *common))
        sud_done = time.time()
    packets = packets_of(pcap)
    report = group.cli("report", "--all-sites", "-o", str(folder / "group" / "group.html"))
    return Outcome(
        group=group,
        packets=packets,
        refused=refused,
        nord=nord,
        sud=sud,
        killed=killed,
        kill_time=kill_time,
        before_kill=before_kill,
        windows={"chu-nord": (start, nord_done), "chu-sud": (sud_start, sud_done)},
        report=report,
        check=group.cli("db", "check"),
        jobs_listing=group.cli("jobs"),
        snmp_port=lab.snmp_port,
    )


def _to(packets: list[Packet], addresses: tuple[str, ...]) -> list[Packet]:
    return [p for p in packets if p.destination in addresses]


def test_a_job_breaking_the_workers_policy_is_refused_before_any_packet(
    outcome: Outcome,
) -> None:
    refused = outcome.refused
    assert refused.state == "failed" and refused.worker == "sud-a"
    assert "outside this scanner's networks" in refused.reason, refused.reason
    assert refused.scan_id is None  # nothing was begun
    assert _to(outcome.packets, (OUTSIDE,)) == []
    # The test can fail: the other addresses were scanned, and the capture saw them.
    assert _to(outcome.packets, NORD) and _to(outcome.packets, SUD)


def test_each_job_ran_on_its_own_sites_workers_only(outcome: Outcome) -> None:
    nord, sud = outcome.nord, outcome.sud
    assert nord.state == "done", (nord.reason, outcome.group.logs())
    assert sud.state == "done", (sud.reason, outcome.group.logs())
    assert outcome.killed in ("nord-a", "nord-b")
    assert nord.worker in ("nord-a", "nord-b") and nord.worker != outcome.killed
    assert nord.attempts == 2
    assert sud.worker == "sud-a" and sud.attempts == 1
    # Each site's addresses got packets only while its own job ran.
    for site, addresses in (("chu-nord", NORD), ("chu-sud", SUD)):
        start, end = outcome.windows[site]
        times = [p.time for p in _to(outcome.packets, addresses)]
        assert times and start <= min(times) and max(times) <= end, site
        assert {p.destination for p in _to(outcome.packets, addresses)} == set(addresses)


def test_a_killed_worker_loses_nothing_and_no_finished_chunk_runs_twice(
    outcome: Outcome,
) -> None:
    nord = outcome.nord
    assert nord.scan_id is not None
    after = _pieces(outcome.group.db, nord.scan_id)
    for key, hosts in outcome.before_kill.items():
        assert after.get(key) == hosts, key  # committed before the kill: kept, unchanged
    assert {f"nmap:{n}" for n in (1, 2, 3)} <= set(after)
    # Chunk 1 (NORD[0]) was finished before the kill: not one nmap packet to it afterwards
    # (its SNMP questions come after every chunk, and the killed worker never got there).
    late = [
        p
        for p in _to(outcome.packets, NORD[:1])
        if p.time > outcome.kill_time + 0.2 and (p.protocol, p.port) != (17, outcome.snmp_port)
    ]
    assert late == [], f"{len(late)} nmap packets to {NORD[0]} after the kill"
    snmp = [
        p for p in _to(outcome.packets, NORD[:1]) if (p.protocol, p.port) == (17, outcome.snmp_port)
    ]
    assert snmp and min(p.time for p in snmp) > outcome.kill_time  # asked once, by the survivor
    # The rest was scanned after the kill, by the other worker.
    assert [p for p in _to(outcome.packets, NORD[2:]) if p.time > outcome.kill_time]
    with Inventory.open(outcome.group.db) as inventory:
        names = {name for _, name, _ in inventory.evidence(nord.scan_id, "nmap:1")}
        assert names == {"nmap-000001.xml", "nmap-000001.json"}
        assert {r.address for _, r in inventory.results(nord.scan_id)} == set(NORD)
    assert outcome.check.returncode == 0, outcome.check.stdout + outcome.check.stderr
    assert "(0 unfinished)" in outcome.check.stdout


def test_one_inventory_and_the_group_report_show_both_sites(outcome: Outcome) -> None:
    assert outcome.report.returncode == 0, outcome.report.stderr
    folder = outcome.group.folder / "group"
    page = (folder / "group.html").read_text()
    assert '<th class="site" scope="col">chu-nord</th>' in page
    assert '<th class="site" scope="col">chu-sud</th>' in page
    # Each site's report shows its devices (a site's SNMP tables may name the other
    # site's router, so the other addresses may appear as neighbours, not as devices).
    assert all(a in (folder / "report-chu-nord.html").read_text() for a in NORD)
    assert all(a in (folder / "report-chu-sud.html").read_text() for a in SUD)
    with Inventory.open(outcome.group.db) as inventory:
        for job, addresses in ((outcome.nord, NORD), (outcome.sud, SUD)):
            assert job.scan_id is not None
            record = inventory.scan(job.scan_id)
            assert record.site == job.site
            scanned = {r.address for _, r in inventory.results(job.scan_id) if "nmap" in r.sources}
            assert scanned == set(addresses), job.site
    columns = page.split('<th class="site"')
    assert len(columns) == 3
    listing = outcome.jobs_listing.stdout
    assert outcome.jobs_listing.returncode == 0
    assert listing.count(" done ") == 2 and listing.count(" failed ") == 1, listing
    assert "3/3 chunks" in listing and "2/2 chunks" in listing  # the progress, kept
    assert "why: refused by the policy of sud-a" in listing
