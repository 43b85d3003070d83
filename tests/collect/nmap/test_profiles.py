"""Scan profiles as data, and the guards no profile or user can get around."""

from __future__ import annotations

from pathlib import Path

import pytest
from testpaths import FINGERPRINTS

from legacyscan.collect.nmap.profiles import (
    DEFAULT_PROFILE,
    ProfileError,
    check_scripts,
    load_profiles,
    nmap_data_dir,
    parse_ports,
    port_ranges,
    script_categories,
    top_tcp_ports,
)

PRINTER = {*range(9100, 9108), 515, 631}
needs_nmap = pytest.mark.skipif(nmap_data_dir() is None, reason="nmap is not installed")


def test_the_three_profiles_exist_and_clinical_safe_is_the_gentlest() -> None:
    book = load_profiles()
    names = [p.name for p in book.profiles]
    assert names == ["clinical-safe", "standard", "thorough"]
    assert DEFAULT_PROFILE == "clinical-safe"
    safe = book.get("clinical-safe")
    assert safe.version == "light" and not safe.os_detection and safe.scripts == ()
    assert safe.scan_delay_ms > 0
    assert all(safe.max_rate <= p.max_rate for p in book.profiles)
    # the hospital port list
    for port in (21, 22, 23, 80, 104, 443, 445, 554, 2575, 3389, 5060, 5900, 8080, 11112):
        assert port in safe.tcp_ports
    assert 47808 in safe.udp_ports


def test_printer_ports_are_the_known_ones_and_in_no_profile() -> None:
    book = load_profiles()
    assert book.printer_ports == PRINTER
    for profile in book.profiles:
        assert not PRINTER & {*profile.tcp_ports, *profile.udp_ports}, profile.name


def test_a_profile_file_listing_a_printer_port_is_refused(tmp_path: Path) -> None:
    text = (FINGERPRINTS / "scan-profiles.yaml").read_text()
    bad = tmp_path / "scan-profiles.yaml"
    bad.write_text(text.replace("tcp_ports: [21, 22,", "tcp_ports: [9100, 21, 22,", 1))
    with pytest.raises(ProfileError, match=r"clinical-safe: lists printer ports \[9100\]"):
        load_profiles(bad)


def test_unknown_profile() -> None:
    with pytest.raises(ProfileError, match="no scan profile 'gentle'.*clinical-safe"):
        load_profiles().get("gentle")


@needs_nmap
def test_every_profile_script_passes_the_denylist() -> None:
    book = load_profiles()
    for profile in book.profiles:
        assert check_scripts(profile.scripts) == profile.scripts
    assert set(book.get("thorough").scripts) >= {
        "smb-os-discovery", "rdp-ntlm-info", "http-title", "ssl-cert", "dicom-ping",
    }  # fmt: skip


@needs_nmap
@pytest.mark.parametrize(
    ("script", "why"),
    [
        ("ssl-enum-ciphers", "'intrusive' category"),
        ("dicom-brute", "'brute' category"),
        ("http-slowloris", "'dos'"),
        ("smb-vuln-ms10-054", "'dos'"),
        ("broadcast-dhcp-discover", "'broadcast' category"),
        ("whois-ip", "'external' category"),
        ("modbus-discover", "'intrusive' category"),
    ],
)
def test_dangerous_scripts_are_refused(script: str, why: str) -> None:
    with pytest.raises(ProfileError, match=f"NSE script '{script}' refused: .*{why}"):
        check_scripts((script,))


@needs_nmap
def test_the_denylist_refuses_every_dicom_script_but_dicom_ping() -> None:
    book = load_profiles()
    assert book.denylist.refusal("dicom-find", frozenset({"discovery", "safe"})) is not None
    assert "query or store" in (book.denylist.refusal("dicom-store", frozenset()) or "")
    assert book.denylist.refusal("dicom-ping", script_categories()["dicom-ping"]) is None
    assert check_scripts(("dicom-ping",)) == ("dicom-ping",)


@needs_nmap
@pytest.mark.parametrize(
    "spec", ["default", "vuln", "all", "http-*", "not intrusive", "./evil.nse", "/tmp/x.nse"]
)
def test_categories_globs_and_paths_are_refused(spec: str) -> None:
    with pytest.raises(ProfileError, match="refused: give"):
        check_scripts((spec,))


@needs_nmap
def test_unknown_script_and_comma_lists() -> None:
    with pytest.raises(ProfileError, match="no script of that name"):
        check_scripts(("no-such-script",))
    assert check_scripts(("http-title,ssl-cert", "http-title.nse")) == ("http-title", "ssl-cert")
    with pytest.raises(ProfileError, match="ssl-enum-ciphers"):
        check_scripts(("http-title,ssl-enum-ciphers",))


@needs_nmap
def test_top_ports_follow_nmap_services_frequencies() -> None:
    top = top_tcp_ports(1000)
    assert len(top) == 1000
    assert {22, 80, 443, 9100, 515, 631} <= set(top)  # why profiles must remove printer ports
    assert set(top_tcp_ports(10)) <= set(top_tcp_ports(100))


def test_port_specs() -> None:
    assert parse_ports("22,80,8000-8002") == (22, 80, 8000, 8001, 8002)
    assert port_ranges((23, 21, 22, 80, 9100, 9101, 9102)) == "21-23,80,9100-9102"
    for bad in ("http", "0", "70000", "9-2", ""):
        with pytest.raises(ProfileError):
            parse_ports(bad)
