"""The whole result of a scan: its metadata, the stage records, the trend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from legacyscan.model.ai import AiServiceFinding
from legacyscan.model.collect import CollectError, PassDecision
from legacyscan.model.lifecycle import AssessedDevice
from legacyscan.model.plan import HorizonEntry, Plan
from legacyscan.model.risk import DeviceRisk, RiskFactor, SegmentRisk
from legacyscan.model.topology import Topology


@dataclass(frozen=True)
class ScanMeta:
    as_of: dt.date
    started: str  # ISO timestamp
    finished: str
    targets: tuple[str, ...]
    command_lines: tuple[str, ...] = ()
    tool_versions: tuple[tuple[str, str], ...] = ()
    legacyscan_version: str = ""
    silent_addresses: int = 0
    errors: tuple[CollectError, ...] = ()
    profile: str = ""  # scan profile name, e.g. "clinical-safe"
    site: str = ""
    vantage: str = ""  # where the scanner stood, e.g. "datacentre-vlan-5"
    #: The second pass: what was sent to whom after the first, and why (one per host).
    second_pass: tuple[PassDecision, ...] = ()
    #: The AI-service probe (``collect/http/``): who was sent read-only GETs, and why.
    ai_probes: tuple[PassDecision, ...] = ()


@dataclass(frozen=True)
class Trend:
    """Change since the previous comparable scan, from the inventory's diff.

    Comparable: a finished scan of the same site whose scope shares at least half of the
    addresses of each scope (``inventory.diff.comparable``).  The report's "since the previous
    scan" box and the line ``legacyscan scan`` prints, both saying which scan and why.
    """

    previous_scan: int
    previous_started: str
    current_scan: int
    devices_before: int
    devices_now: int
    new_devices: int
    gone_devices: int
    version_changes: int
    newly_eol: int
    new_exposures: int
    risk_before: float
    risk_after: float
    site: str = ""
    common_addresses: int = 0  # addresses both scopes cover
    scope_addresses: int = 0  # addresses this scan's scope covers
    same_scope: bool = False

    @property
    def risk_delta(self) -> float:
        return round(self.risk_after - self.risk_before, 2)


@dataclass(frozen=True)
class Provenance:
    """The knowledge and settings the verdicts were made with.

    A report renders its method section from this, never from the files installed
    today: an audit deliverable shows the numbers the verdict was made with.
    ``rejudged_from`` names the knowledge of the original scan when a stored scan was
    assessed again (``legacyscan report --reassess``).
    """

    knowledge: str  # digest of the rules, tables and EOL records ("fingerprints-3f2a...")
    rules: int
    eol_records: int
    eol_checked: dt.date | None  # the most recent check date among the EOL records
    as_of: dt.date
    judged: str  # ISO timestamp of the assessment
    weights: dict[str, Any]  # the risk weights, as read from risk.yaml (or the user's)
    costs: dict[str, Any] | None = None  # the cost model a plan was computed with
    rejudged_from: str = ""


@dataclass(frozen=True)
class Assessment:
    """Everything a report needs: devices with their verdicts, topology and scores."""

    meta: ScanMeta
    devices: tuple[AssessedDevice, ...]
    topology: Topology
    risks: tuple[DeviceRisk, ...] = field(default=())
    segment_risks: tuple[SegmentRisk, ...] = ()
    network_score: float | None = None  # the whole network's segmentation score
    network_factors: tuple[RiskFactor, ...] = ()  # its parts; they add up to network_score
    plan: Plan | None = None
    horizon: tuple[HorizonEntry, ...] = ()
    trend: Trend | None = None  # set when the scan was recorded after an earlier one
    provenance: Provenance | None = None  # None only for scans stored before schema 2
    #: Self-hosted AI services the scan found, with their exposure (``risk/ai_exposure.py``).
    ai_services: tuple[AiServiceFinding, ...] = ()

    @cached_property
    def _risk_by_address(self) -> dict[str | None, DeviceRisk]:
        return {risk.address: risk for risk in self.risks}

    def risk_of(self, address: str | None) -> DeviceRisk | None:
        # Called once per device by the renderers: a dict, not a scan of every risk.
        return self._risk_by_address.get(address)
