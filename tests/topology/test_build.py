"""The graph's typed edges with evidence, reachability, exposures counted exactly, bridges."""

from __future__ import annotations

import pytest
from builders import device, legacy_pc, meta, pump

from legacyscan.messages import plain
from legacyscan.model import (
    ArpEntry,
    ForwardingEntry,
    Interface,
    InterfaceAddress,
    Neighbour,
    SnmpTables,
    TcpConnection,
)
from legacyscan.risk.evaluate import evaluate
from legacyscan.topology import build as topology
from legacyscan.topology.build import analyse, build_network
from legacyscan.topology.network import Policy
from legacyscan.topology.reach import count_reach, iter_reach

ACCESS = SnmpTables(
    interfaces=(Interface(1, name="Gi0/1"), Interface(2, name="Gi0/2"), Interface(48, "Gi0/48")),
    forwarding=(
        ForwardingEntry("02:00:00:00:00:10", if_index=1, vlan=10),
        ForwardingEntry("02:00:00:00:00:11", if_index=2, vlan=10),
    ),
    neighbours=(
        Neighbour("cdp", "Gi0/48", "core-chassis", "Gi1/0/7", "CORE", address="127.50.0.1"),
    ),
)  # fmt: skip
CORE = SnmpTables(
    neighbours=(
        Neighbour("lldp", "Gi1/0/7", "access-chassis", "Gi0/48", "ACCESS"),
        Neighbour("lldp", "Gi1/0/9", "fw-chassis", "eth1", "FIREWALL-NOT-SCANNED"),
    ),
)


def test_l2_path_through_the_switch_with_port_evidence() -> None:
    net = build_network([
        device("127.50.0.2", "network", sys_name="ACCESS", tables=ACCESS),
        device("127.50.0.1", "network", sys_name="CORE", tables=CORE),
        legacy_pc("127.50.10.10", mac="02:00:00:00:00:10"),
        pump("127.50.10.11", mac="02:00:00:00:00:11"),
    ])  # fmt: skip
    (exposure,) = iter_reach(net, "127.50.10.10")
    assert exposure.path == ("127.50.10.10", "127.50.0.2", "127.50.10.11")
    assert "same segment vlan-10" in plain(exposure.evidence)
    assert "port Gi0/1 in VLAN 10" in plain(exposure.evidence)
    assert "port Gi0/2 in VLAN 10" in plain(exposure.evidence)
    # CDP from the access switch names the core by address, LLDP from the core by name
    edge = net.graph.edges["127.50.0.2", "127.50.0.1"]
    assert edge["kinds"] == ["neighbour"]
    assert plain(edge["why"][0]).startswith("CDP: 127.50.0.2 port Gi0/48 sees CORE")
    assert net.graph.nodes["neighbour:FIREWALL-NOT-SCANNED"]["kind"] == "network-device"
    assert net.graph.nodes["127.50.0.1"]["kind"] == "network-device"


def test_arp_entries_are_l2_adjacency_inside_a_segment_only() -> None:
    tables = SnmpTables(
        arp=(
            ArpEntry("127.51.1.20", "02:00:00:00:01:20", 3),
            ArpEntry("127.51.2.20", "02:00:00:00:02:20", 4),  # another segment: not L2
        )
    )
    net = build_network(
        [legacy_pc("127.51.1.10", tables=tables), pump("127.51.1.20"), pump("127.51.2.20")]
    )
    edge = net.graph.edges["127.51.1.10", "127.51.1.20"]
    assert edge["kind"] == "l2-adjacent"
    assert "resolved 127.51.1.20 to MAC 02:00:00:00:01:20" in plain(edge["why"][0])
    assert not net.graph.has_edge("127.51.1.10", "127.51.2.20")


def _flows() -> list[object]:
    # the legacy PC (client) talks to the pump's web server; the pump's own table agrees
    pc_tables = SnmpTables(
        connections=(
            TcpConnection("127.52.1.10", 49200, "127.52.2.20", 80, "established"),
            TcpConnection("127.52.1.10", 445, "0.0.0.0", 0, "listen"),
            TcpConnection("127.52.1.10", 445, "127.52.2.21", 51000, "established"),
        )
    )
    return [
        legacy_pc("127.52.1.10", tables=pc_tables, ports=(445,)),
        pump("127.52.2.20", ports=(80,)),
        device("127.52.2.21", "iot", "camera"),
    ]


def test_flows_know_client_and_server() -> None:
    net = build_network(_flows())  # type: ignore[arg-type]
    assert set(net.flows["127.52.1.10"]) == {"127.52.2.20"}
    assert set(net.flows["127.52.2.21"]) == {"127.52.1.10"}  # it connected to the PC's SMB
    (exposure,) = iter_reach(net, "127.52.1.10")
    assert exposure.clinical == "127.52.2.20"
    assert exposure.path == ("127.52.1.10", "127.52.2.20")
    assert "TCP connection 127.52.1.10 -> 127.52.2.20:80 (established)" in plain(exposure.evidence)
    assert net.graph.edges["127.52.1.10", "127.52.2.20"]["kind"] == "flow"


def test_an_acl_stops_a_flow_across_segments() -> None:
    net = build_network(
        _flows(),  # type: ignore[arg-type]
        policy=Policy(blocked=frozenset({("127.52.1.0/24", "127.52.2.0/24")})),
    )
    assert list(iter_reach(net, "127.52.1.10")) == []
    assert count_reach(net, "127.52.1.10").total == 0


def test_without_a_vantage_the_scan_gives_no_reach_and_says_so() -> None:
    topo = analyse([legacy_pc("127.53.1.10", ports=(445,)), pump("127.53.2.20", ports=(80,))])
    assert topo.exposures == ()
    assert topo.exposure_count == 0
    assert any("vantage point is unknown" in note for note in topo.notes)


def test_from_the_vantage_segment_every_answering_service_is_reached() -> None:
    devices = [
        legacy_pc("127.53.1.10", ports=(445,)),
        pump("127.53.2.20", ports=(80,)),
        pump("127.53.3.30"),  # answered nothing: not reached across segments
        legacy_pc("127.53.4.40", ports=(3389,)),  # not in the vantage segment
    ]
    net = build_network(devices, vantage="127.53.1.0/24")
    assert net.vantage == "127.53.1.0/24"
    (exposure,) = iter_reach(net, "127.53.1.10")
    assert exposure.path == ("127.53.1.10", "segment:127.53.1.0/24", "127.53.2.20")
    assert "tcp/80 of 127.53.2.20 (segment 127.53.2.0/24) answered the scan" in plain(
        exposure.evidence
    )
    assert list(iter_reach(net, "127.53.4.40")) == []
    edge = net.graph.edges["segment:127.53.1.0/24", "127.53.2.20"]
    assert edge["kind"] == "answered-scan"
    assert any("one vantage" in note for note in net.notes)
    isolated = build_network(
        devices,
        vantage="127.53.1.10",
        policy=Policy(isolated_segments=frozenset({"127.53.2.0/24"})),
    )
    assert list(iter_reach(isolated, "127.53.1.10")) == []


def test_counts_stay_exact_when_the_listing_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topology, "MAX_LISTED_EXPOSURES", 5)
    devices = [legacy_pc(f"127.54.1.{i}") for i in range(1, 5)]
    devices += [pump(f"127.54.1.{i}") for i in range(10, 16)]
    devices += [device("127.54.1.20", "telehealth", "video-endpoint", status="eol")]
    topo = analyse(devices)
    # 4 PCs x 7 clinical devices, and the legacy cart reaches the 6 pumps
    assert topo.exposure_count == 4 * 7 + 6
    assert len(topo.exposures) == 5
    cart = next(r for r in topo.reach if r.address == "127.54.1.20")
    assert cart.counts == (("medical/infusion-pump", 6),)


def test_a_multi_homed_legacy_device_bridges_segments() -> None:
    tables = SnmpTables(
        interface_addresses=(
            InterfaceAddress("127.55.1.5", 24, 1),
            InterfaceAddress("127.55.2.5", 24, 2),
        )
    )
    devices = [
        legacy_pc("127.55.1.5", tables=tables),
        device("127.55.1.6"),
        pump("127.55.2.7"),
        legacy_pc("127.55.3.8"),
    ]
    assessment = evaluate(devices, meta())
    (bridge,) = assessment.topology.bridges
    assert bridge.address == "127.55.1.5"
    assert bridge.segments == ("127.55.1.0/24", "127.55.2.0/24")
    assert bridge.centrality > 0
    assert "has addresses in 2 segments" in bridge.evidence[0]
    (exposure,) = assessment.topology.exposures
    assert exposure.path == ("127.55.1.5", "segment:127.55.2.0/24", "127.55.2.7")


def test_mixed_segments_need_legacy_it_next_to_clinical_devices() -> None:
    topo = analyse([
        device("127.56.1.1", "medical", "imaging", status="eol"),  # legacy, but clinical
        pump("127.56.1.2"),
        legacy_pc("127.56.2.1"),
        pump("127.56.2.2"),
    ])  # fmt: skip
    assert topo.mixed_segments == ("127.56.2.0/24",)


def test_segment_pairs_add_up_to_the_exact_total_whatever_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 3 legacy PCs and 4 pumps in one segment, 2 pumps alone in another: 12 pairs.
    devices = [legacy_pc(f"127.42.20.{n}") for n in (1, 2, 3)]
    devices += [pump(f"127.42.20.{n}") for n in (11, 12, 13, 14)]
    devices += [pump(f"127.42.30.{n}") for n in (1, 2)]
    monkeypatch.setattr(topology, "MAX_LISTED_EXPOSURES", 5)
    found = analyse(devices)
    assert len(found.exposures) == 5 and found.total_exposures == 12
    assert found.segment_pairs == (("127.42.20.0/24", "127.42.20.0/24", 12),)
    assert sum(n for _, _, n in found.segment_pairs) == found.total_exposures
