"""Makers' model families read from a device's own text (fingerprints/tables/
model-families.yaml, identify/model_families.py): the prefix grammar, the longest prefix,
the `unless` exclusions, only known makers read, rules first, and a kind-only family."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from legacyscan.identify.engine import Identifier
from legacyscan.identify.model_families import FamilyTable, family_problems
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.identify.table_rows import TableError
from legacyscan.model import Host, IdentifiedDevice, SnmpSystem

RULES = RuleSet.load()
TABLE = RULES.tables.families
IDENTIFIER = Identifier(RULES)
ZYXEL = frozenset({"Zyxel"})
#: Zyxel's products subtree shared by its switches and its firewalls (no product of its own)
ZYXEL_SHARED = "1.3.6.1.4.1.890.1.15"


def _device(object_id: str | None, descr: str) -> IdentifiedDevice:
    return IDENTIFIER.identify(
        Host(address="127.0.0.1", snmp=SnmpSystem(descr=descr, object_id=object_id))
    )


def _named(device: IdentifiedDevice) -> list[tuple[str, str]]:
    return [(i.vendor, i.product) for i in device.identities]


def test_the_shipped_table_reads_back_its_examples() -> None:
    assert TABLE.families, "model-families.yaml is loaded"
    assert family_problems(TABLE, load_vocabulary()) == []


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("USG FLEX 500", "ZLD"),  # CVE-2022-30525's affected models
        ("ATP800", "ZLD"),
        ("ZyWALL USG 100", "ZLD"),  # the longest prefix at a place: not the old ZyWALL
        ("ZyWALL 2 Plus", "ZyNOS"),
        ("XGS-4728F", "ZyNOS"),
        ("MGS-3712", "ZyNOS"),
    ],
)
def test_a_prefix_followed_by_the_model_digits_names_its_family(text: str, product: str) -> None:
    found = TABLE.find(text, ZYXEL)
    assert found is not None and found.row.product == product


@pytest.mark.parametrize(
    "text",
    [
        "USG FLEX 200H",  # the H series runs uOS
        "ZyWALL 1100",  # a ZLD gateway the old-ZyWALL row keeps out
        "GSM modem",  # no digits after the prefix
        "XGS",  # the name alone is no model
        "AGS2000",  # a prefix must begin a word
    ],
)
def test_no_family_without_a_model_of_it(text: str) -> None:
    assert TABLE.find(text, ZYXEL) is None


def test_only_the_known_makers_families_are_read() -> None:
    assert TABLE.find("DGS-1210-10ME", ZYXEL) is None
    assert TABLE.find("GS-2024", frozenset({"D-Link"})) is None
    # a host with no maker known: a bare model name says nothing
    assert _named(_device(None, "GS-2024")) == []


def test_a_shared_subtree_host_gets_its_system_from_the_family() -> None:
    firewall = _device(ZYXEL_SHARED, "USG FLEX 200")
    switch = _device(ZYXEL_SHARED, "GS-2024")
    assert _named(firewall) == [("Zyxel", "ZLD")]
    assert (firewall.device_class, firewall.device_type) == ("network", "firewall")
    assert _named(switch) == [("Zyxel", "ZyNOS")]
    assert (switch.device_class, switch.device_type) == ("network", "switch")
    assert switch.identities[0].evidence[0].rule == "model-family.Zyxel.GS"
    # the H series keeps the maker only
    assert _named(_device(ZYXEL_SHARED, "USG FLEX 200H")) == [("Zyxel", "")]


def test_a_kind_only_family_gives_the_makers_kind_product() -> None:
    # D-Link's number, a subtree the sysObjectID tables do not list: the family says switch
    device = _device("1.3.6.1.4.1.171.10.999.1", "DGS-1210-10ME 6.10.007")
    assert _named(device) == [("D-Link", "Switch")]
    assert (device.device_class, device.device_type) == ("network", "switch")


def test_rules_come_first() -> None:
    # a sysDescr a rule reads is not read as a model family
    device = _device(
        "1.3.6.1.4.1.9.1.1",
        "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7, "
        "RELEASE SOFTWARE (fc1)",
    )
    assert ("Cisco", "IOS") in _named(device)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "model-families.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_family_needs_a_source_and_examples(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        fields: [snmp.sysDescr]
        families:
          - {vendor: Zyxel, product: ZyNOS, models: [GS], examples: [{value: GS1, source: x}]}
        """,
    )
    with pytest.raises(TableError, match="source"):
        FamilyTable.load(path)
    path = _write(
        tmp_path,
        """
        fields: [snmp.sysDescr]
        families:
          - {vendor: D-Link, models: [DGS], source: x, examples: [{value: DGS-1, source: y}]}
        """,
    )
    with pytest.raises(TableError, match="class"):
        FamilyTable.load(path)  # a kind-only family must say its class and type


def test_an_example_read_as_another_family_is_a_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        fields: [snmp.sysDescr]
        families:
          - vendor: Zyxel
            product: ZLD
            models: [USG]
            source: x
            examples: [{value: GS-2024, source: y}]
        """,
    )
    problems = family_problems(FamilyTable.load(path), {"Zyxel": ["ZLD"]})
    assert problems and "GS-2024" in problems[0]
