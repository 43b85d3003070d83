"""Observations: every collected value under the field name rules read."""

from __future__ import annotations

import pytest

from legacyscan.identify.observe import FIELDS, is_field, observations, oui_organisation
from legacyscan.model import (
    EntityPhysical,
    Host,
    InstalledSoftware,
    OsMatch,
    Service,
    SnmpSystem,
    SnmpTables,
)

# Script outputs as nmap 7.93 documents them in its scripts' @output sections
# (/usr/share/nmap/scripts/<id>.nse), in the form the XML's output attribute carries.
SMB_OS_DISCOVERY = (
    "\n  OS: Windows Server (R) 2008 Standard 6001 Service Pack 1 "
    "(Windows Server (R) 2008 Standard 6.0)\n"
    "  OS CPE: cpe:/o:microsoft:windows_2008::sp1\n"
    "  Computer name: Sql2008\n  NetBIOS computer name: SQL2008\n"
    "  Domain name: lab.test.local\n  System time: 2011-04-20T13:34:06-05:00"
)
RDP_NTLM_INFO = (
    "\n  Target_Name: W2016\n  NetBIOS_Domain_Name: W2016\n"
    "  NetBIOS_Computer_Name: W16GA-SRV01\n  DNS_Domain_Name: W2016.lab\n"
    "  Product_Version: 10.0.14393\n  System_Time: 2019-06-13T10:38:35+00:00"
)


def _fields(host: Host) -> list[tuple[str, str]]:
    return [(o.field, o.value) for o in observations(host)]


def _open(port: int, **kwargs: object) -> Service:
    return Service(port=port, protocol="tcp", state="open", **kwargs)  # type: ignore[arg-type]


def test_entity_and_host_resources_tables_are_observed_once_per_value() -> None:
    module = EntityPhysical(
        index=1001,
        descr="Cisco Catalyst 2960 module",
        model_name="WS-C2960-24TT-L",
        mfg_name="Cisco",
        hardware_rev="V02",
        firmware_rev="12.2(44r)SE",
        software_rev="12.2(55)SE7",
    )
    host = Host(
        address="127.0.0.1",
        snmp_tables=SnmpTables(
            entities=(module, EntityPhysical(index=1002, software_rev="12.2(55)SE7")),
            installed_software=(InstalledSoftware("OpenSSL 1.0.2k"),),
            device_descriptions=("GenuineIntel: Intel(R) Xeon(R) CPU",),
        ),
    )
    assert _fields(host) == [
        ("snmp.entPhysicalDescr", "Cisco Catalyst 2960 module"),
        ("snmp.entPhysicalModelName", "WS-C2960-24TT-L"),
        ("snmp.entPhysicalMfgName", "Cisco"),
        ("snmp.entPhysicalHardwareRev", "V02"),
        ("snmp.entPhysicalFirmwareRev", "12.2(44r)SE"),
        ("snmp.entPhysicalSoftwareRev", "12.2(55)SE7"),
        ("snmp.hrSWInstalledName", "OpenSSL 1.0.2k"),
        ("snmp.hrDeviceDescr", "GenuineIntel: Intel(R) Xeon(R) CPU"),
    ]


def test_mac_gives_the_ieee_organisation_and_the_scanner_vendor() -> None:
    host = Host(address="127.0.0.1", mac="44:4B:5D:00:00:01", mac_vendor="GE Healthcare")
    assert _fields(host) == [("mac.oui", "GE Healthcare"), ("mac.vendor", "GE Healthcare")]


def test_unregistered_and_malformed_macs_give_no_oui() -> None:
    assert oui_organisation("02:00:00:00:00:01") is None  # locally administered
    assert oui_organisation("not a mac") is None
    assert observations(Host(address="127.0.0.1", mac="zz:zz")) == ()


def test_host_scripts_give_raw_and_derived_fields() -> None:
    host = Host(
        address="127.0.0.1",
        host_scripts=(("smb-os-discovery", SMB_OS_DISCOVERY),),
    )
    fields = _fields(host)
    assert ("nmap.script.smb-os-discovery", SMB_OS_DISCOVERY.strip()) in fields
    assert (
        "smb.os",
        "Windows Server (R) 2008 Standard 6001 Service Pack 1 "
        "(Windows Server (R) 2008 Standard 6.0)",
    ) in fields
    assert ("nmap.cpe", "cpe:/o:microsoft:windows_2008::sp1") in fields


def test_service_scripts_are_split_by_protocol() -> None:
    host = Host(
        address="127.0.0.1",
        services=(
            _open(21, name="ftp", scripts=(("banner", "220 FTP version 1.0\\x0D\\x0A"),)),
            _open(2222, name="ssh", scripts=(("banner", "SSH-2.0-OpenSSH_4.3"),)),
            _open(
                80,
                name="http",
                scripts=(
                    ("http-title", "Go ahead and ScanMe!"),
                    ("http-server-header", "Unidentified Server 1.0"),
                ),
            ),
            _open(
                443,
                name="https",
                scripts=(
                    (
                        "ssl-cert",
                        "Subject: commonName=www.paypal.com/organizationName=PayPal, Inc."
                        "/stateOrProvinceName=California/countryName=US\n"
                        "Not valid before: 2011-03-23 00:00:00",
                    ),
                ),
            ),
            _open(3389, name="ms-wbt-server", scripts=(("rdp-ntlm-info", RDP_NTLM_INFO),)),
        ),
    )
    derived = [(f, v) for f, v in _fields(host) if not f.startswith(("nmap.", "port"))]
    assert derived == [
        ("ftp.banner", "220 FTP version 1.0"),
        ("ssh.banner", "SSH-2.0-OpenSSH_4.3"),
        ("http.title", "Go ahead and ScanMe!"),
        ("http.server", "Unidentified Server 1.0"),
        (
            "ssl.subject",
            "commonName=www.paypal.com/organizationName=PayPal, Inc."
            "/stateOrProvinceName=California/countryName=US",
        ),
        ("rdp.productVersion", "10.0.14393"),
    ]


def test_http_title_placeholders_are_not_titles() -> None:
    host = Host(
        address="127.0.0.1",
        services=(_open(80, scripts=(("http-title", "Site doesn't have a title (text/html)."),)),),
    )
    assert [f for f, _ in _fields(host) if f == "http.title"] == []


def test_dicom_identifiers_come_from_the_association_script() -> None:
    output = (
        "\n  dicom: DICOM Service Provider discovered!\n  config: Any AET is accepted (Insecure)\n"
        "  Implementation Class UID: 1.2.276.0.7230010.3.0.3.6.4\n"
        "  Implementation Version Name: OFFIS_DCMTK_364"
    )
    host = Host(address="127.0.0.1", services=(_open(104, scripts=(("dicom-ping", output),)),))
    fields = dict(_fields(host))
    assert fields["dicom.implementationClassUID"] == "1.2.276.0.7230010.3.0.3.6.4"
    assert fields["dicom.implementationVersionName"] == "OFFIS_DCMTK_364"


def test_only_nmaps_best_and_confident_os_guesses_are_observed() -> None:
    host = Host(
        address="127.0.0.1",
        os_matches=(
            OsMatch("Microsoft Windows XP SP3", 94, ("cpe:/o:microsoft:windows_xp::sp3",)),
            OsMatch("Microsoft Windows 2000 SP4", 91),
        ),
    )
    assert _fields(host) == [
        ("nmap.osmatch", "Microsoft Windows XP SP3"),
        ("nmap.cpe", "cpe:/o:microsoft:windows_xp::sp3"),
    ]
    unsure = Host(address="127.0.0.1", os_matches=(OsMatch("Linux 2.6.32", 85),))
    assert observations(unsure) == ()


def test_hostile_values_are_bounded() -> None:
    host = Host(address="127.0.0.1", snmp=SnmpSystem(descr="A" * 100_000))
    (obs,) = observations(host)
    assert len(obs.value) == 4096


def test_every_documented_field_is_a_field() -> None:
    assert all(is_field(f) for f in FIELDS)
    assert is_field("nmap.script.ssh-hostkey")
    assert not is_field("nmap.script.")
    assert not is_field("snmp.sysUpTime")


def test_the_native_os_of_a_microsoft_ds_label_is_read_as_smb_os() -> None:
    # nmap-service-probes labels an SMB negotiation with the server's native OS
    # ("Windows 7 Ultimate 7600 microsoft-ds"); a range or a choice is nmap's own guess.
    host = Host(
        address="192.0.2.8",
        services=(
            _open(445, name="microsoft-ds", product="Windows 7 Ultimate 7600 microsoft-ds"),
            _open(1445, name="microsoft-ds", product="Microsoft Windows XP microsoft-ds"),
            _open(2445, name="microsoft-ds", product="Microsoft Windows 2003 or 2008 microsoft-ds"),
            _open(
                3445,
                name="microsoft-ds",
                product="Microsoft Windows Server 2008 R2 - 2012 microsoft-ds",
            ),
            _open(139, name="netbios-ssn", product="Microsoft Windows 98 netbios-ssn"),
        ),
    )
    smb = [value for field, value in _fields(host) if field == "smb.os"]
    assert smb == ["Windows 7 Ultimate 7600", "Windows XP"]


@pytest.mark.parametrize(
    "mac", ["00:09:FB:12:34:56", "00:09:fb:12:34:56", "00-09-FB-12-34-56", "0009.fb12.3456"]
)
def test_every_spelling_of_a_mac_gives_its_organisation(mac: str) -> None:
    assert oui_organisation(mac) == "Philips Patient Monitoring"
