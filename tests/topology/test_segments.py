"""Where each device sits: mapping file > SNMP VLAN > SNMP subnet > scanned CIDR > /24."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import device, legacy_pc
from testpaths import FIXTURES as ALL_FIXTURES

from legacyscan.messages import plain
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
from legacyscan.topology.mapping import SegmentMap, SegmentMapError
from legacyscan.topology.segments import normal_mac

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
    # named as the switch publishes VLAN 20 (dot1qVlanStaticName)
    assert placed["127.43.20.15"] == ("BIOMED", "snmp-vlan")
    assert placed["127.43.20.30"] == ("BIOMED", "snmp-vlan")  # VLAN from the port membership
    assert net.segments["BIOMED"].cidr == "127.43.20.0/24"  # the SVI's subnet
    assert net.segments["BIOMED"].vlan == 20
    # the switch itself has no learnt MAC: its subnet, carried by VLAN 20, places it in the
    # same segment -- one network, one segment
    assert placed["127.43.20.1"] == ("BIOMED", "snmp-vlan")
    assert list(net.segments) == ["BIOMED"]
    edge = net.graph.edges["127.43.20.15", "segment:BIOMED"]
    assert "learnt in VLAN 20 on port Gi0/5 of switch 127.43.20.1" in plain(edge["why"][0])
    edge = net.graph.edges["127.43.20.1", "segment:BIOMED"]
    assert "configured on 127.43.20.1 and carried by VLAN 20" in plain(edge["why"][0])


def _router(vlans: tuple[Vlan, ...], svi_names: tuple[str, str]) -> object:
    """A router with an interface in 127.47.10.0/24 and 127.47.20.0/24, and a switch port
    per VLAN where one host of each subnet was learnt."""
    tables = SnmpTables(
        interfaces=(
            Interface(1, name="Gi0/1"), Interface(2, name="Gi0/2"),
            Interface(110, name=svi_names[0]), Interface(120, name=svi_names[1]),
        ),
        interface_addresses=(
            InterfaceAddress("127.47.1.1", 24, 1),
            InterfaceAddress("127.47.10.1", 24, 110),
            InterfaceAddress("127.47.20.1", 24, 120),
        ),
        forwarding=(
            ForwardingEntry("02:47:00:00:10:05", if_index=1, vlan=10),
            ForwardingEntry("02:47:00:00:20:05", if_index=2, vlan=20),
        ),
        vlans=vlans,
    )  # fmt: skip
    return device("127.47.1.1", "network", sys_name="core", tables=tables)


def _hosts() -> list[object]:
    return [
        legacy_pc("127.47.10.5", mac="02:47:00:00:10:05"),
        device("127.47.20.5", "medical", "infusion-pump", mac="02:47:00:00:20:05"),
        device("127.47.20.9"),  # no MAC known: its subnet says VLAN 20
    ]


def test_a_vlan_and_the_subnet_it_carries_are_one_segment() -> None:
    vlans = (Vlan(10, "imagerie", (1,)), Vlan(20, "biomédical", (2,)))
    # SVIs named "Port-channel": nothing says which VLAN; the learnt addresses do
    net = build_network([_router(vlans, ("Po10", "Po20")), *_hosts()])
    placed = _segments(net)
    assert placed["127.47.10.5"] == ("imagerie", "snmp-vlan")
    assert placed["127.47.20.5"] == ("biomédical", "snmp-vlan")
    assert placed["127.47.20.9"] == ("biomédical", "snmp-vlan")
    assert net.segments_of["127.47.1.1"] == ("127.47.1.0/24", "imagerie", "biomédical")
    assert net.segments["127.47.1.0/24"].origin == "snmp-interface"  # no VLAN known for it
    assert net.segments["biomédical"].members == ("127.47.1.1", "127.47.20.5", "127.47.20.9")
    assert net.segments["biomédical"].cidr == "127.47.20.0/24"
    assert "127.47.20.0/24" not in net.segments  # not a second segment for the same network


def test_an_unnamed_vlan_takes_the_name_of_its_subnet() -> None:
    # the VLANs publish no name; the SVIs' names say which VLAN carries which subnet
    vlans = (Vlan(10, "", (1,)), Vlan(20, "", (2,)))
    net = build_network([_router(vlans, ("Vlan10", "Vl20")), *_hosts()])
    assert _segments(net)["127.47.20.5"] == ("127.47.20.0/24", "snmp-vlan")
    assert net.segments["127.47.20.0/24"].vlan == 20
    # a VLAN with no name and no subnet is still one segment, named by its number
    pc = legacy_pc("127.48.0.5", mac="02:47:00:00:10:05")
    lone = build_network([_router((), ("Gi9", "Gi8")), pc])
    assert _segments(lone)["127.48.0.5"] == ("vlan-10", "snmp-vlan")


def test_two_vlans_published_under_one_name_stay_two_segments() -> None:
    vlans = (Vlan(10, "clinique", (1,)), Vlan(20, "clinique", (2,)))
    net = build_network([_router(vlans, ("Vlan10", "Vlan20")), *_hosts()])
    assert {"clinique (VLAN 10)", "clinique (VLAN 20)"} <= set(net.segments)


def test_the_access_port_wins_over_the_uplink() -> None:
    net = build_network([_switch(), legacy_pc("127.43.20.15")])
    edge = net.graph.edges["127.43.20.15", "127.43.20.1"]
    # now in one segment, the switch's ARP entry for the PC is an L2 adjacency too
    assert edge["kinds"] == ["l2-adjacent", "mac-on-port"]
    assert "port Gi0/5 in VLAN 20" in plain(edge["why"][1])


def test_interface_subnet_then_scanned_cidr_then_assumed() -> None:
    devices = [
        _switch(),
        device("127.43.20.77"),  # in the SVI subnet, MAC unknown
        device("127.44.5.9"),  # inside a scanned /23
        device("127.45.1.9"),  # inside a scanned /16: too big to be a segment
    ]
    net = build_network(devices, targets=("127.44.4.0/23", "127.45.0.0/16"))
    placed = _segments(net)
    assert placed["127.43.20.77"] == ("BIOMED", "snmp-vlan")  # the subnet VLAN 20 carries
    assert placed["127.44.5.9"] == ("127.44.4.0/23", "scanned-subnet")
    assert placed["127.45.1.9"] == ("127.45.1.0/24", "assumed-subnet")
    assert "assumed" in plain(net.graph.edges["127.45.1.9", "segment:127.45.1.0/24"]["why"][0])


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


def test_the_hospital_lab_is_one_segment_per_network_named_as_its_switches_say() -> None:
    """Every agent's data as the lab serves it (no lab started): 9 VLANs, 9 segments."""
    from legacyscan.collect.snmp import mib_decode
    from legacyscan.collect.snmp.walkfile import parse_snmprec
    from legacyscan.lab import scenario, snmpdata

    hospital = scenario.load("hospital")
    network = snmpdata.Network(hospital.devices, hospital.segments)
    devices = []
    for lab_device in hospital.devices:
        tables = None
        if lab_device.snmp is not None:
            lines = snmpdata.snmprec(lab_device, network).splitlines(keepends=True)
            tables = mib_decode.decode_tables(parse_snmprec(lines, lab_device.name))
        devices.append(device(lab_device.address, tables=tables))
    net = build_network(devices)
    names = {s.vlan: s.name for s in net.segments.values()}
    assert names == {
        2: "réseau", 10: "imagerie", 20: "biomédical", 30: "soins", 40: "bureautique",
        50: "datacentre", 60: "bâtiment", 70: "téléconsultation", 80: "invités",
    }  # fmt: skip
    assert {s.cidr for s in net.segments.values()} == {s.cidr for s in hospital.segments}
    for lab_device in hospital.devices:  # each device in its own network's segment first
        first = net.segments[net.segments_of[lab_device.address][0]]
        expected = next(s for s in hospital.segments if s.name == lab_device.segment)
        assert first.vlan == expected.vlan, lab_device.name


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("00:12:21:0A:FF:01", "00:12:21:0a:ff:01"),  # as nmap writes it
        ("00:12:21:0a:ff:01", "00:12:21:0a:ff:01"),
        ("0012.210a.ff01", "00:12:21:0a:ff:01"),  # Cisco's spelling
        ("00-12-21-0A-FF-01", "00:12:21:0a:ff:01"),
        ("00:12:21:0a:ff", None),
        ("", None),
    ],
)
def test_a_mac_in_any_usual_spelling_is_one_normal_form(given: str, normal: str | None) -> None:
    assert normal_mac(given) == normal
