"""Plan an nmap scan: one exact command line per chunk of the scope, from a profile.

The plan is what ``--dry-run`` prints and what the runner (``nmap_runner``) executes,
argument for argument, so the command lines in the report are the ones that ran.  Each
chunk names its addresses as CIDR blocks that cover exactly the in-scope addresses:
an excluded address is never given to nmap, so it cannot receive a packet.  Printer
ports are left out of the port list and also passed to ``--exclude-ports``, which
keeps version detection and scripts away from them too.

A plan is made from a :class:`ScanRequest` (what was asked: targets, exclusions, profile,
scripts, ports, chunking) and an :class:`Authorisation` (what only the person at the
command line may allow: public addresses, a larger scope, printer ports) by
:func:`plan_request`, the one way to a plan that passes every guard.  The request is what
``OUT/nmap/plan.json`` keeps for ``--resume``: a resumed scan is planned again from it,
through the same guards, with the authorisation of the resuming command line; no command
line is ever read back from a scan folder.
"""

from __future__ import annotations

import hashlib
import os
import shlex
from dataclasses import dataclass, replace

from netaddr import IPSet

from legacyscan.collect.nmap.profiles import (
    DEFAULT_PROFILE,
    ProfileBook,
    ProfileError,
    ScanProfile,
    check_ports,
    check_scripts,
    load_profiles,
    port_ranges,
    top_tcp_ports,
)
from legacyscan.collect.scope import (
    DEFAULT_MAX_HOSTS,
    NON_PUBLIC,
    Scope,
    ScopeError,
    build_scope,
    chunk_count,
    split,
)
from legacyscan.errors import UserError

NMAP = "nmap"
MAX_PARALLEL = 64  # nmap processes at a time: the CLI's bound, and a stored request's
#: A plan lists every chunk's command line: beyond this many, ask for larger chunks.
MAX_CHUNKS = 100_000
#: Targets and exclusions of one request, as written: merged in seconds, not minutes.
MAX_REQUEST_ITEMS = 500_000
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
class ScanRequest:
    """What a scan was asked to do: all that its plan is made from, and all a resume reads.

    Every field is checked again by :func:`plan_request` whoever made it (the command
    line or a scan folder's ``plan.json``); nothing here is an nmap argument as such.
    """

    targets: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    profile: str = DEFAULT_PROFILE
    scripts: tuple[str, ...] = ()
    tcp_ports: tuple[int, ...] = ()  # replaces the profile's TCP ports when given
    allow_printer_ports: bool = False  # the request probes printer ports (if authorised)
    chunk_size: int | None = None
    parallel: int | None = None


@dataclass(frozen=True)
class Authorisation:
    """What only the person at the command line may allow; never read from a scan folder."""

    allow_public: bool = False
    max_hosts: int = DEFAULT_MAX_HOSTS
    allow_printer_ports: bool = False


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
    request: ScanRequest | None = None  # what it was made from (None: made by plan_scan)
    chunks_in_all: int = 0  # a preview's real number of chunks (0: ``chunks`` are all)

    @property
    def chunk_count(self) -> int:
        return self.chunks_in_all or len(self.chunks)

    @property
    def preview(self) -> bool:
        """Only the first chunks are listed (a dry run of a large scope): never run."""
        return self.chunk_count > len(self.chunks)

    @property
    def public(self) -> bool:
        """Whether the scope holds globally routable addresses (--allow-public was needed)."""
        return not IPSet(self.targets).issubset(NON_PUBLIC)

    @property
    def fingerprint(self) -> str:
        """Identifies the work: two plans with the same commands are the same scan."""
        digest = hashlib.sha256()
        for chunk in self.chunks:
            digest.update(chunk.command_line.encode() + b"\n")
        return digest.hexdigest()[:16]


def is_root() -> bool:
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


def plan_scan(
    scope: Scope, options: NmapOptions | None = None, preview: int | None = None
) -> ScanPlan:
    """Every nmap command line of the scan (``preview``: only the first ones); nothing is sent.

    The chunks are counted from the scope's sizes before any is made, so that a huge
    scope is answered at once: refused beyond ``MAX_CHUNKS`` unless only previewed.
    """
    options = options or NmapOptions()
    book = load_profiles()
    profile = book.get(options.profile)
    chunk_size = options.chunk_size or profile.chunk_size
    count = chunk_count(scope, chunk_size)
    if count > MAX_CHUNKS and preview is None:
        raise ScopeError(
            f"{count} chunks of {chunk_size} address(es) is more than {MAX_CHUNKS}; "
            "give a larger --chunk-size"
        )
    chunks = split(scope, chunk_size, preview)
    parallel = max(1, min(options.parallel or profile.parallel, count))
    # The profile's rate is for the whole scan: share it among the processes running at once.
    max_rate = max(1, profile.max_rate // parallel)
    as_root = is_root() if options.as_root is None else options.as_root
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
        chunks_in_all=count if count > len(planned) else 0,
    )


def _check_request(request: ScanRequest, authorised: Authorisation) -> None:
    """The guards a request passes besides the scope's and the profile's own."""
    if request.allow_printer_ports and not authorised.allow_printer_ports:
        raise ProfileError(
            "this scan probes printer ports (it was started with --allow-printer-ports): "
            "a raw print port prints whatever it receives; give --allow-printer-ports "
            "again only if you accept that"
        )
    items = len(request.targets) + len(request.exclude)
    if items > MAX_REQUEST_ITEMS:
        raise ScopeError(
            f"{items} targets and exclusions is more than {MAX_REQUEST_ITEMS}; "
            "write them as ranges or CIDR blocks"
        )
    bad = [p for p in request.tcp_ports if not 0 < p < 65536]
    if bad:
        raise ProfileError(f"port out of range: {bad[0]}")
    if request.chunk_size is not None and request.chunk_size < 1:
        raise ProfileError("the chunk size must be at least 1")
    if request.parallel is not None and not 1 <= request.parallel <= MAX_PARALLEL:
        raise ProfileError(f"parallel must be between 1 and {MAX_PARALLEL}")


def plan_request(
    request: ScanRequest,
    authorised: Authorisation,
    as_root: bool | None = None,
    preview: int | None = None,
) -> ScanPlan:
    """The plan of ``request``: every guard of a new scan, whoever made the request.

    Public addresses, the scope's size, exclusions (never given to nmap), printer ports,
    the NSE denylist and script names (plain names of nmap's own ``script.db``) are all
    checked here; the command lines are made from the checked values only.
    """
    _check_request(request, authorised)
    scope = build_scope(
        request.targets, authorised.allow_public, authorised.max_hosts, request.exclude
    )
    options = NmapOptions(
        profile=request.profile,
        scripts=request.scripts,
        tcp_ports=request.tcp_ports,
        allow_printer_ports=request.allow_printer_ports,
        chunk_size=request.chunk_size,
        parallel=request.parallel,
        as_root=as_root,
    )
    return replace(plan_scan(scope, options, preview), request=request)
