"""The product subtrees of fingerprints/tables/sysobjectid-security-storage.yaml (security
appliances, ADCs, DNS/DHCP appliances, storage arrays), each proven on an OID the cited MIB
or list assigns, through the whole identify stage: a sysObjectID alone names the product
and the class."""

from __future__ import annotations

import pytest
from builders import identify_agent

from legacyscan.model import IdentifiedDevice


def _named(device: IdentifiedDevice) -> list[tuple[str, str]]:
    return [(i.vendor, i.product) for i in device.identities if not i.vendor_only]


CASES = [
    # IB-SMI-MIB ib1552a ::= { infobloxProducts 1304 }, ibVnios ::= { infobloxProducts 1004 }
    ("1.3.6.1.4.1.7779.1.1304", "Infoblox", "NIOS", "server", "dns-server"),
    ("1.3.6.1.4.1.7779.1.1004", "Infoblox", "NIOS", "server", "dns-server"),
    # IRONPORT-SMI asyncOSMail ::= { asyncOSAppliances 1 }; FusionInventory 15497.1.2 S670
    ("1.3.6.1.4.1.15497.1.1", "Cisco", "AsyncOS", "network", None),
    ("1.3.6.1.4.1.15497.1.2", "Cisco", "AsyncOS", "network", None),
    # NS-MIB-SMIV2-MIB nsRoot ::= { netScaler 1 }; SDX-MIB-SMIV2-MIB sdxRoot ::= { netScaler 6 }
    ("1.3.6.1.4.1.5951.1", "Citrix", "NetScaler", "network", "load-balancer"),
    ("1.3.6.1.4.1.5951.6", "Citrix", "NetScaler SDX", "network", "load-balancer"),
    # NS-MIB-SMIV2-MIB rs9000 ::= { nsProducts 1 } (nsProducts ::= { netScaler 4 })
    ("1.3.6.1.4.1.5951.4.1", "Citrix", "NetScaler", "network", "load-balancer"),
    # SFOS-FIREWALL-MIB sfosXGMIB ::= { sophosMIB 5 }
    ("1.3.6.1.4.1.2604.5", "Sophos", "SFOS", "network", "firewall"),
    # SONICWALL-SMI sonicwallSSLVPN ::= { sonicwall 6 }
    ("1.3.6.1.4.1.8741.6", "SonicWall", "Secure Mobile Access", "network", "firewall"),
    # FusionInventory 12196.250.10 LoadMaster
    ("1.3.6.1.4.1.12196.250.10", "Kemp", "LoadMaster", "network", "load-balancer"),
    # FusionInventory 12532.252.3.1 SSL-SA-2500
    ("1.3.6.1.4.1.12532.252.3.1", "Ivanti", "Connect Secure", "network", "firewall"),
    # EQUALLOGIC-SMI equalLogic ::= { enterprises 12740 }, eqlPSSeries ::= { products 1 }
    ("1.3.6.1.4.1.12740.12740.1", "Dell", "EqualLogic PS Series", "server", "storage"),
    # FORTINET-FORTIMANAGER-FORTIANALYZER-MIB fmg400E ::= { fmModel 4005 },
    # faz1000E ::= { faModel 10005 }
    ("1.3.6.1.4.1.12356.103.1.4005", "Fortinet", "FortiManager", "server", "management"),
    ("1.3.6.1.4.1.12356.103.3.10005", "Fortinet", "FortiAnalyzer", "server", None),
    # FORTINET-FORTIMAIL-MIB, -FORTIWEB-MIB, -FORTIADC-MIB, -FORTIAUTHENTICATOR-MIB,
    # -FORTIVOICE-MIB, -FORTISANDBOX-MIB (fsaVM ::= { fsaModel 20000 }), -FORTIAP-MIB,
    # -FORTIEXTENDER-MIB module roots
    ("1.3.6.1.4.1.12356.105", "Fortinet", "FortiMail", "network", None),
    ("1.3.6.1.4.1.12356.107.1", "Fortinet", "FortiWeb", "network", "firewall"),
    ("1.3.6.1.4.1.12356.112.1", "Fortinet", "FortiADC", "network", "load-balancer"),
    ("1.3.6.1.4.1.12356.113", "Fortinet", "FortiAuthenticator", "network", None),
    ("1.3.6.1.4.1.12356.115", "Fortinet", "FortiVoice", "server", "pbx"),
    ("1.3.6.1.4.1.12356.118.1.20000", "Fortinet", "FortiSandbox", "network", None),
    ("1.3.6.1.4.1.12356.120.1", "Fortinet", "FortiAP", "network", "wireless"),
    ("1.3.6.1.4.1.12356.121.2", "Fortinet", "FortiExtender", "network", "router"),
    # WATCHGUARD-PRODUCTS-MIB M400 ::= { xtmSeries 49 }, T45-CW ::= { xtmSeries 104 }
    ("1.3.6.1.4.1.3097.1.5.49", "WatchGuard", "Fireware", "network", "firewall"),
    ("1.3.6.1.4.1.3097.1.5.104", "WatchGuard", "Fireware", "network", "firewall"),
    # DATA-DOMAIN-MIB dd410 ::= { restorer 3 }
    ("1.3.6.1.4.1.19746.3.1.3", "Dell", "Data Domain OS", "server", "storage"),
    # SUN-ILOM-CONTROL-MIB ilomCtrlMIB ::= { ilom 102 }
    ("1.3.6.1.4.1.42.2.175.102", "Oracle", "ILOM", "server", "management-controller"),
    # F5-OS-SYSTEM-MIB f5OsAppR4x00 ::= { f5OsSystemModelOIDs 4 }
    ("1.3.6.1.4.1.12276.1.3.1.4", "F5", "F5OS", "network", "load-balancer"),
    # PHION-MIB firewall ::= { phion 1 }
    ("1.3.6.1.4.1.10704.1.10", "Barracuda", "CloudGen Firewall", "network", "firewall"),
    # EIP-MON-MIB eip (enterprises 2440): the enterprise OID itself and its products branch
    ("1.3.6.1.4.1.2440", "EfficientIP", "SOLIDserver", "server", "dns-server"),
    ("1.3.6.1.4.1.2440.1", "EfficientIP", "SOLIDserver", "server", "dns-server"),
    # BCN-PRODUCTS-MIB bcnProductsAdonis1000 (5), bcnProductsProteus (2)
    ("1.3.6.1.4.1.13315.2.5", "BlueCat", "DNS/DHCP Server", "server", "dns-server"),
    ("1.3.6.1.4.1.13315.2.2", "BlueCat", "Address Manager", "server", None),
    # A10-COMMON-MIB a10AX: AX2500 ::= { a10AX 8 }
    ("1.3.6.1.4.1.22610.1.3.8", "A10 Networks", "ACOS", "network", "load-balancer"),
    # STONESOFT-SMI-MIB stonesoftFirewall
    ("1.3.6.1.4.1.1369.5.2", "Forcepoint", "NGFW", "network", "firewall"),
    # CPQSM2-MIB cpqSm2ProdRILO2 (7), cpqSm2ProdRILO3 (9)
    ("1.3.6.1.4.1.232.9.4.7", "HPE", "iLO", "server", "management-controller"),
    ("1.3.6.1.4.1.232.9.4.9", "HPE", "iLO", "server", "management-controller"),
    # FJDARY-E150 nsp ::= { storage 1 }
    ("1.3.6.1.4.1.211.1.21.1.150", "Fujitsu", "ETERNUS", "server", "storage"),
    # IMM-MIB ibmIntegratedManagementModuleMIB
    (
        "1.3.6.1.4.1.2.3.51.3",
        "IBM",
        "Integrated Management Module",
        "server",
        "management-controller",
    ),
]


@pytest.mark.parametrize(("oid", "vendor", "product", "device_class", "device_type"), CASES)
def test_a_product_subtree_names_the_product_and_the_class(
    oid: str, vendor: str, product: str, device_class: str, device_type: str | None
) -> None:
    device = identify_agent(oid)
    assert (vendor, product) in _named(device)
    assert device.device_class == device_class
    assert device.device_type == device_type


def test_a_linux_sysdescr_does_not_hide_the_appliance() -> None:
    # an SFOS firewall answers with a bare Linux line: the product row still names it
    device = identify_agent("1.3.6.1.4.1.2604.5", "Linux localhost 4.14.38 #2 SMP x86_64")
    assert ("Sophos", "SFOS") in _named(device)


@pytest.mark.parametrize(
    ("oid", "vendor"),
    [
        # Pulse Secure's MAG and IC branches run Connect Secure or Policy Secure alike
        ("1.3.6.1.4.1.12532.254.1.1", "Ivanti"),
        ("1.3.6.1.4.1.12532.253.4.1", "Ivanti"),
        # A10's IDsentrie family (a10Products 1) and Stonesoft's IPS branch (5.5)
        ("1.3.6.1.4.1.22610.1.1.1", "A10 Networks"),
        ("1.3.6.1.4.1.1369.5.5", "Forcepoint"),
        # the storage makers' numbers outside a product branch: the maker and the class
        ("1.3.6.1.4.1.12925.1", "HPE"),
        ("1.3.6.1.4.1.16139.1", "Dell"),
        ("1.3.6.1.4.1.40482.1", "Pure Storage"),
        # Cyberoam's (Elitecore's) number, Sophos's since 2014: the maker only
        ("1.3.6.1.4.1.21067.2", "Sophos"),
        # one4net's number outside the LoadMaster OID: Kemp, no product
        ("1.3.6.1.4.1.12196.13", "Kemp"),
        # WatchGuard's older Firebox X branch (fbXSeries, 4) ran Fireware or WFS
        ("1.3.6.1.4.1.3097.1.4.1", "WatchGuard"),
        # FortiManager's module outside its model branches (fmSystem ::= { fnFortiManagerMib 2 })
        ("1.3.6.1.4.1.12356.103.2", "Fortinet"),
    ],
)
def test_a_branch_of_several_systems_names_only_the_maker(oid: str, vendor: str) -> None:
    device = identify_agent(oid)
    assert _named(device) == []
    assert [i.vendor for i in device.identities] == [vendor]


def test_the_citrix_subtrees_hold_only_their_own_oids() -> None:
    # { netScaler 7 } (MAS-MIB-SMIV2-MIB, the management service) is neither an ADC nor an SDX
    assert _named(identify_agent("1.3.6.1.4.1.5951.7")) == []
