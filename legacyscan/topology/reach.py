"""Who reaches whom, counted at segment level and listed lazily.

A segment of 2,000 legacy PCs and 2,000 pumps holds four million legacy -> clinical
pairs: ``count_reach`` counts them exactly from per-segment tallies (O(segments + flows)
per legacy device), and ``iter_reach`` lists them one by one, with path and evidence,
only as far as a caller reads.  ``bridges`` finds the legacy devices that link
segments and ranks them by betweenness centrality in the small graph of segments and
bridging devices (the full graph would cost O(V·E)).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from legacyscan.messages import message, plain
from legacyscan.model import Bridge, Exposure, Message, Reach
from legacyscan.topology.network import Network

#: Above this many nodes, centrality is estimated from a fixed sample of source nodes
#: (networkx's ``k``, seeded so that a report is reproducible): exact betweenness is
#: O(nodes x edges) and took half a minute for 900 bridges on this 2-core machine.
EXACT_CENTRALITY_NODES = 400
SAMPLED_SOURCES = 150
#: Evidence lines kept per bridge (a busy server talks with every segment).
BRIDGE_EVIDENCE = 5


@dataclass
class _Index:
    single: set[str]  # clinical devices in exactly one segment
    multi: list[str]  # clinical devices in several segments (checked one by one)
    seg_clinical: dict[str, Counter[str]]  # single-homed clinical members by kind
    seg_answered: dict[str, Counter[str]]  # ... those that answered the scan
    from_vantage: Counter[str]  # single-homed clinical devices the vantage segment reaches


def _index(network: Network) -> _Index:
    cached = network.cache.get("reach-index")
    if isinstance(cached, _Index):
        return cached
    single: set[str] = set()
    multi: list[str] = []
    seg_clinical: dict[str, Counter[str]] = {name: Counter() for name in network.segments}
    seg_answered: dict[str, Counter[str]] = {name: Counter() for name in network.segments}
    for address, device in network.devices.items():
        if not device.is_clinical:
            continue
        names = network.segments_of[address]
        if len(names) != 1:
            multi.append(address)
            continue
        single.add(address)
        seg_clinical[names[0]][network.kind(address)] += 1
        if address in network.answered:
            seg_answered[names[0]][network.kind(address)] += 1
    from_vantage: Counter[str] = Counter()
    if network.vantage is not None:
        for name, counts in seg_answered.items():
            if network.policy.allows(network.vantage, name):
                from_vantage.update(counts)
    index = _Index(single, multi, seg_clinical, seg_answered, from_vantage)
    network.cache["reach-index"] = index
    return index


def _scan_reaches(network: Network, target: str) -> bool:
    vantage = network.vantage
    return (
        vantage is not None
        and target in network.answered
        and any(network.policy.allows(vantage, t) for t in network.segments_of[target])
    )


def _flow_reaches(network: Network, source: str, target: str) -> bool:
    if target not in network.flows.get(source, {}):
        return False
    return any(
        network.policy.allows(s, t)
        for s in network.segments_of[source]
        for t in network.segments_of[target]
    )


def reaches(network: Network, source: str, target: str) -> bool:
    """Can ``source`` reach ``target`` by any of the three rules (and the policy)?"""
    if source == target:
        return False
    if set(network.segments_of[source]) & set(network.segments_of[target]):
        return True
    scan = network.vantage in network.segments_of[source]
    return (scan and _scan_reaches(network, target)) or _flow_reaches(network, source, target)


def count_reach(network: Network, source: str) -> Reach:
    """The clinical devices ``source`` reaches, counted by kind, exactly."""
    index = _index(network)
    names = network.segments_of[source]
    counts: Counter[str] = Counter()
    for name in names:
        counts.update(index.seg_clinical[name])
    vantage = network.vantage
    if vantage is not None and vantage in names:
        counts.update(index.from_vantage)
        for name in names:  # those members were counted once already, as segment peers
            if network.policy.allows(vantage, name):
                counts.subtract(index.seg_answered[name])
    if source in index.single:
        counts[network.kind(source)] -= 1
    for target in _extra_targets(network, index, source):
        counts[network.kind(target)] += 1
    return Reach(source, tuple(sorted((k, n) for k, n in counts.items() if n > 0)))


def _extra_targets(network: Network, index: _Index, source: str) -> set[str]:
    """Clinical devices ``source`` reaches that segment counts do not cover: those in
    several segments, and single-homed ones reached only through an observed flow."""
    names = network.segments_of[source]
    vantage = network.vantage
    extra = {c for c in index.multi if reaches(network, source, c)}
    for target in network.flows.get(source, {}):
        if target in index.single and target not in extra:
            shares = set(network.segments_of[target]) & set(names)
            scanned = vantage in names and _scan_reaches(network, target)
            if not shares and not scanned and _flow_reaches(network, source, target):
                extra.add(target)
    return extra


def segment_pairs(network: Network) -> tuple[tuple[str, str, int], ...]:
    """Legacy -> clinical pairs counted exactly per (segment of the legacy device, segment
    of the clinical device), each device placed in its first segment as the report shows
    it; the counts add up to the exact total of pairs, whatever the list's cap."""
    index = _index(network)
    counts: Counter[tuple[str, str]] = Counter()
    vantage = network.vantage
    for source in network.legacy():
        names = network.segments_of[source]
        if not names:
            continue
        home = names[0]
        for name in names:
            counts[(home, name)] += sum(index.seg_clinical[name].values())
        if vantage is not None and vantage in names:
            for name, answered in index.seg_answered.items():
                if name not in names and network.policy.allows(vantage, name):
                    counts[(home, name)] += sum(answered.values())
        if source in index.single:
            counts[(home, home)] -= 1
        for target in _extra_targets(network, index, source):
            counts[(home, network.segments_of[target][0])] += 1
    return tuple(sorted((s, t, n) for (s, t), n in counts.items() if n > 0))


def _switch_path(network: Network, source: str, target: str) -> tuple[str, ...] | None:
    first, last = network.attachment.get(source), network.attachment.get(target)
    if first is None or last is None:
        return None
    if first == last:
        return (source, first, target)
    infra = network.cache.get("infrastructure")
    if infra is None:
        nodes = [n for n, d in network.graph.nodes(data=True) if d["kind"] == "network-device"]
        infra = network.cache["infrastructure"] = network.graph.subgraph(nodes)
    try:
        middle = nx.shortest_path(infra, first, last)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None
    return (source, *middle, target)


def _port_evidence(network: Network, path: tuple[str, ...]) -> list[Message]:
    graph = network.graph
    found = []
    for a, b in zip(path, path[1:], strict=False):
        if not graph.has_edge(a, b):
            continue
        edge = graph.edges[a, b]
        for kind in ("mac-on-port", "neighbour"):
            if kind in edge["kinds"]:
                at = edge["kinds"].index(kind)
                found.append(edge["why"][at])
    return found


def _exposure(source: str, target: str, path: tuple[str, ...], why: Message) -> Exposure:
    return Exposure(source, target, path, why)


def iter_reach(network: Network, source: str) -> Iterator[Exposure]:
    """Every clinical device ``source`` reaches, with the path and the evidence, lazily."""
    seen = {source}
    names = network.segments_of[source]
    for name in names:
        segment = network.segments[name]
        for target in segment.members:
            if target in seen or not network.is_clinical(target):
                continue
            seen.add(target)
            path = _switch_path(network, source, target)
            if path is not None:
                via = _port_evidence(network, path)
                why = message("reach.same_segment_via", segment=name, via=via)
            else:
                why = message("reach.same_segment", segment=name)
            yield _exposure(source, target, path or (source, f"segment:{name}", target), why)
    for target, evidence in sorted(network.flows.get(source, {}).items()):
        if target not in seen and network.is_clinical(target):
            if _flow_reaches(network, source, target):
                seen.add(target)
                why = message("reach.flow", flow=evidence)
                yield _exposure(source, target, (source, target), why)
    vantage = network.vantage
    if vantage is None or vantage not in names:
        return
    for name, segment in network.segments.items():
        if not network.policy.allows(vantage, name):
            continue
        for target in segment.members:
            if target in seen or not network.is_clinical(target):
                continue
            if target not in network.answered:
                continue
            seen.add(target)
            why = message(
                "reach.vantage",
                source=source,
                vantage=vantage,
                what=network.answered[target],
                target=target,
                segment=name,
            )
            yield _exposure(source, target, (source, f"segment:{vantage}", target), why)


def _some(texts: list[str]) -> tuple[str, ...]:
    unique = list(dict.fromkeys(texts))
    if len(unique) <= BRIDGE_EVIDENCE:
        return tuple(unique)
    return (*unique[:BRIDGE_EVIDENCE], f"and {len(unique) - BRIDGE_EVIDENCE} more")


def bridges(network: Network) -> tuple[Bridge, ...]:
    """Legacy devices linking segments, by betweenness in the segment/bridge graph."""
    small = nx.Graph()
    evidence: dict[str, list[str]] = {}
    for address, names in network.segments_of.items():
        if len(names) > 1:
            for name in names:
                small.add_edge(address, f"segment:{name}")
            evidence.setdefault(address, []).append(
                f"has addresses in {len(names)} segments: {', '.join(names)}"
            )
    for client, servers in network.flows.items():
        for server, text in servers.items():
            for a, b in ((client, server), (server, client)):
                others = set(network.segments_of[b]) - set(network.segments_of[a])
                for name in sorted(others):
                    for own in network.segments_of[a]:
                        small.add_edge(a, f"segment:{own}")
                    small.add_edge(a, f"segment:{name}")
                    evidence.setdefault(a, []).append(f"talks with segment {name}: {plain(text)}")
    if small.number_of_nodes() == 0:
        return ()
    if small.number_of_nodes() <= EXACT_CENTRALITY_NODES:
        centrality = nx.betweenness_centrality(small, normalized=True)
    else:
        centrality = nx.betweenness_centrality(small, k=SAMPLED_SOURCES, normalized=True, seed=7)
    found = [
        Bridge(
            address=address,
            segments=tuple(sorted({n.removeprefix("segment:") for n in small.neighbors(address)})),
            centrality=round(float(centrality.get(address, 0.0)), 4),
            evidence=_some(texts),
        )
        for address, texts in evidence.items()
        if network.is_legacy(address)
    ]
    return tuple(sorted(found, key=lambda b: (-b.centrality, b.address)))


def reached_clinical(network: Network) -> set[str]:
    """Clinical devices that at least one legacy device (other than themselves) reaches."""
    legacy_in: dict[str, list[str]] = {}
    for address in network.legacy():
        for name in network.segments_of[address]:
            legacy_in.setdefault(name, []).append(address)
    vantage = network.vantage
    vantage_has_legacy = vantage is not None and bool(legacy_in.get(vantage))
    reached: set[str] = set()
    for address, device in network.devices.items():
        if not device.is_clinical:
            continue
        for name in network.segments_of[address]:
            if any(other != address for other in legacy_in.get(name, ())):
                reached.add(address)
                break
        else:
            if vantage_has_legacy and _scan_reaches(network, address):
                if any(other != address for other in legacy_in[vantage or ""]):
                    reached.add(address)
    for source in network.legacy():
        for target in network.flows.get(source, {}):
            if network.is_clinical(target) and _flow_reaches(network, source, target):
                reached.add(target)
    return reached
