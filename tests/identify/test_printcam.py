"""Printers, telephony adapters and device servers named from their SNMP system group
through the whole identify stage: the product registrations of
fingerprints/tables/sysobjectid-printcam.yaml, the JetDirect and HandyTone sysDescr rules,
SEH's myUTN model family and the printer kind words.  Every value is the cited source's
(the maker's MIB, the rule examples' sources), none a string of the real-world corpus."""

from __future__ import annotations

import pytest
from builders import identify_agent

from legacyscan.identify.engine import Identifier
from legacyscan.identify.rules import RuleSet
from legacyscan.model import (
    EntityPhysical,
    Host,
    IdentifiedDevice,
    Service,
    SnmpSystem,
    SnmpTables,
)

RULES = RuleSet.load()


def _named(device: IdentifiedDevice) -> list[tuple[str, str]]:
    return [(i.vendor, i.product) for i in device.identities]


@pytest.mark.parametrize(
    ("oid", "vendor", "product", "device_class", "device_type"),
    [
        # JETDIRECT3-MIB netPrinter ::= { netPeripheral 1 }
        ("1.3.6.1.4.1.11.2.3.9.1", "HP", "JetDirect", "printer", None),
        # an embedded JetDirect's bare 11.1 (the row's public fixture)
        ("1.3.6.1.4.1.11.1", "HP", "JetDirect", "printer", None),
        # GS-HT8XX-MIB ht802 ::= { ht8xx 802 }, ht8xx ::= { productFamily 2 }
        ("1.3.6.1.4.1.42397.1.2.802", "Grandstream", "HandyTone ATA", "iot", "voip-adapter"),
        # ipPbxNs-MIB nsMainProc ::= { ipPbxSystem 3 }, ipPbxSystem ::= { panasonic 601 }
        ("1.3.6.1.4.1.258.601.3", "Panasonic", "KX-NS PBX", "server", "pbx"),
        # CISCO-PRODUCTS-MIB ciscoMCS7825H ::= { ciscoProducts 583 }
        ("1.3.6.1.4.1.9.1.583", "Cisco", "Unified Communications", "server", None),
    ],
)
def test_a_sysobjectid_alone_names_the_product_and_the_class(
    oid: str, vendor: str, product: str, device_class: str, device_type: str | None
) -> None:
    device = identify_agent(oid)
    assert (vendor, product) in _named(device)
    assert (device.device_class, device.device_type) == (device_class, device_type)


def test_grandstream_s_other_lines_are_not_handytone() -> None:
    # GS-GXW42XX-MIB gxw4216 ::= { gxw42xx 16 }, gxw42xx ::= { productFamily 1 }
    device = identify_agent("1.3.6.1.4.1.42397.1.1.16")
    assert ("Grandstream", "HandyTone ATA") not in _named(device)


def test_an_embedded_jetdirect_without_its_revision_is_still_jetdirect() -> None:
    # Greenbone's "HP Printer Detection (SNMP)" header comments (the rule's example)
    descr = (
        "HP ETHERNET MULTI-ENVIRONMENT,SN:CNB8H31B0L,FN:WV220DS,SVCID:25140,"
        "PID:HP LaserJet Pro MFP M225dw"
    )
    device = identify_agent("1.3.6.1.4.1.11.2.3.9.1", descr)
    jetdirect = [i for i in device.identities if i.product == "JetDirect"]
    assert len(jetdirect) == 1 and jetdirect[0].version is None
    assert device.device_class == "printer"


def test_handytone_s_net_snmp_kernel_line_is_the_ata_not_a_linux_kernel() -> None:
    # evgeni/Grandstream-Firmware-HT802 SuperUser/README.md (uname of an HT802)
    descr = (
        "Linux HT8XX 3.4.20-rt31-dvf-v1.2.6.1-rc2 #27 PREEMPT Mon Aug 20 15:19:59 CST 2018"
        " armv5tejl"
    )
    device = identify_agent("1.3.6.1.4.1.8072.3.2.10", descr)
    assert _named(device) == [("Grandstream", "HandyTone ATA")]
    assert (device.device_class, device.device_type) == ("iot", "voip-adapter")
    # another host name is another Linux device
    other = identify_agent("1.3.6.1.4.1.8072.3.2.10", descr.replace("HT8XX", "gateway"))
    assert ("Grandstream", "HandyTone ATA") not in _named(other)


def test_a_myutn_is_seh_s_utnserver() -> None:
    # SEH's myUTN User Manual names the model; SEH's number (SEH-PSRV-MIB sehDevice)
    device = identify_agent("1.3.6.1.4.1.1229.1.1", "SEH myUTN-2500")
    assert ("SEH", "utnserver") in _named(device)
    assert (device.device_class, device.device_type) == ("iot", "device-server")


def test_a_known_printer_maker_s_printer_words_make_it_a_printer() -> None:
    # Dell's manual title (the kind word's example); no sysObjectID
    device = identify_agent(None, "Dell C2660dn Color Laser Printer")
    assert _named(device) == [("Dell", "Printer")]
    assert device.device_class == "printer"


def test_matsushita_s_number_is_panasonic_s() -> None:
    # ipPbxNs-MIB: panasonic ::= { enterprises 258 }; another branch names only the maker
    device = identify_agent("1.3.6.1.4.1.258.1")
    assert _named(device) == [("Panasonic", "")]


def test_ucos_names_cisco_s_unified_communications_under_an_agent_s_number() -> None:
    # lausser/check_nwc_health README (a CUCM's sysDescr); 99 is SNMP Research's agent number
    descr = (
        "Hardware:VMware, 2  Intel(R) Xeon(R) CPU           E5640  @ 2.67GHz, 4096 MB Memory:"
        " Software:UCOS 4.0.0.0-45"
    )
    device = identify_agent("1.3.6.1.4.1.99.1.1.3.28", descr)
    named = [(i.vendor, i.product, i.version) for i in device.identities]
    assert named == [("Cisco", "Unified Communications", "4.0.0.0-45")]
    assert device.device_class == "server"


@pytest.mark.parametrize("descr", ["Lantronix MPS100", "Lantronix LPS1"])
def test_a_lantronix_print_server_is_a_device_server_in_a_printer_class(descr: str) -> None:
    # nmap-service-probes' names of these print servers ("Lantronix MPS100 ftpd", "LPS1")
    device = identify_agent(None, descr)
    assert _named(device) == [("Lantronix", "Device Server")]
    assert (device.device_class, device.device_type) == ("printer", "print-server")


def _identify_telnet(banner: str) -> IdentifiedDevice:
    service = Service(
        port=23, protocol="tcp", state="open", name="telnet", scripts=(("banner", banner),)
    )
    return Identifier(RULES).identify(Host(address="127.0.0.1", services=(service,)))


def test_a_moxa_console_s_model_table_names_its_device_server() -> None:
    # Greenbone's "Moxa NPort Device Detection (Telnet)" header comment (the rule's example),
    # here behind the dashed line another console prints first
    banner = "\n-----\nModel name       : MGate MB3180\nMAC address      : 00:90:E8:00:00:01"
    device = _identify_telnet(banner)
    assert ("Moxa", "Device Server") in _named(device)
    assert device.device_class == "iot"


def test_grandstream_s_shell_greeting_names_the_handytone() -> None:
    # evgeni/Grandstream-Firmware-HT802 SuperUser/README.md
    device = _identify_telnet("Grandstream HT802 Command Shell Copyright 2006-2018")
    assert _named(device) == [("Grandstream", "HandyTone ATA")]
    # another Grandstream console names the maker only
    other = _identify_telnet("Grandstream GXP Command Shell")
    assert ("Grandstream", "") in _named(other)


@pytest.mark.parametrize(
    ("oid", "vendor", "device_type"),
    [
        # ASCOM-IPDECT-MIB ascomIpdect ::= { ascomMibs 1 }, ascomMibs ::= { ascom 1 }
        ("1.3.6.1.4.1.27614.1.1", "Ascom", None),
        # TEL2N-MIB heliosip ::= { tel2n 11 }
        ("1.3.6.1.4.1.6530.11", "2N", "intercom"),
    ],
)
def test_a_number_registered_under_another_name_names_its_brand(
    oid: str, vendor: str, device_type: str | None
) -> None:
    device = identify_agent(oid)
    assert _named(device) == [(vendor, "")]
    assert (device.device_class, device.device_type) == ("iot", device_type)


def test_avocent_s_name_is_vertiv_s() -> None:
    device = identify_agent(None, "Avocent DSR1024")
    assert _named(device) == [("Vertiv", "")]
    assert device.device_class == "iot"


def test_a_marknet_print_server_is_a_lexmark_printer() -> None:
    # nmap-service-probes' MarkNet line (the maker name's source), as a sysDescr would begin
    device = identify_agent(None, "MarkNet N8150 802.11b/g/n")
    assert _named(device) == [("Lexmark", "Printer")]
    assert (device.device_class, device.device_type) == ("printer", "print-server")


@pytest.mark.parametrize(
    ("label", "vendor", "device_class"),
    [
        ("Snom 300 VoIP phone http config", "Snom", "iot"),
        ("Mobotix Camera http config", "Mobotix", "iot"),
        ("AudioCodes Mediant 200 VoIP gateway http config", "AudioCodes", "unknown"),
    ],
)
def test_nmap_s_label_names_the_telephony_or_camera_maker(
    label: str, vendor: str, device_class: str
) -> None:
    # nmap-service-probes' labels (p//), as nmap prints them for an HTTP service
    service = Service(port=80, protocol="tcp", state="open", name="http", product=label)
    device = Identifier(RULES).identify(Host(address="127.0.0.1", services=(service,)))
    assert vendor in {i.vendor for i in device.identities}
    assert device.device_class == device_class


def test_a_poly_studio_x_is_polycom_s_studio_x_video_endpoint() -> None:
    # Poly's administrator guide names the models (the family's examples); Poly is Polycom
    device = identify_agent("1.3.6.1.4.1.2684", "Poly Studio X50")
    assert _named(device) == [("Polycom", "Studio X")]
    assert (device.device_class, device.device_type) == ("telehealth", "video-endpoint")


def test_a_simatic_controller_is_a_siemens_automation_device() -> None:
    # Klick et al., Black Hat USA 2015 (the rule's example); SCALANCE stays out of the rule
    descr = "Siemens, SIMATIC S7, CPU314C-2 PN/DP, 6ES7 314-6EH04-0AB0 , HW: 4, FW: V3.3.10"
    device = identify_agent(None, descr)
    assert _named(device) == [("Siemens", "")]
    assert (device.device_class, device.device_type) == ("iot", "plc")
    scalance = identify_agent(None, "Siemens, SIMATIC NET, SCALANCE XR524-8C 2PS")
    assert scalance.device_type != "plc"


def test_a_datamax_label_printer_is_honeywell_s() -> None:
    device = identify_agent(None, "Datamax-O'Neil H-Class")
    assert _named(device) == [("Honeywell", "")]
    assert (device.device_class, device.device_type) == ("printer", "label-printer")


@pytest.mark.parametrize(
    ("osclass", "vendor"),
    [
        ("Savin|embedded||printer", "Ricoh"),
        ("Tandberg|embedded||webcam", "Cisco"),
        ("Minolta|embedded||printer", "Konica Minolta"),
    ],
)
def test_nmap_s_old_brand_names_are_read_as_the_line_s_maker(osclass: str, vendor: str) -> None:
    answers = RULES.tables.os_class(osclass)
    assert vendor in {a.row.vendor for a, _ in answers}


def test_a_grandstream_switch_is_network_gear_not_a_phone() -> None:
    # the GWN780x manual's model; Grandstream's number and its ENTITY manufacturer name
    host = Host(
        address="127.0.0.1",
        snmp=SnmpSystem(descr="GWN7803P", object_id="1.3.6.1.4.1.42397"),
        snmp_tables=SnmpTables(
            entities=(EntityPhysical(index=1, descr="GWN7803P", mfg_name="Grandstream"),)
        ),
    )
    device = Identifier(RULES).identify(host)
    assert (device.device_class, device.device_type) == ("network", "switch")
