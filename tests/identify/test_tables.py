"""The lookup tables (fingerprints/tables/): every row proven against its own key, the
registry's names checked against nmap's copy of IANA's, and what the engine makes of them."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from legacyscan.cpe import Cpe, observed_cpe
from legacyscan.identify.engine import Identifier
from legacyscan.identify.registry import read_registry, vocabulary_vendor
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.identify.selftest import table_problems
from legacyscan.identify.table_rows import TableError, enterprise_number
from legacyscan.identify.tables import Tables
from legacyscan.lifecycle import EolDatabase
from legacyscan.model import Host, OsClass, OsMatch, Service, SnmpSystem
from legacyscan.paths import fingerprints_dir

RULES = RuleSet.load()
TABLES = RULES.tables
NMAP_DATA = Path("/usr/share/nmap")


def _identify(object_id: str | None = None, descr: str | None = None, **host: object) -> object:
    snmp = SnmpSystem(descr=descr, object_id=object_id) if object_id or descr else None
    return Identifier(RULES).identify(Host(address="127.0.0.1", snmp=snmp, **host))  # type: ignore[arg-type]


def test_the_bundled_tables_have_no_problem() -> None:
    assert table_problems(TABLES, load_vocabulary()) == []


def test_the_tables_hold_the_vendors_that_matter() -> None:
    assert len(TABLES.enterprises) >= 90
    for number, vendor in [(9, "Cisco"), (318, "APC"), (367, "Ricoh"), (39165, "Hikvision")]:
        assert TABLES.enterprises[number].row.vendor == vendor


def test_every_registry_name_is_iana_s_as_nmap_ships_it() -> None:
    registry = read_registry()
    if not registry:
        pytest.skip("nmap's enterprise_numbers.txt is not installed (apt package nmap)")
    wrong = {
        n: (e.registry, registry.get(n))
        for n, e in TABLES.enterprises.items()
        if registry.get(n) != e.registry
    }
    assert wrong == {}


def test_a_wrong_registry_name_is_reported(tmp_path: Path) -> None:
    (tmp_path / "enterprise-numbers.yaml").write_text(
        "enterprises:\n  - {number: 9, registry: Cisco Systems, vendor: Cisco}\n", encoding="utf-8"
    )
    tables = Tables.load(tmp_path, registry={9: "ciscoSystems"})
    assert table_problems(tables, load_vocabulary()) == [
        "enterprise-numbers.yaml: enterprise 9 is 'ciscoSystems' in IANA's registry, "
        "not 'Cisco Systems'"
    ]


def test_a_row_must_name_a_maker_an_agent_or_a_class(tmp_path: Path) -> None:
    (tmp_path / "enterprise-numbers.yaml").write_text(
        "enterprises:\n  - {number: 9, registry: ciscoSystems}\n", encoding="utf-8"
    )
    with pytest.raises(TableError, match="enterprise 9: give a 'vendor'"):
        Tables.load(tmp_path, registry={})


def test_enterprise_number_reads_exactly_the_enterprise() -> None:
    assert enterprise_number("1.3.6.1.4.1.9.1.516") == 9
    assert enterprise_number(".1.3.6.1.4.1.318") == 318
    assert enterprise_number("1.3.6.1.2.1.1") is None
    assert TABLES.enterprise("1.3.6.1.4.1.95.1") is None or (
        TABLES.enterprise("1.3.6.1.4.1.95.1").row.vendor != "Cisco"  # type: ignore[union-attr]
    )


def test_a_printer_number_gives_the_maker_and_the_class() -> None:
    # everything Ricoh sells under 367 is a printer: the device kind is the product
    device = _identify("1.3.6.1.4.1.367.1.1")
    (maker,) = device.identities  # type: ignore[attr-defined]
    assert (maker.vendor, maker.product, maker.kind) == ("Ricoh", "Printer", "hardware")
    assert device.device_class == "printer"  # type: ignore[attr-defined]
    assert [s.reason for s in device.deciding_signals] == ["enterprise.367"]  # type: ignore[attr-defined]


def test_an_unmapped_number_names_the_registry_organisation() -> None:
    if not TABLES.registry:
        pytest.skip("nmap's enterprise_numbers.txt is not installed")
    # 664 is Adtran in IANA's registry, one of our vendors; our table does not map it
    device = _identify("1.3.6.1.4.1.664.1")
    (maker,) = device.identities  # type: ignore[attr-defined]
    assert (maker.vendor, maker.vendor_only, maker.confidence) == ("Adtran", True, 0.3)
    assert device.device_class == "unknown"  # type: ignore[attr-defined]
    # 3 is Carnegie Mellon, none of our vendors: the registrant names nobody
    assert _identify("1.3.6.1.4.1.3.1").identities == ()  # type: ignore[attr-defined]


def test_net_snmp_is_an_agent_not_a_maker() -> None:
    device = _identify("1.3.6.1.4.1.8072.3.2.10")
    assert device.identities == ()  # type: ignore[attr-defined]


def test_a_named_product_of_the_maker_makes_the_vendor_only_identity_redundant() -> None:
    device = _identify(
        "1.3.6.1.4.1.11.2.3.9.1",
        "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23900010",
    )
    assert all(not i.vendor_only for i in device.identities)  # type: ignore[attr-defined]
    assert device.identities  # type: ignore[attr-defined]


def test_a_number_several_brands_share_names_nobody_not_even_verbatim() -> None:
    # ATEN's number: its own PDUs, and the BMC firmware it writes for Supermicro
    assert _identify("1.3.6.1.4.1.21317.1.2").identities == ()  # type: ignore[attr-defined]
    # MGE's: a UPS, but Eaton's or Schneider Electric's; the class stays
    ups = _identify("1.3.6.1.4.1.705.9.9")
    assert (ups.identities, ups.device_class) == ((), "power")  # type: ignore[attr-defined]


def test_a_shared_number_cannot_name_a_vendor(tmp_path: Path) -> None:
    (tmp_path / "enterprise-numbers.yaml").write_text(
        "enterprises:\n  - {number: 9, registry: ciscoSystems, vendor: Cisco, shared: both}\n",
        encoding="utf-8",
    )
    with pytest.raises(TableError, match="names no 'vendor'"):
        Tables.load(tmp_path, registry={})


def test_two_names_of_one_maker_s_lines_agree_on_the_more_confident() -> None:
    # an "HP" sysDescr (HP's name covers HPE) on Hewlett Packard Enterprise's own number
    device = _identify("1.3.6.1.4.1.47196.9.9", "HP Example Switch")
    (maker,) = device.identities  # type: ignore[attr-defined]
    assert (maker.vendor, maker.vendor_only) == ("HPE", True)
    # an "HP" sysDescr on H3C's number (which covers HP's Comware switches): HP's brand,
    # a network device, so HPE's
    comware = _identify("1.3.6.1.4.1.25506.11.1.9", "HP Example Switch Software Version 5.20")
    assert [i.vendor for i in comware.identities] == ["HPE"]  # type: ignore[attr-defined]
    # makers that do not cover each other name none: a guess between two companies
    assert _identify("1.3.6.1.4.1.4526.9.9", "Cisco Example").identities == ()  # type: ignore[attr-defined]


def test_an_hp_named_network_device_is_hpe_s_and_an_hp_printer_stays_hp_s() -> None:
    # Radlan's number gives a network signal and no maker; the sysDescr names "HP"
    switch = _identify("1.3.6.1.4.1.89.9.9", "HP Example 24-port Switch")
    (maker,) = switch.identities  # type: ignore[attr-defined]
    assert (switch.device_class, maker.vendor) == ("network", "HPE")  # type: ignore[attr-defined]
    printer = _identify("1.3.6.1.4.1.11.2.3.9.1", "HP ETHERNET MULTI-ENVIRONMENT,SN:X")
    assert {i.vendor for i in printer.identities} == {"HP"}  # type: ignore[attr-defined]
    # the standard UPS-MIB root classes a UPS (no maker); the sysDescr names "HP"
    ups = _identify("1.3.6.1.2.1.33", "HP Example UPS")
    (maker,) = ups.identities  # type: ignore[attr-defined]
    assert (ups.device_class, maker.vendor, maker.product) == ("power", "HPE", "UPS")  # type: ignore[attr-defined]


@pytest.mark.parametrize("oid", ["1.3.6.1.4.1.9.424242", "1.3.6.1.4.1.367.1.1"])
def test_a_maker_s_identity_is_never_supported(oid: str) -> None:
    # Cisco's number alone (vendor only), Ricoh's (a printer, no model): no record matches
    device = _identify(oid)
    assessed = EolDatabase.load().assess(device, dt.date(2026, 12, 3))  # type: ignore[arg-type]
    (only,) = assessed.identities
    assert only.identity.vendor in ("Cisco", "Ricoh")
    assert only.lifecycle.status == "unknown"


# --- CPE ---------------------------------------------------------------------------------


def _formatted(text: str) -> str:
    cpe = observed_cpe(text)
    assert cpe is not None, text
    return cpe.formatted


def test_cpe_forms() -> None:
    assert observed_cpe("cpe:/a:samba:samba:3.0.20") == Cpe("a", "samba", "samba", "3.0.20")
    windows = observed_cpe("cpe:/o:microsoft:windows_server_2008:r2:sp1")
    assert windows is not None and (windows.version, windows.update) == ("r2", "sp1")
    bind = observed_cpe("cpe:2.3:a:isc:bind:9.8.2:*:*:*:*:*:*:*")
    assert bind == Cpe("a", "isc", "bind", "9.8.2")
    assert observed_cpe("not a cpe") is None and observed_cpe("samba:samba") is None
    assert _formatted("cpe:/a:samba:samba:3.0.20") == "cpe:2.3:a:samba:samba:3.0.20:*:*:*:*:*:*:*"
    assert _formatted("cpe:/o:linux:linux_kernel") == "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*"


def test_every_cpe_row_is_a_cpe_nmap_prints() -> None:
    probes = NMAP_DATA / "nmap-service-probes"
    if not probes.is_file():
        pytest.skip("nmap's data is not installed")
    printed = (
        probes.read_text(encoding="utf-8", errors="replace")
        + (NMAP_DATA / "nmap-os-db").read_text(encoding="utf-8", errors="replace")
    ).lower()
    # a maker's row ("h:xerox") stands for the vendor token of nmap's hardware CPEs
    missing = [k for k in TABLES.cpes if f"cpe:/{k}{':' * (k.count(':') == 1)}" not in printed]
    assert missing == []


def test_a_cpe_names_a_daemon_with_its_version() -> None:
    service = Service(
        port=445,
        protocol="tcp",
        state="open",
        name="netbios-ssn",
        product="Samba smbd",
        version="3.0.20-Debian",
        cpes=("cpe:/a:samba:samba",),
    )
    device = _identify(services=(service,))
    named = {(i.vendor, i.product) for i in device.identities}  # type: ignore[attr-defined]
    assert ("Samba", "Samba") in named


# --- nmap's tied OS guesses ----------------------------------------------------------------


def test_tied_os_guesses_are_one_identity_with_alternatives() -> None:
    guesses = tuple(
        OsMatch(name, 100)
        for name in ("Microsoft Windows Server 2008 R2 SP1", "Microsoft Windows 7 SP1")
    )
    device = _identify(os_matches=guesses)
    os_identities = [i for i in device.identities if i.kind == "os"]  # type: ignore[attr-defined]
    assert len(os_identities) == 1
    (windows,) = os_identities
    named = {(windows.product)} | {a.product for a in windows.alternatives}
    assert named == {"Windows 7", "Windows Server 2008 R2"}


def test_a_guess_listing_products_is_one_identity_with_alternatives() -> None:
    guess = OsMatch("Microsoft Windows Server 2012 or Windows Server 2012 R2", 100)
    (windows,) = [i for i in _identify(os_matches=(guess,)).identities if i.kind == "os"]  # type: ignore[attr-defined]
    assert {windows.product, *(a.product for a in windows.alternatives)} == {
        "Windows Server 2012",
        "Windows Server 2012 R2",
    }


def test_a_tied_guess_nobody_can_name_leaves_the_system_unnamed() -> None:
    # one candidate we cannot judge (Windows 3.11) could be the true one: no OS identity
    guess = OsMatch("Microsoft Windows XP or Windows 3.11 for Workgroups", 100)
    device = _identify(os_matches=(guess,))
    assert [i for i in device.identities if i.kind == "os"] == []  # type: ignore[attr-defined]


def test_tied_guesses_that_agree_give_one_plain_identity() -> None:
    guesses = (OsMatch("Microsoft Windows XP SP3", 100), OsMatch("Microsoft Windows XP SP2", 100))
    device = _identify(os_matches=guesses)
    (xp,) = [i for i in device.identities if i.kind == "os"]  # type: ignore[attr-defined]
    assert (xp.product, xp.alternatives) == ("Windows XP", ())


def test_table_files_are_where_the_readme_says() -> None:
    folder = fingerprints_dir() / "tables"
    assert (folder / "enterprise-numbers.yaml").is_file()
    assert (folder / "cpe.yaml").is_file()
    assert list(folder.glob("sysobjectid-*.yaml"))


def test_a_subtree_row_answers_below_itself_only(tmp_path: Path) -> None:
    (tmp_path / "sysobjectid-test.yaml").write_text(
        textwrap.dedent(
            """\
            defaults: {vendor: APC, source: 'PowerNet-MIB'}
            rows:
              - {oid: 1.3.6.1.4.1.318.1.3.4, subtree: true, product: Network Management Card,
                 class: power, type: pdu}
              - {oid: 1.3.6.1.4.1.318.1.3.4.5, product: PowerNet SNMP Adapter}
            """
        ),
        encoding="utf-8",
    )
    tables = Tables.load(tmp_path, registry={})
    assert tables.object_id("1.3.6.1.4.1.318.1.3.4.5").row.product == "PowerNet SNMP Adapter"  # type: ignore[union-attr]
    assert tables.object_id("1.3.6.1.4.1.318.1.3.4.6").row.product == "Network Management Card"  # type: ignore[union-attr]
    assert tables.object_id("1.3.6.1.4.1.318.1.3.45") is None


# --- makers' names, nmap's OS classes --------------------------------------------------------


def test_a_maker_s_name_beginning_a_sysdescr_names_it() -> None:
    found = TABLES.maker_name("Lexmark T640 version 55.10.19 kernel 2.4.0")
    assert found is not None and found[0].row.vendor == "Lexmark"
    assert (
        TABLES.maker_name("220 RICOH Aficio MP 2550 FTP server (10.1.1) ready")[0].row.vendor
        == "Ricoh"
    )  # type: ignore[index]
    # a name must be followed by no letter: "Digital" is not Digi
    assert TABLES.maker_name("Digital UNIX V4.0") is None


def test_an_os_class_names_the_maker_and_the_device_kind() -> None:
    guess = OsMatch(
        "QNAP TS-109 NAS device (Linux 2.6.32)",
        100,
        classes=(OsClass("QNAP", "Linux", "2.6.X", "storage-misc", 100),),
    )
    device = _identify(os_matches=(guess,))
    assert [(i.vendor, i.vendor_only) for i in device.identities] == [("QNAP", True)]  # type: ignore[attr-defined]
    assert (device.device_class, device.device_type) == ("server", "storage")  # type: ignore[attr-defined]


def test_tied_guesses_of_two_makers_name_neither() -> None:
    guesses = (
        OsMatch(
            "3Com 4200G switch", 100, classes=(OsClass("3Com", "embedded", "", "switch", 100),)
        ),
        OsMatch(
            "Huawei Quidway S5600 switch",
            100,
            classes=(OsClass("Huawei", "VRP", "3.X", "switch", 100),),
        ),
    )
    device = _identify(os_matches=guesses)
    assert device.identities == ()  # type: ignore[attr-defined]
    assert device.device_class == "network"  # type: ignore[attr-defined]


def test_a_maker_alone_on_a_classed_device_takes_the_device_kind() -> None:
    # Canon's number classes printer weakly; Canon's vocabulary has the kind "Printer"
    device = _identify("1.3.6.1.4.1.1602.4.7")
    (canon,) = device.identities  # type: ignore[attr-defined]
    assert (canon.vendor, canon.product, device.device_class) == ("Canon", "Printer", "printer")  # type: ignore[attr-defined]
    # Yealink's number classes a desk phone; its vocabulary has the kind "IP Phone"
    (phone,) = _identify("1.3.6.1.4.1.37459.2.1", "Linux 3.4.20 armv5tejl").identities  # type: ignore[attr-defined]
    assert (phone.vendor, phone.product) == ("Yealink", "IP Phone")
    # Cisco's vocabulary has no device kind: the maker stays alone
    (cisco,) = _identify("1.3.6.1.4.1.9.424242").identities  # type: ignore[attr-defined]
    assert cisco.vendor_only


def test_an_os_family_of_a_maker_s_own_system_names_it() -> None:
    guess = OsMatch(
        "MikroTik RouterOS 5.5 (Linux 2.6.35)",
        100,
        classes=(OsClass("MikroTik", "RouterOS", "5.X", "router", 100),),
    )
    (routeros,) = _identify(os_matches=(guess,)).identities  # type: ignore[attr-defined]
    assert (routeros.vendor, routeros.product, routeros.kind, routeros.version) == (
        "MikroTik",
        "RouterOS",
        "os",
        None,
    )


def test_explain_shows_what_the_tables_say() -> None:
    from legacyscan.identify.selftest import table_answers

    lines = table_answers(TABLES, "snmp.sysObjectID", "1.3.6.1.4.1.9.1.716")
    assert lines[0].startswith("sysobjectid.1.3.6.1.4.1.9.1.716:catalyst296024TT")
    assert "Cisco Catalyst 2960" in lines[0]
    assert any(line.startswith("enterprise.9 ") for line in lines)


VENDORS = {v.lower(): v for v in ("Ciena", "Delta", "HW group", "Nokia", "ZTE", "FS.COM")}


@pytest.mark.parametrize(
    ("registry_name", "vendor"),
    [
        ("Ciena Corporation", "Ciena"),  # a legal form follows the brand
        ("Delta Electronics, Inc.", "Delta"),  # generic words of a company name too
        ("HW group s.r.o", "HW group"),  # a brand of two words
        ("Nokia (formerly 'Alcatel-Lucent')", "Nokia"),  # a former name is not read
        ("Zhongxing Telecom Co.,ltd. (abbr. ZTE)", "ZTE"),  # the abbreviation given
        ("FS.COM INC", "FS.COM"),
        ("Ciena Corporation/Optical Division", "Ciena"),  # the owner before a slash
        ("Delta Controls Inc.", None),  # "Controls" names another company
        ("Cienatech Ltd.", None),  # a word that only begins with a brand
        ("Acme Networks", None),
    ],
)
def test_a_registry_name_is_one_of_our_vendors_only_before_company_words(
    registry_name: str, vendor: str | None
) -> None:
    assert vocabulary_vendor(registry_name, VENDORS) == vendor


def test_an_unmapped_number_is_named_in_our_words_when_the_registry_name_is_ours() -> None:
    tables = Tables.load(fingerprints_dir() / "tables", registry={54321: "Ciena Corporation"})
    answer = tables.enterprise("1.3.6.1.4.1.54321.1.2")
    assert answer is not None and answer.row.vendor == "Ciena"
    # a registrant that is none of our vendors (an OEM, a predecessor) names nobody
    tables = Tables.load(fingerprints_dir() / "tables", registry={54321: "Ciena Holdings"})
    assert tables.enterprise("1.3.6.1.4.1.54321.1.2") is None


def test_a_registrant_none_of_ours_leaves_the_maker_to_other_evidence() -> None:
    """The registrant of a number is often not the brand: its name must not hide the maker
    the device's own text gives."""
    tables = Tables.load(fingerprints_dir() / "tables", registry={54321: "Trapeze Networks"})
    identifier = Identifier(tables=tables)
    host = Host(
        address="127.0.0.1",
        snmp=SnmpSystem(descr="Lantronix UDS1100", object_id="1.3.6.1.4.1.54321.1"),
    )
    vendors = {i.vendor for i in identifier.identify(host).identities}
    assert vendors == {"Lantronix"}


def test_a_maker_the_device_names_itself_contradicts_its_number_s_printer() -> None:
    # Lexmark's number alone: a Lexmark printer
    device = _identify("1.3.6.1.4.1.641.2.1", "Network printer")
    assert [(i.vendor, i.product) for i in device.identities] == [("Lexmark", "Printer")]  # type: ignore[attr-defined]
    # the same number under a sysDescr that begins with another maker's name (a model
    # another maker built for it): neither maker is named, the class is still a printer
    device = _identify("1.3.6.1.4.1.641.2.1", "TOSHIBA e-STUDIO999 multifunction")
    assert device.identities == ()  # type: ignore[attr-defined]
    assert device.device_class == "printer"  # type: ignore[attr-defined]


def test_a_number_of_two_makers_lines_hedges_when_no_class_tells_them_apart() -> None:
    # Hewlett-Packard's number covers HPE: with nothing saying the class, HP is named with
    # HPE as the other candidate; a network device's class names HPE alone
    device = _identify("1.3.6.1.4.1.11.99.1", "Management module")
    (maker,) = device.identities  # type: ignore[attr-defined]
    assert device.device_class == "unknown"  # type: ignore[attr-defined]
    assert (maker.vendor, [(a.vendor, a.product) for a in maker.alternatives]) == (
        "HP",
        [("HPE", "")],
    )
    device = _identify("1.3.6.1.4.1.11.2.3.7.11.999", "Management module")  # ProCurve subtree
    assert all(not i.alternatives for i in device.identities)  # type: ignore[attr-defined]


def test_an_agent_number_s_oid_that_carries_a_brand_s_oid_names_the_brand() -> None:
    # Radlan's switch software (89, no maker) followed by Netgear's own OID (4526)
    assert TABLES.embedded_oid("1.3.6.1.4.1.89.1.1.1.3.6.1.4.1.4526.100.4.99") == (
        "1.3.6.1.4.1.4526.100.4.99"
    )
    device = _identify("1.3.6.1.4.1.89.1.1.1.3.6.1.4.1.4526.100.4.99", "48-port managed switch")
    assert [i.vendor for i in device.identities] == ["Netgear"]  # type: ignore[attr-defined]
    # a maker's own number is read as it is, whatever follows
    assert (
        TABLES.embedded_oid(".1.3.6.1.4.1.9.1.3.6.1.4.1.4526.1")
        == "1.3.6.1.4.1.9.1.3.6.1.4.1.4526.1"
    )
    assert TABLES.embedded_oid("1.3.6.1.4.1.89.1.1.62") == "1.3.6.1.4.1.89.1.1.62"
