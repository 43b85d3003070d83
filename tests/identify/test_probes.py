"""Banners named the way nmap names them, from its own service-probe database."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacyscan.identify import probes
from legacyscan.identify.engine import Identifier
from legacyscan.model import Host, Service

NMAP_PROBES = Path("/usr/share/nmap/nmap-service-probes")

# Two lines in nmap's format (nmap-service-probes(5)); written here, not copied.
SMALL = "\n".join(
    [
        r"Probe TCP NULL q||",
        r"match ftp m|^220 Acme FTPd (\d+)_(\d+) ready\r\n| p/Acme ftpd/"
        r' v/$SUBST(1,"_",".").$2/ i/test/ cpe:/a:acme:ftpd:$1/a',
        r"softmatch ftp m|^220 |",
        r"Probe TCP GetRequest q|GET / HTTP/1.0\r\n\r\n|",
        r"match http m|^HTTP/1\.[01] \d\d\d .*\r\nServer: AcmeWeb/([\d.]+)\r\n|s"
        r" p/AcmeWeb httpd/ v/$1/ cpe:/a:acme:acmeweb:$1/",
    ]
)


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, ...]:
    path = tmp_path / "nmap-service-probes"
    path.write_text(SMALL, encoding="latin-1")
    return (path,)


def test_a_match_line_gives_product_version_and_cpe(small: tuple[Path, ...]) -> None:
    found = probes.verdict("ftp.banner", "220 Acme FTPd 3_1 ready", small)
    assert found is not None
    assert (found.label, found.cpes) == ("Acme ftpd 3.1 (test)", ("cpe:/a:acme:ftpd:3",))


def test_a_greeting_without_its_reply_code_is_read_too(small: tuple[Path, ...]) -> None:
    # fingerprint databases store an FTP greeting after its "220 "
    found = probes.verdict("ftp.banner", "Acme FTPd 3_1 ready", small)
    assert found is not None and found.product == "Acme ftpd"


def test_a_softmatch_that_names_nothing_is_no_verdict(small: tuple[Path, ...]) -> None:
    assert probes.verdict("ftp.banner", "220 something else", small) is None


def test_a_server_header_is_matched_as_an_http_answer(small: tuple[Path, ...]) -> None:
    found = probes.verdict("http.server", "AcmeWeb/2.4", small)
    assert found is not None and found.label == "AcmeWeb httpd 2.4"


def test_no_database_no_verdict(tmp_path: Path) -> None:
    assert probes.verdict("ftp.banner", "220 Acme FTPd 3_1 ready", (tmp_path / "none",)) is None


@pytest.mark.skipif(not NMAP_PROBES.is_file(), reason="nmap's data is not installed")
def test_a_banner_nmap_did_not_name_becomes_an_identity() -> None:
    # field notes: nmap -sV names "220 ProFTPD 1.3.3a" (with cpe:/a:proftpd:proftpd:1.3.3a)
    service = Service(
        port=21,
        protocol="tcp",
        state="open",
        name="ftp",
        scripts=(("banner", "220 ProFTPD 1.3.3a Server (Debian) [::ffff:127.0.0.1]"),),
    )
    device = Identifier().identify(Host(address="127.0.0.1", services=(service,)))
    named = {(i.vendor, i.product, i.version) for i in device.identities}
    assert ("ProFTPD", "ProFTPD", "1.3.3a") in named
    assert any(e.source == "banner" for i in device.identities for e in i.evidence)


@pytest.mark.skipif(not NMAP_PROBES.is_file(), reason="nmap's data is not installed")
def test_the_device_type_nmap_gives_a_banner_is_a_class_signal() -> None:
    # nmap-service-probes names HP JetDirect's FTP greeting with d/printer/ (HP's own text)
    found = probes.verdict("ftp.banner", "220 JD FTP Server Ready")
    if found is None or found.device_type != "printer":
        pytest.skip("this nmap version has no JetDirect FTP line")
    service = Service(
        port=21,
        protocol="tcp",
        state="open",
        name="ftp",
        scripts=(("banner", "220 JD FTP Server Ready"),),
    )
    device = Identifier().identify(Host(address="127.0.0.1", services=(service,)))
    assert device.device_class == "printer"
