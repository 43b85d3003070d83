"""The second pass of switch and wireless knowledge (tables/sysobjectid-net2.yaml,
rules/27-snmp-network-net2.yaml) through the whole identify stage: a product branch names
its line for any model under it, the maker's number outside the branch stays its own, and
each rule keeps out what shares its text."""

from __future__ import annotations

import pytest
from builders import identify_agent

from legacyscan.model import IdentifiedDevice


def _named(device: IdentifiedDevice) -> set[tuple[str, str]]:
    return {(i.vendor, i.product) for i in device.identities}


# (sysObjectID, vendor, product, device type): each OID under the branch its MIB registers
SUBTREES = [
    # HIPATH-WIRELESS-PRODUCTS-MIB c5110 ::= { control 10 }, a model under access(2)
    ("1.3.6.1.4.1.4329.15.1.1.10", "Extreme Networks", "ExtremeWireless", "wireless-controller"),
    ("1.3.6.1.4.1.4329.15.1.2.40", "Extreme Networks", "ExtremeWireless", "wireless"),
    # LENOVO-PRODUCTS-MIB ne1072t ::= { tor 34 }, g8272-cnos ::= { tor 30 }
    ("1.3.6.1.4.1.19046.1.7.34", "Lenovo", "CNOS", "switch"),
    ("1.3.6.1.4.1.19046.1.7.30", "Lenovo", "CNOS", "switch"),
]


@pytest.mark.parametrize(("object_id", "vendor", "product", "device_type"), SUBTREES)
def test_a_product_branch_names_the_line(
    object_id: str, vendor: str, product: str, device_type: str
) -> None:
    device = identify_agent(object_id)
    assert (vendor, product) in _named(device)
    assert {i.vendor for i in device.identities} == {vendor}
    assert device.device_class == "network"
    assert device.device_type == device_type


def test_siemens_number_outside_the_wireless_branch_is_not_extreme() -> None:
    # 4329.6 is SIMATIC NET's branch (SCALANCE), not HiPath Wireless'
    device = identify_agent("1.3.6.1.4.1.4329.6.1.2.1.2")
    assert "Extreme Networks" not in {i.vendor for i in device.identities}


def test_lenovo_enos_rackswitch_rows_are_not_cnos() -> None:
    # LENOVO-PRODUCTS-MIB g8272 ::= { tor 24 } is the ENOS build of the G8272
    device = identify_agent("1.3.6.1.4.1.19046.1.7.24")
    assert ("Lenovo", "CNOS") not in _named(device)


def test_catos_is_named_with_its_release() -> None:
    device = identify_agent(
        "1.3.6.1.4.1.9.5.44",
        "Cisco Systems WS-C6509 Cisco Catalyst Operating System Software, Version 8.4(5)",
    )
    named = {(i.vendor, i.product, i.version) for i in device.identities}
    assert ("Cisco", "CatOS", "8.4(5)") in named
    assert device.device_type == "switch"


def test_ios_on_a_catalyst_is_not_catos() -> None:
    device = identify_agent(
        "1.3.6.1.4.1.9.1.283",
        "Cisco Internetwork Operating System Software IOS (tm) c6sup2_rp Software "
        "(c6sup2_rp-PK2SV-M), Version 12.1(13)E6, EARLY DEPLOYMENT RELEASE SOFTWARE (fc1)",
    )
    assert ("Cisco", "CatOS") not in _named(device)


def test_extremeware_is_not_extremexos() -> None:
    old = identify_agent(
        "1.3.6.1.4.1.1916.2.11", "Summit48 - Version 6.2.2 (Build 68) by Release_Master"
    )
    assert ("Extreme Networks", "ExtremeWare") in _named(old)
    xos = identify_agent(
        "1.3.6.1.4.1.1916.2.254",
        "ExtremeXOS (X440G2-48p-10G4) version 22.6.1.4 22.6.1.4-patch1-4 by release-manager",
    )
    assert ("Extreme Networks", "ExtremeWare") not in _named(xos)
