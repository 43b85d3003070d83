"""Walk files (net-snmp text and snmpsim .snmprec) read into the same records as a live poll."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from clirun import run

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
    software = [i for i in device.identities if i.kind != "hardware"]
    assert [(i.vendor, i.product, i.version) for i in software] == [(vendor, product, version)]
    assert device.device_class == device_class
    hardware = [(i.vendor, i.product) for i in device.identities if i.kind == "hardware"]
    # the hardware records (issue 16) name the Catalyst by its sysObjectID
    assert hardware == ([("Cisco", "Catalyst 2960")] if name == "cisco-c2960.walk" else [])


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


def test_snmprec_bad_lines_are_skipped_with_a_warning_naming_the_line() -> None:
    warnings: list[str] = []
    values = parse_snmprec(
        [
            "1.3.6.1.2.1.1.1.0|4|ok",
            "1.3.6.1.2.1.1.2.0 6",
            "1.3.6.1.2.1.1.3.0|67|soon",
            "1.3.6.1.2.1.1.7.0|2|72",
        ],
        "x.snmprec",
        warnings.append,
    )
    assert values == {"1.3.6.1.2.1.1.1.0": b"ok", "1.3.6.1.2.1.1.7.0": 72}
    assert warnings == [
        "x.snmprec, line 2: skipped: expected OID|TYPE|VALUE",
        "x.snmprec, line 3: skipped: type 67: not an integer: 'soon'",
    ]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("1.3.6.1.2.1.1.3.0|67:numeric|rate=100,initial=123999999", "variation module 'numeric'"),
        ("1.3.6.1.2.1.2.2.1.5.1|2:numeric|min=1,max=9", "variation module 'numeric'"),
        ("1.3.6.1.2.1.17.2.14.0|2|0.0", "not an integer: '0.0'"),
        ("1.3.6.1.2.1.2.2.1.6.1|4x|346288XXYYZ1", "not hex digits"),
        ("1.3.6.1.2.1.2.2.1.6.1|4x|abc", "odd number of hex digits (3)"),
        ("1.3.6.1.2.1.1.3.0|67|<private>", "not an integer: '<private>'"),
        ("1.3.6.1.2.1.4.20.1.1.1|64|999.1.1.1", "not an IPv4 address"),
        ("1.3.6.1.2.1.4.20.1.1.1|64x|c0a801", "4 bytes, not 3"),
        ("1.3.6.1.2.1.1.9.1.2.1|6|not.an.oid", "not an OID"),
        ("1.3.6.1.2.1.1.9.1.2.1|99|x", "unknown type '99'"),
        ("not-an-oid|4|x", "not an OID"),
    ],
)
def test_an_odd_snmprec_line_is_skipped_and_the_rest_read(line: str, why: str) -> None:
    warnings: list[str] = []
    values = parse_snmprec(
        ["1.3.6.1.2.1.1.1.0|4|first", line, "1.3.6.1.2.1.1.5.0|4|last"],
        "r.snmprec",
        warnings.append,
    )
    assert values == {"1.3.6.1.2.1.1.1.0": b"first", "1.3.6.1.2.1.1.5.0": b"last"}
    assert len(warnings) == 1 and warnings[0].startswith("r.snmprec, line 2: skipped: ")
    assert why in warnings[0]


def test_a_variation_module_with_a_static_value_keeps_it() -> None:
    values = parse_snmprec(["1.3.6.1.2.1.1.5.0|4:writecache|value=zeus.pysnmp.com (you can)"])
    assert values == {"1.3.6.1.2.1.1.5.0": b"zeus.pysnmp.com (you can)"}


@pytest.mark.parametrize(
    ("name", "descr", "skipped"),
    [
        ("snmpsim-public.snmprec", "Linux zeus 4.8.6.5-smp", (6, 11)),
        ("librenms-allied_awplusv2.snmprec", "AlliedWare Plus (TM) 2.2.3.0", (6,)),
        ("librenms-ios.snmprec", "Cisco Internetwork Operating System", (10,)),
        ("librenms-okilan_9450g.snmprec", "OKI OkiLAN 9450g", (10,)),
        ("librenms-zynos_mgs3712.snmprec", "MGS-3712", (6,)),
    ],
)
def test_real_recordings_with_one_odd_line_are_still_read(
    name: str, descr: str, skipped: tuple[int, ...]
) -> None:
    warnings: list[str] = []
    host = read_walk(FIXTURES / name, warnings.append)
    assert host.snmp is not None and host.snmp.descr is not None
    assert host.snmp.descr.startswith(descr)
    assert [int(w.split(", line ")[1].split(":")[0]) for w in warnings] == list(skipped)
    if name == "snmpsim-public.snmprec":
        assert host.snmp.name == "zeus.pysnmp.com (you can change this!)"


def test_a_real_snmpwalk_with_backslashes_loses_nothing() -> None:
    # net-snmp escapes a backslash as \\ and a quote as \": "MR-CONSOLE\\" ends there
    warnings: list[str] = []
    values = parse_snmpwalk(
        (FIXTURES / "backslash-end.walk").read_text(encoding="latin-1").splitlines(),
        "backslash-end.walk",
        warnings.append,
    )
    assert warnings == []
    assert values["1.3.6.1.2.1.1.1.0"] == (
        b'Hardware: x86 Family 6 - Software: Windows 2000 Version 5.0 (Build 2195 "SP4") '
        b"path C:\\syngo\\"
    )
    assert values["1.3.6.1.2.1.1.4.0"] == b'IT \\ "biomed"'
    assert values["1.3.6.1.2.1.1.5.0"] == b"MR-CONSOLE\\"
    assert values["1.3.6.1.2.1.1.6.0"] == b"Radiology\\\\"
    assert values["1.3.6.1.2.1.25.6.3.1.2.1"] == b"Siemens syngo 2006"
    assert values["1.3.6.1.2.1.25.6.3.1.2.2"] == b"C:\\Program Files\\"
    host = read_walk(FIXTURES / "backslash-end.walk")
    assert host.snmp is not None and host.snmp.name == "MR-CONSOLE\\"
    assert host.snmp_tables is not None
    assert "Siemens syngo 2006" in [s.name for s in host.snmp_tables.installed_software]


def test_an_odd_length_hex_string_is_skipped_with_a_warning() -> None:
    warnings: list[str] = []
    values = parse_snmpwalk(
        [
            '.1.3.6.1.2.1.1.1.0 = STRING: "ok"',
            ".1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 1B 2C 3",
            '.1.3.6.1.2.1.1.5.0 = STRING: "sw1"',
        ],
        "w.walk",
        warnings.append,
    )
    assert values == {"1.3.6.1.2.1.1.1.0": b"ok", "1.3.6.1.2.1.1.5.0": b"sw1"}
    assert warnings == [
        "w.walk, line 2: 1.3.6.1.2.1.2.2.1.6.1 skipped: "
        "odd number of hex digits (7) in '00 1B 2C 3'"
    ]


def test_a_quote_never_closed_is_read_as_one_line_and_the_rest_kept() -> None:
    warnings: list[str] = []
    values = parse_snmpwalk(
        [
            '.1.3.6.1.2.1.1.1.0 = STRING: "truncated \\" value',
            ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.9",
            '.1.3.6.1.2.1.1.5.0 = STRING: "also open',
            ".1.3.6.1.2.1.1.7.0 = INTEGER: 72",
        ],
        "t.walk",
        warnings.append,
    )
    assert values["1.3.6.1.2.1.1.2.0"] == "1.3.6.1.4.1.9"
    assert values["1.3.6.1.2.1.1.5.0"] == b"also open"
    assert values["1.3.6.1.2.1.1.7.0"] == 72
    assert values["1.3.6.1.2.1.1.1.0"] == b'truncated " value'
    assert warnings == [
        "t.walk, line 1: quoted value never closed; read as one line",
        "t.walk, line 3: quoted value never closed; read as one line",
    ]


def test_a_multi_line_value_keeps_its_line_breaks_and_escapes() -> None:
    values = parse_snmpwalk(
        [
            '.1.3.6.1.2.1.1.1.0 = STRING: "line one \\',
            'line \\"two\\"\\\\"',
            ".1.3.6.1.2.1.1.7.0 = INTEGER: 1",
        ]
    )
    assert values["1.3.6.1.2.1.1.1.0"] == b'line one \\\nline "two"\\'
    assert values["1.3.6.1.2.1.1.7.0"] == 1


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


def test_identify_reads_every_good_file_next_to_bad_ones(tmp_path: Path) -> None:
    odd_hex = tmp_path / "odd-hex.walk"
    odd_hex.write_text(
        '.1.3.6.1.2.1.1.1.0 = STRING: "Linux pacs01 2.6.18-419.el5 #1 SMP x86_64"\n'
        ".1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 1B 2\n",
        encoding="latin-1",
    )
    result = run(
        "identify",
        *("--snmpwalk", str(FIXTURES / "garbage.walk")),
        *("--snmpwalk", str(odd_hex)),
        *("--snmpwalk", str(FIXTURES / "snmpsim-public.snmprec")),
        *("--snmpwalk", str(FIXTURES / "backslash-end.walk")),
    )
    assert result.returncode == 1  # one file could not be read at all
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "garbage.walk, line 1" in errors[0]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert any("odd-hex.walk, line 2" in w for w in warnings)
    assert any("snmpsim-public.snmprec, line 6" in w for w in warnings)
    assert "Traceback" not in result.stderr
    for name in ("odd-hex.walk", "snmpsim-public.snmprec", "backslash-end.walk"):
        assert f"snmpwalk:{name}" in result.stdout
