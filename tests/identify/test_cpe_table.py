"""The CPE table's bridge (fingerprints/tables/cpe.yaml): the OS CPEs nmap prints name our
systems, and a maker's row ``h:<vendor>`` names the maker of every hardware CPE of that
vendor that no model row names."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from legacyscan.identify.engine import Identifier
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.identify.selftest import table_problems
from legacyscan.identify.table_rows import TableError
from legacyscan.identify.tables import Tables
from legacyscan.model import Host, IdentifiedDevice, OsClass, OsMatch, Service

RULES = RuleSet.load()
TABLES = RULES.tables


def _identify(**host: object) -> IdentifiedDevice:
    return Identifier(RULES).identify(Host(address="127.0.0.1", **host))  # type: ignore[arg-type]


def _named(value: str) -> tuple[str | None, str, str | None]:
    answer = TABLES.cpe(value)
    assert answer is not None, value
    return answer.row.vendor, answer.row.product, answer.version


@pytest.mark.parametrize(
    ("cpe", "named"),
    [
        # the CPE lines of nmap 7.93's nmap-os-db, as an osmatch prints them
        ("cpe:/o:cisco:pix_os:6.3", ("Cisco", "PIX", "6.3")),
        ("cpe:/o:cisco:aireos:8.0.140.0", ("Cisco", "Wireless LAN Controller", "8.0.140.0")),
        ("cpe:/o:ibm:i:7.2", ("IBM", "IBM i", "7.2")),
        # an old name's release id is no IBM i version
        ("cpe:/o:ibm:os_400:v5r3", ("IBM", "IBM i", None)),
        ("cpe:/o:ibm:i5os:v5", ("IBM", "IBM i", None)),
        ("cpe:/o:f5:tmos:11.6", ("F5", "BIG-IP", "11.6")),
        ("cpe:/o:brocade:fabric_os:7.4.1", ("Brocade", "Fabric OS", "7.4.1")),
        ("cpe:/o:alliedtelesyn:alliedware", ("Allied Telesis", "AlliedWare", None)),
        ("cpe:/o:cisco:nexus_7010", ("Cisco", "NX-OS", None)),
        ("cpe:/o:microsoft:windows_8", ("Microsoft", "Windows 8", None)),
        ("cpe:/o:qnap:qts:4", ("QNAP", "QTS", "4")),
    ],
)
def test_an_os_cpe_nmap_prints_names_our_system(
    cpe: str, named: tuple[str, str, str | None]
) -> None:
    assert _named(cpe) == named


def test_a_maker_s_row_names_the_maker_of_any_model() -> None:
    # models no row lists, one a service match built from its banner
    for cpe in ("cpe:/h:xerox:phaser_6350dt", "cpe:/h:xerox:workcentre_7845"):
        answer = TABLES.cpe(cpe)
        assert answer is not None and answer.row.id == "cpe.h:xerox"
        assert (answer.row.vendor, answer.row.product, answer.row.kind) == ("Xerox", "", "hardware")
        assert answer.row.classify is not None and answer.row.classify.device_class == "printer"
    # a maker of several kinds gives no class
    dlink = TABLES.cpe("cpe:/h:dlink:dcs-932l")
    assert dlink is not None and dlink.row.vendor == "D-Link" and dlink.row.classify is None


def test_a_model_row_goes_before_its_maker_s_row() -> None:
    assert _named("cpe:/h:cisco:catalyst_2960") == ("Cisco", "Catalyst 2960", None)
    assert _named("cpe:/h:cisco:asa_5510") == ("Cisco", "ASA 5500", None)
    assert _named("cpe:/h:cisco:unified_ip_phone_7941") == ("Cisco", "", None)


def test_a_maker_s_row_reads_no_version_and_answers_hardware_only() -> None:
    # a hardware CPE's version field is the model's revision
    assert _named("cpe:/h:apc:smart-ups_rt_5000va:2.0") == ("APC", "", None)
    # an application or an OS CPE of the same vendor is no device of that maker
    assert TABLES.cpe("cpe:/a:xerox:centreware") is None
    assert TABLES.cpe("cpe:/o:xerox:unknown_os") is None


def test_a_maker_s_cpe_names_the_device_s_maker_and_class() -> None:
    # a service match's hardware CPE, with no OS guess: the maker and the printer class
    service = Service(
        port=80,
        protocol="tcp",
        state="open",
        name="http",
        cpes=("cpe:/h:xerox:phaser_8560",),
    )
    device = _identify(services=(service,))
    assert {i.vendor for i in device.identities} == {"Xerox"}
    assert device.device_class == "printer"


def test_an_osmatch_with_an_os_cpe_names_the_product() -> None:
    guess = OsMatch(
        "Cisco PIX firewall (PIX OS 6.3(5))",
        100,
        classes=(OsClass("Cisco", "PIX OS", "6.X", "firewall", 100),),
        cpes=("cpe:/o:cisco:pix_os:6.3",),
    )
    device = _identify(os_matches=(guess,))
    named = {(i.vendor, i.product, i.version) for i in device.identities}
    assert ("Cisco", "PIX", "6.3") in named


def test_a_maker_s_row_is_checked_like_the_others(tmp_path: Path) -> None:
    (tmp_path / "cpe.yaml").write_text(
        textwrap.dedent(
            """\
            cpes:
              - {cpe: 'h:xerox', vendor: Xerox, class: printer, weight: 0.4}
              - {cpe: 'h:acme', vendor: Acme Unknown}
            """
        ),
        encoding="utf-8",
    )
    tables = Tables.load(tmp_path, registry={})
    assert tables.cpe("cpe:/h:xerox:anything") is not None
    assert table_problems(tables, load_vocabulary()) == [
        "cpe.yaml: cpe.h:acme: vendor 'Acme Unknown' not in vocabulary"
    ]


@pytest.mark.parametrize(
    "row",
    [
        "{cpe: 'o:xerox', vendor: Xerox}",  # a maker's row is for hardware only
        "{cpe: 'a:samba:samba', vendor: Samba}",  # a product's row needs its product
        "{cpe: 'h:', vendor: Xerox}",
    ],
)
def test_a_malformed_cpe_row_is_refused(tmp_path: Path, row: str) -> None:
    (tmp_path / "cpe.yaml").write_text(f"cpes:\n  - {row}\n", encoding="utf-8")
    with pytest.raises(TableError):
        Tables.load(tmp_path, registry={})


def test_nmap_s_class_vendors_of_ours_name_the_maker() -> None:
    guess = OsMatch(
        "IBM InfoPrint 1140 printer",
        100,
        classes=(OsClass("IBM", "embedded", "", "printer", 100),),
    )
    device = _identify(os_matches=(guess,))
    assert {i.vendor for i in device.identities} == {"IBM"}
    # Brocade's classes span three successors' lines: only its Fabric OS family names it
    fabric = OsMatch(
        "Brocade Fabric OS 7.4.1 (Linux 2.6.14)",
        100,
        classes=(OsClass("Brocade", "Fabric OS", "7.X", "switch", 100),),
    )
    named = {(i.vendor, i.product) for i in _identify(os_matches=(fabric,)).identities}
    assert ("Brocade", "Fabric OS") in named
    switch = OsMatch(
        "Brocade FCX-series switch",
        100,
        classes=(OsClass("Brocade", "embedded", "", "switch", 100),),
    )
    assert _identify(os_matches=(switch,)).identities == ()
