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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from legacyscan.errors import UserError
from legacyscan.model import AssessedDevice, DeviceRisk, Host, RiskFactor, Topology
from legacyscan.paths import fingerprints_dir

STATUS_WORDS = {
    "eol": "no longer receives security updates",
    "extended": "receives security updates only through a paid extension",
    "unknown": "support status could not be established",
    "supported": "is supported",
}


class RiskModelError(UserError, ValueError):
    """A risk weights file we cannot use."""


@dataclass(frozen=True)
class RiskModel:
    weights: dict[str, Any]

    @classmethod
    def load(cls, path: Path | None = None) -> RiskModel:
        path = path or fingerprints_dir() / "risk.yaml"
        try:
            weights = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RiskModelError(f"{path}: cannot read the risk weights ({exc})") from exc
        if not isinstance(weights, dict) or "lifecycle" not in weights:
            raise RiskModelError(f"{path}: not a risk weights file")
        return cls(weights)

    def level(self, score: float) -> str:
        for name, threshold in self.weights["levels"].items():
            if score >= threshold:
                return str(name)
        return "low"

    def device_points(self, kind: str) -> float:
        """Blast-radius points of one reachable device of ``kind`` (``class/type`` or class)."""
        per = self.weights["blast_radius"]["per_device"]
        device_class, _, device_type = kind.partition("/")
        value = per.get(device_type) if device_type else None
        if value is None:
            value = per.get(device_class, 0)
        return float(value)

    def is_life_sustaining(self, kind: str) -> bool:
        return kind.partition("/")[2] in self.weights["blast_radius"]["life_sustaining"]

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
        w = self.weights
        status = device.worst_status
        factors = []
        if w["lifecycle"][status]:
            factors.append(
                RiskFactor(
                    "lifecycle",
                    float(w["lifecycle"][status]),
                    f"its software {STATUS_WORDS[status]}",
                )
            )
        ends = [
            a.lifecycle.eol_date
            for a in device.identities
            if a.lifecycle.status in ("eol", "extended") and a.lifecycle.eol_date
        ]
        if ends:
            years = max(0, (as_of - min(ends)).days // 365)
            per_year, cap = w["years_past_eol"]["per_year"], w["years_past_eol"]["max"]
            points = min(years * per_year, cap)
            if points:
                capped = f" (capped at {cap})" if years * per_year > cap else ""
                factors.append(
                    RiskFactor(
                        "years-past-eol",
                        float(points),
                        f"{years} full years past the end of support, {per_year} points "
                        f"a year{capped}",
                    )
                )
        return factors

    def _known_exploited(self, device: AssessedDevice) -> list[RiskFactor]:
        cves = sorted({c for a in device.identities for c in a.lifecycle.known_exploited})
        if not cves:
            return []
        w = self.weights["known_exploited"]
        points = min(len(cves) * w["per_cve"], w["max"])
        shown = ", ".join(cves[:5]) + (f" and {len(cves) - 5} more" if len(cves) > 5 else "")
        return [
            RiskFactor(
                "known-exploited",
                float(points),
                f"{len(cves)} vulnerabilities of its software are being exploited by "
                f"attackers (CISA KEV catalog: {shown})",
            )
        ]

    def _exposure(self, host: Host) -> list[RiskFactor]:
        w = self.weights
        points = 0.0
        reasons: list[str] = []
        for service in sorted(host.services, key=lambda s: s.port):
            entry = w["exposure"].get(service.port)
            if not entry or service.state != "open" or service.protocol != "tcp":
                continue
            if entry.get("tls_ok") and service.tunnel == "ssl":
                continue
            points += entry["points"]
            reasons.append(f"port {service.port}: {entry['reason']}")
        snmp = w.get("snmp_default_community")
        if snmp and is_default_community(host.snmp_credential, snmp["communities"]):
            points += snmp["points"]
            reasons.append(f"SNMP: {snmp['reason']}")
        if not points:
            return []
        cap = w["exposure_max"]
        if points > cap:
            reasons.append(f"capped at {cap}")
        return [RiskFactor("exposure", float(min(points, cap)), "; ".join(reasons))]

    def _blast_radius(
        self, device: AssessedDevice, reachable: Mapping[str, int]
    ) -> list[RiskFactor]:
        if not device.is_legacy:
            return []
        parts = []
        points = 0.0
        for kind, count in sorted(reachable.items(), key=lambda kv: -self.device_points(kv[0])):
            each = self.device_points(kind)
            if count <= 0 or not each:
                continue
            points += each * count
            label = kind.replace("/", " ")
            if self.is_life_sustaining(kind):
                label += ", life-sustaining"
            parts.append(f"{count} {label} ({each:g} points each)")
        if not points:
            return []
        cap = self.weights["blast_radius"]["max"]
        capped = f", capped at {cap}" if points > cap else ""
        return [
            RiskFactor(
                "blast-radius",
                float(min(points, cap)),
                f"a legacy system that can reach {'; '.join(parts)}{capped}",
            )
        ]


_WORD = re.compile(r"[^0-9a-z]+")


def is_default_community(label: str | None, communities: list[str]) -> bool:
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
        kinds = {d.address: _kind(d) for d in devices}
        for exposure in topology.exposures:
            reach.setdefault(exposure.legacy, Counter())[kinds[exposure.clinical]] += 1
    empty: Counter[str] = Counter()
    return tuple(model.score(d, reach.get(d.address, empty), as_of) for d in devices)


def _kind(device: AssessedDevice) -> str:
    ident = device.device
    return f"{ident.device_class}/{ident.device_type}" if ident.device_type else ident.device_class
