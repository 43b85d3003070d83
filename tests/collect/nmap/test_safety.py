"""Safety with real nmap: printer ports and excluded addresses receive nothing.

The witnesses are a byte-counting listener on the printer ports and a packet counter
on the loopback interface (it sees SYN probes a listener never accepts).  Addresses are
127.51.0.0/16, which belong to these tests only.  Root is needed for the packet
counter (and nmap's SYN scan); run under the lab lock like every nmap test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from netwatch import Listener, PacketCounter, listening

from legacyscan.collect.nmap.chunkstore import FilesystemChunkStore
from legacyscan.collect.nmap.plan import NmapOptions, plan_scan
from legacyscan.collect.nmap.runner import run_plan
from legacyscan.collect.scope import build_scope

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="the packet counter needs root"),
]
PRINTER_PORTS = (9100, 9101, 9107, 515, 631)
SSH = b"SSH-2.0-OpenSSH_4.3\r\n"


def test_default_scan_sends_nothing_to_printer_ports(tmp_path: Path) -> None:
    """The issue's check, through the real command line: the 9100 printer stays at zero."""
    address = "127.51.0.10"
    printers = [Listener(address, port) for port in PRINTER_PORTS]
    ssh = Listener(address, 22, SSH)
    with listening(ssh, *printers), PacketCounter() as packets:
        result = subprocess.run(
            [sys.executable, "-m", "legacyscan", "scan", address, "--out", str(tmp_path),
             "--snmp-port", "16999", "--as-of", "2026-11-23"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert ssh.connections > 0  # the scan did happen and reached the device
    for printer in printers:
        assert (printer.port, printer.connections, printer.received) == (printer.port, 0, 0)
        assert packets.to(address, printer.port) == 0, printer.port
    scan = json.loads((tmp_path / "scan.json").read_text())
    assert scan["scan"]["profile"] == "clinical-safe"
    assert all("--exclude-ports 515,631,9100-9107" in c for c in scan["scan"]["command_lines"])
    (device,) = scan["devices"]
    assert [s["product"] for s in device["observed"]["services"]] == ["OpenSSH"]


@pytest.mark.parametrize("profile", ["standard", "thorough"])
def test_wider_profiles_send_nothing_to_printer_ports(profile: str, tmp_path: Path) -> None:
    """standard and thorough add nmap's top ports, which include 9100, 515 and 631."""
    address = {"standard": "127.51.0.11", "thorough": "127.51.0.13"}[profile]
    printers = [Listener(address, port) for port in PRINTER_PORTS]
    with listening(Listener(address, 22, SSH), *printers), PacketCounter() as packets:
        plan = plan_scan(build_scope((address,)), NmapOptions(profile))
        result = run_plan(plan, FilesystemChunkStore(tmp_path), tmp_path)
    assert [s.port for s in result.runs[0].hosts[0].services if s.protocol == "tcp"] == [22]
    assert packets.to(address, 22) > 0
    for printer in printers:
        assert (printer.connections, printer.received) == (0, 0)
        assert packets.to(address, printer.port) == 0, printer.port


def test_allowed_printer_ports_are_probed_so_the_witness_works(tmp_path: Path) -> None:
    address = "127.51.0.12"
    with listening(Listener(address, 9100)), PacketCounter() as packets:
        plan = plan_scan(
            build_scope((address,)), NmapOptions(tcp_ports=(22, 9100), allow_printer_ports=True)
        )
        result = run_plan(plan, FilesystemChunkStore(tmp_path), tmp_path)
    assert packets.to(address, 9100) > 0
    assert 9100 in result.runs[0].hosts[0].open_ports


def test_an_excluded_address_receives_no_packet(tmp_path: Path) -> None:
    kept, excluded = "127.51.1.2", "127.51.1.3"
    witnesses = (Listener(kept, 22, SSH), Listener(excluded, 22, SSH))
    with listening(*witnesses), PacketCounter() as packets:
        scope = build_scope(("127.51.1.0/29",), exclude=(excluded,))
        plan = plan_scan(scope, NmapOptions(chunk_size=4))
        assert len(plan.chunks) == 2  # the excluded address sits inside the first chunk's span
        result = run_plan(plan, FilesystemChunkStore(tmp_path), tmp_path)
    up = {h.address for run in result.runs for h in run.hosts}
    assert up == {f"127.51.1.{i}" for i in range(8)} - {excluded}
    assert witnesses[0].connections > 0 and packets.to(kept) > 0
    assert witnesses[1].connections == 0
    assert packets.to(excluded) == 0
