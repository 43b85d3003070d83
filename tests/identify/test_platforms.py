"""Makers' platforms named in a device's own text (fingerprints/tables/platform-names.yaml,
identify/platforms.py): the version grammar, the longest spelling, another maker's platform
never read as the known maker's, rules first, and the generic device words."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from legacyscan.identify.engine import Identifier
from legacyscan.identify.platforms import PlatformTable, read_version
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.identify.selftest import table_answers
from legacyscan.identify.table_rows import TableError
from legacyscan.model import EntityPhysical, Host, IdentifiedDevice, SnmpSystem, SnmpTables

RULES = RuleSet.load()
TABLE = RULES.tables.platforms
IDENTIFIER = Identifier(RULES)


def _device(object_id: str | None, descr: str, *entities: str) -> IdentifiedDevice:
    """A host as SNMP sees it: its system group and ENTITY-MIB descriptions."""
    rows = tuple(EntityPhysical(index=i + 1, descr=d) for i, d in enumerate(entities))
    return IDENTIFIER.identify(
        Host(
            address="127.0.0.1",
            snmp=SnmpSystem(descr=descr, object_id=object_id),
            snmp_tables=SnmpTables(entities=rows) if rows else None,
        )
    )


def _systems(device: IdentifiedDevice) -> list[tuple[str, str, str | None]]:
    return [(i.vendor, i.product, i.version) for i in device.identities if not i.vendor_only]


# --- the version grammar ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rest", "version"),
    [
        (" 7.1.1 (stable) on RB9999", "7.1.1"),  # right after the name
        (" v2.11", "2.11"),  # after "v"
        ("v3.4", "3.4"),  # "v" touching the name's end
        (", Version 5.170 (AR9999 V200R009C00)", "5.170"),  # after a comma and "Version"
        (" Version: 1.8.2", "1.8.2"),  # "Version:"
        (" Release 8.1RC2 7-Mode", "8.1RC2"),  # after "Release"
        ("\nVersion 1.24.0.1 (S9999 V600R024C00)", "1.24.0.1"),  # on the next line
        (" (6.5.4.14-109n)", "6.5.4.14-109n"),  # in parentheses, the ")" left out
        (" 7.0.1-R9999)", "7.0.1-R9999"),
        (" 7.3(2)N1(1), RELEASE SOFTWARE", "7.3(2)N1(1)"),  # balanced parentheses kept
        ("-60F v6.4.11,build2030", "6.4.11"),  # the line's model, then "v"
        (" Version 12", "12"),  # a bare number after a version word
        (" 12", None),  # a bare number alone is a model ("NetMan 204"), no version
        (" 8XP, 2.1.0", None),  # a model first, and no version word after it
        (" Enterprise.", None),
        (" n6000, Software (n6000-uk9), Version 7.1(4)N1(1), RELEASE", "7.1(4)N1(1)"),
        (" S4 Mon Oct 31 12:00:00 CET 2016", None),  # a generation, then a date
        (" Software\nVRP (R) software, Version 8.1", None),  # a later line: not this one
        (" 4.2.", "4.2"),  # a sentence's full stop is not part of it
        (" (TM) 5.4.9-1.1", "5.4.9-1.1"),  # a trademark sign first
        ("(tm) n9999, Software (n9999-uk9), Version 9.3(1)", "9.3(1)"),
        ("® 20.0.0", "20.0.0"),
    ],
)
def test_the_version_is_read_right_after_the_name(rest: str, version: str | None) -> None:
    assert read_version(rest) == version


# --- the table ----------------------------------------------------------------------------


def _table(tmp_path: Path, body: str) -> PlatformTable:
    path = tmp_path / "platform-names.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return PlatformTable.load(path)


TWO_MAKERS = """\
    fields: [snmp.sysDescr]
    platforms:
      - {vendor: Cisco, product: IOS, spelled: [IOS], source: s,
         examples: [{value: IOS 1.0, version: '1.0', source: s}]}
      - {vendor: Cisco, product: IOS XE, spelled: [IOS XE], source: s,
         examples: [{value: IOS XE 1.0, version: '1.0', source: s}]}
      - {vendor: Juniper, product: Junos, spelled: [JUNOS], alone: true, source: s,
         examples: [{value: JUNOS 1.0, version: '1.0', source: s}]}
    """


def test_the_longest_spelling_at_a_place_wins(tmp_path: Path) -> None:
    table = _table(tmp_path, TWO_MAKERS)
    found = table.find("Cisco IOS XE Software, Version 17.3.4", frozenset({"Cisco"}))
    assert found is not None and (found.platform.row.product, found.version) == (
        "IOS XE",
        "17.3.4",
    )
    found = table.find("Cisco IOS Software, Version 15.2(7)E4", frozenset({"Cisco"}))
    assert found is not None and found.platform.row.product == "IOS"


def test_only_the_known_makers_platforms_are_read(tmp_path: Path) -> None:
    table = _table(tmp_path, TWO_MAKERS)
    text = "kernel JUNOS 20.4R3 on a box that also speaks of IOS 15.1"
    # Cisco known: Juniper's name in the text is not read as Cisco's, Cisco's own is
    found = table.find(text, frozenset({"Cisco"}))
    assert found is not None and found.platform.row.product == "IOS"
    assert table.find("kernel JUNOS 20.4R3", frozenset({"Cisco"})) is None
    # no maker known: only a platform that names its maker alone
    alone = table.find(text, None)
    assert alone is not None and alone.platform.row.product == "Junos"
    assert table.find("IOS 15.1", None) is None


def test_a_spelling_stands_alone(tmp_path: Path) -> None:
    table = _table(tmp_path, TWO_MAKERS)
    assert table.find("BIOS 1.2", frozenset({"Cisco"})) is None  # a letter before it
    assert table.find("IOSv 1.2", frozenset({"Cisco"})) is None  # a letter after it


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "fields: [snmp.sysDescr]\nplatforms:\n  - {vendor: A, product: B, spelled: [B],"
            " examples: [{value: B 1.0, source: s}]}\n",
            "'source'",
        ),
        (
            "fields: [snmp.sysDescr]\nplatforms:\n  - {vendor: A, product: B, spelled: [B],"
            " source: s}\n",
            "examples",
        ),
        (
            "fields: [snmp.sysDescr]\nplatforms:\n  - {vendor: A, product: B, spelled: [B],"
            " kind: hardware, source: s, examples: [{value: B 1, source: s}]}\n",
            "os or firmware",
        ),
        ("platforms: []\n", "'fields'"),
        (
            "fields: [snmp.sysDescr]\nplatforms:\n  - {vendor: A, product: B, spelled: [B],"
            " source: s, examples: [{value: B 1, source: s}]}\n  - {vendor: A, product: C,"
            " spelled: [B], source: s, examples: [{value: B 1, source: s}]}\n",
            "twice",
        ),
    ],
)
def test_a_malformed_table_is_one_clear_error(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(TableError, match=message):
        _table(tmp_path, body)


def test_the_bundled_examples_are_read_back() -> None:
    from legacyscan.identify.platforms import platform_problems

    assert TABLE.platforms and TABLE.kinds
    assert platform_problems(TABLE, load_vocabulary()) == []


def test_a_wrong_example_is_reported(tmp_path: Path) -> None:
    from legacyscan.identify.platforms import platform_problems

    table = _table(
        tmp_path,
        """\
        fields: [snmp.sysDescr]
        platforms:
          - {vendor: MikroTik, product: RouterOS, spelled: [RouterOS], source: s,
             examples: [{value: RouterOS 7.1, version: '7.2', source: s}]}
        """,
    )
    (problem,) = platform_problems(table, load_vocabulary())
    assert "expected '7.2'" in problem


# --- what the engine makes of it -----------------------------------------------------------


def test_a_known_maker_s_platform_is_named_with_the_version_of_another_row() -> None:
    # MikroTik's number; the sysDescr names the system and the board, ENTITY-MIB the version
    device = _device(
        "1.3.6.1.4.1.14988.1", "RouterOS RB9999X", "RouterOS 7.99.1 (stable) on RB9999X"
    )
    assert _systems(device) == [("MikroTik", "RouterOS", "7.99.1")]
    (identity,) = device.identities
    assert {e.rule for e in identity.evidence} == {"platform.MikroTik.RouterOS"}
    assert {e.field for e in identity.evidence} == {"snmp.sysDescr", "snmp.entPhysicalDescr"}
    assert device.device_class == "network"


def test_a_distinctive_platform_names_its_maker_alone() -> None:
    # an OID of no maker we know; the text's SonicOS is SonicWall's alone
    device = _device("1.0.3.0.6.0.1.0", "ExampleBox 9 (SonicOS 7.9.1-9999)")
    assert _systems(device) == [("SonicWall", "SonicOS", "7.9.1-9999")]
    assert (device.device_class, device.device_type) == ("network", "firewall")
    # VRP is not Huawei's alone (OEMs ship it): with no maker known it names nobody
    assert _systems(_device(None, "VRP (R) software, Version 5.170")) == []


def test_another_maker_s_platform_is_not_read_as_the_known_maker_s() -> None:
    # MikroTik's number, a text naming Cisco's NX-OS: neither NX-OS nor a second maker
    device = _device("1.3.6.1.4.1.14988.1", "Example text mentioning NX-OS 9.3(1)")
    assert _systems(device) == []
    assert {i.vendor for i in device.identities} == {"MikroTik"}


def test_a_rule_naming_the_system_comes_first() -> None:
    # the bundled rule snmp.cisco.nx-os reads this sysDescr (its own example's form)
    descr = (
        "Cisco NX-OS(tm) n9999, Software (n9999-uk9), Version 7.9(9)N1(1), RELEASE SOFTWARE"
        " Copyright (c) 2002-2012 by Cisco Systems, Inc."
    )
    device = _device("1.3.6.1.4.1.9.12.3.1.3.1", descr)
    (nxos,) = [i for i in device.identities if i.product == "NX-OS"]
    assert {e.rule for e in nxos.evidence} == {"snmp.cisco.nx-os"}
    assert nxos.version == "7.9(9)N1(1)"


def test_a_platform_the_rule_does_not_read_is_named_by_the_table() -> None:
    # the same system without "(tm)": the rule's pattern misses it, the table does not
    descr = "Cisco NX-OS n9999, Software (n9999-uk9), Version 7.9(9)N1(1), RELEASE SOFTWARE"
    device = _device("1.3.6.1.4.1.9.12.3.1.3.1", descr)
    assert _systems(device) == [("Cisco", "NX-OS", "7.9(9)N1(1)")]


def test_a_generic_device_word_gives_the_maker_its_device_kind() -> None:
    # Dell's number gives no class; "UPS" in its text does, and Dell's vocabulary has "UPS"
    device = _device("1.3.6.1.4.1.674.10902.99", "Dell Example UPS 9999")
    assert [(i.vendor, i.product) for i in device.identities] == [("Dell", "UPS")]
    assert (device.device_class, device.device_type) == ("power", "ups")
    # a word the maker's vocabulary has no kind for gives no signal (an HP-named PDU may
    # be HPE's: the class would settle the maker before the lines are told apart)
    hp = _device("1.3.6.1.4.1.11.99", "HP PDU Example Module")
    assert not any(s.reason.startswith("platform-kind.") for s in hp.class_signals)


def test_a_device_word_may_run_into_its_model_number_not_into_a_word() -> None:
    ups = TABLE.kind_words("Network card of the Example UPS9999")
    assert [k.classify.device_type for k in ups] == ["ups"]
    assert TABLE.kind_words("Example UPSILON Card") == []
    # Huawei's number says network weakly; its UPS line's own word says power
    device = _device("1.3.6.1.4.1.2011.6.999", "Network card for an Example UPS9999")
    assert (device.device_class, [i.product for i in device.identities]) == ("power", ["UPS"])


def test_explain_shows_a_platform_of_any_maker() -> None:
    (line,) = table_answers(RULES.tables, "snmp.sysDescr", "VRP (R) software, Version 5.170")
    assert line.startswith("platform.Huawei.VRP (platform-names.yaml): Huawei VRP 5.170")
    assert line.endswith("when the maker is known")


def test_a_versionless_system_a_table_guessed_gains_the_text_s_version() -> None:
    # Huawei's switch subtree names VRP without a version; the text says which
    device = _device("1.3.6.1.4.1.2011.2.23.99999", "VRP (R) software, Version 5.999 (S9999)")
    (vrp,) = [i for i in device.identities if not i.vendor_only]
    assert (vrp.product, vrp.version) == ("VRP", "5.999")
    assert {e.rule for e in vrp.evidence} == {
        "platform.Huawei.VRP",
        "sysobjectid.1.3.6.1.4.1.2011.2.23.*",
    }


def test_the_device_s_own_words_correct_a_table_s_guess_of_the_maker_s_system() -> None:
    # the same subtree's guess (VRP) gives way to the system the device names itself
    device = _device("1.3.6.1.4.1.2011.2.23.99999", "Huawei YunShan OS\nVersion 1.99.0.1 (S9999)")
    assert _systems(device) == [("Huawei", "YunShan OS", "1.99.0.1")]
