"""Device risk scores that explain themselves: each score is the sum of named factors.

The weights are data (``fingerprints/risk.yaml``) and are printed in the report.  A
device scores for its lifecycle (and full years past end of support), CVEs in CISA's
Known Exploited Vulnerabilities catalog, the risky services it exposes (clear-text or
remote-control protocols, SNMP with a default community), and, when it is legacy, for
the clinical devices it can reach, weighted by how critical they are.  Segment and
network scores are in ``segment_risk``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legacyscan.files import load_mapping
from legacyscan.messages import Term, known, message
from legacyscan.model import AssessedDevice, DeviceRisk, Host, Message, RiskFactor, Topology
from legacyscan.paths import fingerprints_dir
from legacyscan.risk.weights import (
    DefaultCommunity,
    RiskModelError,
    RiskWeights,
    ServiceWeight,
    parse_weights,
)
from legacyscan.topology.network import kind_of

STATUS_WORDS = {
    "eol": message("risk.lifecycle_eol"),
    "extended": message("risk.lifecycle_extended"),
    "unknown": message("risk.lifecycle_unknown"),
    "supported": message("risk.lifecycle_supported"),
}
#: How many shared factors a model keeps (see ``RiskModel._made``).
MADE_MAX = 100_000
#: Sentences of the shipped exposure reasons (``key`` in risk.yaml): ``reason.<key>``.
REASON_PREFIX = "reason."


def factor(name: str, points: float, why: Message) -> RiskFactor:
    """A risk factor and the sentence that explains it."""
    return RiskFactor(name, points, why)


def reason_of(entry: ServiceWeight | DefaultCommunity) -> Message:
    """The reason of a risk.yaml entry: its catalogue sentence when it names a known
    ``key``, else its ``reason`` text as written (a user's own weights file)."""
    if entry.key and known(REASON_PREFIX + entry.key):
        return Message(REASON_PREFIX + entry.key)
    return message("text", text=entry.reason)


@dataclass(frozen=True)
class RiskModel:
    """The device scores, from weights read once (``typed``); ``weights`` is the mapping
    as read, recorded in the assessment's provenance."""

    weights: dict[str, Any]
    typed: RiskWeights = field(init=False, repr=False, compare=False)
    #: Factors already made, by what decides them: thousands of devices expose the same
    #: ports and reach the same kinds of devices, and share one record (time and memory).
    _made: dict[Hashable, list[RiskFactor]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "typed", parse_weights(self.weights, "risk weights"))

    @classmethod
    def load(cls, path: Path | None = None) -> RiskModel:
        path = path or fingerprints_dir() / "risk.yaml"
        weights = load_mapping(path, RiskModelError)
        if "lifecycle" not in weights:
            raise RiskModelError(f"{path}: not a risk weights file")
        parse_weights(weights, str(path))  # errors name the file
        return cls(weights)

    def level(self, score: float) -> str:
        for name, threshold in self.typed.levels:
            if score >= threshold:
                return name
        return "low"

    def device_points(self, kind: str) -> float:
        """Blast-radius points of one reachable device of ``kind`` (``class/type`` or class)."""
        per = self.typed.blast_radius.per_device
        device_class, _, device_type = kind.partition("/")
        value = per.get(device_type) if device_type else None
        if value is None:
            value = per.get(device_class, 0)
        return float(value)

    def is_life_sustaining(self, kind: str) -> bool:
        return kind.partition("/")[2] in self.typed.blast_radius.life_sustaining

    def score(
        self,
        device: AssessedDevice,
        reachable: Mapping[str, int],
        as_of: dt.date,
    ) -> DeviceRisk:
        """The score of one device, given the clinical devices it reaches (kind -> count)."""
        factors = [
            *self._lifecycle(device, as_of),
            *self._known_exploited(device),
            *self._exposure(device.device.host),
            *self._blast_radius(device, reachable),
        ]
        total = float(sum(f.points for f in factors))
        return DeviceRisk(device.address, total, self.level(total), tuple(factors))

    def _lifecycle(self, device: AssessedDevice, as_of: dt.date) -> list[RiskFactor]:
        w = self.typed
        status = device.worst_status
        factors = []
        if w.lifecycle.get(status):
            factors.append(factor("lifecycle", w.lifecycle[status], STATUS_WORDS[status]))
        ends = [
            a.lifecycle.eol_date
            for a in device.identities
            if a.lifecycle.status in ("eol", "extended") and a.lifecycle.eol_date
        ]
        if ends:
            years = max(0, (as_of - min(ends)).days // 365)
            per_year, cap = w.years_past_eol.each, w.years_past_eol.max
            points = min(years * per_year, cap)
            if points:
                if years * per_year > cap:
                    why = message("risk.years_past_eol_capped", years=years, per_year=per_year,
                                  cap=cap)  # fmt: skip
                else:
                    why = message("risk.years_past_eol", years=years, per_year=per_year)
                factors.append(factor("years-past-eol", float(points), why))
        return factors

    def _known_exploited(self, device: AssessedDevice) -> list[RiskFactor]:
        cves = sorted({c for a in device.identities for c in a.lifecycle.known_exploited})
        if not cves:
            return []
        w = self.typed.known_exploited
        points = min(len(cves) * w.each, w.max)
        shown = ", ".join(cves[:5])
        if len(cves) > 5:
            why = message(
                "risk.known_exploited_more", count=len(cves), cves=shown, more=len(cves) - 5
            )
        else:
            why = message("risk.known_exploited", count=len(cves), cves=shown)
        return [factor("known-exploited", float(points), why)]

    def _exposure(self, host: Host) -> list[RiskFactor]:
        w = self.typed
        ports = []
        for service in sorted(host.services, key=lambda s: s.port):
            entry = w.exposure.get(service.port)
            if not entry or service.state != "open" or service.protocol != "tcp":
                continue
            if entry.tls_ok and service.tunnel == "ssl":
                continue
            ports.append(service.port)
        snmp = w.snmp_default_community
        default = snmp is not None and is_default_community(host.snmp_credential, snmp.communities)
        return self._once(
            ("exposure", tuple(ports), default), self._exposure_factor, ports, default
        )

    def _once(self, key: Hashable, make: Any, *args: Any) -> list[RiskFactor]:
        made = self._made.get(key)
        if made is None:
            if len(self._made) > MADE_MAX:  # a long-lived process scoring many networks
                self._made.clear()
            made = self._made[key] = make(*args)
        return made

    def _exposure_factor(self, ports: list[int], snmp_default: bool) -> list[RiskFactor]:
        w = self.typed
        points = 0.0
        reasons: list[Message] = []
        for port in ports:
            entry = w.exposure[port]
            points += entry.points
            reasons.append(message("risk.exposure_port", port=str(port), reason=reason_of(entry)))
        if snmp_default and w.snmp_default_community is not None:
            points += w.snmp_default_community.points
            reasons.append(
                message("risk.exposure_snmp", reason=reason_of(w.snmp_default_community))
            )
        if not points:
            return []
        cap = w.exposure_max
        if points > cap:
            reasons.append(message("risk.exposure_capped", cap=cap))
        why = message("risk.exposure", reasons=reasons)
        return [factor("exposure", float(min(points, cap)), why)]

    def _blast_radius(
        self, device: AssessedDevice, reachable: Mapping[str, int]
    ) -> list[RiskFactor]:
        if not device.is_legacy:
            return []
        return self._once(
            ("blast", tuple(sorted(reachable.items()))), self._blast_factor, reachable
        )

    def _blast_factor(self, reachable: Mapping[str, int]) -> list[RiskFactor]:
        parts: list[Message] = []
        points = 0.0
        for kind, count in sorted(reachable.items(), key=lambda kv: -self.device_points(kv[0])):
            each = self.device_points(kind)
            if count <= 0 or not each:
                continue
            points += each * count
            device_class, _, device_type = kind.partition("/")
            cls = Term(device_class)
            if not device_type:
                part = message("risk.blast_part_class", count=count, cls=cls, each=each)
            elif self.is_life_sustaining(kind):
                part = message(
                    "risk.blast_part_vital", count=count, cls=cls, type=Term(device_type), each=each
                )
            else:
                part = message(
                    "risk.blast_part", count=count, cls=cls, type=Term(device_type), each=each
                )
            parts.append(part)
        if not points:
            return []
        cap = self.typed.blast_radius.max
        if points > cap:
            why = message("risk.blast_radius_capped", parts=parts, cap=cap)
        else:
            why = message("risk.blast_radius", parts=parts)
        return [factor("blast-radius", float(min(points, cap)), why)]


_WORD = re.compile(r"[^0-9a-z]+")


def is_default_community(label: str | None, communities: Sequence[str]) -> bool:
    """Does the credential label name a factory-default v1/v2c community?"""
    if not label:
        return False
    words = set(_WORD.split(label.lower()))
    if words & {"v3", "usm"}:
        return False
    return bool(words & {c.lower() for c in communities})


def score_all(
    devices: tuple[AssessedDevice, ...],
    topology: Topology,
    as_of: dt.date,
    model: RiskModel | None = None,
) -> tuple[DeviceRisk, ...]:
    model = model or RiskModel.load()
    reach: dict[str | None, Counter[str]] = {
        r.address: Counter(dict(r.counts)) for r in topology.reach
    }
    if not topology.reach and topology.exposures:  # a Topology built by hand lists its pairs
        kinds = {d.address: kind_of(d) for d in devices}
        for exposure in topology.exposures:
            reach.setdefault(exposure.legacy, Counter())[kinds[exposure.clinical]] += 1
    empty: Counter[str] = Counter()
    return tuple(model.score(d, reach.get(d.address, empty), as_of) for d in devices)
