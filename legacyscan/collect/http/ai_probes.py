"""Who gets the AI-service GETs, and sending them.

The rules are the ``ai_probes`` section of ``fingerprints/scan-profiles.yaml``: for each
device class, the ports that may be asked.  :func:`decide` reads the classes the identify
stage gave after pass 1 (as :class:`ClassedHost`, like the second pass) and says, for
every host, what it is sent and why, as a :class:`~legacyscan.model.PassDecision`:
nothing to a device seen only in switch tables, nothing to a class with no ports
(medical, IoT, power and printer devices can have none: the file is refused), nothing to
a host that also shows a sign of such a class, and otherwise only the listed ports that
pass 1 found open, never a printer port.  :func:`send` sends them with
:mod:`~legacyscan.collect.http.prober`, checking each request again against the scope
and the decision before it leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from threading import Event
from typing import Any

from netaddr import IPAddress, IPSet

from legacyscan.collect.http.catalogue import Probe, requests_for
from legacyscan.collect.http.prober import GetLimits, ProbeRefused, http_get
from legacyscan.collect.nmap.profiles import PROFILE_FILE, ProfileError
from legacyscan.collect.nmap.second_pass import ClassedHost, why_class
from legacyscan.files import load_mapping
from legacyscan.messages import Term, message
from legacyscan.model import DEVICE_CLASSES, HttpAnswer, PassDecision
from legacyscan.paths import fingerprints_dir

#: Classes that never get an AI-service GET, whatever a profile file says.
NEVER_PROBED = frozenset({"medical", "iot", "power", "printer"})
PROBE_NAME = "ai-http-get"


@dataclass(frozen=True)
class AiProbeRules:
    classes: tuple[tuple[str, tuple[int, ...]], ...]  # (device class, ports it allows)
    timeout_s: float = 3.0
    max_bytes: int = 32768
    delay_ms: int = 50
    parallel: int = 4

    def ports(self, device_class: str) -> tuple[int, ...]:
        return dict(self.classes).get(device_class, ())

    @property
    def limits(self) -> GetLimits:
        return GetLimits(self.timeout_s, self.max_bytes)


def _ports(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 65536 for v in value
    ):
        raise ProfileError(f"{where}: expected a list of port numbers")
    return tuple(value)


@cache
def load_rules(path: Path | None = None) -> AiProbeRules:
    """The ``ai_probes`` rules, checked: every class listed once, none of ``NEVER_PROBED``
    with a port, no printer port."""
    path = path or fingerprints_dir() / PROFILE_FILE
    data = load_mapping(path, ProfileError)
    raw = data.get("ai_probes")
    where = f"{PROFILE_FILE}: ai_probes"
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: missing (a mapping of classes to ports)")
    classes = raw.get("classes")
    if not isinstance(classes, dict) or set(classes) != set(DEVICE_CLASSES):
        raise ProfileError(f"{where}: classes must list every device class exactly once")
    printer = frozenset(data.get("printer_ports") or ())
    lists = []
    for name in DEVICE_CLASSES:
        ports = _ports(classes[name] or [], f"{where}: {name}")
        if ports and name in NEVER_PROBED:
            raise ProfileError(f"{where}: {name} devices are never sent AI-service requests")
        if printer & set(ports):
            raise ProfileError(f"{where}: {name} lists printer ports; never allowed")
        lists.append((name, ports))
    try:
        rules = AiProbeRules(
            tuple(lists),
            float(raw.get("timeout_s", 3)),
            int(raw.get("max_bytes", 32768)),
            int(raw.get("delay_ms", 50)),
            int(raw.get("parallel", 4)),
        )
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"{where}: bad value ({exc})") from None
    if rules.timeout_s <= 0 or rules.max_bytes < 1 or rules.parallel < 1 or rules.delay_ms < 0:
        raise ProfileError(f"{where}: timeout_s, max_bytes and parallel must be positive")
    return rules


def decide(hosts: Sequence[ClassedHost], rules: AiProbeRules) -> tuple[PassDecision, ...]:
    """What the AI-service probe sends each host, and the rule that says so."""
    decisions = []
    for host in hosts:
        why = why_class(host)  # the same words as the second pass's decisions
        if not host.scanned:
            never = message("ai_service_probe.never_probed")
            decisions.append(PassDecision(host.address, host.device_class, never))
            continue
        allowed = rules.ports(host.device_class)
        if not allowed:
            none = message("ai_service_probe.no_class", why=why)
            decisions.append(PassDecision(host.address, host.device_class, none))
            continue
        fragile = [(c, r) for c, r in host.other_signals if not rules.ports(c)]
        if fragile:
            signs = [message("pass2.sign", cls=Term(c), rule=r) for c, r in fragile]
            held = message("ai_service_probe.held_back", why=why, signs=signs)
            decisions.append(PassDecision(host.address, host.device_class, held))
            continue
        open_ports = sorted(set(allowed) & host.open_tcp)
        if not open_ports:
            closed = message("ai_service_probe.no_port", why=why)
            decisions.append(PassDecision(host.address, host.device_class, closed))
            continue
        ports = tuple(f"tcp/{p}" for p in open_ports)
        sent = message("ai_service_probe.sent", why=why, ports=", ".join(ports))
        decisions.append(PassDecision(host.address, host.device_class, sent, (PROBE_NAME,), ports))
    return tuple(decisions)


def _in_scope(address: str, scope: IPSet) -> bool:
    try:
        return IPAddress(address) in scope
    except (ValueError, TypeError):
        return False


Getter = Callable[..., HttpAnswer]


def send_one(
    decision: PassDecision,
    probes: tuple[Probe, ...],
    rules: AiProbeRules,
    scope: IPSet,
    tls_ports: frozenset[int] = frozenset(),
    stop: Event | None = None,
    get: Getter = http_get,
) -> tuple[HttpAnswer, ...]:
    """One host's requests, one at a time, each checked against scope and decision."""
    if not decision.scripts or not _in_scope(decision.address, scope):
        raise ProbeRefused(f"{decision.address}: not a decided, in-scope host")
    answers: list[HttpAnswer] = []
    wait = Event() if stop is None else stop
    for spec in decision.ports:
        port = int(spec.removeprefix("tcp/"))
        for path in requests_for(port, probes):
            if stop is not None and stop.is_set():
                return tuple(answers)
            answers.append(
                get(decision.address, port, path, rules.limits, tls=port in tls_ports)
            )  # fmt: skip
            wait.wait(rules.delay_ms / 1000)  # gentle: a pause between two requests
    return tuple(answers)


def send(
    decisions: Iterable[PassDecision],
    probes: tuple[Probe, ...],
    rules: AiProbeRules,
    scope: IPSet,
    tls_ports: dict[str, frozenset[int]] | None = None,
    on_host: Callable[[str, int, int], None] | None = None,
) -> dict[str, tuple[HttpAnswer, ...]]:
    """Every decided host's answers, ``rules.parallel`` hosts at a time."""
    todo = [d for d in decisions if d.scripts]
    tls_ports = tls_ports or {}
    found: dict[str, tuple[HttpAnswer, ...]] = {}
    with ThreadPoolExecutor(max_workers=max(1, rules.parallel)) as pool:
        futures = {
            d.address: pool.submit(
                send_one, d, probes, rules, scope, tls_ports.get(d.address, frozenset())
            )
            for d in todo
        }
        for done, (address, future) in enumerate(futures.items(), 1):
            found[address] = future.result()
            if on_host is not None:
                on_host(address, done, len(todo))
    return found
