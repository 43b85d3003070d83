"""Inputs that used to hang: a huge scope, endless or blocking files.  Each ends in seconds.

The FIFOs run in a real process with a timeout, so that a regression fails the test
instead of blocking the suite; nothing is sent (dry runs, offline commands).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from clirun import run, run_process

from legacyscan.collect.scope import MAX_TARGET_FILE_BYTES


def test_a_dry_run_of_the_whole_internet_answers_at_once() -> None:
    started = time.monotonic()
    result = run(
        "scan", "0.0.0.0/0", "--allow-public", "--max-hosts", "5000000000", "--dry-run"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 20
    lines = result.stdout.splitlines()
    assert "plan: 4294967296 address(es) in 16777216 chunk(s)" in result.stdout
    assert len(lines) < 80  # the listing is capped, the rest counted
    assert "... and 16777166 more chunk(s), not listed" in result.stdout
    assert "the scan itself would be refused" in result.stdout


def test_a_scan_of_too_many_chunks_is_refused_before_any_is_made(tmp_path: Path) -> None:
    result = run(
        "scan", "10.0.0.0/8", "--max-hosts", "20000000", "--chunk-size", "16",
        "--out", str(tmp_path / "out"), "--no-db",
    )  # fmt: skip
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "1048576 chunks of 16 address(es) is more than" in line
    assert not (tmp_path / "out").exists()


def test_targets_file_dev_zero_is_refused_in_one_line() -> None:
    result = run("scan", "--targets-file", "/dev/zero", "--dry-run")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        "error: /dev/zero: not a regular file (a pipe, a device or a folder); "
        "save its content to a file first"
    )


def test_a_huge_targets_file_is_refused_after_reading_its_limit(tmp_path: Path) -> None:
    big = tmp_path / "targets.txt"
    big.write_bytes(b"127.0.0.1\n" * (MAX_TARGET_FILE_BYTES // 10 + 1))
    result = run("scan", "--targets-file", str(big), "--dry-run")
    assert result.returncode == 2
    assert "larger than 4 MiB" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)  # nobody ever writes to it: opening it for reading would block
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--targets-file", "{fifo}", "--dry-run"],
        ["scan", "127.0.0.1", "--exclude-file", "{fifo}", "--dry-run"],
        ["scan", "127.0.0.1", "--snmp-credentials", "{fifo}", "--dry-run"],
        ["scan", "127.0.0.1", "--segments", "{fifo}", "--dry-run"],
        ["identify", "--nmap-xml", "{fifo}"],
        ["identify", "--snmpwalk", "{fifo}"],
        ["identify", "--nmap-xml", "/dev/zero"],
        ["import", "{fifo}", "--out", "{out}", "--no-db"],
    ],
)
def test_a_fifo_or_device_is_refused_before_it_is_opened(
    fifo: Path, tmp_path: Path, args: list[str]
) -> None:
    argv = [a.format(fifo=fifo, out=tmp_path / "out") for a in args]
    result = run_process(*argv, timeout=30)  # a block would raise TimeoutExpired
    assert result.returncode in (1, 2), result.stderr
    assert "not a regular file" in result.stderr
    assert "Traceback" not in result.stderr
