"""The scan plan: exact nmap command lines per chunk, built from a profile and a scope."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from netaddr import IPAddress, IPNetwork, IPSet

from legacyscan.cli.nmapscan import resume_hint
from legacyscan.collect.nmap.plan import (
    Authorisation,
    NmapOptions,
    ScanRequest,
    plan_request,
    plan_scan,
)
from legacyscan.collect.nmap.profiles import ProfileError, nmap_data_dir
from legacyscan.collect.scope import ScopeError, build_scope

pytestmark = pytest.mark.skipif(nmap_data_dir() is None, reason="nmap is not installed")
PRINTER = {*range(9100, 9108), 515, 631}


def _option(argv: tuple[str, ...], name: str) -> str:
    return argv[argv.index(name) + 1]


def _tcp_ports(argv: tuple[str, ...]) -> set[int]:
    spec = _option(argv, "-p").split(",U:")[0].removeprefix("T:")
    ports: set[int] = set()
    for item in spec.split(","):
        first, _, last = item.partition("-")
        ports.update(range(int(first), int(last or first) + 1))
    return ports


def _targets(argv: tuple[str, ...]) -> IPSet:
    return IPSet(IPNetwork(t) for t in argv[argv.index("-oX") + 2 :])


@pytest.mark.parametrize("profile", ["clinical-safe", "standard", "thorough"])
@pytest.mark.parametrize("as_root", [True, False])
def test_no_profile_probes_printer_ports(profile: str, as_root: bool) -> None:
    plan = plan_scan(build_scope(("10.0.0.0/24",)), NmapOptions(profile, as_root=as_root))
    for chunk in plan.chunks:
        assert not _tcp_ports(chunk.argv) & PRINTER
        assert _option(chunk.argv, "--exclude-ports") == "515,631,9100-9107"


def test_printer_ports_only_when_allowed() -> None:
    scope = build_scope(("10.0.0.1",))
    with pytest.raises(ProfileError, match=r"printer ports \[515, 9100\].*--allow-printer-ports"):
        plan_scan(scope, NmapOptions(tcp_ports=(22, 515, 9100)))
    plan = plan_scan(scope, NmapOptions(tcp_ports=(22, 9100), allow_printer_ports=True))
    (chunk,) = plan.chunks
    assert _tcp_ports(chunk.argv) == {22, 9100}
    assert "--exclude-ports" not in chunk.argv


def test_excluded_addresses_are_in_no_chunk() -> None:
    scope = build_scope(("10.1.0.0/22",), exclude=("10.1.1.7", "10.1.2.0/25"))
    plan = plan_scan(scope, NmapOptions(chunk_size=100))
    covered = IPSet()
    for chunk in plan.chunks:
        targets = _targets(chunk.argv)
        assert targets.size == chunk.address_count <= 100
        assert not covered & targets  # chunks are disjoint
        covered |= targets
    assert covered.size == 1024 - 1 - 128 == plan.address_count
    assert IPAddress("10.1.1.7") not in covered
    assert not covered & IPSet(["10.1.2.0/25"])
    assert all("--exclude" not in c.argv for c in plan.chunks)  # never needed


def test_clinical_safe_command_line() -> None:
    plan = plan_scan(build_scope(("10.0.0.0/23",)), NmapOptions(as_root=True))
    assert (plan.profile, len(plan.chunks), plan.parallel) == ("clinical-safe", 2, 2)
    argv = plan.chunks[0].argv
    assert argv[:4] == ("nmap", "-n", "-sS", "-sU")
    assert {"-sV", "--version-light"} <= set(argv)
    assert "-O" not in argv and "--script" not in argv
    assert _option(argv, "--max-rate") == "100"  # 200 packets/s shared by 2 processes
    assert _option(argv, "--scan-delay") == "20ms"
    assert _option(argv, "-p").endswith(",U:47808")
    assert shlex.split(plan.chunks[0].command_line) == list(argv)


def test_without_root_udp_and_os_detection_are_dropped_with_a_note() -> None:
    plan = plan_scan(build_scope(("10.0.0.1",)), NmapOptions("thorough", as_root=False))
    argv = plan.chunks[0].argv
    assert "-sT" in argv and "-sU" not in argv and "-O" not in argv
    assert any("-O" in note for note in plan.notes)
    assert any("UDP" in note for note in plan.notes)
    root = plan_scan(build_scope(("10.0.0.1",)), NmapOptions("thorough", as_root=True))
    assert {"-O", "--osscan-limit", "-sU"} <= set(root.chunks[0].argv)
    assert "smb-os-discovery" in _option(root.chunks[0].argv, "--script")
    assert len(_tcp_ports(root.chunks[0].argv)) > 1000 - len(PRINTER)


def test_user_scripts_are_checked_and_added() -> None:
    plan = plan_scan(build_scope(("10.0.0.1",)), NmapOptions(scripts=("ssh-hostkey",)))
    assert _option(plan.chunks[0].argv, "--script") == "ssh-hostkey"
    with pytest.raises(ProfileError, match="'intrusive'"):
        plan_scan(build_scope(("10.0.0.1",)), NmapOptions(scripts=("ssl-enum-ciphers",)))


def test_ipv6_chunks_get_minus_6_and_never_mix() -> None:
    plan = plan_scan(build_scope(("10.0.0.0/30", "fd00::/126")), NmapOptions(chunk_size=16))
    assert [("-6" in c.argv, c.address_count) for c in plan.chunks] == [(False, 4), (True, 4)]


def test_same_inputs_same_fingerprint() -> None:
    scope = build_scope(("10.0.0.0/24",))
    assert plan_scan(scope).fingerprint == plan_scan(scope).fingerprint
    assert plan_scan(scope).fingerprint != plan_scan(scope, NmapOptions("standard")).fingerprint


def test_a_request_needs_the_command_lines_authorisation() -> None:
    printing = ScanRequest(("10.0.0.1",), tcp_ports=(22, 9100), allow_printer_ports=True)
    with pytest.raises(ProfileError, match="--allow-printer-ports"):
        plan_request(printing, Authorisation())
    plan = plan_request(printing, Authorisation(allow_printer_ports=True), as_root=False)
    assert "9100" in plan.chunks[0].command_line and plan.request == printing
    with pytest.raises(ScopeError, match="public"):
        plan_request(ScanRequest(("8.8.8.8",)), Authorisation())
    public = plan_request(ScanRequest(("8.8.8.8",)), Authorisation(allow_public=True))
    hint = resume_hint(Path("out dir"), public)
    assert hint == "legacyscan scan --resume --out 'out dir' --allow-public"
    assert resume_hint(Path("o"), plan).endswith("--allow-printer-ports")
