"""Where each device sits: mapping file > SNMP VLAN > SNMP subnet > scanned CIDR > /24."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import device, legacy_pc
from testpaths import FIXTURES as ALL_FIXTURES

from legacyscan.model import (
    ArpEntry,
    ForwardingEntry,
    Interface,
    InterfaceAddress,
    Neighbour,
    SnmpTables,
    Vlan,
)
from legacyscan.topology.build import build_network
from legacyscan.topology.segments import SegmentMap, SegmentMapError

FIXTURES = ALL_FIXTURES / "topology"

#: A switch/router: VLAN 20 on ports 5-6 (port 24 is the uplink), an SVI in 127.43.20.0/24,
#: and the ARP entry that gives the MAC of a host scanned from elsewhere.
SWITCH_TABLES = SnmpTables(
    interfaces=(
        Interface(5, name="Gi0/5"), Interface(6, name="Gi0/6"), Interface(24, name="Gi0/24"),
        Interface(100, name="Vlan20"), Interface(1, name="Loopback0"),
    ),
    interface_addresses=(
        InterfaceAddress("127.43.20.1", 24, 100),
        InterfaceAddress("127.43.99.1", 32, 1),
    ),
    arp=(ArpEntry("127.43.20.15", "00:11:22:33:44:15", 100),),
    forwarding=(
        ForwardingEntry("00:11:22:33:44:15", if_index=5, vlan=20),
        ForwardingEntry("00:11:22:33:44:15", if_index=24, vlan=20),  # seen on the uplink too
        ForwardingEntry("00:11:22:33:44:30", if_index=6),
        ForwardingEntry("00:11:22:33:44:99", if_index=24, vlan=20),
    ),
    vlans=(Vlan(20, "BIOMED", (5, 6, 24)),),
    neighbours=(Neighbour("lldp", "Gi0/24", "aa", "Gi1/0/1", "core"),),
)  # fmt: skip


def _switch() -> object:
    return device("127.43.20.1", "network", sys_name="sw-rea", tables=SWITCH_TABLES)


def _segments(net: object) -> dict[str, tuple[str, str]]:
    return {a: (n[0], net.segments[n[0]].origin) for a, n in net.segments_of.items()}  # type: ignore[attr-defined]


def test_vlan_from_the_forwarding_table_and_the_arp_table() -> None:
    net = build_network([
        _switch(),
        legacy_pc("127.43.20.15"),  # no MAC of its own: the switch's ARP table gives it
        device("127.43.20.30", "medical", "infusion-pump", mac="00-11-22-33-44-30"),
    ])  # fmt: skip
    placed = _segments(net)
    assert placed["127.43.20.15"] == ("vlan-20", "snmp-vlan")
    assert placed["127.43.20.30"] == ("vlan-20", "snmp-vlan")  # VLAN from the port membership
    assert net.segments["vlan-20"].cidr == "127.43.20.0/24"  # the SVI's subnet
    # the switch itself has no learnt MAC: its own subnet places it
    assert placed["127.43.20.1"] == ("127.43.20.0/24", "snmp-interface")
    edge = net.graph.edges["127.43.20.15", "segment:vlan-20"]
    assert "learnt in VLAN 20 on port Gi0/5 of switch 127.43.20.1" in edge["evidence"][0]


def test_the_access_port_wins_over_the_uplink() -> None:
    net = build_network([_switch(), legacy_pc("127.43.20.15")])
    edge = net.graph.edges["127.43.20.15", "127.43.20.1"]
    assert edge["kinds"] == ["mac-on-port"]
    assert "port Gi0/5 in VLAN 20" in edge["evidence"][0]


def test_interface_subnet_then_scanned_cidr_then_assumed() -> None:
    devices = [
        _switch(),
        device("127.43.20.77"),  # in the SVI subnet, MAC unknown
        device("127.44.5.9"),  # inside a scanned /23
        device("127.45.1.9"),  # inside a scanned /16: too big to be a segment
    ]
    net = build_network(devices, targets=("127.44.4.0/23", "127.45.0.0/16"))
    placed = _segments(net)
    assert placed["127.43.20.77"] == ("127.43.20.0/24", "snmp-interface")
    assert placed["127.44.5.9"] == ("127.44.4.0/23", "scanned-subnet")
    assert placed["127.45.1.9"] == ("127.45.1.0/24", "assumed-subnet")
    assert "assumed" in net.graph.edges["127.45.1.9", "segment:127.45.1.0/24"]["evidence"][0]


def test_the_mapping_file_wins_over_snmp_and_scans() -> None:
    mapping = SegmentMap.load(FIXTURES / "segments.yaml")
    net = build_network(
        [_switch(), legacy_pc("127.43.20.15"), device("127.44.5.9")],
        targets=("127.44.4.0/23",),
        mapping=mapping,
    )
    placed = _segments(net)
    assert placed["127.43.20.15"] == ("rea-biomed", "mapping-file")
    assert placed["127.44.5.9"] == ("offices", "mapping-file")
    segment = net.segments["rea-biomed"]
    assert (segment.site, segment.zone) == ("CHU-A", "biomedical")
    # the most specific CIDR wins: 127.43.20.0/29 (rea-monitors) holds .1 to .6
    assert placed["127.43.20.1"] == ("rea-monitors", "mapping-file")


def test_one_name_for_two_cidrs_keeps_both() -> None:
    mapping = SegmentMap.from_data(
        {"segments": [
            {"cidr": "127.46.1.0/24", "name": "imaging"},
            {"cidr": "127.46.2.0/24", "name": "imaging"},
        ]}
    )  # fmt: skip
    net = build_network([device("127.46.1.5"), device("127.46.2.5")], mapping=mapping)
    assert net.segments["imaging"].cidr == "127.46.1.0/24, 127.46.2.0/24"
    assert net.segments["imaging"].members == ("127.46.1.5", "127.46.2.5")


def test_a_device_with_addresses_in_two_subnets_is_in_both() -> None:
    tables = SnmpTables(
        interface_addresses=(
            InterfaceAddress("127.47.1.10", 24, 1),
            InterfaceAddress("127.47.2.10", 24, 2),
            InterfaceAddress("127.0.0.1", 8, 3),
        )
    )
    net = build_network([legacy_pc("127.47.1.10", tables=tables)])
    assert net.segments_of["127.47.1.10"] == ("127.47.1.0/24", "127.47.2.0/24")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("segments: [{cidr: 10.0.0.0/24}]", "needs 'cidr' and 'name'"),
        ("segments: [{cidr: ten, name: x}]", "is not a CIDR"),
        ("- just a list", "expected a 'segments:' list"),
        ("segments: [unclosed", "not valid YAML"),
    ],
)
def test_a_bad_mapping_file_says_why(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(text)
    with pytest.raises(SegmentMapError, match=message):
        SegmentMap.load(path)


def test_a_missing_mapping_file() -> None:
    with pytest.raises(SegmentMapError, match="cannot read"):
        SegmentMap.load(FIXTURES / "nonexistent.yaml")
