"""A real scan killed with SIGKILL at random moments never loses a committed piece.

The test starts its own devices on 127.53.0.0/16 (TCP listeners from
``legacyscan.lab.services`` and one snmpsim agent answering on several addresses), runs
``legacyscan scan --db`` once to completion, then 22 more times, each killed (the whole
process group, nmap included) after a random delay.  Just before each kill a second
connection reads what is committed — readers work while the scan writes — and after the
kill everything read must still be there and ``db check`` must pass.  Finally an
interrupted scan is resumed through the inventory and ends with the same devices as the
uninterrupted one.  Runs nmap and snmpsim on loopback, hence marked ``lab`` (the lab lock).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from legacyscan.inventory import Inventory
from legacyscan.inventory.check import check

pytestmark = [pytest.mark.lab, pytest.mark.slow]

SNMP_PORT = 16153
TARGETS = "127.53.0.1-127.53.0.6"
AS_OF = "2026-11-23"
KILLS = 22
PARALLEL = 2
# Banner services (named by nmap's first probe) and an SNMP agent on every address: the
# scan has no timeouts to wait for, so it is short and the kills land all over it.
LISTENERS = [
    {"address": f"127.53.0.{n}", "port": port, "kind": "banner", "params": {"banner": banner}}
    for n, port, banner in (
        (1, 22, "SSH-2.0-OpenSSH_4.3"),
        (2, 22, "SSH-2.0-OpenSSH_5.3"),
        (3, 21, "220 ProFTPD 1.3.3a Server (ProFTPD)"),
        (4, 22, "SSH-2.0-OpenSSH_4.3"),
    )
]
SNMP_AGENTS = [f"127.53.0.{n}" for n in range(1, 7)]
# The system group only, in snmpsim's data format (OID|type|value; 4 string, 6 OID,
# 67 TimeTicks).
SYSTEM_SNMPREC = """\
1.3.6.1.2.1.1.1.0|4|Linux pacs01 2.6.18-419.el5 #1 SMP Wed Feb 22 22:40:57 EST 2017 x86_64
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10
1.3.6.1.2.1.1.3.0|67|8640000
1.3.6.1.2.1.1.5.0|4|pacs01
"""


def _snmpsim() -> str:
    beside = Path(sys.executable).parent / "snmpsim-command-responder"
    found = str(beside) if beside.exists() else shutil.which("snmpsim-command-responder")
    if not found:
        pytest.skip("snmpsim is not installed (pip install 'legacyscan[lab]')")
    return found


@pytest.fixture(scope="module")
def devices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if not shutil.which("nmap"):
        pytest.skip("nmap is not installed")
    folder = tmp_path_factory.mktemp("devices")
    (folder / "listeners.json").write_text(json.dumps({"listeners": LISTENERS}))
    data = folder / "snmp"
    data.mkdir()
    (data / "public.snmprec").write_text(SYSTEM_SNMPREC)
    env = dict(os.environ, SNMPSIM_ALLOW_ROOT="true")
    processes = []
    try:
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "legacyscan.lab.services", str(folder / "listeners.json"),
             "--ready-file", str(folder / "ready")],
            stdout=subprocess.DEVNULL, stderr=open(folder / "services.log", "wb"),
        ))  # fmt: skip
        processes.append(subprocess.Popen(
            [_snmpsim(), f"--data-dir={data}", f"--cache-dir={folder / 'cache'}",
             *(f"--agent-udpv4-endpoint={a}:{SNMP_PORT}" for a in SNMP_AGENTS)],
            stdout=subprocess.DEVNULL, stderr=open(folder / "snmpsim.log", "wb"), env=env,
        ))  # fmt: skip
        from legacyscan.collect.snmp.sweep import poll

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert all(p.poll() is None for p in processes), "a test device exited at start"
            if (folder / "ready").exists():
                answers = poll(SNMP_AGENTS, port=SNMP_PORT, timeout=0.5, retries=0)
                if all(r.system for r in answers):
                    break
            time.sleep(0.3)
        else:
            pytest.fail("the test devices did not come up within 60 s")
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _start_scan(db: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "legacyscan", "scan", TARGETS, "--snmp-port", str(SNMP_PORT),
         "--out", str(out), "--db", str(db), "--as-of", AS_OF, "--site", "test"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def _committed(db: Path) -> tuple[set[tuple[int, str, int]], dict[int, int]]:
    """What a reader sees: every committed chunk, and the results of finished scans."""
    with Inventory.open(db) as reader:
        chunks = {
            (int(r[0]), str(r[1]), int(r[2]))
            for r in reader.backend.query("SELECT scan_id, chunk_key, host_count FROM chunks")
        }
        finished = {s.id: len(reader.results(s.id)) for s in reader.scans(status="finished")}
    return chunks, finished


def _devices(inventory: Inventory, scan_id: int) -> set[tuple[str | None, tuple[str, ...]]]:
    return {
        (r.address, tuple(sorted(i.label for i in r.identities)))
        for _, r in inventory.results(scan_id)
    }


def _wait_for_nmap_chunk(db: Path, out: Path, process: subprocess.Popen[bytes]) -> int:
    """The id of the scan ``process`` runs into ``out``, once its nmap chunk is committed."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the scan ended before its nmap chunk was seen"
        marker = out / "inventory-scan.json"
        if marker.exists():
            scan_id = int(json.loads(marker.read_text())["scan_id"])
            with Inventory.open(db) as reader:
                if any(k.startswith("nmap:") for k in reader.finished_chunks(scan_id)):
                    return scan_id
        time.sleep(0.05)
    raise AssertionError("no nmap chunk committed within 120 s")


def test_killed_scans_lose_nothing_and_resume(devices: None, tmp_path: Path) -> None:
    db = tmp_path / "inventory.sqlite"
    began = time.monotonic()
    reference = _start_scan(db, tmp_path / "reference")
    _, err = reference.communicate(timeout=300)
    duration = time.monotonic() - began
    assert reference.returncode == 0, err.decode()
    with Inventory.open(db) as inventory:
        (first,) = inventory.scans(status="finished")
        expected = _devices(inventory, first.id)
    assert len(expected) == 6  # 4 with TCP services, 2 known only through SNMP

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    lost: list[str] = []
    # Two scans at a time, each killed at its own random moment: twice the kills per
    # minute, and two writers on one inventory.
    for round_ in range(KILLS // PARALLEL):
        processes = [_start_scan(db, tmp_path / f"killed-{round_}-{i}") for i in range(PARALLEL)]
        started = time.monotonic()
        snapshots = []
        for when, process in sorted(
            ((rng.uniform(0.2, duration), p) for p in processes), key=lambda item: item[0]
        ):
            time.sleep(max(0.0, started + when - time.monotonic()))
            snapshots.append(_committed(db))  # read while the scans write
            os.killpg(process.pid, signal.SIGKILL)  # the scan and its nmap, mid-write or not
        for process in processes:
            process.wait(timeout=30)
        after_chunks, after_finished = _committed(db)
        for before_chunks, before_finished in snapshots:
            lost.extend(f"round {round_}: chunk {c}" for c in before_chunks - after_chunks)
            lost.extend(
                f"round {round_}: scan {s}"
                for s, n in before_finished.items()
                if after_finished.get(s) != n
            )
        with Inventory.open(db) as inventory:
            report = check(inventory)
        assert report.ok, (round_, seed, report.problems)
    assert not lost, (seed, lost)

    with Inventory.open(db) as inventory:
        # A kill during Python's start-up leaves no trace at all; the others left a
        # running scan with whatever pieces it had committed.
        killed = inventory.unfinished_scans()
        assert 0 < len(killed) <= KILLS
        stages = sorted(k.chunks for k in killed)

    # Resume as a user would: kill a scan once its nmap chunk is committed, then run
    # `legacyscan scan --resume` on its folder.
    out = tmp_path / "resumed"
    process = _start_scan(db, out)
    try:
        scan_id = _wait_for_nmap_chunk(db, out, process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    with Inventory.open(db) as inventory:
        done_before = inventory.finished_chunks(scan_id)
    resumed = subprocess.run(
        [sys.executable, "-m", "legacyscan", "scan", "--resume", "--snmp-port", str(SNMP_PORT),
         "--out", str(out), "--db", str(db), "--as-of", AS_OF, "--site", "test"],
        capture_output=True, timeout=300,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert f"continuing scan {scan_id}" in resumed.stderr.decode()
    with Inventory.open(db) as inventory:
        assert inventory.scan(scan_id).status == "finished"
        assert done_before <= inventory.finished_chunks(scan_id)
        assert _devices(inventory, scan_id) == expected
        assert check(inventory).ok
    print(
        f"\nseed {seed}: {KILLS} kills in {time.monotonic() - began:.0f} s (one scan "
        f"{duration:.1f} s); pieces committed by each killed scan: {stages}"
    )
