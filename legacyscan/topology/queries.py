"""The questions the graph answers, as a small API for the CLI, the report and scripts.

* ``exposures``: which legacy systems can reach which medical, IoT and telehealth
  devices, by which path, on what evidence (lazily: a flat network holds millions);
* ``mixed_segments``: which segments mix legacy IT with clinical devices;
* ``bridges``: which legacy systems link segments, ranked by centrality.

``legacyscan.assess.open_scan`` gives the network of a stored scan.json.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from legacyscan.model import Assessment, Bridge, Exposure
from legacyscan.topology.network import Network, sort_key
from legacyscan.topology.reach import iter_reach


@dataclass(frozen=True)
class MixedSegment:
    """A segment where legacy IT sits next to clinical devices."""

    name: str
    cidr: str
    site: str
    zone: str
    legacy_it: tuple[str, ...]  # legacy devices that are not clinical devices
    clinical: tuple[str, ...]


def exposures(network: Network, legacy: str | None = None) -> Iterator[Exposure]:
    """Every legacy -> clinical pair, with path and evidence, legacy devices in address order."""
    sources = [legacy] if legacy else sorted(network.legacy(), key=sort_key)
    for source in sources:
        if source not in network.devices:
            return
        yield from iter_reach(network, source)


def first_exposures(network: Network, limit: int | None) -> list[Exposure]:
    return list(itertools.islice(exposures(network), limit))


def mixed_segments(network: Network) -> list[MixedSegment]:
    found = []
    for name, segment in network.segments.items():
        members = [network.devices[a] for a in segment.members]
        legacy_it = tuple(d.address or "" for d in members if d.is_legacy and not d.is_clinical)
        clinical = tuple(d.address or "" for d in members if d.is_clinical)
        if legacy_it and clinical:
            found.append(
                MixedSegment(name, segment.cidr, segment.site, segment.zone, legacy_it, clinical)
            )
    return found


def bridges(assessment: Assessment) -> tuple[Bridge, ...]:
    return assessment.topology.bridges
