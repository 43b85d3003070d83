"""nmap XML of several eras (hand-written fixtures, see their README) decoded the same way."""

from __future__ import annotations

import pytest
from testpaths import FIXTURES

from legacyscan.collect.nmap.parse import NmapXmlError, parse_nmap_xml, read_nmap_xml
from legacyscan.model import Host

VERSIONS = FIXTURES / "nmap" / "versions"


def _hosts(name: str) -> dict[str | None, Host]:
    return {h.address: h for h in read_nmap_xml(VERSIONS / name).hosts}


def _service(host: Host, port: int) -> tuple[str, str, str, tuple[str, ...]]:
    (service,) = [s for s in host.services if s.port == port]
    return service.name, service.product, service.version, service.cpes


def test_nmap_5_without_cpe_and_with_loose_osclasses() -> None:
    run = read_nmap_xml(VERSIONS / "nmap-5.00-xp.xml")
    assert run.nmap_version == "5.00"
    assert run.command_line.startswith("nmap -sV -O --script=smb-os-discovery")
    hosts = {h.address: h for h in run.hosts}
    xp = hosts["10.20.5.11"]
    assert xp.mac == "00:09:FB:12:34:56"
    assert xp.mac_vendor == "Philips Patient Monitoring"
    assert _service(xp, 445) == ("microsoft-ds", "Microsoft Windows XP microsoft-ds", "", ())
    assert xp.open_ports == {104, 135, 139, 445}
    best, second = xp.os_matches
    assert (best.name, best.accuracy, second.name, second.accuracy) == (
        "Microsoft Windows XP SP2 or SP3", 100, "Microsoft Windows 2000 SP4", 91,
    )  # fmt: skip
    # nmap 5 lists the classes once for the whole guess: they go with the best match
    assert [(c.vendor, c.family, c.generation, c.accuracy) for c in best.classes] == [
        ("Microsoft", "Windows", "XP", 100),
        ("Microsoft", "Windows", "2000", 91),
    ]
    assert second.classes == ()
    ((script_id, output),) = xp.host_scripts
    assert script_id == "smb-os-discovery"
    assert "OS: Windows XP (Windows 2000 LAN Manager)" in output
    pacs = hosts["10.20.5.20"]
    assert pacs.hostnames == ("pacs01.radiologie.local",)
    assert _service(pacs, 22) == ("ssh", "OpenSSH", "4.3", ())
    assert pacs.os_matches[0].classes[0].generation == "2.6.X"


def test_nmap_5_osclass_only_and_down_host() -> None:
    hosts = _hosts("nmap-5.21-osclass-only.xml")
    assert list(hosts) == ["10.30.1.15"]  # the down host is left out
    pump = hosts["10.30.1.15"]
    assert pump.mac_vendor == "B.Braun Melsungen AG"
    assert _service(pump, 23)[1] == "VxWorks telnetd"
    assert [(m.name, m.accuracy) for m in pump.os_matches] == [
        ("Wind River VxWorks", 92),
        ("Linux Linux 2.4.X", 85),
    ]
    assert pump.os_matches[0].classes[0].device_type == "specialized"


def test_nmap_6_cpes_in_services_and_nested_osclasses() -> None:
    (host,) = read_nmap_xml(VERSIONS / "nmap-6.40-linux.xml").hosts
    assert host.mac_vendor == "GE Healthcare"
    assert _service(host, 21) == ("ftp", "ProFTPD", "1.3.3a", ("cpe:/a:proftpd:proftpd:1.3.3a",))
    (https,) = [s for s in host.services if s.port == 443]
    assert (https.tunnel, https.extrainfo) == ("ssl", "(Red Hat)")
    (match,) = host.os_matches
    assert match.name == "Linux 2.6.32 - 3.9"
    assert match.cpes == ("cpe:/o:linux:linux_kernel:2.6", "cpe:/o:linux:linux_kernel:3")
    assert [c.generation for c in match.classes] == ["2.6.X", "3.X"]


def test_nmap_7_hosthint_scripts_every_cpe_and_ipv6() -> None:
    run = read_nmap_xml(VERSIONS / "nmap-7.94-hospital.xml")
    assert run.nmap_version == "7.94"
    assert [h.address for h in run.hosts] == ["10.50.2.31", "fd00:50::10"]  # hosthint ignored
    gw = run.hosts[0]
    assert gw.mac_vendor == "Draeger Medical"
    assert _service(gw, 443)[3] == (
        "cpe:/a:microsoft:internet_information_services:7.5",
        "cpe:/o:microsoft:windows",
    )
    (rdp,) = [s for s in gw.services if s.port == 3389]
    ((script_id, output),) = rdp.scripts
    assert script_id == "rdp-ntlm-info" and "Product_Version: 6.1.7601" in output
    (dicom,) = [s for s in gw.services if s.port == 104]
    assert dicom.scripts[0][0] == "dicom-ping"
    ((script_id, output),) = gw.host_scripts
    assert script_id == "smb-os-discovery"
    assert "Windows 7 Professional 7601 Service Pack 1" in output
    assert [(m.name, m.accuracy) for m in gw.os_matches] == [
        ("Microsoft Windows 7 SP1", 100),
        ("Microsoft Windows Server 2008 R2 SP1", 94),
    ]
    assert _service(run.hosts[1], 22) == ("ssh", "OpenSSH", "7.4", ("cpe:/a:openbsd:openssh:7.4",))


def test_missing_attributes_are_tolerated() -> None:
    run = read_nmap_xml(VERSIONS / "old-missing-attributes.xml")
    assert run.nmap_version == ""
    (host,) = run.hosts
    assert host.address == "10.60.0.7"
    assert host.mac == "00:0C:29:01:02:03" and host.mac_vendor is None
    assert sorted((s.protocol, s.port, s.product) for s in host.services) == [
        ("tcp", 21, "Microsoft ftpd"),
        ("tcp", 23, ""),
    ]  # the port named "eighty" is skipped
    assert [(m.name, m.accuracy) for m in host.os_matches] == [("Cisco IOS 12.X", 0)]


@pytest.mark.parametrize("name", sorted(p.name for p in VERSIONS.glob("*.xml")))
def test_every_fixture_cut_anywhere_is_an_error_with_a_line_or_fine(name: str) -> None:
    data = (VERSIONS / name).read_bytes()
    for cut in range(1, len(data), max(1, len(data) // 40)):
        try:
            parse_nmap_xml(data[:cut], "cut.xml")
        except NmapXmlError as exc:
            assert str(exc).startswith("cut.xml")
            assert "\n" not in str(exc)


def test_truncated_file_keeps_the_complete_hosts() -> None:
    data = (VERSIONS / "nmap-5.00-xp.xml").read_bytes()
    cut = data.index(b"<host", data.index(b"</host>"))  # inside the second host
    with pytest.raises(NmapXmlError, match=r"cut\.xml, line \d+: not valid XML") as caught:
        parse_nmap_xml(data[: cut + 40], "cut.xml")
    assert caught.value.partial is not None
    assert [h.address for h in caught.value.partial.hosts] == ["10.20.5.11"]
