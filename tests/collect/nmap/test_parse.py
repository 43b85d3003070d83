"""nmap XML decoded into Host records, and hostile or broken XML refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from testpaths import FIXTURES as ALL_FIXTURES

from legacyscan.collect.nmap.parse import NmapXmlError, parse_nmap_xml, read_nmap_xml
from legacyscan.model import Host, OsClass

FIXTURES = ALL_FIXTURES / "nmap"
LAB = FIXTURES / "lab-minimal.xml"


def _by_address(hosts: tuple[Host, ...]) -> dict[str, Host]:
    return {h.address: h for h in hosts if h.address}


def test_lab_scan_has_seven_hosts() -> None:
    run = read_nmap_xml(LAB)
    assert run.nmap_version == "7.93"
    assert run.command_line.startswith("nmap -oX - -p 21,22,23")
    assert len(run.hosts) == 7
    assert sorted(_by_address(run.hosts)) == [
        "127.42.1.1",
        "127.42.10.11",
        "127.42.10.20",
        "127.42.20.15",
        "127.42.20.30",
        "127.42.20.40",
        "127.42.30.10",
    ]
    assert all(h.sources == ("nmap",) for h in run.hosts)


def test_lab_scan_openssh_on_the_pacs() -> None:
    host = _by_address(read_nmap_xml(LAB).hosts)["127.42.10.20"]
    (ssh,) = [s for s in host.services if s.port == 22]
    assert (ssh.protocol, ssh.state, ssh.name) == ("tcp", "open", "ssh")
    assert (ssh.product, ssh.version, ssh.extrainfo) == ("OpenSSH", "4.3", "protocol 2.0")
    assert ssh.cpes == ("cpe:/a:openbsd:openssh:4.3",)
    assert ssh.label == "OpenSSH 4.3 (protocol 2.0)"
    assert host.open_ports == {22, 80, 11112}


def test_lab_scan_keeps_every_cpe_and_drops_closed_ports() -> None:
    hosts = _by_address(read_nmap_xml(LAB).hosts)
    switch = hosts["127.42.1.1"]
    # 20 ports were probed, only telnet is open
    assert [s.port for s in switch.services] == [23]
    assert switch.services[0].cpes == ("cpe:/a:cisco:telnet", "cpe:/o:cisco:ios")
    assert all(s.state == "open" for h in hosts.values() for s in h.services)


def test_two_cpes_and_osmatches_are_kept() -> None:
    run = read_nmap_xml(FIXTURES / "two-cpes-osmatch.xml")
    (host,) = run.hosts  # the down host is left out
    assert host.address == "10.9.8.7"
    assert host.mac == "00:1B:2C:3D:4E:5F"
    assert host.hostnames == ("ward3-gw.example.org",)
    (https,) = [s for s in host.services if s.port == 443]
    assert https.cpes == (
        "cpe:/a:microsoft:internet_information_services:7.5",
        "cpe:/o:microsoft:windows",
    )
    assert https.tunnel == "ssl"
    assert https.scripts == (("http-server-header", "Microsoft-IIS/7.5"),)
    assert [(m.name, m.accuracy, m.cpes) for m in host.os_matches] == [
        ("Microsoft Windows 7 SP1", 98, ("cpe:/o:microsoft:windows_7::sp1",)),
        (
            "Microsoft Windows Server 2008 R2 SP1",
            93,
            ("cpe:/o:microsoft:windows_server_2008:r2:sp1",),
        ),
    ]
    assert host.os_matches[0].classes == (
        OsClass("Microsoft", "Windows", "7", "general purpose", 98,
                ("cpe:/o:microsoft:windows_7::sp1",)),
    )  # fmt: skip


def test_closed_and_filtered_ports_are_dropped_open_filtered_kept() -> None:
    (host,) = read_nmap_xml(FIXTURES / "two-cpes-osmatch.xml").hosts
    assert sorted((s.protocol, s.port, s.state) for s in host.services) == [
        ("tcp", 443, "open"),
        ("udp", 161, "open|filtered"),
    ]
    # open|filtered says nothing certain: it is not an open port
    assert host.open_ports == {443}


def test_truncated_xml_names_file_and_line(tmp_path: Path) -> None:
    lines = LAB.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "cut.xml"
    path.write_text("\n".join(lines[:70]) + "\n<port protocol=", encoding="utf-8")
    with pytest.raises(NmapXmlError) as caught:
        read_nmap_xml(path)
    message = str(caught.value)
    assert str(path) in message
    assert ", line 71" in message
    assert "not valid XML" in message


def test_billion_laughs_is_refused_as_unsafe(tmp_path: Path) -> None:
    path = tmp_path / "lol.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        "<!DOCTYPE nmaprun [\n"
        ' <!ENTITY lol "lol">\n'
        ' <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">\n'
        ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
        "]>\n"
        '<nmaprun args="&lol3;" version="7.93"></nmaprun>\n',
        encoding="utf-8",
    )
    with pytest.raises(NmapXmlError) as caught:
        read_nmap_xml(path)
    assert "unsafe" in str(caught.value)
    assert str(path) in str(caught.value)


def test_external_entity_is_refused_as_unsafe() -> None:
    data = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<nmaprun>&xxe;</nmaprun>\n"
    )
    with pytest.raises(NmapXmlError, match="evil.xml: refused unsafe XML"):
        parse_nmap_xml(data, "evil.xml")


def test_not_an_nmap_file() -> None:
    with pytest.raises(NmapXmlError, match=r"feed\.xml: not an nmap XML file \(root element <rss>"):
        parse_nmap_xml("<rss><channel/></rss>", "feed.xml")


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(NmapXmlError, match="not valid XML"):
        parse_nmap_xml(b"", "empty.xml")
    with pytest.raises(NmapXmlError, match="cannot read"):
        read_nmap_xml(tmp_path / "nope.xml")


def test_bytes_and_text_give_the_same_run() -> None:
    data = LAB.read_bytes()
    assert parse_nmap_xml(data) == parse_nmap_xml(data.decode("utf-8"))


def test_equal_observations_of_a_fleet_are_one_record() -> None:
    """Two hosts reporting the same service and OS guess share the records (the later
    stages convert a record they meet again once); different ones stay apart."""
    host = (
        '<host><status state="up"/><address addr="127.42.1.{n}" addrtype="ipv4"/>'
        '<ports><port protocol="tcp" portid="{port}"><state state="open"/>'
        '<service name="ssh" product="OpenSSH" version="4.3"><cpe>cpe:/a:openbsd:openssh:4.3'
        "</cpe></service></port></ports>"
        '<os><osmatch name="Linux 2.6.18" accuracy="96"><osclass type="general purpose" '
        'vendor="Linux" osfamily="Linux" osgen="2.6.X" accuracy="96">'
        "<cpe>cpe:/o:linux:linux_kernel:2.6.18</cpe></osclass></osmatch></os></host>"
    )
    xml = (
        '<nmaprun scanner="nmap" version="7.93">'
        + "".join(host.format(n=n, port=port) for n, port in ((10, 22), (11, 22), (12, 2222)))
        + "</nmaprun>"
    )
    first, second, third = parse_nmap_xml(xml).hosts
    assert first.address != second.address
    assert first.services is second.services and first.os_matches is second.os_matches
    assert third.services != first.services and third.services[0].port == 2222
    assert third.os_matches is first.os_matches
