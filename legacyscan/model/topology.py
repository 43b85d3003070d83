"""Records of the topology stage: segments, reach, exposures and bridges."""

from __future__ import annotations

from dataclasses import dataclass

from legacyscan.model.words import Message


@dataclass(frozen=True)
class Segment:
    name: str
    cidr: str
    members: tuple[str, ...]  # device addresses
    origin: str  # how we know: "scanned-subnet", "snmp-vlan", "snmp-interface", "mapping-file"
    site: str = ""
    zone: str = ""  # zone type from a mapping file, e.g. "biomedical", "guest"
    vlan: int | None = None  # the 802.1Q VLAN that carries it, when SNMP says so


@dataclass(frozen=True)
class Exposure:
    """A legacy device that can reach a clinical device, and why we think so."""

    legacy: str  # address
    clinical: str  # address
    path: tuple[str, ...]  # graph nodes from legacy to clinical
    evidence: Message  # e.g. "same segment 127.42.10.0/24 (no filtering observed)"


@dataclass(frozen=True)
class Reach:
    """The clinical devices one legacy device can reach, counted exactly by kind.

    ``kind`` is ``class/type`` (``medical/infusion-pump``) or the class alone when the
    type is unknown; counts stay exact even when only some exposures are listed.
    """

    address: str
    counts: tuple[tuple[str, int], ...]  # (kind, number of reachable devices), sorted by kind

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class Bridge:
    """A legacy device that links segments (several addresses, or flows into other segments)."""

    address: str
    segments: tuple[str, ...]
    centrality: float  # betweenness in the graph of segments and bridging devices, 0..1
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Topology:
    segments: tuple[Segment, ...]
    exposures: tuple[Exposure, ...]
    mixed_segments: tuple[str, ...]  # segments holding legacy IT and clinical devices
    #: Every legacy -> clinical pair; ``exposures`` may list only the first of them (big
    #: segments hold millions of pairs).  None: ``exposures`` is complete.
    exposure_count: int | None = None
    reach: tuple[Reach, ...] = ()  # one entry per legacy device that reaches a clinical one
    bridges: tuple[Bridge, ...] = ()
    notes: tuple[str, ...] = ()  # assumptions the reader must know, e.g. the scan vantage
    #: (legacy segment, clinical segment, pairs), counted exactly: the report's matrix.
    segment_pairs: tuple[tuple[str, str, int], ...] = ()

    @property
    def total_exposures(self) -> int:
        return len(self.exposures) if self.exposure_count is None else self.exposure_count
