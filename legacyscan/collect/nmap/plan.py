"""Plan an nmap scan: one exact command line per chunk of the scope, from a profile.

The plan is what ``--dry-run`` prints and what the runner (``nmap_runner``) executes,
argument for argument, so the command lines in the report are the ones that ran.  Each
chunk names its addresses as CIDR blocks that cover exactly the in-scope addresses:
an excluded address is never given to nmap, so it cannot receive a packet.  Printer
ports are left out of the port list and also passed to ``--exclude-ports``, which
keeps version detection and scripts away from them too.
"""

from __future__ import annotations

import hashlib
import os
import shlex
from dataclasses import dataclass

from legacyscan.collect.nmap.profiles import (
    DEFAULT_PROFILE,
    ProfileBook,
    ScanProfile,
    check_ports,
    check_scripts,
    load_profiles,
    port_ranges,
    top_tcp_ports,
)
from legacyscan.collect.scope import Scope, split
from legacyscan.errors import UserError

NMAP = "nmap"
#: How often nmap reports the progress of its current phase (read by the runner).
STATS_EVERY = "5s"


class NmapError(UserError, RuntimeError):
    """nmap is missing or failed; the message says which, in one line."""


@dataclass(frozen=True)
class NmapOptions:
    """What the user chose on top of a profile; every field is checked by :func:`plan_scan`."""

    profile: str = DEFAULT_PROFILE
    scripts: tuple[str, ...] = ()  # added to the profile's scripts
    tcp_ports: tuple[int, ...] = ()  # replaces the profile's TCP ports when given
    allow_printer_ports: bool = False
    chunk_size: int | None = None
    parallel: int | None = None
    as_root: bool | None = None  # None: ask the operating system


@dataclass(frozen=True)
class ChunkPlan:
    index: int  # 1-based, stable: the resume key
    targets: tuple[str, ...]
    address_count: int
    argv: tuple[str, ...]

    @property
    def command_line(self) -> str:
        return shlex.join(self.argv)


@dataclass(frozen=True)
class ScanPlan:
    profile: str
    targets: tuple[str, ...]
    excluded: tuple[str, ...]
    address_count: int
    chunk_size: int
    parallel: int
    chunks: tuple[ChunkPlan, ...]
    notes: tuple[str, ...] = ()  # what the profile wanted but this run cannot do, and why

    @property
    def fingerprint(self) -> str:
        """Identifies the work: two plans with the same commands are the same scan."""
        digest = hashlib.sha256()
        for chunk in self.chunks:
            digest.update(chunk.command_line.encode() + b"\n")
        return digest.hexdigest()[:16]


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def nmap_arguments(
    profile: ScanProfile,
    book: ProfileBook,
    options: NmapOptions,
    as_root: bool,
    max_rate: int,
) -> tuple[list[str], list[str]]:
    """nmap's options (without targets) for one process, and notes on what was left out."""
    notes: list[str] = []
    if options.tcp_ports:
        check_ports(options.tcp_ports, options.allow_printer_ports, book)
        tcp = set(options.tcp_ports)
    else:
        tcp = set(profile.tcp_ports)
        if profile.top_tcp_ports:
            tcp |= set(top_tcp_ports(profile.top_tcp_ports))
        if not options.allow_printer_ports:
            tcp -= book.printer_ports  # nmap's top ports hold 515, 631 and 9100
    udp = set(profile.udp_ports) - book.printer_ports
    args = ["-n"]
    if as_root:
        args.append("-sS")
        if udp:
            args.append("-sU")
    else:
        args.append("-sT")
        if udp:
            notes.append(f"UDP ports {port_ranges(frozenset(udp))} skipped: -sU needs root")
            udp = set()
    if udp:
        args += ["-p", f"T:{port_ranges(frozenset(tcp))},U:{port_ranges(frozenset(udp))}"]
    else:
        args += ["-p", port_ranges(frozenset(tcp))]
    if not options.allow_printer_ports:
        args += ["--exclude-ports", port_ranges(book.printer_ports)]
    if profile.version == "light":
        args += ["-sV", "--version-light"]
    elif profile.version == "default":
        args.append("-sV")
    if profile.os_detection:
        if as_root:
            args += ["-O", "--osscan-limit"]
        else:
            notes.append("OS detection (-O) skipped: it needs root")
    scripts = check_scripts(profile.scripts + options.scripts, book)
    if scripts:
        args += ["--script", ",".join(scripts)]
    args += [f"-T{profile.timing}", "--max-rate", str(max_rate)]
    if profile.scan_delay_ms:
        args += ["--scan-delay", f"{profile.scan_delay_ms}ms"]
    else:  # nmap ignores (and warns about) --max-parallelism when a scan delay is set
        args += ["--max-parallelism", str(profile.max_parallelism)]
    args += [
        "--max-retries", str(profile.max_retries),
        "--host-timeout", f"{profile.host_timeout_s}s",
        "--max-hostgroup", str(profile.max_hostgroup),
    ]  # fmt: skip
    return args, notes


def plan_scan(scope: Scope, options: NmapOptions | None = None) -> ScanPlan:
    """Every nmap command line of the scan; nothing is sent."""
    options = options or NmapOptions()
    book = load_profiles()
    profile = book.get(options.profile)
    chunk_size = options.chunk_size or profile.chunk_size
    chunks = split(scope, chunk_size)
    parallel = max(1, min(options.parallel or profile.parallel, len(chunks)))
    # The profile's rate is for the whole scan: share it among the processes running at once.
    max_rate = max(1, profile.max_rate // parallel)
    as_root = _is_root() if options.as_root is None else options.as_root
    args, notes = nmap_arguments(profile, book, options, as_root, max_rate)
    planned = tuple(
        ChunkPlan(
            index=number,
            targets=chunk.targets,
            address_count=chunk.address_count,
            argv=(
                NMAP,
                *args,
                *(["-6"] if chunk.ipv6 else []),
                # a <taskprogress> element in the XML every few seconds: the live progress
                *("--stats-every", STATS_EVERY),
                "-oX",
                "-",
                *chunk.targets,
            ),
        )
        for number, chunk in enumerate(chunks, 1)
    )
    return ScanPlan(
        profile=profile.name,
        targets=scope.targets,
        excluded=scope.excluded,
        address_count=scope.address_count,
        chunk_size=chunk_size,
        parallel=parallel,
        chunks=planned,
        notes=tuple(notes),
    )
