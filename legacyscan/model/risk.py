"""Records of the risk stage: device and segment scores with the factors that make them."""

from __future__ import annotations

from dataclasses import dataclass

from legacyscan.model.words import Message


@dataclass(frozen=True)
class RiskFactor:
    name: str  # "lifecycle", "exposure", "blast-radius"
    points: float
    explanation: Message  # in words a manager understands


@dataclass(frozen=True)
class DeviceRisk:
    address: str | None
    score: float
    level: str  # "critical" | "high" | "medium" | "low"
    factors: tuple[RiskFactor, ...]


@dataclass(frozen=True)
class SegmentRisk:
    """A segment's score: mostly its mix of legacy systems and clinical devices."""

    segment: str
    score: float
    level: str
    legacy_count: int
    clinical_count: int
    factors: tuple[RiskFactor, ...]
