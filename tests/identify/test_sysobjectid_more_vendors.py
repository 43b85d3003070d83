"""The product subtrees of fingerprints/tables/sysobjectid-more-vendors.yaml,
sysobjectid-extreme.yaml, sysobjectid-cisco-nexus.yaml and sysobjectid-f5.yaml (and the
enterprise numbers added with them), each proven on an OID its vendor's MIB (or own source) assigns,
through the whole identify stage: a sysObjectID alone names the product and the class."""

from __future__ import annotations

import pytest
from builders import identify_agent

# (sysObjectID, vendor, product, class, type): each OID is the one the cited MIB registers
CASES = [
    # ZYXEL-MIB esSeries(8) es2024(9)
    ("1.3.6.1.4.1.890.1.5.8.9", "Zyxel", "ZyNOS", "network", "switch"),
    # MOXA-EDS405A-MIB eds405A ::= { industrialEthernet 6 }
    ("1.3.6.1.4.1.8691.7.6", "Moxa", "EtherDevice Switch", "network", "switch"),
    # MOXA-W2x50A-MIB w2x50A ::= { nport 13 }
    ("1.3.6.1.4.1.8691.2.13", "Moxa", "Device Server", "iot", "device-server"),
    # MOXA-AWK4131A-MIB awk4131A ::= { industrialWirelessLan 34 }
    ("1.3.6.1.4.1.8691.15.34", "Moxa", "AWK", "network", "wireless"),
    # UBNT-MIB ubntAirMAX, ubntEdgeMax (the branch itself is what the devices answer)
    ("1.3.6.1.4.1.41112.1.4", "Ubiquiti", "airOS", "network", "wireless"),
    ("1.3.6.1.4.1.41112.1.5", "Ubiquiti", "EdgeOS", "network", "router"),
    # RUCKUS-PRODUCTS-MIB ruckusZD1100 ::= { ruckusWirelessControllerProducts 2 }
    ("1.3.6.1.4.1.25053.3.1.5.2", "Ruckus", "ZoneDirector", "network", "wireless-controller"),
    # NETSCREEN-PRODUCTS-MIB netscreenSSG5 ::= { netscreenProducts 29 }
    ("1.3.6.1.4.1.3224.1.29", "Juniper", "ScreenOS", "network", "firewall"),
    # truenas/middleware snmpd.conf.mako: an enterprise system answers 50536.3.2
    ("1.3.6.1.4.1.50536.3.2", "iXsystems", "TrueNAS", "server", "storage"),
    # QTS-MIB system ::= { QTS 12 }
    ("1.3.6.1.4.1.55062.1.12", "QNAP", "QTS", "server", "storage"),
    # DELL-SNMP-UPS-MIB hardware ::= { upsdell 2 }
    ("1.3.6.1.4.1.674.10902.2", "Dell", "UPS", "power", "ups"),
    # DELL-TL2000-MIB TL2000 ::= { hardware 102 }
    ("1.3.6.1.4.1.674.10893.2.102", "Dell", "PowerVault", "server", "storage"),
    # DellrPDU-MIB pdusub ::= { pdu 200 }; DELLEMC-OS10-PRODUCTS-MIB os10SSeriesProducts (1)
    ("1.3.6.1.4.1.674.10903.200", "Dell", "PDU", "power", "pdu"),
    ("1.3.6.1.4.1.674.11000.5000.100.2.1.1", "Dell", "OS10", "network", "switch"),
    # Observium os dell-laser: .1.3.6.1.4.1.674.10898.2.100.10
    ("1.3.6.1.4.1.674.10898.2.100.10", "Dell", "Printer", "printer", None),
    # HUAWEI-UPS-MIB hwUpsMIBObjects ::= { hwUpsMIB 1 }
    ("1.3.6.1.4.1.2011.6.174.1", "Huawei", "UPS", "power", "ups"),
    # ALCATEL-NGOAW-DEVICES-MIB deviceNGOAWAp1101, "sysObjectID: 1.3.6.1.4.1.6486.802.1.1.2.1.2.1"
    (
        "1.3.6.1.4.1.6486.802.1.1.2.1.2.1",
        "Alcatel-Lucent Enterprise",
        "OmniAccess Stellar",
        "network",
        "wireless",
    ),
    # RemoteKVMDevice-MIB remoteKVMDeviceGet ::= { remoteKVMDevice 1 }
    ("1.3.6.1.4.1.13742.3.1", "Raritan", "Dominion KX", "iot", "kvm-switch"),
    # CISCO-PRODUCTS-MIB ciscoIse3315K9, ciscoSecureAccessControlSystem, ciscoPIUCSAPLK9
    ("1.3.6.1.4.1.9.1.1423", "Cisco", "Identity Services Engine", "server", None),
    ("1.3.6.1.4.1.9.1.1117", "Cisco", "Secure Access Control System", "server", None),
    ("1.3.6.1.4.1.9.1.2307", "Cisco", "Prime Infrastructure", "server", None),
    # EXTREME-BASE-MIB extreme552024TVOSS ::= { extremeProduct 358 }, vsp4900x48P (324)
    ("1.3.6.1.4.1.1916.2.358", "Extreme Networks", "VOSS", "network", "switch"),
    ("1.3.6.1.4.1.1916.2.324", "Extreme Networks", "VOSS", "network", "switch"),
    # extreme552024TEXOS ::= { extremeProduct 349 }: the same hardware in its EXOS persona
    ("1.3.6.1.4.1.1916.2.349", "Extreme Networks", "ExtremeXOS", "network", "switch"),
    # SONICWALL-SMI sonicwallFw ::= { sonicwall 1 }
    ("1.3.6.1.4.1.8741.1.1", "SonicWall", "SonicOS", "network", "firewall"),
    # TRIPPLITE-PRODUCTS tlpPdu ::= { tlpDeviceTypes 2 } (tlpHardware 3)
    ("1.3.6.1.4.1.850.1.1.3.2", "Tripp Lite", "PowerAlert", "power", None),
    # NetmanPlus-MIB netConfiguration ::= { netmanplus 1 }
    ("1.3.6.1.4.1.5491.6.1", "Riello", "NetMan", "power", "ups"),
    # SOCOMECPDU-MIB dpduIdent ::= { pdu 1 }; SOCOMECUPS-MIB upsObjects ::= { netvision 1 }
    ("1.3.6.1.4.1.4555.2.30.1", "Socomec", "PDU", "power", "pdu"),
    ("1.3.6.1.4.1.4555.1.1.1.1", "Socomec", "NetVision", "power", "ups"),
    # SAMSUNG-COMMON-MIB oadivision ::= { division 5 }
    ("1.3.6.1.4.1.236.11.5.1", "Samsung", "Printer", "printer", None),
    # TPLINK-PRODUCTS-MIB tplink-t1600g-28ts ::= { tplinkProducts 28 }
    ("1.3.6.1.4.1.11863.5.28", "TP-Link", "Switch", "network", "switch"),
    # NETGEAR-REF-MIB fsm7328s ::= { stackswitch 1 }
    ("1.3.6.1.4.1.4526.100.1.1", "Netgear", "Switch", "network", "switch"),
    # HPSVRMGMT-OID hpOnboardAdministrator, hpVCFlex-10-10D-Module; MSA2000TRAPS-MIB hpMSA
    ("1.3.6.1.4.1.11.5.7.1.2", "HPE", "Onboard Administrator", "server", "management-controller"),
    ("1.3.6.1.4.1.11.5.7.5.4", "HPE", "Virtual Connect", "network", "switch"),
    ("1.3.6.1.4.1.11.2.51.1", "HPE", "MSA", "server", "storage"),
    # PowerNet-MIB smartUPSUltra ::= { system 39 }, isxModDistribution ::= { system 24 }
    ("1.3.6.1.4.1.318.1.3.39.1", "APC", "UPS", "power", "ups"),
    ("1.3.6.1.4.1.318.1.3.24.1", "APC", "PDU", "power", "pdu"),
    # ACS8000-MIB acs8016 ::= { acsProducts 3 }; ACS-MIB acs6016 ::= { acsProducts 1 }
    ("1.3.6.1.4.1.10418.26.1.3", "Vertiv", "Device Server", "iot", "device-server"),
    ("1.3.6.1.4.1.10418.16.1.1", "Vertiv", "Device Server", "iot", "device-server"),
    # PERLE-IOLAN-SDS-MIB sdsMIBObjects ::= { sdsMIB 1 }
    ("1.3.6.1.4.1.1966.12.1", "Perle", "Device Server", "iot", "device-server"),
    # IPO-PROD-MIB ipoProd412 ::= { ipoProd412Family 1 } (ipoProdControllers 4)
    ("1.3.6.1.4.1.6889.1.2.1.4.1", "Avaya", "IP Office", "server", "pbx"),
    # MITEL-APPLICATION-PLATFORM-LIST-MIB mitelIdAppPlatMXeTelephonyServer (7)
    ("1.3.6.1.4.1.1027.1.6.7", "Mitel", "Application Platform", "server", None),
    # Brocade-REG-MIB fcSwitch ::= { fibrechannel 1 }
    ("1.3.6.1.4.1.1588.2.1.1.1", "Brocade", "Fabric OS", "network", "switch"),
    # VMWARE-PRODUCTS-MIB vmwESX, vmwVC
    ("1.3.6.1.4.1.6876.4.1", "VMware", "ESXi", "server", "hypervisor"),
    ("1.3.6.1.4.1.6876.4.3", "VMware", "vCenter Server", "server", None),
    # F5-BIGIP-SYSTEM-MIB bigip1600 ::= { sysDeviceModelOIDs 20 }
    ("1.3.6.1.4.1.3375.2.1.3.4.20", "F5", "BIG-IP", "network", "load-balancer"),
    # CISCO-ENTITY-VENDORTYPE-OID-MIB cevChassisN7Kc7010 ::= { cevChassis 612 }
    ("1.3.6.1.4.1.9.12.3.1.3.612", "Cisco", "NX-OS", "network", "switch"),
    # SW3800PRIMGMT-MIB: DES-3800 family, dlink-products 69
    ("1.3.6.1.4.1.171.10.69.1", "D-Link", "Switch", "network", "switch"),
]


@pytest.mark.parametrize(("oid", "vendor", "product", "device_class", "device_type"), CASES)
def test_a_product_subtree_names_the_product_and_the_class(
    oid: str, vendor: str, product: str, device_class: str, device_type: str | None
) -> None:
    device = identify_agent(oid)
    named = [(i.vendor, i.product) for i in device.identities if not i.vendor_only]
    assert (vendor, product) in named
    assert device.device_class == device_class
    assert device.device_type == device_type


def test_a_shared_zyxel_branch_names_only_the_maker() -> None:
    # ZYXEL-ES-SMI enterpriseSolution(15) holds ZyNOS switches and ZLD firewalls alike
    device = identify_agent("1.3.6.1.4.1.890.1.15")
    (maker,) = device.identities
    assert (maker.vendor, maker.vendor_only) == ("Zyxel", True)


def test_an_extreme_product_the_mib_does_not_call_voss_names_no_system() -> None:
    # EXTREME-BASE-MIB es6108x48vx8c (301), an "Extreme Switch 6100 family" model
    device = identify_agent("1.3.6.1.4.1.1916.2.301")
    assert [i.product for i in device.identities if not i.vendor_only] == []


def test_a_subtree_holds_only_what_is_below_it() -> None:
    # accessSwitch(5) 80 is no esSeries(8) switch; D-Link's wireless family 37 and
    # Netgear's routers (productID 5) are no switch families: the maker only
    for oid in ("1.3.6.1.4.1.890.1.5.80", "1.3.6.1.4.1.171.10.37.1", "1.3.6.1.4.1.4526.100.5.1"):
        device = identify_agent(oid)
        assert [i.product for i in device.identities if not i.vendor_only] == [], oid


@pytest.mark.parametrize(
    ("oid", "vendor", "device_class"),
    [
        # RPS-SC200-MIB rps-SC200 ::= { dc-Power-System 13 }, eaton-chnz = enterprises 1918
        ("1.3.6.1.4.1.1918.2.13", "Eaton", "power"),
        # EXAGRID-MIB exagridEx5000 ::= { exagridExX000Series 5 }
        ("1.3.6.1.4.1.14941.3.1.5", "ExaGrid", "server"),
        # TIMETRA-GLOBAL-MIB: the 'timetra' branch of Nokia's SR OS routers
        ("1.3.6.1.4.1.6527.1.3.1", "Nokia", "network"),
        # SDEVICE-MIB: the Schleifenbauer device family
        ("1.3.6.1.4.1.31034.1", "Schleifenbauer", "power"),
        # POLYCOM-VIDEO-MIB polycomViewStation ::= { polycomVideo 1 }: the maker, no class
        ("1.3.6.1.4.1.2684.1.1", "Polycom", "unknown"),
        # IB-SMI-MIB ibVm ::= { infobloxProducts 1003 }; NS-ROOT-MIB nsRoot ::= { netScaler 1 }
        ("1.3.6.1.4.1.7779.1.1003", "Infoblox", "server"),
        ("1.3.6.1.4.1.5951.1", "Citrix", "network"),
    ],
)
def test_a_number_registered_under_another_name_or_of_one_class_says_so(
    oid: str, vendor: str, device_class: str
) -> None:
    device = identify_agent(oid)
    (maker,) = device.identities
    assert (maker.vendor, device.device_class) == (vendor, device_class)
