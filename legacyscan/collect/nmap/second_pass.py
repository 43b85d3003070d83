"""The second pass: read-only OS-naming scripts, sent only where the host's class allows.

The first pass is the profile's gentle discovery.  The pipeline then has the identify
stage class every host from what that pass saw and hands the classes here as plain
:class:`ClassedHost` values (collect/ never imports a later stage).  :func:`decide` says,
for every host, what the second pass sends it and why -- the class, the rules behind
it, the allow-list entry of ``fingerprints/scan-profiles.yaml`` -- as a
:class:`~legacyscan.model.PassDecision`; :func:`plan_second_pass` turns the decisions into
nmap command lines, one group of hosts per (scripts, ports) so that a host is sent exactly
its own scripts on exactly the ports pass 1 found open for them, nothing else.  The plan
is an ordinary :class:`ScanPlan`: the runner runs it, its chunks go to the same chunk
store under the ``pass2`` prefix, and a resumed scan does not run a finished chunk again.
:func:`merge_second_pass` adds the scripts' output to the first pass's hosts.

Never sent anything: a host seen only in other devices' tables, a host whose class's
allow-list is empty (medical, iot, power, printer, unknown) unless the user names it
(``--second-pass-host``), a host that shows a sign of such a class besides its own (a
Windows console with a DICOM port, a PC with a medical vendor's MAC), and every printer
port (always excluded).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from netaddr import IPAddress, IPSet

from legacyscan.collect.nmap.plan import NMAP, ChunkPlan, ScanPlan
from legacyscan.collect.nmap.profiles import (
    ProfileBook,
    ProfileError,
    ScanProfile,
    SecondPassRules,
    check_scripts,
    port_ranges,
)
from legacyscan.messages import Term, message
from legacyscan.model import Host, Message, PassDecision, Service

PASS2_PREFIX = "pass2"
PASS2_SOURCE = "nmap-pass2"


@dataclass(frozen=True)
class ClassedHost:
    """What the second pass needs to know of a host after the first pass and identify."""

    address: str
    device_class: str
    confidence: float = 0.0
    reasons: tuple[str, ...] = ()  # the rules behind the class, heaviest first
    open_tcp: frozenset[int] = frozenset()
    open_udp: frozenset[int] = frozenset()
    scanned: bool = True  # False: seen only in other devices' tables
    #: Other classes some rule also saw in it, with the rules: a DICOM port on a host
    #: classed workstation holds it back like a medical device.
    other_signals: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SecondPassOptions:
    """The user's say: no second pass at all, or hosts named to get the ``named`` list."""

    enabled: bool = True
    named: tuple[str, ...] = ()  # addresses, CIDR blocks or ranges (--second-pass-host)
    as_root: bool | None = None  # None: ask the operating system (as the first pass)
    #: After pass 1 (and pass 2): the AI-service GETs (``collect/http/``, --no-ai-probes).
    ai_probes: bool = False


def rules_of(book: ProfileBook) -> SecondPassRules:
    if book.second_pass is None:
        raise ProfileError("scan-profiles.yaml defines no second_pass rules")
    return book.second_pass


def why_class(host: ClassedHost) -> Message:
    """The host's class and the rules behind it, as the decisions say it."""
    if not host.reasons:
        return message("pass2.class_no_rule", cls=Term(host.device_class))
    return message(
        "pass2.class",
        cls=Term(host.device_class),
        confidence=host.confidence,
        rules=", ".join(host.reasons),
    )


def _open_for(
    host: ClassedHost, rules: SecondPassRules, scripts: Iterable[str]
) -> dict[str, list[str]]:
    """Each script that has a port open on the host, with those ports ("tcp/445")."""
    found: dict[str, list[str]] = {}
    for script in scripts:
        ports = rules.ports_of(script)
        open_ports = [f"tcp/{p}" for p in ports.tcp if p in host.open_tcp]
        open_ports += [f"udp/{p}" for p in ports.udp if p in host.open_udp]
        if open_ports:
            found[script] = open_ports
    return found


def decide(
    hosts: Sequence[ClassedHost], rules: SecondPassRules, named: IPSet | None = None
) -> tuple[PassDecision, ...]:
    """What the second pass sends each host, and the rule that says so."""
    decisions = []
    for host in hosts:
        why = why_class(host)
        if not host.scanned:
            never = message("pass2.never_probed")
            decisions.append(PassDecision(host.address, host.device_class, never))
            continue
        is_named = named is not None and _in(host.address, named)
        allowed = rules.named if is_named else rules.allowed(host.device_class)
        if not allowed:
            empty = message("pass2.empty", why=why)
            decisions.append(PassDecision(host.address, host.device_class, empty))
            continue
        fragile = [(c, r) for c, r in host.other_signals if not rules.allowed(c)]
        if fragile and not is_named:
            signs = [message("pass2.sign", cls=Term(c), rule=r) for c, r in fragile]
            held = message("pass2.held_back", why=why, signs=signs)
            decisions.append(PassDecision(host.address, host.device_class, held))
            continue
        found = _open_for(host, rules, allowed)
        scripts = ", ".join(allowed)
        if not found:
            none = (
                message("pass2.no_port_named", why=why, scripts=scripts)
                if is_named
                else message("pass2.no_port", why=why, scripts=scripts)
            )
            decisions.append(PassDecision(host.address, host.device_class, none))
            continue
        ports = tuple(sorted({p for listed in found.values() for p in listed}, key=_port_key))
        sent = (
            message("pass2.sent_named", why=why, scripts=scripts, ports=", ".join(ports))
            if is_named
            else message("pass2.sent", why=why, scripts=scripts, ports=", ".join(ports))
        )
        decisions.append(PassDecision(host.address, host.device_class, sent, tuple(found), ports))
    return tuple(decisions)


def _in(address: str, named: IPSet) -> bool:
    try:
        return IPAddress(address) in named
    except (ValueError, TypeError):
        return False


def _port_key(port: str) -> tuple[str, int]:
    protocol, _, number = port.partition("/")
    return protocol, int(number)


def _arguments(
    profile: ScanProfile,
    book: ProfileBook,
    scripts: tuple[str, ...],
    ports: tuple[str, ...],
    as_root: bool,
    max_rate: int,
) -> list[str]:
    tcp = frozenset(int(p[4:]) for p in ports if p.startswith("tcp/"))
    udp = frozenset(int(p[4:]) for p in ports if p.startswith("udp/"))
    # Known up from pass 1: no host discovery (-Pn), and no version detection (pass 1 did it).
    args = ["-n", "-Pn", "-sS" if as_root else "-sT"]
    spec = []
    if tcp:
        spec.append(f"T:{port_ranges(tcp)}")
    if udp:
        args.append("-sU")
        spec.append(f"U:{port_ranges(udp)}")
    args += ["-p", ",".join(spec), "--exclude-ports", port_ranges(book.printer_ports)]
    args += ["--script", ",".join(check_scripts(scripts, book))]
    args += ["--script-timeout", f"{rules_of(book).script_timeout_s}s"]
    args += [f"-T{profile.timing}", "--max-rate", str(max_rate)]
    if profile.scan_delay_ms:
        args += ["--scan-delay", f"{profile.scan_delay_ms}ms"]
    else:
        args += ["--max-parallelism", str(profile.max_parallelism)]
    args += [
        "--max-retries", str(profile.max_retries),
        "--host-timeout", f"{profile.host_timeout_s}s",
        "--max-hostgroup", str(profile.max_hostgroup),
    ]  # fmt: skip
    return args


def plan_second_pass(
    decisions: Sequence[PassDecision],
    profile: ScanProfile,
    book: ProfileBook,
    as_root: bool,
    chunk_size: int | None = None,
    parallel: int | None = None,
) -> tuple[ScanPlan, tuple[PassDecision, ...]]:
    """The second pass's nmap command lines, and the decisions with their chunk numbers.

    Hosts sent the same scripts on the same ports share a command line (in chunks of the
    profile's size); no host is sent a script or a port of another.  Without root the
    UDP ports are left out (nmap -sU needs it), and a script with no port left is too.
    """
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[PassDecision]] = defaultdict(list)
    adjusted: list[PassDecision] = []
    for decision in decisions:
        if decision.scripts and not as_root and any(p[:4] == "udp/" for p in decision.ports):
            rules = rules_of(book)
            ports = tuple(p for p in decision.ports if p[:4] == "tcp/")
            left = {int(p[4:]) for p in ports}
            scripts = tuple(s for s in decision.scripts if left & set(rules.ports_of(s).tcp))
            decision = replace(
                decision,
                scripts=scripts if ports else (),
                ports=ports if scripts else (),
                rule=message("pass2.udp_left_out", rule=decision.rule),
            )
        adjusted.append(decision)
        if decision.scripts:
            groups[(decision.scripts, decision.ports)].append(decision)
    size = chunk_size or profile.chunk_size
    pieces = [
        (key, members[start : start + size])
        for key, members in sorted(groups.items())
        for start in range(0, len(members), size)
    ]
    parallel = max(1, min(parallel or profile.parallel, len(pieces) or 1))
    max_rate = max(1, profile.max_rate // parallel)
    chunks: list[ChunkPlan] = []
    chunk_of: dict[str, int] = {}
    for number, ((scripts, ports), members) in enumerate(pieces, 1):
        addresses = tuple(d.address for d in members)
        ipv6 = ":" in addresses[0]
        args = _arguments(profile, book, scripts, ports, as_root, max_rate)
        argv = (NMAP, *args, *(["-6"] if ipv6 else []), "-oX", "-", *addresses)
        chunks.append(ChunkPlan(number, addresses, len(addresses), argv))
        chunk_of.update((address, number) for address in addresses)
    plan = ScanPlan(
        profile=f"{profile.name} (pass 2)",
        targets=tuple(a for c in chunks for a in c.targets),
        excluded=(),
        address_count=sum(c.address_count for c in chunks),
        chunk_size=size,
        parallel=parallel,
        chunks=tuple(chunks),
    )
    placed = tuple(
        replace(d, chunk=chunk_of[d.address]) if d.address in chunk_of else d for d in adjusted
    )
    return plan, placed


def _with_scripts(service: Service, extra: Service | None) -> Service:
    if extra is None:
        return service
    scripts = service.scripts + tuple(s for s in extra.scripts if s not in service.scripts)
    return replace(service, scripts=scripts)


def merge_second_pass(hosts: Sequence[Host], found: Iterable[Host]) -> list[Host]:
    """The first pass's hosts with the second pass's script output added (by address)."""
    by_address: dict[str | None, Host] = {h.address: h for h in found if h.address}
    merged = []
    for host in hosts:
        extra = by_address.get(host.address)
        if extra is None:
            merged.append(host)
            continue
        ports = {(s.protocol, s.port): s for s in extra.services}
        services = tuple(_with_scripts(s, ports.get((s.protocol, s.port))) for s in host.services)
        host_scripts = host.host_scripts + tuple(
            s for s in extra.host_scripts if s not in host.host_scripts
        )
        sources = host.sources + ((PASS2_SOURCE,) if PASS2_SOURCE not in host.sources else ())
        merged.append(replace(host, services=services, host_scripts=host_scripts, sources=sources))
    return merged


def allow_list_lines(book: ProfileBook) -> list[str]:
    """The rules of the second pass in a few lines, for ``--dry-run`` and ``profiles``."""
    rules = rules_of(book)
    lines = []
    for device_class, scripts in rules.classes:
        if not scripts:
            lines.append(f"  class {device_class}: nothing")
            continue
        parts = []
        for script in scripts:
            ports = rules.ports_of(script)
            spec = [f"tcp/{p}" for p in ports.tcp] + [f"udp/{p}" for p in ports.udp]
            parts.append(f"{script} ({','.join(spec)})")
        lines.append(f"  class {device_class}: {', '.join(parts)}")
    lines.append(f"  hosts named with --second-pass-host: {', '.join(rules.named) or 'nothing'}")
    lines.append("  devices seen only in switch tables: never anything")
    lines.append(
        f"  each script only on its ports that pass 1 found open; printer ports "
        f"{port_ranges(book.printer_ports)} always excluded; scripts time out after "
        f"{rules.script_timeout_s} s"
    )
    return lines
