"""Rules and end-of-life records name the same products, or the gap is listed with a reason."""

from __future__ import annotations

from pathlib import Path

from legacyscan.identify.rules import RuleSet
from legacyscan.lifecycle.alignment import (
    Gaps,
    alignment_problems,
    record_products,
    rule_products,
    table_products,
)
from legacyscan.lifecycle.database import EolDatabase

RULES = RuleSet.load()
DATABASE = EolDatabase.load()


def test_every_gap_between_rules_and_eol_records_is_listed_with_a_reason() -> None:
    gaps = Gaps.load()
    named, recorded = rule_products(RULES), record_products(DATABASE)
    print(f"\n{len(named)} products named by rules, {len(recorded)} with EOL records")
    print(
        f"no lifecycle data: {len(gaps.no_lifecycle_data)}; records without rule: "
        f"{len(gaps.no_rule_yet)}"
    )
    assert alignment_problems(RULES, DATABASE, gaps) == []


def test_an_unlisted_gap_and_a_stale_entry_are_reported(tmp_path: Path) -> None:
    gaps = Gaps.load()
    missing = dict(gaps.no_lifecycle_data)
    del missing[("BlackBerry", "QNX")]
    stale = {**gaps.no_rule_yet, ("Canonical", "Ubuntu"): "no rule (wrong: rules name it)"}
    problems = alignment_problems(RULES, DATABASE, Gaps(missing, stale))
    assert any("BlackBerry / QNX" in p and "no_lifecycle_data" in p for p in problems)
    assert any("Canonical / Ubuntu" in p and "now named" in p for p in problems)
    gaps_file = tmp_path / "gaps.yaml"
    gaps_file.write_text("no_lifecycle_data:\n  - {vendor: A, product: B}\n", encoding="utf-8")
    try:
        Gaps.load(gaps_file)
    except ValueError as exc:
        assert "no reason" in str(exc)
    else:
        raise AssertionError("an entry without a reason must be refused")


def test_products_named_only_as_alternatives_count_as_named() -> None:
    assert ("CentOS", "CentOS Stream") in rule_products(RULES)
    assert ("openSUSE", "Leap") in rule_products(RULES)


def test_a_record_a_table_names_is_used_without_a_rule() -> None:
    # OpenBSD is named by the CPE and nmap OS-family tables only: its records are used
    assert ("OpenBSD", "OpenBSD") not in rule_products(RULES)
    assert ("OpenBSD", "OpenBSD") in table_products(RULES)
    assert ("OpenBSD", "OpenBSD") in record_products(DATABASE)
    # a record that neither a rule nor a table can name is still reported
    without_tables = RuleSet(RULES.rules)
    problems = alignment_problems(without_tables, DATABASE, Gaps.load())
    assert any("OpenBSD / OpenBSD" in p and "no rule or table" in p for p in problems)


def test_a_platform_the_makers_text_names_is_checked_like_a_rule_product() -> None:
    # RouterOS is named from a device's own text by platform-names.yaml: its record is used
    assert ("MikroTik", "RouterOS") in rule_products(RULES)
    assert ("MikroTik", "RouterOS") in record_products(DATABASE)


def test_a_device_kind_needs_no_record() -> None:
    # a maker and a kind ("Hikvision Camera": no model, no firmware line) has no lifecycle
    # of its own; a rule naming one is no gap
    assert "Camera" in DATABASE.kinds
    problems = alignment_problems(RULES, DATABASE, Gaps.load())
    assert not any("/ Camera" in p for p in problems)


def test_a_device_kind_named_with_its_maker_needs_no_gap_entry() -> None:
    """A rule naming a maker and a device kind (Brother Printer, Server Technology PDU: the
    kind products of classes.yaml) names no release: no record and no gap entry are due, and
    its verdict says only the maker and the kind are known.  A real product stays checked."""
    assert ("Brother", "Printer") in rule_products(RULES)
    assert {"Printer", "PDU", "UPS"} <= DATABASE.kinds
    gaps = Gaps.load()
    assert ("Brother", "Printer") not in gaps.no_lifecycle_data
    assert alignment_problems(RULES, DATABASE, gaps) == []
    without_vrp = {k: v for k, v in gaps.no_lifecycle_data.items() if k != ("Huawei", "VRP")}
    problems = alignment_problems(RULES, DATABASE, Gaps(without_vrp, gaps.no_rule_yet))
    assert any("Huawei / VRP" in p for p in problems)
