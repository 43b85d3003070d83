"""The network as a networkx graph: devices, segments, network devices, and what reaches what.

Nodes: devices (by address; ``kind`` "device", or "network-device" for switches and
routers), segments (``segment:NAME``) and LLDP/CDP neighbours we did not scan
(``neighbour:NAME``).  Every edge has ``kinds`` and ``evidence`` (one sentence per kind):

* ``member-of``   device - segment (mapping file, SNMP VLAN or subnet, scanned CIDR);
* ``l2-adjacent`` device - device: one resolved the other's MAC (ARP table) in a shared segment;
* ``mac-on-port`` device - switch: its MAC was learnt on that switch port (forwarding table);
* ``neighbour``   network device - network device (LLDP/CDP);
* ``flow``        client - server: a TCP connection in either side's connection table;
* ``answered-scan`` segment of the scan vantage - device: a service of the device answered.

Reachability, from which the exposures (legacy -> clinical) follow, is kept at segment
level so that a segment of 5,000 devices does not become 25 million edges:

1. devices in one segment reach each other (nothing filters inside a segment);
2. an observed flow: the client reaches the server;
3. every scan runs from one vantage: devices in the vantage's segment reach whatever
   answered the scan.  Without a known vantage this rule is not used (said in ``notes``).

A ``Policy`` (what-if: ACLs, isolated segments or devices) removes reach across segments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import networkx as nx

from legacyscan.messages import message
from legacyscan.model import AssessedDevice, Exposure, Message, Segment, Topology, words
from legacyscan.topology.mapping import SegmentMap
from legacyscan.topology.network import (
    Network,
    Policy,
    mixed_segments,
    sort_key,
)
from legacyscan.topology.reach import bridges, count_reach, iter_reach, segment_pairs
from legacyscan.topology.segments import SegmentResolver, normal_mac, port_name

#: How many exposures a Topology lists; their count stays exact (``exposure_count``).
MAX_LISTED_EXPOSURES = 5000


def _add_edge(
    graph: nx.Graph, a: str, b: str, kind: str, evidence: Message | str, **extra: str
) -> None:
    """An edge of ``kind`` with its evidence per kind (``why``, one message per kind; a text
    is a note already in its words)."""
    why = words(evidence) if isinstance(evidence, str) else evidence
    if graph.has_edge(a, b):
        data = graph.edges[a, b]
        if kind not in data["kinds"]:
            data["kinds"].append(kind)
            data["why"].append(why)
        return
    graph.add_edge(a, b, kind=kind, kinds=[kind], why=[why], **extra)


def _answered(device: AssessedDevice) -> str:
    host = device.device.host
    parts = [f"tcp/{p}" for p in sorted(host.open_ports)]
    if host.snmp is not None:
        parts.append("snmp")
    return ", ".join(parts)


def build_network(
    devices: Sequence[AssessedDevice],
    targets: Sequence[str] = (),
    mapping: SegmentMap | None = None,
    vantage: str = "",
    policy: Policy | None = None,
) -> Network:
    """Place every device, then add the evidence edges that SNMP tables and the scan give."""
    policy = policy or Policy()
    graph = nx.Graph()
    by_address = {d.address: d for d in devices if d.address}
    hosts = [d.device.host for d in by_address.values()]
    resolver = SegmentResolver(hosts, targets, mapping)
    segments: dict[str, Segment] = {}
    members: dict[str, list[str]] = defaultdict(list)
    segments_of: dict[str, tuple[str, ...]] = {}
    isolated = set(policy.isolated_segments)
    for address, device in by_address.items():
        graph.add_node(
            address,
            kind="network-device" if device.device.device_class == "network" else "device",
            device_class=device.device.device_class,
            device_type=device.device.device_type or "",
            legacy=device.is_legacy,
            clinical=device.is_clinical,
            status=device.worst_status,
        )
        if address in policy.isolated_devices:
            name = f"isolated-{address}"
            placed = [(Segment(name, "", (), "what-if"), f"{address} isolated by the what-if")]
            isolated.add(name)
        else:
            placed = [(p.segment, p.evidence) for p in resolver.placements(device)]
        names = []
        for segment, evidence in placed:
            known = segments.setdefault(segment.name, segment)
            cidrs = [c for c in known.cidr.split(", ") if c]
            added = [c for c in segment.cidr.split(", ") if c and c not in cidrs]
            if added:
                # one name for several CIDRs (a mapping file may do that): keep them all
                segments[segment.name] = replace(known, cidr=", ".join(cidrs + added))
            members[segment.name].append(address)
            names.append(segment.name)
            node = f"segment:{segment.name}"
            if node not in graph:
                graph.add_node(node, kind="segment", cidr=segment.cidr, origin=segment.origin)
            _add_edge(graph, address, node, "member-of", evidence)
        segments_of[address] = tuple(names)
    policy = replace(policy, isolated_segments=frozenset(isolated))
    final = {
        name: replace(segment, members=tuple(sorted(members[name], key=sort_key)))
        for name, segment in sorted(segments.items(), key=lambda kv: sort_key(kv[1].cidr or kv[0]))
    }
    network = Network(
        graph=graph,
        devices=by_address,
        segments=final,
        segments_of=segments_of,
        flows=defaultdict(dict),
        answered={a: w for a, d in by_address.items() if (w := _answered(d))},
        vantage=None,
        policy=policy,
    )
    _add_snmp_edges(network, resolver)
    _place_vantage(network, resolver, vantage)
    return network


def _add_snmp_edges(network: Network, resolver: SegmentResolver) -> None:
    graph, devices = network.graph, network.devices
    by_name = {
        d.device.host.snmp.name.lower(): a
        for a, d in devices.items()
        if d.device.host.snmp and d.device.host.snmp.name
    }
    for address, device in devices.items():
        host = device.device.host
        mac = normal_mac(host.mac) or resolver.facts.mac_of_ip.get(address)
        located = resolver.facts.port_of_mac.get(mac or "")
        if located and located[0] in devices and located[0] != address:
            switch, port, vlan = located
            values = {"mac": mac or "", "address": address, "port": port, "switch": switch}
            if vlan is not None:
                why = message("edge.mac_on_port_vlan", vlan=str(vlan), **values)
            else:
                why = message("edge.mac_on_port", **values)
            _add_edge(graph, address, switch, "mac-on-port", why)
            network.attachment[address] = switch
        tables = host.snmp_tables
        if tables is None:
            continue
        for arp in tables.arp:
            peer = arp.address
            if (
                peer in devices
                and peer != address
                and set(network.segments_of[peer]) & set(network.segments_of[address])
            ):
                via = port_name(tables, arp.if_index, None) if arp.if_index is not None else "?"
                _add_edge(
                    graph,
                    address,
                    peer,
                    "l2-adjacent",
                    message("edge.arp", address=address, peer=peer, mac=arp.mac, via=via),
                )
        for neighbour in tables.neighbours:
            known = neighbour.address if neighbour.address in devices else None
            other = known or by_name.get(neighbour.system_name.lower())
            if other is None:
                label = neighbour.system_name or neighbour.chassis_id or "unknown"
                other = f"neighbour:{label}"
                graph.add_node(other, kind="network-device", device_class="network")
            if other != address:
                _add_edge(
                    graph,
                    address,
                    other,
                    "neighbour",
                    message(
                        "edge.neighbour",
                        protocol=neighbour.protocol.upper(),
                        address=address,
                        local=neighbour.local_port,
                        other=neighbour.system_name or neighbour.chassis_id,
                        remote=neighbour.port_id,
                    ),
                )
        listening = {c.local_port for c in tables.connections if c.state == "listen"}
        listening |= host.open_ports
        for conn in tables.connections:
            remote = conn.remote_address
            if conn.state == "listen" or remote not in devices or remote == address:
                continue
            if conn.local_port in listening:
                client, server, service = remote, address, conn.local_port
            else:
                client, server, service = address, remote, conn.remote_port
            values = {"client": client, "server": server, "service": str(service)}
            if conn.state:
                evidence = message("edge.flow", state=conn.state, address=address, **values)
            else:
                evidence = message("edge.flow_seen", address=address, **values)
            network.flows[client].setdefault(server, evidence)
            _add_edge(graph, client, server, "flow", evidence)


def _place_vantage(network: Network, resolver: SegmentResolver, vantage: str) -> None:
    if not vantage:
        network.notes.append(
            "The scan's vantage point is unknown: reach across segments is only inferred "
            "from observed flows, not from what answered the scan."
        )
        return
    name: str | None = vantage if vantage in network.segments else None
    if name is None:
        placement = resolver.place(vantage.split("/")[0])
        name = placement.segment.name if placement else None
    if name is None:
        network.notes.append(f"The scan vantage {vantage!r} names no segment or address.")
        return
    network.vantage = name
    node = f"segment:{name}"
    if node not in network.graph:
        network.graph.add_node(node, kind="segment", cidr="", origin="vantage")
    network.notes.append(
        f"All scans ran from one vantage, segment {name}: devices in that segment are assumed "
        "to reach every service that answered the scan (unless an ACL says otherwise)."
    )
    for address, what in network.answered.items():
        if name not in network.segments_of[address]:
            _add_edge(
                network.graph,
                node,
                address,
                "answered-scan",
                message("edge.answered", what=what, address=address, segment=name),
            )


def build_graph(devices: Sequence[AssessedDevice]) -> nx.Graph:
    """The graph alone, for callers that only want to look at it (GraphML, tests)."""
    return build_network(devices).graph


def analyse(
    devices: Sequence[AssessedDevice],
    targets: Sequence[str] = (),
    mapping: SegmentMap | None = None,
    vantage: str = "",
    policy: Policy | None = None,
    network: Network | None = None,
) -> Topology:
    """Segments, exposures (listed up to a cap, counted exactly), mixed segments, bridges."""
    network = network or build_network(devices, targets, mapping, vantage, policy)
    listed: list[Exposure] = []
    reach = []
    for address in sorted(network.legacy(), key=sort_key):
        counted = count_reach(network, address)
        if counted.total:
            reach.append(counted)
            if len(listed) < MAX_LISTED_EXPOSURES:
                for exposure in iter_reach(network, address):
                    listed.append(exposure)
                    if len(listed) >= MAX_LISTED_EXPOSURES:
                        break
    total = sum(r.total for r in reach)
    return Topology(
        segments=tuple(network.segments.values()),
        exposures=tuple(listed),
        mixed_segments=tuple(mixed_segments(network)),
        exposure_count=total,
        reach=tuple(reach),
        bridges=bridges(network),
        notes=tuple(network.notes),
        segment_pairs=segment_pairs(network),
    )
