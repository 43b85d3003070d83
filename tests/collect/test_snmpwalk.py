"""Walk files (net-snmp text and snmpsim .snmprec) read into the same records as a live poll."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from legacyscan.assess import assess
from legacyscan.collect.snmp.walkfile import (
    WalkFileError,
    normalise_oid,
    parse_snmprec,
    parse_snmpwalk,
    read_walk,
)
from legacyscan.identify.engine import Identifier
from legacyscan.model import Host, ScanMeta

FIXTURES = Path(__file__).parent.parent / "fixtures" / "snmpwalk"
AS_OF = dt.date(2026, 11, 23)

CISCO_DESCR = (
    "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7, "
    "RELEASE SOFTWARE (fc1)\n"
    "Technical Support: http://www.cisco.com/techsupport\n"
    "Copyright (c) 1986-2013 by Cisco Systems, Inc.\n"
    "Compiled Mon 28-Jan-13 10:10 by prod_rel_team"
)


@pytest.fixture(scope="module")
def identifier() -> Identifier:
    return Identifier()


def test_cisco_walk_with_multiline_sysdescr() -> None:
    host = read_walk(FIXTURES / "cisco-c2960.walk")
    assert host.snmp is not None
    assert host.snmp.descr == CISCO_DESCR
    assert host.snmp.object_id == "1.3.6.1.4.1.9.1.716"
    assert host.snmp.uptime == 123456789
    assert host.snmp.contact == "Network team <noc@example.org>"
    assert host.snmp.name == "ward3-access-sw1"
    assert host.snmp.location == 'Building B, floor 3, "comms" room'
    # the first non-loopback address of ipAddrTable
    assert host.address == "10.20.30.2"
    assert host.sources == ("snmpwalk:cisco-c2960.walk",)


def test_cisco_walk_other_values_decode() -> None:
    lines = (FIXTURES / "cisco-c2960.walk").read_text(encoding="utf-8").splitlines()
    values = parse_snmpwalk(lines, "cisco-c2960.walk")
    assert values["1.3.6.1.2.1.2.2.1.2.10101"] == b"FastEthernet0/1"
    assert values["1.3.6.1.2.1.2.2.1.5.10101"] == 100000000
    assert values["1.3.6.1.2.1.2.2.1.10.10101"] == 1843776261
    # a MAC is binary: kept as the exact octets
    assert values["1.3.6.1.2.1.2.2.1.6.10101"] == bytes.fromhex("001b2c3d4e41")
    assert values["1.3.6.1.2.1.31.1.1.1.6.10101"] is None  # No Such Instance


def test_debian_iso_style_walk_of_windows() -> None:
    host = read_walk(FIXTURES / "windows7-debian.walk")
    assert host.snmp is not None
    assert host.snmp.descr == (
        "Hardware: Intel64 Family 6 Model 58 Stepping 9 AT/AT COMPATIBLE - "
        "Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)"
    )
    assert host.snmp.object_id == "1.3.6.1.4.1.311.1.1.3.1.1"
    assert host.snmp.uptime == 4213
    assert host.snmp.name == "RADIOLOGY-PC07"
    assert host.snmp.contact is None  # "" is no value
    assert host.snmp.location is None
    assert host.address == "192.168.7.21"


def test_snmprec_with_hex_encoded_sysdescr() -> None:
    host = read_walk(FIXTURES / "pacs-el5.snmprec")
    assert host.snmp is not None
    assert host.snmp.descr == (
        "Linux pacs01 2.6.18-419.el5 #1 SMP Wed Feb 22 22:40:57 EST 2017 x86_64"
    )
    assert host.snmp.object_id == "1.3.6.1.4.1.8072.3.2.10"
    assert host.snmp.uptime == 987654
    assert host.snmp.name == "pacs01"  # "4:delay" keeps type 4
    assert host.address == "10.1.2.3"
    assert host.sources == ("snmpwalk:pacs-el5.snmprec",)


def test_hex_string_sysdescr_wrapped_over_lines() -> None:
    host = read_walk(FIXTURES / "xp-hexstring.walk")
    assert host.snmp is not None
    assert host.snmp.descr == (
        "Hardware: x86 Family 15 Model 4 Stepping 1 AT/AT COMPATIBLE - "
        "Software: Windows Version 5.1 (Build 2600 Multiprocessor Free)"
    )
    assert host.snmp.object_id == "1.3.6.1.4.1.311.1.1.3.1.1"
    assert host.address is None


@pytest.mark.parametrize(
    ("name", "vendor", "product", "version", "device_class"),
    [
        ("cisco-c2960.walk", "Cisco", "IOS", "12.2(55)SE7", "network"),
        ("windows7-debian.walk", "Microsoft", "Windows 7", "6.1.7601", "workstation"),
        ("pacs-el5.snmprec", "Red Hat", "Enterprise Linux", "5", "server"),
        ("xp-hexstring.walk", "Microsoft", "Windows XP", "5.1.2600", "workstation"),
    ],
)
def test_walk_files_identify_the_right_product(
    identifier: Identifier,
    name: str,
    vendor: str,
    product: str,
    version: str,
    device_class: str,
) -> None:
    device = identifier.identify(read_walk(FIXTURES / name))
    assert [(i.vendor, i.product, i.version) for i in device.identities] == [
        (vendor, product, version)
    ]
    assert device.device_class == device_class


def test_walk_files_through_the_whole_pipeline() -> None:
    hosts = [
        read_walk(FIXTURES / n)
        for n in ("cisco-c2960.walk", "windows7-debian.walk", "pacs-el5.snmprec")
    ]
    meta = ScanMeta(as_of=AS_OF, started="s", finished="f", targets=())
    assessment = assess(hosts, meta)
    statuses = {
        d.device.identities[0].product: d.identities[0].lifecycle.status for d in assessment.devices
    }
    # IOS 12.2 has no cited record (unknown); Windows 7 and RHEL 5 are past every end.
    assert statuses == {"IOS": "unknown", "Windows 7": "eol", "Enterprise Linux": "eol"}


def test_garbage_file_names_file_and_line() -> None:
    path = FIXTURES / "garbage.walk"
    with pytest.raises(WalkFileError) as caught:
        read_walk(path)
    assert str(path) in str(caught.value)
    assert "line 1" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param((FIXTURES / "garbage-line3.walk").read_text(encoding="utf-8"), id="after-oid"),
        pytest.param(
            ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.9\n"
            '.1.3.6.1.2.1.1.1.0 = STRING: "ok"\nsome garbage line here\n',
            id="after-closed-string",
        ),
    ],
)
def test_garbage_line_after_a_complete_value_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "garbage-line3.walk"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WalkFileError, match=r"garbage-line3\.walk, line 3"):
        read_walk(path)


def test_walk_without_system_group() -> None:
    path = FIXTURES / "no-system.walk"
    with pytest.raises(WalkFileError) as caught:
        read_walk(path)
    assert str(path) in str(caught.value)
    assert "system group" in str(caught.value)


def test_missing_file() -> None:
    with pytest.raises(WalkFileError, match="cannot read"):
        read_walk(FIXTURES / "does-not-exist.walk")


def test_snmprec_bad_line_names_file_and_line() -> None:
    with pytest.raises(WalkFileError, match=r"x\.snmprec, line 2: expected OID\|TYPE\|VALUE"):
        parse_snmprec(["1.3.6.1.2.1.1.1.0|4|ok", "1.3.6.1.2.1.1.2.0 6"], "x.snmprec")
    with pytest.raises(WalkFileError, match=r"x\.snmprec, line 1: bad value for type 67"):
        parse_snmprec(["1.3.6.1.2.1.1.3.0|67|soon"], "x.snmprec")


def test_single_line_quoted_string_does_not_swallow_the_next_record() -> None:
    values = parse_snmpwalk(
        [
            '.1.3.6.1.2.1.1.5.0 = STRING: "sw1"',
            '.1.3.6.1.2.1.1.6.0 = STRING: "a \\"quoted\\" place"',
            ".1.3.6.1.2.1.1.7.0 = INTEGER: 72",
        ]
    )
    assert values == {
        "1.3.6.1.2.1.1.5.0": b"sw1",
        "1.3.6.1.2.1.1.6.0": b'a "quoted" place',
        "1.3.6.1.2.1.1.7.0": 72,
    }


def test_symbolic_names_are_understood() -> None:
    values = parse_snmpwalk(
        [
            'SNMPv2-MIB::sysDescr.0 = STRING: "Linux gw 6.1.0-26-amd64 #1 SMP x86_64"',
            "SNMPv2-MIB::sysObjectID.0 = OID: .1.3.6.1.4.1.8072.3.2.10",
            "DISMAN-EVENT-MIB::sysUpTimeInstance = Timeticks: (100) 0:00:01.00",
        ]
    )
    assert values["1.3.6.1.2.1.1.1.0"] == b"Linux gw 6.1.0-26-amd64 #1 SMP x86_64"
    assert values["1.3.6.1.2.1.1.2.0"] == "1.3.6.1.4.1.8072.3.2.10"
    assert values["1.3.6.1.2.1.1.3.0"] == 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.0"),
        ("iso.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.0"),
        ("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.0"),
        ("SNMPv2-MIB::sysName.0", "1.3.6.1.2.1.1.5.0"),
    ],
)
def test_normalise_oid(text: str, expected: str) -> None:
    assert normalise_oid(text) == expected


def test_read_walk_returns_a_host() -> None:
    assert isinstance(read_walk(FIXTURES / "pacs-el5.snmprec"), Host)


def test_snmprec_ip_addresses_are_decoded_and_the_agent_address_found() -> None:
    # snmpsim records IpAddress values hex-encoded; loopback and 0.0.0.0 are not the agent.
    host = read_walk(FIXTURES / "xp-ipaddr.snmprec")
    assert host.address == "192.168.1.9"
