"""The time servers of fingerprints/tables/sysobjectid-power2.yaml through the whole identify
stage: each sysObjectID is one its maker's MIB assigns (MBG-SNMP-ROOT-MIB, SYMM-SMI,
SPECTRACOM-GLOBAL-MIB)."""

from __future__ import annotations

import pytest

from legacyscan.identify.engine import Identifier
from legacyscan.identify.rules import RuleSet
from legacyscan.model import Host, IdentifiedDevice, SnmpSystem

RULES = RuleSet.load()


def _identify(object_id: str | None, descr: str | None = None) -> IdentifiedDevice:
    host = Host(address="127.0.0.1", snmp=SnmpSystem(descr=descr, object_id=object_id))
    return Identifier(RULES).identify(host)


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
    device = _identify(oid)
    assert [(i.vendor, i.product) for i in device.identities] == [(vendor, product)]
    assert (device.device_class, device.device_type) == ("network", "time-server")


def test_symmetricom_s_other_branches_name_no_time_server() -> None:
    # SYMM-SMI symmBroadband ::= { symmSnmpManagement 2 }: the GoWide access products
    device = _identify("1.3.6.1.4.1.9070.1.2.2.1")
    assert device.device_type != "time-server"


def test_a_geist_watchdog_is_an_environment_monitor_not_a_pdu() -> None:
    # GEIST-V4-MIB watchdog100 ::= { blackbird 1 } (21239.5.1)
    device = _identify("1.3.6.1.4.1.21239.5.1")
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
    device = _identify(oid)
    assert [(i.vendor, i.product) for i in device.identities] == [("Rittal", product)]
    assert device.device_type is None
