"""The MIB decoder: walk files (own switch fixture, snmpsim's real recordings) to records."""

from __future__ import annotations

from pathlib import Path

import pytest
import snmpsim

from legacyscan.collect.snmp.mib_decode import decode_tables, split_columns
from legacyscan.collect.snmp.mib_values import date_and_time, mac, port_list, text
from legacyscan.collect.snmp.walkfile import parse_snmprec, read_walk
from legacyscan.model import (
    ArpEntry,
    EntityPhysical,
    ForwardingEntry,
    Interface,
    InterfaceAddress,
    Neighbour,
    TcpConnection,
    Vlan,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
RECORDED = Path(snmpsim.__file__).parent / "data" / "recorded"


def test_switch_fixture_decodes_every_table() -> None:
    host = read_walk(FIXTURES / "snmprec" / "ward-switch.snmprec")
    tables = host.snmp_tables
    assert tables is not None
    assert tables.entities[0] == EntityPhysical(
        index=1001,
        descr="Cisco Catalyst 2960 24-port switch",
        physical_class=3,
        name="1",
        hardware_rev="V02",
        firmware_rev="12.2(44r)SE3",
        software_rev="12.2(55)SE7",
        serial="FOC1234X0AB",
        mfg_name="Cisco",
        model_name="WS-C2960-24TT-L",
    )
    assert len(tables.entities) == 2
    assert tables.interfaces[1] == Interface(
        index=10101,
        descr="FastEthernet0/1",
        name="Fa0/1",
        alias="Ward 3 bed 12 monitor",
        mac="00:1b:2c:3d:4e:41",
        oper_up=True,
        speed_mbps=100,
    )
    assert tables.interfaces[2].oper_up is False
    assert tables.interface_addresses == (
        InterfaceAddress("10.20.30.2", 24, 1),
        InterfaceAddress("fe80::21b:2cff:fe3d:4e40", 64, 1),
    )
    # the invalid ARP row is dropped, the duplicate of ipNetToPhysical is merged
    assert tables.arp == (
        ArpEntry("10.20.30.50", "00:09:fb:11:22:33", 1, "ipNetToMedia"),
        ArpEntry("10.20.30.51", "00:10:5d:aa:bb:cc", 1, "ipNetToMedia"),
        ArpEntry("10.20.30.52", "00:12:21:01:02:0e", 1, "ipNetToPhysical"),
    )
    # Q-BRIDGE rows carry the VLAN; BRIDGE-MIB adds the rest; the switch's own MAC is not kept
    assert tables.forwarding == (
        ForwardingEntry("00:09:fb:11:22:33", 1, 10101, 20),
        ForwardingEntry("00:12:21:01:02:0e", 2, 10102, 30),
        ForwardingEntry("00:10:5d:aa:bb:cc", 2, 10102, None),
        ForwardingEntry("58:42:e4:00:00:07", 3, 10103, None),
    )
    assert tables.vlans == (Vlan(20, "BIOMED", (10101, 10103)), Vlan(30, "PUMPS", (10102, 10103)))
    assert tables.neighbours == (
        Neighbour(
            protocol="lldp",
            local_port="GigabitEthernet0/1",
            chassis_id="00:1b:2c:aa:00:01",
            port_id="Gi1/0/24",
            system_name="core-sw.example.org",
            system_descr="Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), "
            "Version 15.0(2)SE11",
            address="10.20.0.1",
        ),
        Neighbour(
            protocol="cdp",
            local_port="Gi0/1",
            port_id="GigabitEthernet1/0/24",
            system_name="core-sw.example.org",
            system_descr="Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), "
            "Version 15.0(2)SE11",
            platform="cisco WS-C3750X-48P",
            address="10.20.0.1",
        ),
    )
    assert set(tables.connections) == {
        TcpConnection("10.20.30.2", 23, "10.20.30.99", 51234, "established"),
        TcpConnection("10.20.30.2", 22, "10.20.30.98", 50000, "established"),
        TcpConnection("0.0.0.0", 22, "0.0.0.0", 0, "listen"),
    }
    assert tables.incomplete == ()


def test_windows_xp_recording_gives_software_and_connections() -> None:
    tables = read_walk(RECORDED / "winxp-full-walk.snmprec").snmp_tables
    assert tables is not None
    names = [s.name for s in tables.installed_software]
    assert len(names) > 50
    assert all(names)
    assert any(s.date for s in tables.installed_software)
    # Windows agents send Windows-1252: its curly quotes survive
    assert any("\u201cLegacyDriver\u201d" in name for name in names)
    assert tables.device_descriptions
    assert tables.interfaces and tables.connections


def test_linux_recording_gives_interfaces_and_addresses() -> None:
    tables = read_walk(RECORDED / "linux-full-walk.snmprec").snmp_tables
    assert tables is not None
    assert any(i.descr == "lo" for i in tables.interfaces)
    assert any(a.address == "127.0.0.1" for a in tables.interface_addresses)


def test_malformed_cells_cost_a_field_not_the_table() -> None:
    values = parse_snmprec(
        [
            "1.3.6.1.2.1.2.2.1.2.1|4|eth0",
            "1.3.6.1.2.1.2.2.1.6.1|4x|0011",  # a 2-byte MAC
            "1.3.6.1.2.1.2.2.1.8.1|4|up",  # a string where an integer belongs
            "1.3.6.1.2.1.4.22.1.2.1.300.1.2.3|4x|001122334455",  # an index that is no address
            "1.3.6.1.2.1.6.19.1.7.1.9.1.2|2|5",  # an address longer than its index
        ]
    )
    tables = decode_tables(values)
    assert tables.interfaces == (Interface(index=1, descr="eth0"),)
    assert tables.arp == ()
    assert tables.connections == ()


def test_only_known_columns_are_kept() -> None:
    columns = split_columns({"1.3.6.1.2.1.2.2.1.2.7": b"x", "1.3.6.1.2.1.2.2.1.10.7": 5})
    assert columns == {"1.3.6.1.2.1.2.2.1.2": {(7,): b"x"}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (bytes.fromhex("07d6030e0a141e00"), "2006-03-14T10:20:30"),
        (bytes.fromhex("07d6030e0a141e002b0100"), "2006-03-14T10:20:30+01:00"),
        (b"2006-3-14,10:20:30.0", "2006-03-14T10:20:30"),
        (bytes(8), None),
        (b"soon", None),
    ],
)
def test_date_and_time(value: bytes, expected: str | None) -> None:
    assert date_and_time(value) == expected


def test_value_helpers() -> None:
    assert mac(b"0:1b:2c:3d:4e:40") == "00:1b:2c:3d:4e:40"
    assert mac(bytes(6)) is None
    assert port_list(bytes.fromhex("a001")) == (1, 3, 16)
    assert text("Salle d'op\xe9ration".encode("latin-1")) == "Salle d'opération"
    assert text("Salle d'opération".encode()) == "Salle d'opération"
