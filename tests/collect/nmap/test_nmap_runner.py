"""Chunked scans with real nmap: killed or interrupted mid-way, then resumed.

Listeners on 127.51.2.0/27 (these tests' own addresses) play the devices.  A scan is
killed with SIGKILL once some chunks are stored; ``--resume`` must finish it without
rescanning those chunks and end with the same devices as an uninterrupted run.  Run
under the lab lock like every nmap test.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from netwatch import Listener, listening

pytestmark = pytest.mark.lab
NETWORK = "127.51.2.0/28"
DEVICES = {
    "127.51.2.1": b"SSH-2.0-OpenSSH_4.3\r\n",
    "127.51.2.6": b"SSH-2.0-OpenSSH_5.3\r\n",
    "127.51.2.9": b"SSH-2.0-dropbear_2012.55\r\n",
    "127.51.2.13": b"SSH-2.0-OpenSSH_7.4\r\n",
}
SCAN = ["--ports", "22", "--chunk-size", "2", "--parallel", "1", "--snmp-port", "16999",
        "--as-of", "2026-11-23"]  # fmt: skip


def _legacyscan(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "legacyscan", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _nmaps_on(prefix: str) -> list[int]:
    """PIDs of nmap processes whose command line names our addresses."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argv and argv[0].endswith(b"nmap") and any(prefix.encode() in a for a in argv):
                found.append(int(entry.name))
    return found


def _wait_for_chunks(folder: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while len(list(folder.glob("chunk-*.json"))) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the scan stored no chunk in time"
        time.sleep(0.02)


def _devices(out: Path) -> dict[str, Any]:
    scan = json.loads((out / "scan.json").read_text())
    return {
        d["address"]: sorted(
            (s["port"], s["product"], s["version"]) for s in d["observed"]["services"]
        )
        for d in scan["devices"]
    }


def test_killed_scan_resumes_without_rescanning(tmp_path: Path) -> None:
    listeners = [Listener(address, 22, banner) for address, banner in DEVICES.items()]
    with listening(*listeners):
        whole = _legacyscan(
            "scan", NETWORK, "--out", str(tmp_path / "whole"), *SCAN, "--parallel", "4"
        )
        assert whole.wait(timeout=300) == 0, whole.communicate()
        reference = _devices(tmp_path / "whole")
        assert set(reference) == set(DEVICES)

        out = tmp_path / "killed"
        killed = _legacyscan("scan", NETWORK, "--out", str(out), *SCAN)
        _wait_for_chunks(out / "nmap", 2, killed)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        stored = {p.name: p.read_bytes() for p in (out / "nmap").glob("chunk-*.json")}
        assert 2 <= len(stored) < 8, "the kill came too late to test anything"
        time.sleep(0.5)  # PR_SET_PDEATHSIG: the kernel stops the orphaned nmap
        assert _nmaps_on("127.51.2.") == []

        before = {listener.address: listener.connections for listener in listeners}
        resumed = _legacyscan("scan", "--resume", "--out", str(out))
        _, errors = resumed.communicate(timeout=300)
        assert resumed.returncode == 0, errors
        assert f"{len(stored)} chunk(s) were already done and not run again" in errors
    assert _devices(out) == reference
    for name, data in stored.items():  # the finished chunks were not run again
        assert (out / "nmap" / name).read_bytes() == data
    done_first = {f"127.51.2.{i}" for i in range(2 * len(stored))}
    for listener in listeners:
        if listener.address in done_first:
            assert listener.connections == before[listener.address], listener.address
        else:
            assert listener.connections > before[listener.address], listener.address
    assert len(list((out / "nmap").glob("chunk-*.xml.gz"))) == 8
    assert not list((out / "nmap").glob(".*"))  # no partial file left behind

    again = _legacyscan("scan", NETWORK, "--out", str(out), *SCAN)  # not a resume: refused
    assert again.wait(timeout=60) == 2 and "add --resume" in again.communicate()[1]
    other = _legacyscan("scan", "127.51.2.40", "--resume", "--out", str(out), *SCAN)
    assert other.wait(timeout=60) == 2 and "holds another scan" in other.communicate()[1]


def test_ctrl_c_stops_nmap_and_says_how_to_resume(tmp_path: Path) -> None:
    out = tmp_path / "scan"
    with listening(*(Listener(a, 22, b) for a, b in DEVICES.items())):
        scan = _legacyscan("scan", NETWORK, "--out", str(out), *SCAN)
        _wait_for_chunks(out / "nmap", 1, scan)
        scan.send_signal(signal.SIGINT)
        _, errors = scan.communicate(timeout=60)
    assert scan.returncode == 130
    last = errors.strip().splitlines()[-1]
    assert "interrupted:" in last and f"resume with: legacyscan scan --resume --out {out}" in last
    assert "Traceback" not in errors
    assert _nmaps_on("127.51.2.") == []
    assert not list((out / "nmap").glob(".*"))
    assert not (out / "scan.json").exists()
