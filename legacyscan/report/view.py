"""What every report format shows, computed once from an Assessment, in no language.

The HTML page, the CSV files, the XLSX workbook and the GraphML graph all read this
view, so that a figure in the spreadsheet is the figure in the page.  Words are added
later by :mod:`legacyscan.report.i18n`; here there are only values.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from legacyscan.collect.scope import target_set
from legacyscan.lifecycle.horizon import eol_horizon
from legacyscan.messages import plain
from legacyscan.model import (
    DEVICE_CLASSES,
    AssessedDevice,
    Assessment,
    DeviceRisk,
    HorizonEntry,
    Message,
    PassDecision,
    ScanMeta,
    Segment,
    SegmentRisk,
)
from legacyscan.topology.network import segment_of

#: Up to this many targets, the cover lists them; beyond, it summarises them.
SCOPE_LISTED = 4

STATUS_ORDER: tuple[str, ...] = ("eol", "extended", "unknown", "supported")
LEVEL_ORDER: tuple[str, ...] = ("critical", "high", "medium", "low")
#: Horizons (months after the as-of date) drawn when the risk stage gave none.


@dataclass(frozen=True)
class Sentence:
    """A model's sentence in a table cell: its message (page, XLSX), in plain English for
    CSV and GraphML."""

    message: Message

    @property
    def plain(self) -> str:
        return plain(self.message)


@dataclass(frozen=True)
class Cover:
    """Who the report is for and by whom: from ``--client/--site/--author`` or a config file."""

    client: str = ""
    site: str = ""
    author: str = ""
    scope: str = ""  # free text overriding the scanned targets, e.g. "Bâtiment B, VLANs 10-40"
    generated: dt.date | None = None


@dataclass(frozen=True)
class DeviceRow:
    """One device as the tables show it."""

    index: int
    device: AssessedDevice
    segment: str | None
    risk: DeviceRisk | None

    @property
    def address(self) -> str:
        return self.device.address or ", ".join(self.device.device.host.sources) or "?"

    @property
    def score(self) -> float:
        return self.risk.score if self.risk else 0.0

    @property
    def level(self) -> str:
        return self.risk.level if self.risk else ""

    @property
    def main_identity(self) -> str:
        """The identity a reader looks for first: the OS or firmware, else the first one."""
        items = self.device.identities
        if not items:
            return ""
        chosen = next((a for a in items if a.identity.kind in ("os", "firmware")), items[0])
        i = chosen.identity
        return " ".join(p for p in (i.vendor, i.product, i.version or "") if p)

    @property
    def eol_date(self) -> dt.date | None:
        dates = [
            a.lifecycle.eol_date
            for a in self.device.identities
            if a.lifecycle.eol_date and a.lifecycle.status == self.device.worst_status
        ]
        return min(dates) if dates else None

    @property
    def known_exploited(self) -> tuple[str, ...]:
        return tuple(
            sorted({cve for a in self.device.identities for cve in a.lifecycle.known_exploited})
        )


@dataclass(frozen=True)
class ScopeSummary:
    """The scanned targets counted for the cover: how many ranges, how many addresses."""

    targets: tuple[str, ...]
    addresses: int  # addresses the ranges and single addresses hold (names count one)

    @property
    def listed(self) -> bool:
        """Few enough to be written out on the cover."""
        return len(self.targets) <= SCOPE_LISTED


def summarise_scope(targets: tuple[str, ...]) -> ScopeSummary:
    covered, others = target_set(targets)  # a host name counts as one address
    return ScopeSummary(targets, covered.size + len(others))


@dataclass(frozen=True)
class SegmentView:
    segment: Segment
    members: tuple[int, ...]  # device indexes
    legacy: int
    clinical: int
    risk: SegmentRisk | None
    mixed: bool


@dataclass
class ReportView:
    assessment: Assessment
    cover: Cover
    rows: list[DeviceRow] = field(default_factory=list)
    segments: list[SegmentView] = field(default_factory=list)
    #: (legacy device index, clinical device index, evidence)
    reach: list[tuple[int, int, Sentence]] = field(default_factory=list)
    #: Segments left out because no device sits in them first (``show_empty_segments``
    #: keeps them): a router's interface in a subnet nothing else was found in.
    hidden_segments: int = 0

    @property
    def meta(self) -> ScanMeta:
        return self.assessment.meta

    @cached_property
    def scope(self) -> ScopeSummary:
        return summarise_scope(self.meta.targets)

    @cached_property
    def legacy_count(self) -> int:
        return sum(1 for r in self.rows if r.device.is_legacy)

    @cached_property
    def clinical_count(self) -> int:
        return sum(1 for r in self.rows if r.device.is_clinical)

    @cached_property
    def exposed_clinical(self) -> int:
        return len({c for _, c, _ in self.reach})

    @cached_property
    def not_scanned_count(self) -> int:
        """Devices only other devices' tables show (ARP, forwarding): never sent a packet."""
        return sum(1 for r in self.rows if not r.device.device.host.scanned)

    @cached_property
    def second_pass_sent(self) -> list[PassDecision]:
        """The hosts the second pass sent scripts to, in address order of the scan."""
        return [d for d in self.meta.second_pass if d.scripts]

    @cached_property
    def second_pass_held(self) -> list[tuple[str, int]]:
        """How many hosts of each class the second pass sent nothing, most first."""
        held = Counter(d.device_class for d in self.meta.second_pass if not d.scripts)
        return sorted(held.items(), key=lambda item: (-item[1], item[0]))

    @cached_property
    def kev_count(self) -> int:
        return sum(1 for r in self.rows if r.known_exploited)

    @cached_property
    def statuses(self) -> list[tuple[str, int]]:
        counts: Counter[str] = Counter(r.device.worst_status for r in self.rows)
        return [(s, counts.get(s, 0)) for s in STATUS_ORDER]

    @cached_property
    def levels(self) -> list[tuple[str, int]]:
        counts = Counter(r.level for r in self.rows if r.risk)
        return [(lvl, counts.get(lvl, 0)) for lvl in LEVEL_ORDER]

    @cached_property
    def classes(self) -> list[tuple[str, int]]:
        counts = Counter(r.device.device.device_class for r in self.rows)
        return [(c, counts[c]) for c in DEVICE_CLASSES if counts.get(c)]

    @cached_property
    def unidentified(self) -> list[DeviceRow]:
        return [
            r
            for r in self.rows
            if not r.device.identities or r.device.device.device_class == "unknown"
        ]

    @cached_property
    def matrix(self) -> tuple[list[str], dict[tuple[str, str], int]]:
        """Segments with legacy systems or clinical devices, and legacy→clinical pair counts."""
        counts: Counter[tuple[str, str]] = Counter()
        exact = self.assessment.topology.segment_pairs
        for source, target, pairs in exact:  # exact, whatever the cap on the listed pairs
            counts[(source, target)] += pairs
        if not exact:  # a topology made by hand lists every pair it has
            for legacy, clinical, _ in self.reach:
                src, dst = self.rows[legacy].segment, self.rows[clinical].segment
                if src and dst:
                    counts[(src, dst)] += 1
        names = [s.segment.name for s in self.segments if s.legacy or s.clinical]
        return names, dict(counts)

    @cached_property
    def horizon(self) -> tuple[list[HorizonEntry], bool]:
        """(entries, given): the risk stage's horizon, else one derived from the EOL dates."""
        given = list(self.assessment.horizon)
        if given:
            return sorted(given, key=lambda h: h.months), True
        # An assessment made by hand: the lifecycle stage's horizon, same windows as the model.
        return list(eol_horizon(self.assessment.devices, self.meta.as_of)), False

    @cached_property
    def coverage(self) -> dict[str, int]:
        hosts = [r.device.device.host for r in self.rows]
        return {
            "devices": len(self.rows),
            "identified": sum(1 for r in self.rows if r.device.identities),
            "with_snmp": sum(1 for h in hosts if h.snmp is not None),
            "with_services": sum(1 for h in hosts if h.services),
            "with_lifecycle": sum(
                1 for r in self.rows if r.device.worst_status in ("eol", "extended", "supported")
            ),
            "silent": self.meta.silent_addresses,
            "errors": len(self.meta.errors),
        }


def build_view(
    assessment: Assessment, cover: Cover | None = None, show_empty_segments: bool = False
) -> ReportView:
    """Rows highest risk first, segments with their members and the reach between devices.

    A segment none of whose devices has it as its main segment (only a router's interface
    sits there) is left out, and counted in ``hidden_segments``, unless asked for."""
    view = ReportView(assessment, cover or Cover())
    segment_by_address: dict[str, str] = {}
    for segment in assessment.topology.segments:
        for member in segment.members:
            segment_by_address.setdefault(member, segment.name)
    ordered = sorted(
        assessment.devices,
        key=lambda d: (
            -(r.score if (r := assessment.risk_of(d.address)) else 0.0),
            d.address or "",
        ),
    )
    for index, device in enumerate(ordered):
        address = device.address
        where = segment_by_address.get(address or "") or segment_of(address)
        view.rows.append(DeviceRow(index, device, where, assessment.risk_of(address)))
    index_of = {r.device.address: r.index for r in view.rows if r.device.address}
    members: dict[str, list[int]] = defaultdict(list)
    for row in view.rows:
        if row.segment:
            members[row.segment].append(row.index)
    risks = {r.segment: r for r in assessment.segment_risks}
    mixed = set(assessment.topology.mixed_segments)
    for segment in assessment.topology.segments:
        indexes = tuple(members.get(segment.name, ()))
        if not indexes and not show_empty_segments:
            view.hidden_segments += 1
            continue
        view.segments.append(
            SegmentView(
                segment=segment,
                members=indexes,
                legacy=sum(1 for i in indexes if view.rows[i].device.is_legacy),
                clinical=sum(1 for i in indexes if view.rows[i].device.is_clinical),
                risk=risks.get(segment.name),
                mixed=segment.name in mixed,
            )
        )
    for exposure in assessment.topology.exposures:
        source, target = index_of.get(exposure.legacy), index_of.get(exposure.clinical)
        if source is not None and target is not None:
            why = Sentence(exposure.evidence)
            view.reach.append((source, target, why))
    return view
