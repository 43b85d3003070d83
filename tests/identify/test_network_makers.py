"""The switch, router and wireless knowledge of fingerprints/tables/sysobjectid-netwifi.yaml
and rules/26-snmp-network-netwifi.yaml, through the whole identify stage: product
registration subtrees name the line for any model under them, a device kind becomes the
product of a maker without a firmware name, and each rule keeps out what shares its text."""

from __future__ import annotations

import pytest
from builders import identify_agent

from legacyscan.model import IdentifiedDevice


def _named(device: IdentifiedDevice) -> set[tuple[str, str]]:
    return {(i.vendor, i.product) for i in device.identities}


# (sysObjectID, vendor, product, class, type): each OID is under the branch its MIB
# registers, a number the tables never list one by one
SUBTREES = [
    # CISCO-PRODUCTS-MIB ciscoC120024P4G ::= { ciscoProducts 3217 }, ciscoC130024XTS 3253
    ("1.3.6.1.4.1.9.1.3217", "Cisco", "Small Business Switch", "network", "switch"),
    ("1.3.6.1.4.1.9.1.3253", "Cisco", "Small Business Switch", "network", "switch"),
    # ECS4120-MIB: edgecoreNetworksMgt(1) ::= { edgecoreNetworks(10) } under accton(259)
    ("1.3.6.1.4.1.259.10.1.45.101", "Edgecore", "Switch", "network", "switch"),
    # WHISP-GLOBAL-REG-MIB canopySnmpAgent(250) ::= { whispRoot(19) } under mot(161)
    ("1.3.6.1.4.1.161.19.250.256", "Cambium", "Canopy", "network", "wireless"),
    # ALCATEL-IND1-DEVICES (AOS 7/8): deviceOmniSwitch6900X20 sysObjectID
    (
        "1.3.6.1.4.1.6486.801.1.1.2.1.10.1.1",
        "Alcatel-Lucent Enterprise",
        "OmniSwitch AOS",
        "network",
        "switch",
    ),
    # AT-PRODUCT-MIB routerSwitch(14) atx51028GPX(110)
    ("1.3.6.1.4.1.207.1.14.110", "Allied Telesis", "Switch", "network", "switch"),
    # FOUNDRY-SN-ROOT-MIB snNetIronMLXFamily(44)
    ("1.3.6.1.4.1.1991.1.3.44.1.2", "Extreme Networks", "NetIron", "network", "router"),
    # CISCO-PRODUCTS-MIB ciscoVirtualWlc ::= { ciscoProducts 1631 }
    ("1.3.6.1.4.1.9.1.1631", "Cisco", "Wireless LAN Controller", "network", "wireless-controller"),
]


@pytest.mark.parametrize(
    ("object_id", "vendor", "product", "device_class", "device_type"), SUBTREES
)
def test_a_product_branch_names_the_line(
    object_id: str, vendor: str, product: str, device_class: str, device_type: str
) -> None:
    device = identify_agent(object_id)
    assert (vendor, product) in _named(device)
    assert (device.device_class, device.device_type) == (device_class, device_type)


def test_a_maker_without_firmware_name_gives_its_access_points_the_kind() -> None:
    # D-Link's own words for its access points; D-Link's number says only "network"
    device = identify_agent("1.3.6.1.4.1.171.10.37.37", "DAP-2610")
    assert _named(device) == {("D-Link", "Access Point")}
    assert device.device_type == "wireless"
    # a maker whose vocabulary has no such kind keeps its name alone
    device = identify_agent(None, "Cambium Networks Access Point")
    assert _named(device) == {("Cambium", "")}


def test_the_omniswitch_text_is_read_only_on_ales_number() -> None:
    # an AOS 6 sysDescr quoted in a public inventory parser; an OS6850's sysObjectID
    # (ALCATEL-IND1-DEVICES deviceOmniSwitch6850U24X)
    text = "Alcatel-Lucent OS6450-24 6.7.1.71.R04"
    on_ale = identify_agent("1.3.6.1.4.1.6486.800.1.1.2.1.7.1.10", text)
    assert ("Alcatel-Lucent Enterprise", "OmniSwitch AOS") in _named(on_ale)
    assert {i.version for i in on_ale.identities} >= {"6.7.1.71.R04"}
    # the same text on Nokia's TiMOS number (a placeholder of public test recordings)
    on_nokia = identify_agent("1.3.6.1.4.1.6527.1.3.4", text)
    assert ("Alcatel-Lucent Enterprise", "OmniSwitch AOS") not in _named(on_nokia)


def test_fastiron_and_netiron_are_told_apart_in_ironware_text() -> None:
    fastiron = identify_agent(
        None, "Foundry Networks, Inc. FLS648, IronWare Version 04.1.00bT7e1 Compiled on Feb 29 2008"
    )
    netiron = identify_agent(
        None,
        "Brocade NetIron CES, IronWare Version V5.2.0cT183 Compiled on Oct 28 2011 at 02:58:44",
    )
    assert ("Ruckus", "FastIron") in _named(fastiron)
    assert ("Extreme Networks", "NetIron") in _named(netiron)
    assert ("Ruckus", "FastIron") not in _named(netiron)


def test_airos_on_frogfoots_number_is_hedged_and_narrowed_by_unifi_words() -> None:
    bare = identify_agent(
        "1.3.6.1.4.1.10002.1", "Linux 2.6.32.68 #1 Tue Oct 17 17:26:15 EEST 2017 mips"
    )
    (airos,) = [i for i in bare.identities if i.product == "airOS"]
    assert {(a.vendor, a.product) for a in airos.alternatives} == {
        ("Ubiquiti", "UniFi"),
        ("Ubiquiti", "EdgeSwitch"),
    }
    # a UniFi model line on the same number is UniFi, not airOS
    unifi = identify_agent("1.3.6.1.4.1.10002.1", "UAP-AC-Lite 4.3.28.11361")
    assert ("Ubiquiti", "airOS") not in _named(unifi)
    assert ("Ubiquiti", "UniFi") in _named(unifi)


def test_juniper_model_families_keep_the_bnt_built_ex2500_out() -> None:
    assert ("Juniper", "Junos") in _named(identify_agent(None, "Juniper EX4600 Ethernet Switch"))
    assert ("Juniper", "Junos") not in _named(identify_agent(None, "Juniper EX2500 10GbE Switch"))


def test_aos_cx_release_form_is_not_arubaos_switch() -> None:
    cx = identify_agent(None, "Aruba JL659A 6300M 48SR CL6 PoE 4SFP56 Swch FL.10.09.1020")
    provision = identify_agent(
        None,
        "Aruba JL258A 2930F-8G-PoE+-2SFP+ Switch, revision WC.16.10.0009, ROM WC.16.01.0008",
    )
    assert ("HPE", "AOS-CX") in _named(cx)
    assert ("HPE", "AOS-CX") not in _named(provision)
    assert ("HPE", "ArubaOS-Switch") in _named(provision)
