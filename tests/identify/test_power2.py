"""The time servers of fingerprints/tables/sysobjectid-power2.yaml through the whole identify
stage: each sysObjectID is one its maker's MIB assigns (MBG-SNMP-ROOT-MIB, SYMM-SMI,
SPECTRACOM-GLOBAL-MIB)."""

from __future__ import annotations

import pytest
from builders import identify_agent


@pytest.mark.parametrize(
    ("oid", "vendor", "product"),
    [
        # MBG-SNMP-LTNG-MIB mbgLantimeNG ::= { mbgSnmpRoot 30 }
        ("1.3.6.1.4.1.5597.30", "Meinberg", "Time Server"),
        # SYMM-SMI syncserver ::= { products 5 }; ts2100 ::= { products 3 }
        ("1.3.6.1.4.1.9070.1.2.3.1.5", "Microsemi", "SyncServer"),
        ("1.3.6.1.4.1.9070.1.2.3.1.3", "Microsemi", "Time Server"),
        # SPECTRACOM-GLOBAL-MIB ssSecureSyncReg, nc9483Reg, tfTTS200Reg
        ("1.3.6.1.4.1.18837.1.3.1", "Spectracom", "SecureSync"),
        ("1.3.6.1.4.1.18837.1.4.1", "Spectracom", "NetClock"),
        ("1.3.6.1.4.1.18837.1.2.1", "Spectracom", "Time Server"),
        # SPECTRACOM-XSYNC-MIB specxSyncMIB ::= { specProducts 2 }
        ("1.3.6.1.4.1.18837.3.2", "Spectracom", "Time Server"),
    ],
)
def test_a_time_server_s_number_names_its_maker_and_the_kind(
    oid: str, vendor: str, product: str
) -> None:
    device = identify_agent(oid)
    assert [(i.vendor, i.product) for i in device.identities] == [(vendor, product)]
    assert (device.device_class, device.device_type) == ("network", "time-server")


def test_symmetricom_s_other_branches_name_no_time_server() -> None:
    # SYMM-SMI symmBroadband ::= { symmSnmpManagement 2 }: the GoWide access products
    device = identify_agent("1.3.6.1.4.1.9070.1.2.2.1")
    assert device.device_type != "time-server"


def test_a_geist_watchdog_is_an_environment_monitor_not_a_pdu() -> None:
    # GEIST-V4-MIB watchdog100 ::= { blackbird 1 } (21239.5.1)
    device = identify_agent("1.3.6.1.4.1.21239.5.1")
    assert [(i.vendor, i.product) for i in device.identities] == [("Vertiv", "Watchdog")]
    assert (device.device_class, device.device_type) == ("iot", "sensor")


@pytest.mark.parametrize(
    ("oid", "product"),
    [
        # RITTAL-CMC-III-PRODUCTS-MIB cmcIIIProductUnit ::= { cmcIIIProducts 1 } (2606.7.7.1)
        ("1.3.6.1.4.1.2606.7.7.1", "CMC III"),
        # RITTAL-CMC-TC-MIB cmcTc ::= { rittal 4 }
        ("1.3.6.1.4.1.2606.4", "CMC-TC"),
    ],
)
def test_rittal_s_monitoring_agents_are_named_without_a_device_type(oid: str, product: str) -> None:
    device = identify_agent(oid)
    assert [(i.vendor, i.product) for i in device.identities] == [("Rittal", product)]
    assert device.device_type is None


@pytest.mark.parametrize(
    ("oid", "vendor", "product", "device_class", "kind"),
    [
        # InterSeptor-MIB inSept ::= { webAppliance 1 }
        ("1.3.6.1.4.1.19011.1.3.1", "Jacarta", "InterSeptor", "iot", "sensor"),
        # ENLOGIC-PDU-MIB, GAMATRONIC-MIB, WTI-POWER-MIB power, IBOOTPDU-MIB roots
        ("1.3.6.1.4.1.38446.1", "Enlogic", "PDU", "power", "pdu"),
        ("1.3.6.1.4.1.6050.5", "Gamatronic", "UPS", "power", "ups"),
        ("1.3.6.1.4.1.2634.3", "WTI", "PDU", "power", "pdu"),
        ("1.3.6.1.4.1.1418.4", "Dataprobe", "PDU", "power", "pdu"),
        # POSEIDON-MIB poseidon, STE-MIB ste, STE2-MIB ste2, HWg-WLD-MIB hwgwld
        ("1.3.6.1.4.1.21796.3.3", "HW group", "Poseidon", "iot", "sensor"),
        ("1.3.6.1.4.1.21796.4.1", "HW group", "STE", "iot", "sensor"),
        ("1.3.6.1.4.1.21796.4.9", "HW group", "STE2", "iot", "sensor"),
        ("1.3.6.1.4.1.21796.4.5", "HW group", "WLD", "iot", "sensor"),
        # SPAGENT-MIB sensorProbe; ASENTRIA-ROOT-MIB
        ("1.3.6.1.4.1.3854.1", "AKCP", "SensorProbe", "iot", "sensor"),
        ("1.3.6.1.4.1.3052.5.4", "Asentria", "SiteBoss", "iot", "sensor"),
        # Argus-MIB/ALPHA-RESOURCE-MIB, TERACOM-TCW220-MIB, VUTLAN-SYSTEM-MIB, DKSF-70 roots
        ("1.3.6.1.4.1.7309.4", "Alpha", "", "power", None),
        ("1.3.6.1.4.1.38783", "Teracom", "", "iot", "sensor"),
        ("1.3.6.1.4.1.39052", "Vutlan", "", "iot", "sensor"),
        ("1.3.6.1.4.1.25728", "NetPing", "", "iot", "sensor"),
        # makers' roots that name the maker and its class, no product
        ("1.3.6.1.4.1.22626.1.5", "Comet", "", "iot", "sensor"),
        ("1.3.6.1.4.1.20916.1.8", "AVTECH", "", "iot", "sensor"),
        ("1.3.6.1.4.1.16174.1.1.1", "Sensatronics", "", "iot", "sensor"),
        ("1.3.6.1.4.1.18248.1", "Papouch", "", "iot", None),
        ("1.3.6.1.4.1.29462.10", "Stulz", "", "iot", None),
        ("1.3.6.1.4.1.39145.13", "ICT", "", "power", None),
        ("1.3.6.1.4.1.34278.10.1", "Janitza", "", "power", None),
    ],
)
def test_a_one_kind_maker_s_number_names_it_and_its_class(
    oid: str, vendor: str, product: str, device_class: str, kind: str | None
) -> None:
    device = identify_agent(oid)
    assert [(i.vendor, i.product) for i in device.identities] == [(vendor, product)]
    assert (device.device_class, device.device_type) == (device_class, kind)


def test_a_several_kind_maker_s_other_branches_name_no_kind() -> None:
    # WTI-CONSOLE-MIB console ::= { westernTelematic 1 }: a console server, no PDU
    for oid, vendor in [("1.3.6.1.4.1.2634.1", "WTI"), ("1.3.6.1.4.1.19011.2", "Jacarta")]:
        device = identify_agent(oid)
        assert [(i.vendor, i.product) for i in device.identities] == [(vendor, "")]
        assert device.device_type is None
