"""The nmap side of ``legacyscan scan`` (scope, profile, chunks, dry run, progress, resume)
and ``legacyscan profiles``.

The scope and nmap options are one decorator, :func:`nmap_scan_options`, so that the
``scan`` command itself stays short and other collectors can add their own options
beside it.
"""

from __future__ import annotations

import functools
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from legacyscan.cli.terminal import clean, echo, echo_raw
from legacyscan.collect.http.ai_probes import load_rules as load_ai_rules
from legacyscan.collect.nmap.plan import (
    MAX_CHUNKS,
    MAX_PARALLEL,
    Authorisation,
    ScanPlan,
    ScanRequest,
    plan_request,
)
from legacyscan.collect.nmap.profiles import (
    DEFAULT_PROFILE,
    load_profiles,
    parse_ports,
    port_ranges,
)
from legacyscan.collect.nmap.runner import ScanProgress
from legacyscan.collect.nmap.second_pass import SecondPassOptions, allow_list_lines
from legacyscan.collect.scope import (
    DEFAULT_MAX_HOSTS,
    ScopeError,
    address_set,
    read_target_file,
)
from legacyscan.pipeline import nmap_store

F = TypeVar("F", bound=Callable[..., Any])

#: A dry run lists this many command lines at most; the others are counted.
DRY_RUN_LISTING = 50


@dataclass(frozen=True)
class NmapCliOptions:
    targets_file: Path | None
    exclude: tuple[str, ...]
    exclude_file: Path | None
    allow_public: bool
    max_hosts: int
    profile: str
    scripts: tuple[str, ...]
    ports: str | None
    allow_printer_ports: bool
    chunk_size: int | None
    parallel: int | None
    dry_run: bool
    resume: bool
    second_pass: bool | None
    second_pass_hosts: tuple[str, ...]
    ai_probes: bool

    def second_pass_options(self, plan: ScanPlan) -> SecondPassOptions:
        """The second pass as the user chose: the profile's default, or on/off, and the
        hosts named to get the ``named`` scripts whatever their class."""
        enabled = self.second_pass
        if enabled is None:
            enabled = load_profiles().get(plan.profile).second_pass
        if self.second_pass_hosts and not enabled:
            raise click.UsageError("--second-pass-host needs a second pass (drop --no-second-pass)")
        address_set(self.second_pass_hosts)  # a bad target fails now, before any packet
        ai = self.ai_probes and load_profiles().get(plan.profile).ai_probes
        return SecondPassOptions(enabled=enabled, named=self.second_pass_hosts, ai_probes=ai)

    @property
    def authorisation(self) -> Authorisation:
        """What this command line allows: never taken from a scan folder."""
        return Authorisation(self.allow_public, self.max_hosts, self.allow_printer_ports)

    def plan(self, targets: tuple[str, ...], out: Path | None) -> ScanPlan:
        """The scan to run, from the options or, for ``--resume``, from the stored request.

        Either way the plan is made by ``plan_request``, through every guard of a new
        scan, with this command line's authorisation; the stored command lines are only
        compared with the new ones (``ChunkStore.begin``), never run.
        """
        if self.resume and out is not None and not targets and self.targets_file is None:
            request = nmap_store(out).load_request()
            if request is None:
                raise ScopeError(f"{out} holds no scan to resume (no nmap/plan.json)")
        else:
            every = targets + (read_target_file(self.targets_file) if self.targets_file else ())
            excluded = self.exclude + (
                read_target_file(self.exclude_file) if self.exclude_file else ()
            )
            request = ScanRequest(
                targets=every,
                exclude=excluded,
                profile=self.profile,
                scripts=self.scripts,
                tcp_ports=parse_ports(self.ports) if self.ports else (),
                allow_printer_ports=self.allow_printer_ports,
                chunk_size=self.chunk_size,
                parallel=self.parallel,
            )
        preview = DRY_RUN_LISTING if self.dry_run else None
        return plan_request(request, self.authorisation, preview=preview)


_OPTIONS: list[Callable[[F], F]] = [
    click.option(
        "--targets-file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read more targets from FILE (one or more per line, # starts a comment; a "
        "regular file of at most 4 MiB).",
    ),
    click.option(
        "--exclude",
        multiple=True,
        help="Never send a packet to these addresses (address, CIDR or range; repeatable).",
    ),
    click.option(
        "--exclude-file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Addresses to exclude, read from FILE (same format as --targets-file).",
    ),
    click.option(
        "--allow-public",
        is_flag=True,
        help="Allow globally routable addresses in the targets (refused by default).",
    ),
    click.option(
        "--max-hosts",
        type=click.IntRange(1),
        default=DEFAULT_MAX_HOSTS,
        show_default=True,
        help="Refuse a scope larger than this many addresses.",
    ),
    click.option(
        "--profile",
        default=DEFAULT_PROFILE,
        show_default=True,
        help="Scan profile: how gently nmap probes (see 'legacyscan profiles').",
    ),
    click.option(
        "--script",
        "scripts",
        multiple=True,
        help="Extra NSE script by name (repeatable or comma-separated); intrusive, brute, "
        "dos, exploit... scripts are refused.",
    ),
    click.option(
        "--ports",
        help="TCP ports to probe instead of the profile's, e.g. 22,80,8000-8010.",
    ),
    click.option(
        "--allow-printer-ports",
        is_flag=True,
        help="Allow printer ports (9100-9107, 515, 631), which may print what they receive.",
    ),
    click.option(
        "--chunk-size",
        type=click.IntRange(1),
        help="Addresses per nmap process (default: the profile's).",
    ),
    click.option(
        "--parallel",
        type=click.IntRange(1, MAX_PARALLEL),
        help="nmap processes at a time (default: the profile's); the profile's packet rate "
        "is shared among them.",
    ),
    click.option(
        "--dry-run",
        is_flag=True,
        help="Print the plan (addresses, chunks, profile, exact nmap command lines); send nothing.",
    ),
    click.option(
        "--second-pass/--no-second-pass",
        default=None,
        help="After the first pass, send the read-only OS scripts (SMB, RDP NTLM info, SSH "
        "host key, HTTP header and title, TLS certificate) to the hosts whose class allows "
        "them (fingerprints/scan-profiles.yaml, second_pass). Default: the profile's choice "
        "(on for clinical-safe and standard).",
    ),
    click.option(
        "--second-pass-host",
        "second_pass_hosts",
        multiple=True,
        help="Also give the second pass's 'named' scripts to these hosts whatever their "
        "class, e.g. a medical workstation you know is a plain PC (address, CIDR or range; "
        "repeatable).",
    ),
    click.option(
        "--ai-probes/--no-ai-probes",
        default=True,
        help="After pass 1, name self-hosted AI services (Ollama, vLLM, Open WebUI...) with "
        "read-only HTTP GETs of their documented version and model-list endpoints, on the "
        "ports pass 1 found open, only on hosts whose class allows it (never medical, IoT, "
        "power or printer devices; fingerprints/scan-profiles.yaml, ai_probes). GET only, "
        "never a completion or an upload. Default: on where the profile says so.",
    ),
    click.option(
        "--resume",
        is_flag=True,
        help="Continue the interrupted scan stored in --out without rescanning finished "
        "chunks (targets may be omitted: the stored request is planned again through every "
        "guard; give --allow-public, --allow-printer-ports or --max-hosts again if it "
        "needed them).",
    ),
]


def nmap_scan_options(function: F) -> F:
    """Add the scope and nmap options; the command receives them as ``nmap_options``."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fields = NmapCliOptions.__dataclass_fields__
        options = NmapCliOptions(**{name: kwargs.pop(name) for name in fields})
        return function(*args, nmap_options=options, **kwargs)

    decorated: Any = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    result: F = decorated
    return result


def print_plan(
    plan: ScanPlan, checked: tuple[str, ...] = (), second_pass: SecondPassOptions | None = None
) -> None:
    """The dry run's output: everything that would happen, nothing sent; ``checked``:
    what else the dry run read and found usable (credentials, segments)."""
    if second_pass is not None and second_pass.enabled:
        echo("pass 1 (discovery):")
    echo(
        f"plan: {plan.address_count} address(es) in {plan.chunk_count} chunk(s) of up to "
        f"{plan.chunk_size}, {plan.parallel} nmap process(es) at a time"
    )
    echo(f"profile: {plan.profile}")
    echo(f"targets: {_listing(plan.targets)}")
    if plan.excluded:
        echo(f"excluded (never sent a packet): {_listing(plan.excluded)}")
    for note in plan.notes:
        echo(f"note: {note}")
    if plan.chunk_count > MAX_CHUNKS:
        echo(
            f"note: the scan itself would be refused: {plan.chunk_count} chunks is more "
            f"than {MAX_CHUNKS}; give a larger --chunk-size"
        )
    echo("nmap command lines:")
    for chunk in plan.chunks:
        echo(f"  [{chunk.index}/{plan.chunk_count}] {chunk.command_line}")
    if plan.preview:
        echo(f"  ... and {plan.chunk_count - len(plan.chunks)} more chunk(s), not listed")
    for line in checked:
        echo(line)
    if second_pass is not None:
        _print_second_pass(second_pass)
    echo("dry run: nothing was sent")


def _listing(blocks: tuple[str, ...], shown: int = DRY_RUN_LISTING) -> str:
    """CIDR blocks on one line, the first ``shown`` of them and a count of the rest."""
    text = " ".join(blocks[:shown])
    return text + (f" ... and {len(blocks) - shown} more" if len(blocks) > shown else "")


def _print_second_pass(options: SecondPassOptions) -> None:
    if not options.enabled:
        echo("pass 2: none (--no-second-pass, or the profile has none)")
        _print_ai_probes(options)
        return
    echo(
        "pass 2 (read-only OS scripts): decided after pass 1, host by host, from the class "
        "the identify stage gives each host; the allow-list per class "
        "(fingerprints/scan-profiles.yaml, second_pass):"
    )
    for line in allow_list_lines(load_profiles()):
        echo(line)
    if options.named:
        echo(f"  named by you (--second-pass-host): {' '.join(options.named)}")
    echo("  the scan's report and scan.json list what was sent to whom, and why")
    _print_ai_probes(options)


def _print_ai_probes(options: SecondPassOptions) -> None:
    if not options.ai_probes:
        echo("AI services: no GET sent (--no-ai-probes, or the profile sends none)")
        return
    echo(
        "AI services (read-only HTTP GETs, fingerprints/ai-servers.yaml): after pass 1, "
        "only on these ports when pass 1 found them open, by class:"
    )
    classes = load_ai_rules().classes
    for device_class, ports in (c for c in classes if c[1]):
        echo(f"  {device_class}: tcp/{port_ranges(ports)}")
    echo(f"  nothing to: {', '.join(c for c, ports in classes if not ports)}")


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class ProgressLine:
    """A progress bar on stderr: redrawn in place on a terminal, a line every 10 s otherwise."""

    def __init__(self, width: int = 24) -> None:
        self.width = width
        self.tty = sys.stderr.isatty()
        self.last_line = float("-inf")
        self.last_chunks = -1

    def __call__(self, state: ScanProgress) -> None:
        total = max(state.addresses_total, 1)
        filled = self.width * state.addresses_done // total
        eta = _clock(state.eta_s) if state.eta_s is not None else "--:--:--"
        text = (
            f"nmap [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{state.addresses_done}/{state.addresses_total} addresses, "
            f"chunks {state.chunks_done}/{state.chunks_total}, {state.hosts_up} up, "
            f"{_clock(state.elapsed_s)} elapsed, ETA {eta}"
        )
        if state.phase and state.chunks_done < state.chunks_total:
            percent = f" {state.phase_percent:.0f}%" if state.phase_percent is not None else ""
            text += f" ({state.phase}{percent})"
        if self.tty:
            echo_raw(f"\r{clean(text)}\x1b[K", nl=False, err=True)  # our own sequence only
            if state.chunks_done == state.chunks_total:
                echo("", err=True)
        elif state.chunks_done != self.last_chunks or time.monotonic() - self.last_line > 10:
            echo(f"  {text}", err=True)
            self.last_line = time.monotonic()
            self.last_chunks = state.chunks_done


def resume_hint(out: Path, plan: ScanPlan | None = None) -> str:
    """The command that continues the scan, with the authorisations it needs again."""
    hint = f"legacyscan scan --resume --out {shlex.quote(str(out))}"
    if plan is not None:
        if plan.public:
            hint += " --allow-public"
        if plan.request is not None and plan.request.allow_printer_ports:
            hint += " --allow-printer-ports"
        if plan.address_count > DEFAULT_MAX_HOSTS:
            hint += f" --max-hosts {plan.address_count}"
    return hint


@click.command("profiles")
def profiles_command() -> None:
    """Show the scan profiles, what each sends, and the NSE scripts that never run."""
    book = load_profiles()
    for profile in book.profiles:
        default = " (default)" if profile.name == DEFAULT_PROFILE else ""
        echo(f"{profile.name}{default}")
        echo(f"  {profile.description}")
        ports = port_ranges(profile.tcp_ports)
        if profile.top_tcp_ports:
            ports += f" + nmap's top {profile.top_tcp_ports} TCP ports"
        echo(f"  TCP ports: {ports}")
        if profile.udp_ports:
            echo(f"  UDP ports (as root): {port_ranges(profile.udp_ports)}")
        version = {"off": "none", "light": "light (-sV --version-light)", "default": "-sV"}
        echo(f"  version detection: {version[profile.version]}")
        echo(f"  OS detection: {'yes, as root (-O)' if profile.os_detection else 'no'}")
        echo(f"  NSE scripts: {', '.join(profile.scripts) or 'none'}")
        echo(f"  second pass: {'yes (below)' if profile.second_pass else 'no'}")
        echo(
            f"  rate: {profile.max_rate} packets/s for the whole scan"
            + (f", {profile.scan_delay_ms} ms between probes to one host" if profile.scan_delay_ms
               else "")
            + f"; {profile.parallel} nmap process(es) of {profile.chunk_size} addresses"
        )  # fmt: skip
        echo("")
    echo(
        f"printer ports never probed unless --allow-printer-ports: "
        f"{port_ranges(book.printer_ports)}"
    )
    if book.second_pass is not None:
        echo("second pass (after pass 1, by each host's class):")
        for line in allow_list_lines(book):
            echo(line)
    deny = book.denylist
    echo(
        "NSE scripts never run: categories "
        + ", ".join(sorted(deny.categories))
        + f"; scripts {', '.join(deny.patterns)} except {', '.join(sorted(deny.allowed))}"
    )
