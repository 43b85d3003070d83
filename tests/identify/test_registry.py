"""The IANA registrant of a sysObjectID, shown to the report's reader as a clue."""

from __future__ import annotations

import pytest

from legacyscan.identify.registry import read_registry, snmp_registrant


def test_a_sysobjectid_s_enterprise_number_gives_its_registrant() -> None:
    if not read_registry():
        pytest.skip("nmap's enterprise_numbers.txt is not installed (apt package nmap)")
    assert snmp_registrant("1.3.6.1.4.1.311.1.1.3.1.1") == (311, "Microsoft")
    assert snmp_registrant(".1.3.6.1.4.1.8072.3.2.10") == (8072, "net-snmp")


def test_a_registry_read_once_is_asked_for_every_device() -> None:
    registry = {54321: "Trapeze Networks"}
    assert snmp_registrant("1.3.6.1.4.1.54321.1", registry) == (54321, "Trapeze Networks")
    assert snmp_registrant("1.3.6.1.4.1.311.1", registry) is None


@pytest.mark.parametrize(
    "oid", [None, "", "1.3.6.1.2.1.1.1", "not an oid", "1.3.6.1.4.1.999999999"]
)
def test_no_registrant_outside_the_enterprises_or_the_registry(oid: str | None) -> None:
    assert snmp_registrant(oid) is None
