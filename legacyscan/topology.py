"""The network as a networkx graph: devices, the segments they sit in, and what can reach what.

First slice: a segment is the subnet a device was scanned in (/24 for IPv4, /64 for
IPv6), because nothing filters traffic inside a subnet unless something proves it.
Devices and segments are nodes; a ``member-of`` edge carries its evidence.  A legacy
device (past end of security support) that shares a segment with a medical, IoT or
telehealth device is an *exposure*: the path and the evidence are kept for the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import networkx as nx
from netaddr import AddrFormatError, IPNetwork

from legacyscan.model import AssessedDevice, Exposure, Segment, Topology

SEGMENT_PREFIX = {4: 24, 6: 64}


def segment_of(address: str | None) -> str | None:
    """The scanned subnet that holds ``address``, as a CIDR string."""
    if not address:
        return None
    try:
        network = IPNetwork(address)
    except (AddrFormatError, ValueError):
        return None
    network.prefixlen = SEGMENT_PREFIX[network.version]
    return str(network.cidr)


def build_graph(devices: Sequence[AssessedDevice]) -> nx.Graph:
    """Devices and segments as nodes, segment membership as edges with their evidence."""
    graph = nx.Graph()
    for device in devices:
        address = device.address
        if address is None:
            continue
        graph.add_node(
            address,
            kind="device",
            device_class=device.device.device_class,
            legacy=device.is_legacy,
            clinical=device.is_clinical,
        )
        segment = segment_of(address)
        if segment is not None:
            graph.add_node(f"segment:{segment}", kind="segment", cidr=segment)
            graph.add_edge(
                address,
                f"segment:{segment}",
                kind="member-of",
                evidence=f"address {address} is in the scanned subnet {segment}",
            )
    return graph


def analyse(devices: Sequence[AssessedDevice]) -> Topology:
    graph = build_graph(devices)
    by_address = {d.address: d for d in devices if d.address}
    members: dict[str, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data["kind"] == "segment":
            members[data["cidr"]] = sorted(graph.neighbors(node), key=_sort_key)
    segments = tuple(
        Segment(name=cidr, cidr=cidr, members=tuple(addresses), origin="scanned-subnet")
        for cidr, addresses in sorted(members.items(), key=lambda kv: _sort_key(kv[0]))
    )
    exposures: list[Exposure] = []
    mixed: list[str] = []
    for segment in segments:
        legacy = [a for a in segment.members if by_address[a].is_legacy]
        clinical = [a for a in segment.members if by_address[a].is_clinical]
        if any(a not in clinical for a in legacy) and clinical:
            mixed.append(segment.name)
        for source in legacy:
            for target in clinical:
                if source == target:
                    continue
                exposures.append(
                    Exposure(
                        legacy=source,
                        clinical=target,
                        path=tuple(nx.shortest_path(graph, source, target)),
                        evidence=f"same segment {segment.cidr}; "
                        "no filtering between them was observed",
                    )
                )
    return Topology(segments=segments, exposures=tuple(exposures), mixed_segments=tuple(mixed))


def _sort_key(text: str) -> tuple[int, ...]:
    """Sort addresses and CIDRs numerically ('127.42.10.2' before '127.42.10.11')."""
    head = text.split("/")[0]
    try:
        return tuple(IPNetwork(head).ip.words)
    except (AddrFormatError, ValueError):
        return (1 << 20,)
