"""Do the fingerprint rules and the end-of-life database speak of the same products?

A rule that names a product without an EOL record leaves every device it identifies
`unknown`; an EOL record that no rule and no table (``fingerprints/tables/``: sysObjectID
subtrees, CPEs, nmap OS families) can name is never used.  Both happen for good
reasons (no vendor page gives dates; no real string could be found), but never silently:
``fingerprints/lifecycle-gaps.yaml`` lists each gap with its reason, and
``alignment_problems`` reports any gap that is not listed, or listed but closed since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from legacyscan.files import load_mapping
from legacyscan.identify.rules import RuleSet
from legacyscan.identify.selftest import named_products
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.paths import fingerprints_dir

Product = tuple[str, str]


@dataclass(frozen=True)
class Gaps:
    """The known, explained gaps: products without lifecycle data, records without a rule."""

    no_lifecycle_data: dict[Product, str]
    no_rule_yet: dict[Product, str]

    @classmethod
    def load(cls, path: Path | None = None) -> Gaps:
        path = path or fingerprints_dir() / "lifecycle-gaps.yaml"
        data = load_mapping(path)

        def entries(key: str) -> dict[Product, str]:
            found: dict[Product, str] = {}
            for item in data.get(key) or []:
                reason = str(item.get("reason") or "").strip()
                if not reason:
                    raise ValueError(f"{path.name}: {key} entry {item!r} gives no reason")
                product = (str(item["vendor"]), str(item["product"]))
                if product in found:
                    raise ValueError(f"{path.name}: {key} lists {' / '.join(product)} twice")
                found[product] = reason
            return found

        return cls(entries("no_lifecycle_data"), entries("no_rule_yet"))


def rule_products(rules: RuleSet) -> set[Product]:
    """Every (vendor, product) some rule can name, alternatives and ``also`` included, and
    every platform the makers' platform table names from a device's text (it names a
    system like a rule does, ``platform-names.yaml``)."""
    named = {name for rule in rules.rules for name in named_products(rule)}
    platforms = rules.tables.platforms.platforms
    return named | {(p.row.vendor or "", p.row.product) for p in platforms}


def table_products(rules: RuleSet) -> set[Product]:
    """Every (vendor, product) a lookup table can name: a record for one is used."""
    return {(row.vendor, row.product) for row in rules.tables.rows if row.vendor and row.product}


def record_products(database: EolDatabase) -> set[Product]:
    return set(database.products())


def _names(products: Iterable[Product]) -> str:
    return ", ".join(f"{v} / {p}" for v, p in sorted(products))


def alignment_problems(rules: RuleSet, database: EolDatabase, gaps: Gaps) -> list[str]:
    """One line per unexplained gap or stale explanation (empty: all aligned)."""
    # a device kind named with its maker (Brother Printer, Eaton UPS: classes.yaml
    # kind_products) is no release to record; its verdict says so (lifecycle.kind_only)
    named = {p for p in rule_products(rules) if p[1] not in database.kinds}
    recorded = record_products(database)
    problems: list[str] = []
    silent = named - recorded - set(gaps.no_lifecycle_data)
    if silent:
        problems.append(
            "named by rules, no EOL record and not listed under no_lifecycle_data: "
            + _names(silent)
        )
    closed = set(gaps.no_lifecycle_data) & recorded
    if closed:
        problems.append(f"listed under no_lifecycle_data but now recorded: {_names(closed)}")
    unnamed = set(gaps.no_lifecycle_data) - named
    if unnamed:
        problems.append(f"listed under no_lifecycle_data but named by no rule: {_names(unnamed)}")
    nameable = named | table_products(rules)
    orphans = recorded - nameable - set(gaps.no_rule_yet)
    if orphans:
        problems.append(
            "EOL records no rule or table can name, not listed under no_rule_yet: "
            + _names(orphans)
        )
    stale = set(gaps.no_rule_yet) & nameable
    if stale:
        problems.append(
            f"listed under no_rule_yet but now named by a rule or a table: {_names(stale)}"
        )
    return problems
