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

from legacyscan.identify.observe import is_field, oui_organisation
from legacyscan.identify.rules import Example, Rule, RuleSet, named_products, produced_values
from legacyscan.identify.tables import (
    MAKER_NAME_FIELDS,
    TableAnswer,
    Tables,
    table_problems,
)

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
    for answer in answers:
        row = answer.row
        name = " ".join(p for p in (row.vendor, row.product, answer.version) if p) or "-"
        hint = f", class {row.classify.device_class}" if row.classify else ""
        lines.append(f"{row.id} ({row.origin}): {name}{hint}")
    return lines
