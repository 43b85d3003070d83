"""The dataclass codec: every field of a host survives scan.json, bad shapes are refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from legacyscan.codec import from_data, to_data
from legacyscan.model import (
    ArpEntry,
    EntityPhysical,
    EolRecord,
    Host,
    Interface,
    Neighbour,
    OsMatch,
    PassDecision,
    Service,
    SnmpSystem,
    SnmpTables,
    TcpConnection,
    Vlan,
    words,
)

FULL_HOST = Host(
    address="127.42.1.1",
    mac="00:1b:54:aa:bb:cc",
    hostnames=("core-sw",),
    services=(
        Service(
            port=23,
            protocol="tcp",
            state="open",
            name="telnet",
            cpes=("cpe:/o:cisco:ios",),
            scripts=(("banner", "User Access Verification"),),
        ),
    ),
    snmp=SnmpSystem(descr="Cisco IOS Software", object_id="1.3.6.1.4.1.9.1.716", uptime=5),
    snmp_tables=SnmpTables(
        entities=(EntityPhysical(index=1, physical_class=3, firmware_rev="12.2(55)SE7"),),
        interfaces=(Interface(index=10101, name="Gi0/1", mac=None, oper_up=True),),
        arp=(ArpEntry("127.42.10.11", "00:0c:29:01:02:03", 1, "ipNetToMedia"),),
        vlans=(Vlan(10, "IMAGING", (10101, 10102)),),
        neighbours=(Neighbour("lldp", "Gi0/1", system_name="access-1"),),
        connections=(TcpConnection("127.42.10.11", 49152, "127.42.10.20", 104, "established"),),
        incomplete=("tcpConnTable: cap of 10,000 rows reached",),
    ),
    snmp_credential="ward-v3",
    os_matches=(OsMatch("Cisco IOS 12.2", 95, ("cpe:/o:cisco:ios:12.2",)),),
    mac_vendor="Cisco Systems",
    host_scripts=(("smb-os-discovery", "OS: Windows XP"),),
    sources=("nmap", "snmp"),
)


def test_a_host_with_every_table_round_trips_through_json() -> None:
    text = json.dumps(to_data(FULL_HOST))
    assert from_data(Host, json.loads(text)) == FULL_HOST


def test_missing_fields_take_their_defaults() -> None:
    assert from_data(Host, {"address": "127.0.0.1"}) == Host(address="127.0.0.1")


def test_dates_round_trip() -> None:
    record = EolRecord(
        vendor="Microsoft",
        product="Windows",
        cycle="XP",
        versions=None,
        released=dt.date(2001, 10, 25),
        support_end=None,
        security_end=dt.date(2014, 4, 8),
        extended_end=None,
        source="https://learn.microsoft.com/",
        checked=dt.date(2026, 11, 1),
    )
    assert from_data(EolRecord, json.loads(json.dumps(to_data(record)))) == record


@pytest.mark.parametrize(
    "data",
    [
        {"address": 5},
        {"address": "x", "services": "not a list"},
        {"address": "x", "services": [{"port": "23", "protocol": "tcp", "state": "open"}]},
        {"address": "x", "host_scripts": [["only-one"]]},
        {"address": "x", "snmp": ["not", "an", "object"]},
    ],
)
def test_wrong_shapes_are_refused(data: dict[str, object]) -> None:
    with pytest.raises((TypeError, ValueError)):
        from_data(Host, data)


def test_a_sentence_stored_as_text_reads_as_its_words() -> None:
    # an inventory or scan.json written when the second pass's rule was a plain string
    stored = {"address": "127.42.1.5", "device_class": "server", "rule": "class server (…)"}
    decision = from_data(PassDecision, stored)
    assert decision.rule == words("class server (…)")
    assert from_data(PassDecision, to_data(decision)) == decision
    with pytest.raises(TypeError, match="rule"):
        from_data(PassDecision, {**stored, "rule": 12})
