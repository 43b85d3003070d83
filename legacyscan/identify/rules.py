"""Fingerprint rules: knowledge as data, each rule carrying the examples that prove it.

A rule reads ONE observed field (``snmp.sysDescr``, ``nmap.cpe``, ``port``...) with a
regular expression, optionally only when other fields of the same device match too
(``when``), and then names an identity (vendor, product, version from a capture
group...) and/or gives a signal for the device class.  Rules live in
``fingerprints/rules/*.yaml``; the format is documented in ``fingerprints/README.md``.
Every rule must have examples; ``check_examples`` runs them all (the suite and
``legacyscan fingerprints check`` call it).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from legacyscan.errors import UserError
from legacyscan.identify.observe import FIELDS as OBSERVED_FIELDS
from legacyscan.identify.observe import field_list, is_field, oui_organisation
from legacyscan.model import DEVICE_CLASSES, IDENTITY_KINDS
from legacyscan.paths import fingerprints_dir

#: Fields a rule may read; ``observe.observations`` produces observations with these names.
FIELDS = OBSERVED_FIELDS


#: Fields that are hints only: rules over them may not name an identity.
HINT_FIELDS = frozenset({"mac.oui", "mac.vendor"})


class RuleError(UserError, ValueError):
    """A rule file that does not follow the format; the message names file and rule."""


@dataclass(frozen=True)
class IdentityTemplate:
    kind: str
    vendor: str
    product: str
    version: str | None  # str.format template over the pattern's named groups
    cpe: str | None
    confidence: float


@dataclass(frozen=True)
class ClassHint:
    device_class: str
    device_type: str | None
    weight: float


@dataclass(frozen=True)
class Example:
    value: str
    context: tuple[tuple[str, str], ...]
    expect: tuple[tuple[str, str], ...]
    source: str = ""  # where the real string was found


@dataclass(frozen=True)
class Rule:
    id: str
    field: str
    pattern: re.Pattern[str]
    when: tuple[tuple[str, re.Pattern[str]], ...]
    identity: IdentityTemplate | None
    classify: ClassHint | None
    examples: tuple[Example, ...]
    priority: int
    origin: str  # file name, for error messages

    def match(self, value: str, context: Mapping[str, Sequence[str]]) -> re.Match[str] | None:
        """The regex match when this rule applies to ``value`` on a device with ``context``."""
        found = self.pattern.search(value)
        if found is None:
            return None
        for other_field, other_pattern in self.when:
            if not any(other_pattern.search(v) for v in context.get(other_field, ())):
                return None
        return found

    def render(self, found: re.Match[str]) -> dict[str, str | None]:
        """The identity values this rule sets for one match (templates filled in)."""
        if self.identity is None:
            return {}
        groups = {k: v for k, v in found.groupdict().items() if v is not None}
        version = _fill(self.identity.version, groups)
        cpe = _fill(self.identity.cpe, {**groups, "version": version or "*"})
        return {
            "kind": self.identity.kind,
            "vendor": self.identity.vendor,
            "product": self.identity.product,
            "version": version,
            "cpe": cpe,
        }


def _fill(template: str | None, groups: Mapping[str, str]) -> str | None:
    if template is None:
        return None
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    if not names <= groups.keys():
        return None  # the optional group that carries the version did not match
    return template.format(**groups)


_FLAGS = {"ignorecase": re.IGNORECASE, "dotall": re.DOTALL, "multiline": re.MULTILINE}


def _compile(pattern: Any, flags: Iterable[str], where: str) -> re.Pattern[str]:
    bits = 0
    for flag in flags:
        if flag not in _FLAGS:
            raise RuleError(f"{where}: unknown flag {flag!r} (use {', '.join(_FLAGS)})")
        bits |= _FLAGS[flag]
    try:
        return re.compile(str(pattern), bits)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex {pattern!r}: {exc}") from exc


def _pairs(raw: Any, where: str, what: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: {what} must be a mapping")
    return tuple((str(k), "" if v is None else str(v)) for k, v in raw.items())


def parse_rule(raw: Mapping[str, Any], origin: str, position: int) -> Rule:
    rule_id = str(raw.get("id") or "")
    where = f"{origin}: rule {rule_id or f'#{position + 1}'}"
    if not rule_id:
        raise RuleError(f"{where}: missing id")
    field = str(raw.get("field") or "")
    if not is_field(field):
        raise RuleError(f"{where}: unknown field {field!r} (one of {field_list()})")
    flags = raw.get("flags") or []
    pattern = _compile(raw.get("pattern", ""), flags, where)
    when = tuple(
        (str(k), _compile(v, flags, f"{where} when {k}"))
        for k, v in (raw.get("when") or {}).items()
    )
    for other, _ in when:
        if not is_field(other):
            raise RuleError(f"{where}: 'when' names unknown field {other!r}")
    identity = None
    if raw.get("identity"):
        ident = raw["identity"]
        kind = str(ident.get("kind", ""))
        if kind not in IDENTITY_KINDS:
            raise RuleError(f"{where}: identity kind must be one of {', '.join(IDENTITY_KINDS)}")
        identity = IdentityTemplate(
            kind=kind,
            vendor=str(ident["vendor"]),
            product=str(ident["product"]),
            version=None if ident.get("version") is None else str(ident["version"]),
            cpe=None if ident.get("cpe") is None else str(ident["cpe"]),
            confidence=float(ident.get("confidence", 0.8)),
        )
    classify = None
    if raw.get("classify"):
        hint = raw["classify"]
        device_class = str(hint.get("class", ""))
        if device_class not in DEVICE_CLASSES:
            raise RuleError(f"{where}: class must be one of {', '.join(DEVICE_CLASSES)}")
        classify = ClassHint(
            device_class=device_class,
            device_type=None if hint.get("type") is None else str(hint["type"]),
            weight=float(hint.get("weight", 0.5)),
        )
    if identity is not None and field in HINT_FIELDS:
        raise RuleError(
            f"{where}: a rule on {field} may give a class signal but never an identity "
            "(a MAC block names the network module's maker, not the device)"
        )
    if identity is None and classify is None:
        raise RuleError(f"{where}: a rule must set an identity, a class, or both")
    examples = tuple(
        Example(
            value=str(ex.get("value", "")),
            context=_pairs(ex.get("context"), where, "example context"),
            expect=_pairs(ex.get("expect"), where, "example expect"),
            source=str(ex.get("source") or ""),
        )
        for ex in raw.get("examples") or []
    )
    return Rule(
        id=rule_id,
        field=field,
        pattern=pattern,
        when=when,
        identity=identity,
        classify=classify,
        examples=examples,
        priority=int(raw.get("priority", 50)),
        origin=origin,
    )


@dataclass(frozen=True)
class RuleSet:
    """All rules, in matching order: priority first, then file name, then position."""

    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, folders: Sequence[Path] | None = None) -> RuleSet:
        folders = list(folders or [fingerprints_dir() / "rules"])
        parsed: list[tuple[int, str, int, Rule]] = []
        seen: dict[str, str] = {}
        for folder in folders:
            paths = [folder] if folder.is_file() else sorted(folder.glob("*.yaml"))
            for path in paths:
                try:
                    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                except yaml.YAMLError as exc:
                    raise RuleError(f"{path.name}: not valid YAML: {exc}") from exc
                for position, raw in enumerate(data.get("rules") or []):
                    rule = parse_rule(raw, path.name, position)
                    if rule.id in seen:
                        raise RuleError(
                            f"{path.name}: rule id {rule.id} already used in {seen[rule.id]}"
                        )
                    seen[rule.id] = path.name
                    parsed.append((rule.priority, path.name, position, rule))
        parsed.sort(key=lambda item: item[:3])
        return cls(tuple(item[3] for item in parsed))

    @cached_property
    def _by_field(self) -> dict[str, tuple[Rule, ...]]:
        """The rules of each field, in matching order: built once, read per observation."""
        index: dict[str, list[Rule]] = {}
        for rule in self.rules:
            index.setdefault(rule.field, []).append(rule)
        return {field: tuple(rules) for field, rules in index.items()}

    def first_match(
        self, field: str, value: str, context: Mapping[str, Sequence[str]]
    ) -> tuple[Rule, re.Match[str]] | None:
        for rule in self._by_field.get(field, ()):
            found = rule.match(value, context)
            if found is not None:
                return rule, found
        return None


def produced_values(rule: Rule, found: re.Match[str]) -> dict[str, str | None]:
    """Everything a rule sets for one match: identity values, class and type."""
    produced: dict[str, str | None] = dict(rule.render(found))
    if rule.classify is not None:
        produced["class"] = rule.classify.device_class
        produced["type"] = rule.classify.device_type
    return produced


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
        if rule.identity is not None:
            products = vocabulary.get(rule.identity.vendor)
            if products is None:
                failures.append(f"{where}: vendor {rule.identity.vendor!r} not in vocabulary")
            elif rule.identity.product not in products:
                failures.append(f"{where}: product {rule.identity.product!r} not in vocabulary")
        for example in rule.examples:
            failures.extend(check_example(rules, rule, example))
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


def load_vocabulary(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    path = path or fingerprints_dir() / "vocabulary.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        str(vendor): tuple(map(str, products or ())) for vendor, products in data["vendors"].items()
    }
