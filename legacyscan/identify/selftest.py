"""The self-test of fingerprint rules, and what ``fingerprints explain`` shows.

``check_examples`` runs every rule's examples: each must be matched first by its own rule
and give the values it expects; names must come from the vocabulary, and ``mac.oui``
examples must be real IEEE registrations.  The lookup tables' rows are checked too
(``tables.table_problems``): each row answers its own key, with vocabulary names.
``candidates`` lists every rule of a field that matches one value, for
``legacyscan fingerprints explain``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from legacyscan.identify.model_families import family_problems
from legacyscan.identify.observe import is_field, oui_organisation
from legacyscan.identify.platforms import platform_problems
from legacyscan.identify.rules import Example, Rule, RuleSet, fill_template, render_template
from legacyscan.identify.table_rows import (
    MAKER_NAME_FIELDS,
    EnterpriseRow,
    TableAnswer,
    TableRow,
    enterprise_number,
)
from legacyscan.identify.tables import Tables

_OUI_IN_SOURCE = re.compile(r"\b([0-9A-F]{2})[-:]([0-9A-F]{2})[-:]([0-9A-F]{2})\b", re.I)


def _oui_problem(example: Example) -> str | None:
    """Why a ``mac.oui`` example is not a real IEEE registration, or None when it is.

    The example's ``source`` must name the OUI (``IEEE MA-L 00-09-FB``) and the
    registry must give that OUI the example's organisation, spelled the same.
    """
    found = _OUI_IN_SOURCE.search(example.source)
    if found is None:
        return f"example {example.value!r} has no OUI in its source (e.g. 'IEEE MA-L 00-09-FB')"
    prefix = "-".join(found.groups()).upper()
    org = oui_organisation(f"{prefix}-00-00-01")
    if org != example.value:
        return f"example {example.value!r}: the IEEE registry gives {prefix} to {org!r}"
    return None


def check_example(rules: RuleSet, rule: Rule, example: Example) -> list[str]:
    """Every problem with one example of one rule, each line naming file and rule."""
    where = f"{rule.origin}: {rule.id}"
    problems: list[str] = []
    context: dict[str, list[str]] = {}
    for key, value in example.context:
        if not is_field(key):
            problems.append(f"{where}: example context names unknown field {key!r}")
        context.setdefault(key, []).append(value)
    if rule.field == "mac.oui":
        oui = _oui_problem(example)
        if oui:
            problems.append(f"{where}: {oui}")
    if not example.expect:
        problems.append(f"{where}: example {example.value!r} expects nothing")
    hit = rules.first_match(rule.field, example.value, context)
    if hit is None:
        return [*problems, f"{where}: example not matched: {example.value!r}"]
    winner, found = hit
    if winner.id != rule.id:
        return [*problems, f"{where}: example first matched by {winner.id}: {example.value!r}"]
    produced = produced_values(winner, found)
    for key, expected in example.expect:
        got = produced.get(key)
        if (got or "") != expected:
            problems.append(
                f"{where}: example {example.value!r} gives {key}={got!r}, expected {expected!r}"
            )
    return problems


def check_examples(rules: RuleSet, vocabulary: Mapping[str, Sequence[str]]) -> list[str]:
    """Run every example; return one line per failure (empty list: all good)."""
    failures: list[str] = []
    for rule in rules.rules:
        where = f"{rule.origin}: {rule.id}"
        if not rule.examples:
            failures.append(f"{where}: has no example")
        for vendor, product in named_products(rule):
            products = vocabulary.get(vendor)
            if products is None:
                failures.append(f"{where}: vendor {vendor!r} not in vocabulary")
            elif product not in products:
                failures.append(f"{where}: product {product!r} not in vocabulary")
        for example in rule.examples:
            failures.extend(check_example(rules, rule, example))
    # the lookup tables' rows are their own examples (tables.table_problems)
    failures.extend(table_problems(rules.tables, vocabulary))
    return failures


@dataclass(frozen=True)
class Candidate:
    """One rule of a field tried on one value, and what came of it (for ``explain``)."""

    rule: Rule
    matched: bool  # the pattern and every ``when`` condition matched
    missing_when: tuple[str, ...]  # fields whose ``when`` condition failed
    values: dict[str, str | None]


def candidates(
    rules: RuleSet, field: str, value: str, context: Mapping[str, Sequence[str]]
) -> list[Candidate]:
    """Every rule of ``field`` whose pattern matches ``value``, in matching order."""
    found_rules: list[Candidate] = []
    for rule in rules.rules:
        if rule.field != field:
            continue
        found = rule.pattern.search(value)
        if found is None:
            continue
        missing = tuple(
            other
            for other, pattern in rule.when
            if not any(pattern.search(v) for v in context.get(other, ()))
        )
        found_rules.append(Candidate(rule, not missing, missing, produced_values(rule, found)))
    return found_rules


def table_answers(tables: Tables, field: str, value: str) -> list[str]:
    """What the lookup tables say of one value, one line each (for ``fingerprints explain``:
    a value no rule reads may still be named by a table)."""
    lines: list[str] = []
    answers: list[TableAnswer] = []
    alone = ""
    if field == "snmp.sysObjectID":
        answers = [a for a in (tables.object_id(value), tables.enterprise(value)) if a]
    elif field == "nmap.cpe":
        answers = [a for a in (tables.cpe(value),) if a]
    elif field == "nmap.osclass":
        answers = [a for a, _ in tables.os_class(value)]
    elif field == "nmap.devicetype":
        answers = [a for a in (tables.device_type(value),) if a]
    if field in MAKER_NAME_FIELDS:
        named = tables.maker_name(value)
        if named:
            answers.append(named[0])
    if field in tables.platforms.fields:
        # any maker's platform the text spells: the engine reads it for a known maker only
        makers = frozenset(str(p.row.vendor) for p in tables.platforms.platforms)
        found = tables.platforms.find(value, makers)
        if found is not None:
            alone = "" if found.platform.alone else ", when the maker is known"
            answers.append(TableAnswer(found.platform.row, version=found.version))
    for answer in answers:
        row = answer.row
        name = " ".join(p for p in (row.vendor, row.product, answer.version) if p) or "-"
        hint = f", class {row.classify.device_class}" if row.classify else ""
        when = alone if row.id.startswith("platform.") else ""
        lines.append(f"{row.id} ({row.origin}): {name}{hint}{when}")
    return lines


def table_problems(tables: Tables, vocabulary: Mapping[str, Sequence[str]]) -> list[str]:
    """Every problem of the tables: names outside the vocabulary, rows that do not answer
    their own key, registry names that are not IANA's (checked when nmap's copy is here)."""
    problems: list[str] = []
    for row in tables.rows:
        if row.vendor is None:
            continue
        products = vocabulary.get(row.vendor)
        if products is None:
            problems.append(f"{row.origin}: {row.id}: vendor {row.vendor!r} not in vocabulary")
        elif row.product and row.product not in products:
            problems.append(f"{row.origin}: {row.id}: product {row.product!r} not in vocabulary")
    for number, entry in tables.enterprises.items():
        name = tables.registry.get(number)
        if tables.registry and name != entry.registry:
            problems.append(
                f"{entry.row.origin}: enterprise {number} is {name!r} in IANA's registry, "
                f"not {entry.registry!r}"
            )
        for vendor in entry.covers:
            if vendor not in vocabulary:
                problems.append(
                    f"{entry.row.origin}: enterprise {number}: {vendor!r} not in vocabulary"
                )
        answer = tables.enterprise(f"1.3.6.1.4.1.{number}.1")
        if answer is None or (entry.row.vendor and answer.row is not entry.row):
            problems.append(f"{entry.row.origin}: enterprise {number} does not answer itself")
    for oid_row in tables.object_ids:
        probe = oid_row.oid + (".1" if oid_row.subtree else "")
        answer = tables.object_id(probe)
        if answer is None or answer.row is not oid_row.row:
            got = answer.row.id if answer else None
            problems.append(f"{oid_row.row.origin}: {oid_row.row.id}: {probe} gives {got}")
        oid_number = enterprise_number(oid_row.oid)
        mapped = tables.enterprises.get(oid_number) if oid_number is not None else None
        if mapped is not None and mapped.row.vendor and not _same_maker(mapped, oid_row.row):
            problems.append(
                f"{oid_row.row.origin}: {oid_row.row.id}: enterprise {oid_number} is "
                f"{mapped.row.vendor}'s, the row names {oid_row.row.vendor}"
            )
        if tables.registry and oid_number not in tables.registry:
            problems.append(f"{oid_row.row.origin}: {oid_row.row.id}: {oid_number} unregistered")
    for maker in tables.maker_names:
        named = tables.maker_name(maker.text + " 1")
        if named is None or named[0].row.vendor != maker.row.vendor:
            problems.append(f"{maker.row.origin}: {maker.text!r} does not name {maker.row.vendor}")
    problems.extend(platform_problems(tables.platforms, vocabulary))
    problems.extend(family_problems(tables.families, vocabulary))
    for key, cpe_row in tables.cpes.items():
        # a maker's "h:vendor" answers any model of its vendor: "-" stands for one
        probe = {1: ":-", 2: ":", 3: ""}[key.count(":")]
        answer = tables.cpe(f"cpe:/{key}{probe}")
        if answer is None or answer.row is not cpe_row.row:
            problems.append(f"{cpe_row.row.origin}: {key} does not answer itself")
        for value, version in cpe_row.examples:
            answer = tables.cpe(value)
            if answer is None or answer.row is not cpe_row.row:
                problems.append(f"{cpe_row.row.origin}: example {value!r} is not read by {key}")
            elif answer.version != version:
                problems.append(
                    f"{cpe_row.row.origin}: example {value!r} gives version "
                    f"{answer.version!r}, expected {version!r}"
                )
    return problems


def _same_maker(enterprise: EnterpriseRow, row: TableRow) -> bool:
    """A product row agrees with its number's maker (HP's number also holds HPE products)."""
    return row.vendor == enterprise.row.vendor or row.vendor in enterprise.covers


def named_products(rule: Rule) -> list[tuple[str, str]]:
    """Every (vendor, product) a rule can name: identity, alternatives and ``also``."""
    named: list[tuple[str, str]] = []
    for template in (rule.identity, *rule.also):
        if template is None:
            continue
        named.append((template.vendor, template.product))
        named.extend((alt.vendor, alt.product) for alt in template.alternatives)
    return named


def produced_values(rule: Rule, found: re.Match[str]) -> dict[str, str | None]:
    """Everything a rule sets for one match: identity values, class and type."""
    produced: dict[str, str | None] = dict(rule.render(found))
    if rule.identity is not None and rule.identity.alternatives:
        groups = rule.groups(found)
        produced["alternatives"] = "; ".join(
            f"{alt.vendor} {alt.product} {fill_template(alt.version, groups) or ''}".strip()
            for alt in rule.identity.alternatives
        )
    if rule.also:
        produced["also"] = "; ".join(
            f"{v['vendor']} {v['product']} {v['version'] or ''}".strip()
            for v, t in ((render_template(t, rule.groups(found)), t) for t in rule.also)
            if not (t.optional and v["version"] is None)
        )
    if rule.classify is not None:
        produced["class"] = rule.classify.device_class
        produced["type"] = rule.classify.device_type
    return produced
