"""Lab operations: a killed `up` leaves `down` nothing to miss; clear errors on taken ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from legacyscan.lab import runner

pytestmark = pytest.mark.lab


@pytest.fixture
def lab_dir(tmp_path: Path) -> Iterator[Path]:
    previous = os.environ.get("LEGACYSCAN_LAB_DIR")
    folder = tmp_path / "lab-state"
    os.environ["LEGACYSCAN_LAB_DIR"] = str(folder)
    try:
        yield folder
    finally:
        runner.down()
        if previous is None:
            os.environ.pop("LEGACYSCAN_LAB_DIR", None)
        else:
            os.environ["LEGACYSCAN_LAB_DIR"] = previous


def test_down_after_up_was_killed_leaves_no_process_and_no_file(lab_dir: Path) -> None:
    up = subprocess.Popen(
        [sys.executable, "-m", "legacyscan", "lab", "up", "--scenario", "minimal"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
    )  # fmt: skip
    pid_file = lab_dir / "pids"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (
        pid_file.is_file() and len(pid_file.read_text().split()) >= 2
    ):
        time.sleep(0.05)
    up.send_signal(signal.SIGKILL)  # mid-way: processes started, not yet waited for
    up.wait()
    pids = [int(p) for p in pid_file.read_text().split()]
    assert pids
    runner.down()
    assert not lab_dir.exists()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)


def test_a_taken_port_is_named_in_one_line(lab_dir: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.42.1.1", 23))  # the minimal lab's switch telnet port
        squatter.listen()
        with pytest.raises(runner.LabError, match=r"TCP port 127\.42\.1\.1:23 is taken"):
            runner.up("minimal")
    assert runner.current() is None
