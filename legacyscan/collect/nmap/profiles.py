"""Scan profiles and the NSE denylist, read from ``fingerprints/scan-profiles.yaml``.

A profile says which ports nmap probes, how hard it identifies services and how fast
it may send; :func:`nmap_arguments` turns one into nmap options.  Two guards live here
because every command line passes through them: printer ports (a raw print port
prints whatever it receives) are never probed unless the user allows them, and NSE
scripts in a dangerous category or on the denylist are refused, whoever asks.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.model import DEVICE_CLASSES
from legacyscan.paths import fingerprints_dir

PROFILE_FILE = "scan-profiles.yaml"
DEFAULT_PROFILE = "clinical-safe"
_VERSION_MODES = ("off", "light", "default")
_SCRIPT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ProfileError(UserError, ValueError):
    """An unknown profile, a refused script or port, or a broken profile file."""


@dataclass(frozen=True)
class NseDenylist:
    categories: frozenset[str]
    patterns: tuple[str, ...]
    allowed: frozenset[str]

    def refusal(self, script: str, categories: frozenset[str]) -> str | None:
        """Why ``script`` must not run, or None when it may."""
        bad = sorted(categories & self.categories)
        if bad:
            return f"it is in nmap's {', '.join(repr(c) for c in bad)} categor" + (
                "ies" if len(bad) > 1 else "y"
            )
        if script not in self.allowed and any(fnmatch.fnmatch(script, p) for p in self.patterns):
            return "it is on legacyscan's denylist (DICOM scripts other than dicom-ping " + (
                "query or store data)" if script.startswith("dicom-") else "are never run)"
            )
        return None


@dataclass(frozen=True)
class ScanProfile:
    name: str
    description: str
    tcp_ports: tuple[int, ...]
    top_tcp_ports: int
    udp_ports: tuple[int, ...]
    version: str  # "off" | "light" | "default"
    os_detection: bool
    scripts: tuple[str, ...]
    timing: int
    max_rate: int  # packets/s for the whole scan
    scan_delay_ms: int  # per host
    max_retries: int
    host_timeout_s: int
    max_parallelism: int
    max_hostgroup: int
    chunk_size: int
    parallel: int
    second_pass: bool = False  # the second pass (``second_pass`` rules) follows this one
    ai_probes: bool = False  # the AI-service GETs (``ai_probes`` rules) follow pass 1


@dataclass(frozen=True)
class ScriptPorts:
    """The ports one second-pass script runs on (when the first pass found them open)."""

    script: str
    tcp: tuple[int, ...] = ()
    udp: tuple[int, ...] = ()


@dataclass(frozen=True)
class SecondPassRules:
    """The per-class allow-list of the second pass (``second_pass`` in the profile file)."""

    scripts: tuple[ScriptPorts, ...]
    classes: tuple[tuple[str, tuple[str, ...]], ...]  # (device class, scripts it allows)
    named: tuple[str, ...]  # for hosts the user names (--second-pass-host)
    script_timeout_s: int
    parallel: int = 4  # nmap processes at a time (the profile's rate is shared among them)

    def allowed(self, device_class: str) -> tuple[str, ...]:
        return dict(self.classes).get(device_class, ())

    def ports_of(self, script: str) -> ScriptPorts:
        return next(s for s in self.scripts if s.script == script)


@dataclass(frozen=True)
class ProfileBook:
    profiles: tuple[ScanProfile, ...]
    printer_ports: frozenset[int]
    denylist: NseDenylist
    second_pass: SecondPassRules | None = None

    def get(self, name: str) -> ScanProfile:
        for profile in self.profiles:
            if profile.name == name:
                return profile
        known = ", ".join(p.name for p in self.profiles)
        raise ProfileError(f"no scan profile {name!r} (known: {known})")


def _ints(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise ProfileError(f"{where}: expected a list of port numbers")
    if any(not 0 < v < 65536 for v in value):
        raise ProfileError(f"{where}: port out of range")
    return tuple(value)


def _profile(name: str, raw: dict[str, Any], printer: frozenset[int]) -> ScanProfile:
    where = f"{PROFILE_FILE}: profile {name}"
    try:
        profile = ScanProfile(
            name=name,
            description=" ".join(str(raw["description"]).split()),
            # the AI services' default ports are scanned like the others (SYN or connect)
            tcp_ports=tuple(
                dict.fromkeys(
                    _ints(raw.get("tcp_ports", []), f"{where}: tcp_ports")
                    + _ints(raw.get("ai_tcp_ports", []), f"{where}: ai_tcp_ports")
                )
            ),
            top_tcp_ports=int(raw.get("top_tcp_ports", 0)),
            udp_ports=_ints(raw.get("udp_ports", []), f"{where}: udp_ports"),
            version=str(raw["version"]),
            os_detection=bool(raw.get("os_detection", False)),
            scripts=tuple(str(s) for s in raw.get("scripts") or ()),
            timing=int(raw["timing"]),
            max_rate=int(raw["max_rate"]),
            scan_delay_ms=int(raw.get("scan_delay_ms", 0)),
            max_retries=int(raw["max_retries"]),
            host_timeout_s=int(raw["host_timeout_s"]),
            max_parallelism=int(raw["max_parallelism"]),
            max_hostgroup=int(raw["max_hostgroup"]),
            chunk_size=int(raw["chunk_size"]),
            parallel=int(raw["parallel"]),
            second_pass=bool(raw.get("second_pass", False)),
            ai_probes=bool(raw.get("ai_probes", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ProfileError):
            raise
        raise ProfileError(f"{where}: missing or bad field ({exc})") from exc
    if profile.version not in _VERSION_MODES:
        raise ProfileError(f"{where}: version must be one of {', '.join(_VERSION_MODES)}")
    listed = sorted(printer & {*profile.tcp_ports, *profile.udp_ports})
    if listed:
        raise ProfileError(f"{where}: lists printer ports {listed}; profiles never may")
    if profile.max_rate < 1 or profile.chunk_size < 1 or profile.parallel < 1:
        raise ProfileError(f"{where}: max_rate, chunk_size and parallel must be positive")
    return profile


@cache
def load_profiles(path: Path | None = None) -> ProfileBook:
    """The profiles shipped with legacyscan (or those of ``path``)."""
    path = path or fingerprints_dir() / PROFILE_FILE
    data = load_mapping(path, ProfileError)
    printer = frozenset(_ints(data.get("printer_ports"), f"{PROFILE_FILE}: printer_ports"))
    deny = data.get("nse_denylist") or {}
    denylist = NseDenylist(
        categories=frozenset(str(c) for c in deny.get("categories") or ()),
        patterns=tuple(str(p) for p in deny.get("scripts") or ()),
        allowed=frozenset(str(s) for s in deny.get("except") or ()),
    )
    profiles = tuple(_profile(str(n), r, printer) for n, r in (data.get("profiles") or {}).items())
    if not any(p.name == DEFAULT_PROFILE for p in profiles):
        raise ProfileError(f"{path}: the default profile {DEFAULT_PROFILE!r} is missing")
    second = _second_pass(data.get("second_pass"), printer)
    if second is None and any(p.second_pass for p in profiles):
        raise ProfileError(f"{PROFILE_FILE}: a profile asks for a second pass but none is defined")
    return ProfileBook(profiles, printer, denylist, second)


def _second_pass(raw: Any, printer: frozenset[int]) -> SecondPassRules | None:
    """The second pass's rules, checked: every class listed, every script known, no printer
    port.  The scripts are checked against the denylist when a plan is made."""
    if raw is None:
        return None
    where = f"{PROFILE_FILE}: second_pass"
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: expected a mapping")
    scripts = []
    for name, ports in (raw.get("scripts") or {}).items():
        if not _SCRIPT_NAME.match(str(name)) or not isinstance(ports, dict):
            raise ProfileError(f"{where}: scripts: {name!r} needs a mapping of tcp/udp ports")
        entry = ScriptPorts(
            str(name),
            _ints(ports.get("tcp", []), f"{where}: {name}: tcp"),
            _ints(ports.get("udp", []), f"{where}: {name}: udp"),
        )
        if printer & {*entry.tcp, *entry.udp}:
            raise ProfileError(f"{where}: {name} lists printer ports; the second pass never may")
        scripts.append(entry)
    known = {s.script for s in scripts}
    classes = raw.get("classes") or {}
    missing = [c for c in DEVICE_CLASSES if c not in classes]
    if missing or set(classes) - set(DEVICE_CLASSES):
        raise ProfileError(
            f"{where}: classes must list every device class exactly "
            f"(missing: {', '.join(missing) or 'none'}; "
            f"unknown: {', '.join(sorted(set(classes) - set(DEVICE_CLASSES))) or 'none'})"
        )
    lists: list[tuple[str, tuple[str, ...]]] = []
    for name in DEVICE_CLASSES:
        lists.append((name, tuple(str(s) for s in classes[name] or ())))
    named = tuple(str(s) for s in raw.get("named") or ())
    for label, listed in [*lists, ("named", named)]:
        unknown = sorted(set(listed) - known)
        if unknown:
            raise ProfileError(f"{where}: {label} lists scripts without ports: {unknown}")
    timeout = int(raw.get("script_timeout_s", 30))
    parallel = int(raw.get("parallel", 4))
    if timeout < 1 or parallel < 1:
        raise ProfileError(f"{where}: script_timeout_s and parallel must be positive")
    return SecondPassRules(tuple(scripts), tuple(lists), named, timeout, parallel)


# --- nmap's data files -------------------------------------------------------------------


def nmap_data_dir() -> Path | None:
    """Where nmap keeps script.db and nmap-services ($NMAPDIR, then beside the binary)."""
    candidates = [os.environ.get("NMAPDIR", "")]
    binary = shutil.which("nmap")
    if binary:
        candidates.append(str(Path(binary).resolve().parent.parent / "share" / "nmap"))
    candidates += ["/usr/share/nmap", "/usr/local/share/nmap"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "nmap-services").is_file():
            return Path(candidate)
    return None


_SCRIPT_ENTRY = re.compile(r'filename\s*=\s*"([^"]+)\.nse"\s*,\s*categories\s*=\s*\{([^}]*)\}')


@cache
def script_categories(data_dir: Path | None = None) -> dict[str, frozenset[str]]:
    """Each installed NSE script's categories, from nmap's scripts/script.db."""
    data_dir = data_dir or nmap_data_dir()
    if data_dir is None or not (data_dir / "scripts" / "script.db").is_file():
        raise ProfileError(
            "cannot find nmap's scripts/script.db to check NSE script categories "
            "(is nmap installed? set NMAPDIR to its data folder)"
        )
    text = (data_dir / "scripts" / "script.db").read_text(encoding="utf-8", errors="replace")
    return {
        name: frozenset(re.findall(r'"([^"]+)"', cats))
        for name, cats in _SCRIPT_ENTRY.findall(text)
    }


@cache
def top_tcp_ports(count: int, data_dir: Path | None = None) -> tuple[int, ...]:
    """nmap's ``count`` most frequently open TCP ports, as --top-ports would choose them."""
    data_dir = data_dir or nmap_data_dir()
    if data_dir is None:
        raise ProfileError("cannot find nmap's nmap-services file (is nmap installed?)")
    ranked: list[tuple[float, int]] = []
    for line in (data_dir / "nmap-services").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#") and fields[1].endswith("/tcp"):
            ranked.append((-float(fields[2]), int(fields[1].split("/")[0])))
    return tuple(sorted(port for _, port in sorted(ranked)[:count]))


# --- the guards ----------------------------------------------------------------------------


def check_scripts(scripts: tuple[str, ...], book: ProfileBook | None = None) -> tuple[str, ...]:
    """The scripts, checked: plain names of installed scripts, none of them denied."""
    book = book or load_profiles()
    checked: list[str] = []
    for raw in scripts:
        for item in (s.strip() for s in raw.split(",")):
            if not item:
                continue
            name = item.removesuffix(".nse")
            if not _SCRIPT_NAME.match(name):
                raise ProfileError(
                    f"NSE script {item!r} refused: give plain script names "
                    "(e.g. --script http-title), not categories, wildcards, paths or expressions"
                )
            if name in _CATEGORIES:
                raise ProfileError(
                    f"NSE script {item!r} refused: give script names, not categories"
                )
            known = script_categories()
            if name not in known:
                raise ProfileError(f"NSE script {item!r} refused: nmap has no script of that name")
            why = book.denylist.refusal(name, known[name])
            if why:
                raise ProfileError(
                    f"NSE script {name!r} refused: {why}, which legacyscan never runs "
                    "(see 'legacyscan profiles')"
                )
            if name not in checked:
                checked.append(name)
    return tuple(checked)


_CATEGORIES = frozenset(
    "auth broadcast brute default discovery dos exploit external fuzzer intrusive malware "
    "safe version vuln all".split()
)


def check_ports(ports: tuple[int, ...], allow_printer_ports: bool, book: ProfileBook) -> None:
    unsafe = sorted(set(ports) & book.printer_ports)
    if unsafe and not allow_printer_ports:
        raise ProfileError(
            f"refusing to probe printer ports {unsafe}: a raw print port prints whatever it "
            "receives; add --allow-printer-ports only if you accept that"
        )


def parse_ports(spec: str) -> tuple[int, ...]:
    """``22,80,8000-8010`` as a sorted tuple of ports."""
    ports: set[int] = set()
    for item in (p.strip() for p in spec.split(",")):
        if not item:
            continue
        try:
            first, _, last = item.partition("-")
            low, high = int(first), int(last or first)
        except ValueError:
            raise ProfileError(f"not a port or port range: {item!r}") from None
        if not 0 < low <= high < 65536:
            raise ProfileError(f"port out of range: {item!r}")
        ports.update(range(low, high + 1))
    if not ports:
        raise ProfileError("empty port list")
    return tuple(sorted(ports))


def port_ranges(ports: tuple[int, ...] | frozenset[int]) -> str:
    """Ports as nmap's compact spec: 21-23,80,443."""
    ordered = sorted(set(ports))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(parts)
