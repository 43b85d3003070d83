"""What the lab integration tests share: a lab that is always stopped, a scan of it, and
the packets tcpdump saw it send (``watched_scan``, or ``capture`` around any block)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legacyscan.lab import runner

AS_OF = "2026-11-23"


@contextmanager
def running_lab(scenario: str, state_dir: Path) -> Iterator[runner.LabState]:
    """The scenario's lab, its state in ``state_dir``; stopped even when a test fails."""
    previous = os.environ.get("LEGACYSCAN_LAB_DIR")
    os.environ["LEGACYSCAN_LAB_DIR"] = str(state_dir)
    try:
        state = runner.up(scenario)
        try:
            yield state
        finally:
            runner.down()
    finally:
        if previous is None:
            os.environ.pop("LEGACYSCAN_LAB_DIR", None)
        else:
            os.environ["LEGACYSCAN_LAB_DIR"] = previous


def scan_lab(
    state: runner.LabState, out: Path, timeout: float, targets: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``legacyscan scan`` of the lab (or of ``targets`` only) through the real CLI; its
    scan.json, with ``_out``."""
    result = subprocess.run(
        [sys.executable, "-m", "legacyscan", "scan", *(targets or state.targets),
         "--snmp-port", str(state.snmp_port), "--out", str(out), "--as-of", AS_OF],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads((out / "scan.json").read_text())
    data["_out"] = str(out)
    return data


@dataclass(frozen=True)
class Packet:
    time: float
    destination: str
    protocol: int  # 6 TCP, 17 UDP
    port: int
    payload: int  # bytes after the TCP or UDP header


def packets_of(path: Path) -> list[Packet]:
    """IPv4 packets of a pcap file (tcpdump -w), Ethernet or Linux cooked framing."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    offset = {1: 14, 113: 16, 276: 20}[linktype]  # Ethernet, SLL, SLL2
    found, at = [], 24
    while at + 16 <= len(data):
        seconds, fraction, captured, _ = struct.unpack(endian + "IIII", data[at : at + 16])
        frame = data[at + 16 : at + 16 + captured]
        at += 16 + captured
        ip = frame[offset:]
        if len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        header, total, protocol = (ip[0] & 0x0F) * 4, struct.unpack("!H", ip[2:4])[0], ip[9]
        port, payload = 0, 0
        if protocol == 6 and len(ip) >= header + 14:
            port = struct.unpack("!H", ip[header + 2 : header + 4])[0]
            payload = total - header - (ip[header + 12] >> 4) * 4
        elif protocol == 17 and len(ip) >= header + 8:
            port = struct.unpack("!H", ip[header + 2 : header + 4])[0]
            payload = total - header - 8
        stamp = seconds + fraction / (1e9 if nano else 1e6)
        found.append(Packet(stamp, ".".join(str(b) for b in ip[16:20]), protocol, port, payload))
    return found


def can_capture() -> bool:
    """tcpdump on the loopback interface needs root and tcpdump."""
    return os.geteuid() == 0 and shutil.which("tcpdump") is not None


@contextmanager
def capture(path: Path, bpf: str = "dst net 127.42.0.0/16") -> Iterator[Path]:
    """tcpdump on ``lo`` into ``path`` while the block runs (root); every packet kept.

    Stopped even when the block fails; checks that the kernel dropped no packet.
    """
    tcpdump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-n", "-s", "128", "-B", "32768", "-U", "-w", str(path), bpf],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        time.sleep(1.5)  # tcpdump is listening before the first probe
        assert tcpdump.poll() is None, tcpdump.communicate()[1]
        yield path
        time.sleep(1)
    finally:
        tcpdump.send_signal(signal.SIGINT)
        try:
            _, stderr = tcpdump.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            tcpdump.kill()
            _, stderr = tcpdump.communicate()
    dropped = [line for line in stderr.splitlines() if "dropped by kernel" in line]
    assert dropped and dropped[0].startswith("0 "), stderr  # every packet was seen


def watched_scan(
    state: runner.LabState, out: Path, timeout: float
) -> tuple[dict[str, Any], list[Packet] | None]:
    """``scan_lab`` while tcpdump records every packet sent to the lab's addresses (None
    when it cannot run: the tests that read packets then skip)."""
    if not can_capture():
        return scan_lab(state, out, timeout), None
    with capture(out / "lo.pcap") as pcap:
        scan = scan_lab(state, out, timeout)
    return scan, packets_of(pcap)
