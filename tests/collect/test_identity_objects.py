"""The MIB scalars that name a device: the table, the decoder, and what identify makes of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacyscan.collect.snmp import mib_decode
from legacyscan.collect.snmp.identity_objects import (
    IdentityObjectsError,
    identity_fields,
    identity_objects,
    identity_values,
)
from legacyscan.collect.snmp.walkfile import read_walk
from legacyscan.identify.engine import Identifier
from legacyscan.identify.observe import is_field
from legacyscan.identify.rules import RuleSet
from legacyscan.identify.table_rows import MAKER_NAME_FIELDS
from legacyscan.model import Host, IdentityValue, SnmpSystem, SnmpTables

FIXTURES = Path(__file__).parent.parent / "fixtures"

NET_SNMP_LINUX = "1.3.6.1.4.1.8072.3.2.10"


def test_every_object_is_a_field_something_reads() -> None:
    """An object nobody reads would cost every agent a value for nothing."""
    read = {rule.field for rule in RuleSet.load().rules} | MAKER_NAME_FIELDS
    for item in identity_objects():
        assert is_field(item.field), item.field
        assert item.field in read, f"{item.field}: no rule and no makers' table reads it"
    assert len(identity_fields()) == len(identity_objects())


def test_a_malformed_table_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "objects.yaml"
    bad.write_text("objects:\n  - {field: upsIdentModel, oid: 1.3.6.1.2.1.33.1.1.2.0, mib: x}\n")
    with pytest.raises(IdentityObjectsError, match=r"object 1 needs a field 'snmp.<object>'"):
        identity_objects(bad)
    twice = tmp_path / "twice.yaml"
    row = "  - {field: snmp.upsIdentModel, oid: 1.3.6.1.2.1.33.1.1.2.0, mib: UPS-MIB}\n"
    twice.write_text("objects:\n" + row + row)
    with pytest.raises(IdentityObjectsError, match="listed twice"):
        identity_objects(twice)


def test_values_are_text_bounded_and_empty_ones_say_nothing() -> None:
    values = {
        "1.3.6.1.2.1.33.1.1.1.0": b"EATON\x00",
        "1.3.6.1.2.1.33.1.1.2.0": "  Eaton   9PX\t1500 RT ",
        "1.3.6.1.4.1.534.1.1.1.0": "",  # an agent's empty placeholder
        "1.3.6.1.4.1.534.1.1.2.0": 16,  # not text: an integer names nothing
        "1.3.6.1.4.1.6574.1.5.3.0": "DSM " + "9" * 1000,
    }
    found = identity_values(values)
    assert found[:2] == (
        IdentityValue("snmp.upsIdentManufacturer", "EATON"),
        IdentityValue("snmp.upsIdentModel", "Eaton 9PX 1500 RT"),
    )
    assert [v.field for v in found] == [
        "snmp.upsIdentManufacturer",
        "snmp.upsIdentModel",
        "snmp.synology.version",
    ]
    assert len(found[-1].value) == 256


def test_a_walk_file_gives_the_same_identity_objects_as_an_agent() -> None:
    host = read_walk(FIXTURES / "snmprec" / "eaton-ups.snmprec")
    assert host.snmp_tables is not None
    fields = [v.field for v in host.snmp_tables.identity]
    # the card's empty upsIdentName-like placeholder and integer OEM code are not kept
    assert "snmp.xupsIdentModel" in fields and len(fields) == len(set(fields)) == 4


def _host(descr: str, object_id: str, **identity: str) -> Host:
    tables = SnmpTables(
        identity=tuple(
            IdentityValue("snmp." + name.replace("__", "."), value)
            for name, value in identity.items()
        )
    )
    return Host(
        address="127.0.0.1",
        snmp=SnmpSystem(descr=descr, object_id=object_id),
        snmp_tables=tables,
    )


def test_a_ups_card_that_says_little_is_named_by_its_ups_mib() -> None:
    host = read_walk(FIXTURES / "snmprec" / "eaton-ups.snmprec")
    device = Identifier().identify(host)
    assert device.device_class == "power" and device.device_type == "ups"
    assert "Eaton" in {i.vendor for i in device.identities}


def test_a_nas_behind_net_snmp_is_named_by_its_dsm_version() -> None:
    device = Identifier().identify(
        _host("Linux nas 4.4.59+ #25426 SMP", NET_SNMP_LINUX, synology__version="DSM 6.2-25556")
    )
    named = {(i.vendor, i.product, i.version) for i in device.identities}
    assert ("Synology", "DSM", "6.2") in named
    assert device.device_class == "server" and device.device_type == "storage"


def test_a_firewall_with_an_empty_sysdescr_is_named_by_its_firmware_object() -> None:
    device = Identifier().identify(
        _host(
            "",
            "1.3.6.1.4.1.12356.101.1.10",
            fortinet__fgSysVersion="v7.0.5,build0304,220401 (GA.F)",
        )
    )
    named = {(i.vendor, i.product, i.version) for i in device.identities}
    assert ("Fortinet", "FortiOS", "7.0.5") in named
    assert device.device_class == "network"


def test_a_printer_mib_name_gives_class_and_maker() -> None:
    device = Identifier().identify(_host("", NET_SNMP_LINUX, prtGeneralPrinterName="Lexmark T640"))
    assert device.device_class == "printer"
    assert "Lexmark" in {i.vendor for i in device.identities}


def test_hostile_identity_values_stay_text() -> None:
    """A device's string is matched by regex and kept as text, never interpreted."""
    device = Identifier().identify(
        _host("", NET_SNMP_LINUX, synology__version="DSM 6.2-1<script>alert(1)</script>")
    )
    versions = {i.version for i in device.identities if i.product == "DSM"}
    assert versions == {"6.2"}
    assert mib_decode.decode_tables({}).identity == ()
