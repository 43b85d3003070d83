"""The power makers' product subtrees of fingerprints/tables/sysobjectid-power.yaml and the
rules of fingerprints/rules/48-snmp-power.yaml, through the whole identify stage: each
sysObjectID is one its maker's MIB (or Network UPS Tools) assigns, each sysDescr one a
device's agent answers (snmpsim-data snapshots)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import identify_agent

from legacyscan.collect.snmp.walkfile import read_walk
from legacyscan.identify.engine import Identifier
from legacyscan.identify.rules import RuleSet

RULES = RuleSet.load()
FIXTURES = Path(__file__).parent.parent / "fixtures" / "snmprec"


# (sysObjectID, vendor, product, type): each OID is one the cited source assigns
CASES = [
    # LIEBERT-GP-REGISTRATION-MIB lgpGXT3 ::= { lgpUpsProducts 17 }; lgpMPH ::= { lgpRackPDU 2 }
    ("1.3.6.1.4.1.476.1.42.4.2.17", "Vertiv", "UPS", "ups"),
    ("1.3.6.1.4.1.476.1.42.4.8.2.2", "Vertiv", "PDU", "pdu"),
    # lgpEPMP ::= { lgpPowerConditioningProducts 2 }
    ("1.3.6.1.4.1.476.1.42.4.4.2", "Vertiv", "PDU", "pdu"),
    # PM-MIB pm3024 ::= { pmProducts 7 } (NUT's Avocent PDU OID)
    ("1.3.6.1.4.1.10418.17.1.7", "Vertiv", "PDU", "pdu"),
    # EATON-OIDS xupsMIB; eatonPowerChainDevice; NUT's nLogic and Pulizzi PDUs
    ("1.3.6.1.4.1.534.1", "Eaton", "UPS", "ups"),
    ("1.3.6.1.4.1.534.2.12", "Eaton", "UPS", "ups"),
    ("1.3.6.1.4.1.534.7.1", "Eaton", "PDU", "pdu"),
    ("1.3.6.1.4.1.20677.2", "Eaton", "PDU", "pdu"),
    # CPQPOWER-MIB ups (3), mpdu (5), pdu2 (7), pdu3 (11)
    ("1.3.6.1.4.1.232.165.3", "HPE", "UPS", "ups"),
    ("1.3.6.1.4.1.232.165.5", "HPE", "PDU", "pdu"),
    ("1.3.6.1.4.1.232.165.7", "HPE", "PDU", "pdu"),
    ("1.3.6.1.4.1.232.165.11", "HPE", "PDU", "pdu"),
    # DeltaUPS-MIB upsv4, DeltaUPSv5-MIB upsv5
    ("1.3.6.1.4.1.2254.2.4", "Delta", "UPS", "ups"),
    ("1.3.6.1.4.1.2254.2.5", "Delta", "UPS", "ups"),
    # PowerNet-MIB eps8000UPS ::= { eps 9 }
    ("1.3.6.1.4.1.318.1.3.30.9", "APC", "UPS", "ups"),
    # transfer switches: NUT's APC ATS OID; Eaton's sts branch (NUT's ATS30 OID);
    # lgpStaticTransferSwitch2 ::= { lgpTransferSwitchProducts 3 }; DeltaSTS-MIB sts
    ("1.3.6.1.4.1.318.1.3.11", "APC", "ATS", "ats"),
    ("1.3.6.1.4.1.318.1.3.32", "APC", "ATS", "ats"),
    ("1.3.6.1.4.1.534.10.1", "Eaton", "ATS", "ats"),
    ("1.3.6.1.4.1.476.1.42.4.5.3", "Vertiv", "ATS", "ats"),
    ("1.3.6.1.4.1.2254.2.80", "Delta", "ATS", "ats"),
]


@pytest.mark.parametrize(("oid", "vendor", "product", "kind"), CASES)
def test_a_power_sysobjectid_names_the_maker_and_the_kind(
    oid: str, vendor: str, product: str, kind: str
) -> None:
    device = identify_agent(oid)
    assert (device.identities[0].vendor, device.identities[0].product) == (vendor, product)
    assert (device.device_class, device.device_type) == ("power", kind)


def test_liebert_s_bare_agent_number_names_the_maker_but_no_kind() -> None:
    # the IntelliSlot card answers 476.1.42 on UPSs, PDUs and cooling units alike
    device = identify_agent("1.3.6.1.4.1.476.1.42", "Uninitialized")
    assert [(i.vendor, i.product) for i in device.identities] == [("Vertiv", "")]
    assert device.device_type is None


def test_a_huawei_gse200m_card_is_a_ups_or_a_site_monitoring_unit() -> None:
    device = identify_agent(
        "1.3.6.1.4.1.8072.3.2.10",
        "Linux GSE200M 2.6.27-SPEAr310 #591 Wed Sep 4 16:10:51 CST 2013 armv5tejl",
    )
    first = device.identities[0]
    assert (first.vendor, first.product) == ("Huawei", "UPS")
    assert [(a.vendor, a.product) for a in first.alternatives] == [("Huawei", "SMU")]
    assert device.device_class == "power"


def test_a_card_answering_the_ups_mib_root_is_a_ups_of_no_named_maker() -> None:
    device = identify_agent("1.3.6.1.2.1.33")
    assert (device.device_class, device.device_type) == ("power", "ups")
    assert not [i for i in device.identities if i.vendor]


@pytest.mark.parametrize(
    ("oid", "vendor"),
    [
        # EES-POWER-MIB powerMIB ::= { enterprises 6302 2 1 }; GLOBAL-REG orion (20246.2.3.1.1)
        ("1.3.6.1.4.1.6302.2.1", "Vertiv"),
        ("1.3.6.1.4.1.20246.2.3.1.1", "Delta"),
    ],
)
def test_a_dc_power_controller_s_number_names_its_maker_and_the_power_class(
    oid: str, vendor: str
) -> None:
    device = identify_agent(oid)
    assert [(i.vendor, i.product) for i in device.identities] == [(vendor, "")]
    assert device.device_class == "power"


def test_a_netbotz_appliance_is_named_over_its_linux_kernel() -> None:
    # NETBOTZ410-MIB netBotz-APC: the appliance line's name under APC's enterprise 5528
    device = identify_agent("1.3.6.1.4.1.5528.100.20.10.2014")
    assert [(i.vendor, i.product) for i in device.identities] == [("APC", "NetBotz")]
    assert (device.device_class, device.device_type) == ("iot", "sensor")


def test_generex_s_number_names_the_ups_adapter_maker_and_legrand_s_only_its_name() -> None:
    generex = identify_agent("1.3.6.1.4.1.1356.1")
    assert [(i.vendor, i.product) for i in generex.identities] == [("Generex", "")]
    assert (generex.device_class, generex.device_type) == ("power", "ups")
    # Legrand's number spans electrical, building and UPS lines: the maker, no class
    legrand = identify_agent("1.3.6.1.4.1.7239.1")
    assert [(i.vendor, i.product) for i in legrand.identities] == [("Legrand", "")]
    assert legrand.device_class == "unknown"


def test_an_intellislot_card_names_itself_where_its_number_names_no_kind() -> None:
    # snmpsim-data's Liebert IntelliSlot Web Card: sysObjectID 476.1.42, sysDescr
    # "Uninitialized", the card's own LIEBERT-GP-AGENT-MIB identity read with the walk
    device = Identifier(RULES).identify(read_walk(FIXTURES / "liebert-intellislot.snmprec"))
    first = device.identities[0]
    assert (first.vendor, first.product, first.version) == ("Vertiv", "IntelliSlot", "3.210.0")
    assert device.device_class == "power"


def test_raritan_s_environment_monitor_is_no_pdu() -> None:
    # EMD-MIB emd ::= { raritan 8 }: the EMX Environmental Monitoring Device
    device = identify_agent("1.3.6.1.4.1.13742.8")
    assert [(i.vendor, i.product) for i in device.identities] == [("Raritan", "EMX")]
    assert (device.device_class, device.device_type) == ("iot", "sensor")


def test_apc_s_shutdown_agents_are_software_on_a_server_not_a_power_device() -> None:
    # PowerNet-MIB pcbe9 ::= { pcbe 1 }, pcns4 ::= { pcns 1 }
    for oid, product in [
        ("1.3.6.1.4.1.318.1.3.33.1", "PowerChute Business Edition"),
        ("1.3.6.1.4.1.318.1.3.31.1", "PowerChute Network Shutdown"),
    ]:
        device = identify_agent(oid)
        [found] = device.identities
        assert (found.vendor, found.product, found.kind) == ("APC", product, "application")
        assert device.device_class == "server"


@pytest.mark.parametrize(
    ("descr", "vendor", "device_class"),
    [
        # former names of today's makers, as IANA's registry and EATON-OIDS record them
        ("Powerware 9355 UPS", "Eaton", "power"),
        ("Geist Watchdog 15", "Vertiv", "power"),
        ("Server Technology Switched PDU", "Server Technology", "power"),
        # a maker of several classes: the name, no class
        ("LEGRAND", "Legrand", "unknown"),
    ],
)
def test_a_power_maker_s_name_beginning_a_sysdescr_names_it(
    descr: str, vendor: str, device_class: str
) -> None:
    device = identify_agent(None, descr)
    assert device.identities[0].vendor == vendor
    assert device.device_class == device_class
