"""Risk scores that explain themselves: each score is the sum of named factors.

The weights are data (``fingerprints/risk.yaml``) and are printed in the report.  A
device scores for its lifecycle (and years past end of support), for the risky
services it exposes, and, when it is legacy, for the clinical devices it can reach.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from legacyscan.model import AssessedDevice, DeviceRisk, RiskFactor, Topology
from legacyscan.paths import fingerprints_dir


@dataclass(frozen=True)
class RiskModel:
    weights: dict[str, Any]

    @classmethod
    def load(cls, path: Path | None = None) -> RiskModel:
        path = path or fingerprints_dir() / "risk.yaml"
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def level(self, score: float) -> str:
        for name, threshold in self.weights["levels"].items():
            if score >= threshold:
                return str(name)
        return "low"

    def score(
        self,
        device: AssessedDevice,
        reachable_classes: Counter[str],
        as_of: dt.date,
    ) -> DeviceRisk:
        w = self.weights
        factors: list[RiskFactor] = []
        status = device.worst_status
        status_words = {
            "eol": "no longer receives security updates",
            "extended": "receives security updates only through a paid extension",
            "unknown": "support status could not be established",
            "supported": "is supported",
        }
        if w["lifecycle"][status]:
            factors.append(
                RiskFactor(
                    "lifecycle", w["lifecycle"][status], f"its software {status_words[status]}"
                )
            )
        ends = [
            a.lifecycle.eol_date
            for a in device.identities
            if a.lifecycle.status in ("eol", "extended") and a.lifecycle.eol_date
        ]
        if ends:
            years = (as_of - min(ends)).days // 365
            points = min(years * w["years_past_eol"]["per_year"], w["years_past_eol"]["max"])
            if points:
                factors.append(
                    RiskFactor("years-past-eol", points, f"{years} years past the end of support")
                )
        exposure_points = 0
        reasons: list[str] = []
        for port in sorted(device.device.host.open_ports):
            entry = w["exposure"].get(port)
            if entry:
                exposure_points += entry["points"]
                reasons.append(f"port {port}: {entry['reason']}")
        exposure_points = min(exposure_points, w["exposure_max"])
        if exposure_points:
            factors.append(RiskFactor("exposure", exposure_points, "; ".join(reasons)))
        if device.is_legacy and reachable_classes:
            per = w["blast_radius"]["per_device"]
            points = sum(per.get(c, 0) * n for c, n in reachable_classes.items())
            points = min(points, w["blast_radius"]["max"])
            described = ", ".join(f"{n} {c}" for c, n in sorted(reachable_classes.items()))
            if points:
                factors.append(
                    RiskFactor("blast-radius", points, f"can reach {described} device(s) directly")
                )
        total = float(sum(f.points for f in factors))
        return DeviceRisk(device.address, total, self.level(total), tuple(factors))


def score_all(
    devices: tuple[AssessedDevice, ...],
    topology: Topology,
    as_of: dt.date,
    model: RiskModel | None = None,
) -> tuple[DeviceRisk, ...]:
    model = model or RiskModel.load()
    classes = {d.address: d.device.device_class for d in devices}
    reach: dict[str | None, Counter[str]] = {d.address: Counter() for d in devices}
    for exposure in topology.exposures:
        reach[exposure.legacy][classes[exposure.clinical]] += 1
    return tuple(model.score(d, reach[d.address], as_of) for d in devices)
