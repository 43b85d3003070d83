"""What the collectors' allow-lists read of the identify stage, and the AI-service step.

``classed`` gives the classes of pass 1's hosts as the second pass and the AI-service
probe read them (plain :class:`ClassedHost` values: collect/ never imports a later
stage).  ``ai_probe_step`` is the live scan's step after the passes: class the hosts,
decide who gets the read-only GETs (``collect/http/ai_probes.py``), send them to in-scope
addresses only, keep the answers on the hosts and commit them to the inventory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from netaddr import IPSet

from legacyscan.collect.http import ai_probes
from legacyscan.collect.http.catalogue import load_probes
from legacyscan.collect.nmap.second_pass import ClassedHost
from legacyscan.identify import Identifier
from legacyscan.model import Host, IdentifiedDevice, PassDecision
from legacyscan.recording import ScanRecorder

AI_PIECE = "ai-http"


def classed(devices: Sequence[IdentifiedDevice]) -> list[ClassedHost]:
    """The identify stage's classes as the second pass reads them."""
    hosts = []
    for device in devices:
        host = device.host
        if not host.address:
            continue
        weights: dict[str, float] = {}
        others: dict[tuple[str, str], None] = {}
        for signal in device.class_signals:
            if signal.device_class == device.device_class:
                weights[signal.reason] = weights.get(signal.reason, 0.0) + signal.weight
            else:
                others[(signal.device_class, signal.reason)] = None
        reasons = sorted(weights, key=lambda r: -weights[r])[:3]
        hosts.append(
            ClassedHost(
                address=host.address,
                device_class=device.device_class,
                confidence=device.class_confidence,
                reasons=tuple(reasons),
                open_tcp=frozenset(
                    s.port for s in host.services if s.state == "open" and s.protocol == "tcp"
                ),
                open_udp=frozenset(
                    s.port for s in host.services if s.state == "open" and s.protocol == "udp"
                ),
                scanned=host.scanned,
                other_signals=tuple(others),
            )
        )
    return hosts


def ai_probe_step(
    hosts: Sequence[Host],
    in_scope: Sequence[str],
    progress: Callable[[str], None],
    recorder: ScanRecorder | None = None,
    identifier: Identifier | None = None,
) -> tuple[tuple[Host, ...], tuple[PassDecision, ...]]:
    """The hosts with the answers of the AI-service GETs, and who got them and why."""
    rules = ai_probes.load_rules()
    identifier = identifier or Identifier()
    decisions = ai_probes.decide(classed(identifier.identify_all(hosts)), rules)
    sent = [d for d in decisions if d.scripts]
    held = Counter(d.device_class for d in decisions if not d.scripts)
    progress(
        f"ai services: read-only GETs to {len(sent)} host(s) "
        f"({sum(len(d.ports) for d in sent)} port(s)); {sum(held.values())} get none ("
        + (", ".join(f"{c} {n}" for c, n in sorted(held.items())) or "none")
        + ")"
    )
    if not sent:
        return tuple(hosts), decisions
    tls = {
        h.address: frozenset(s.port for s in h.services if s.tunnel == "ssl")
        for h in hosts
        if h.address
    }
    answers = ai_probes.send(sent, load_probes(), rules, IPSet(in_scope), tls)
    merged = tuple(
        replace(h, http_answers=answers[h.address], sources=(*h.sources, AI_PIECE))
        if h.address in answers
        else h
        for h in hosts
    )
    answered = sum(1 for a in answers.values() for x in a if x.status is not None)
    progress(f"ai services: {answered} answer(s) kept")
    if recorder is not None and not recorder.committed(AI_PIECE):
        recorder.chunk(AI_PIECE, [h for h in merged if h.address in answers])
    return merged, decisions
