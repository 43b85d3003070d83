"""Fingerprint rules: knowledge as data, each rule carrying the examples that prove it.

A rule reads ONE observed field (``snmp.sysDescr``, ``nmap.cpe``, ``port``...) with a
regular expression, optionally only when other fields of the same device match too
(``when``), and then names an identity (vendor, product, version from a capture
group...) and/or gives a signal for the device class.  Rules live in
``fingerprints/rules/*.yaml``; the format is documented in ``fingerprints/README.md``.
Every rule must have examples; ``selftest.check_examples`` runs them all (the suite and
``legacyscan fingerprints check`` call it).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.identify.observe import FIELDS as OBSERVED_FIELDS
from legacyscan.identify.observe import field_list, is_field
from legacyscan.identify.tables import Tables
from legacyscan.model import DEVICE_CLASSES, IDENTITY_KINDS, Alternative, Evidence, Identity
from legacyscan.paths import fingerprints_dir

#: Fields a rule may read; ``observe.observations`` produces observations with these names.
FIELDS = OBSERVED_FIELDS


#: Fields that are hints only: rules over them may not name an identity.
HINT_FIELDS = frozenset({"mac.oui", "mac.vendor"})


class RuleError(UserError, ValueError):
    """A rule file that does not follow the format; the message names file and rule."""


@dataclass(frozen=True)
class AlternativeTemplate:
    """Another product the same match may equally be (see ``model.Alternative``)."""

    vendor: str
    product: str
    version: str | None  # template, like the identity's


@dataclass(frozen=True)
class IdentityTemplate:
    kind: str
    vendor: str
    product: str
    version: str | None  # str.format template over the pattern's named groups
    cpe: str | None
    confidence: float
    alternatives: tuple[AlternativeTemplate, ...] = ()
    #: an ``also`` identity named only when its version's groups matched ("OpenSSL/x" is
    #: an optional part of an Apache Server header)
    optional: bool = False


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
    #: further identities the same match names (the "(CentOS)" of an Apache Server header)
    also: tuple[IdentityTemplate, ...] = ()
    #: groups derived from another group through a table: (new group, from group, table)
    lookups: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()

    def groups(self, found: re.Match[str]) -> dict[str, str]:
        """The match's named groups, plus those looked up in the rule's tables.

        A value missing from its table leaves the derived group unset, so a template
        that needs it gives no version rather than a guessed one.
        """
        groups = {k: v for k, v in found.groupdict().items() if v is not None}
        # positional groups as g1, g2...: rules translated from other databases (Recog)
        for index, value in enumerate(found.groups(), start=1):
            if value is not None:
                groups.setdefault(f"g{index}", value)
        for name, source, table in self.lookups:
            value = dict(table).get(groups.get(source, ""))
            if value is not None:
                groups[name] = value
        return groups

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
        return render_template(self.identity, self.groups(found))

    def identities(self, found: re.Match[str], evidence: Evidence) -> tuple[Identity, ...]:
        """The identities one match names: the rule's identity, then its ``also`` ones."""
        made: list[Identity] = []
        groups = self.groups(found)
        for template in (self.identity, *self.also):
            if template is None:
                continue
            values = render_template(template, groups)
            if template.optional and values.get("version") is None:
                continue
            alternatives = tuple(
                Alternative(alt.vendor, alt.product, fill_template(alt.version, groups))
                for alt in template.alternatives
            )
            made.append(
                Identity(
                    kind=template.kind,  # type: ignore[arg-type]
                    vendor=template.vendor,
                    product=template.product,
                    version=values.get("version"),
                    cpe=values.get("cpe"),
                    confidence=template.confidence,
                    evidence=(evidence,),
                    alternatives=alternatives,
                )
            )
        return tuple(made)


def render_template(template: IdentityTemplate, groups: Mapping[str, str]) -> dict[str, str | None]:
    version = fill_template(template.version, groups)
    cpe = fill_template(template.cpe, {**groups, "version": version or "*"})
    return {
        "kind": template.kind,
        "vendor": template.vendor,
        "product": template.product,
        "version": version,
        "cpe": cpe,
    }


def fill_template(template: str | None, groups: Mapping[str, str]) -> str | None:
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
    """A mapping as (key, value) pairs; a list value gives one pair per item (a context
    with several open ports)."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: {what} must be a mapping")
    return tuple(
        (str(k), "" if one is None else str(one))
        for k, v in raw.items()
        for one in (v if isinstance(v, list) else [v])
    )


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
    # ``when: {port: ['^tcp/88$', '^tcp/389$']}``: every pattern of a list must be found
    when = tuple(
        (str(k), _compile(one, flags, f"{where} when {k}"))
        for k, v in (raw.get("when") or {}).items()
        for one in (v if isinstance(v, list) else [v])
    )
    for other, _ in when:
        if not is_field(other):
            raise RuleError(f"{where}: 'when' names unknown field {other!r}")
    identity = _identity_template(raw["identity"], where) if raw.get("identity") else None
    also = tuple(_identity_template(item, f"{where} also") for item in raw.get("also") or ())
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
    if (identity is not None or also) and field in HINT_FIELDS:
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
        also=also,
        lookups=_lookups(raw.get("lookup"), pattern, where),
    )


def _lookups(
    raw: Any, pattern: re.Pattern[str], where: str
) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """``lookup: {release: {from: kernel, table: {'5.15.0': '22.04'}}}`` -> tuples."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: lookup must be a mapping of group names")
    made = []
    for name, spec in raw.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("table"), dict):
            raise RuleError(f"{where}: lookup {name} needs 'from' and a 'table' mapping")
        source = str(spec.get("from", ""))
        if source not in pattern.groupindex:
            raise RuleError(f"{where}: lookup {name} reads group {source!r}, not in the pattern")
        table = tuple((str(k), str(v)) for k, v in spec["table"].items())
        made.append((str(name), source, table))
    return tuple(made)


def _optional(raw: Mapping[str, Any], key: str) -> str | None:
    return None if raw.get(key) is None else str(raw[key])


def _identity_template(ident: Any, where: str) -> IdentityTemplate:
    if not isinstance(ident, dict):
        raise RuleError(f"{where}: identity must be a mapping")
    kind = str(ident.get("kind", ""))
    if kind not in IDENTITY_KINDS:
        raise RuleError(f"{where}: identity kind must be one of {', '.join(IDENTITY_KINDS)}")
    alternatives = []
    for alt in ident.get("alternatives") or ():
        if not isinstance(alt, dict) or not alt.get("vendor") or not alt.get("product"):
            raise RuleError(f"{where}: each alternative needs a vendor and a product")
        alternatives.append(
            AlternativeTemplate(str(alt["vendor"]), str(alt["product"]), _optional(alt, "version"))
        )
    return IdentityTemplate(
        kind=kind,
        vendor=str(ident["vendor"]),
        product=str(ident["product"]),
        version=_optional(ident, "version"),
        cpe=_optional(ident, "cpe"),
        confidence=float(ident.get("confidence", 0.8)),
        alternatives=tuple(alternatives),
        optional=bool(ident.get("optional", False)),
    )


@dataclass(frozen=True)
class RuleSet:
    """All rules, in matching order: priority first, then file name, then position."""

    rules: tuple[Rule, ...]
    #: the lookup tables (``fingerprints/tables/``), loaded with the bundled rules
    tables: Tables = dataclass_field(default_factory=Tables)

    @classmethod
    def load(cls, folders: Sequence[Path] | None = None) -> RuleSet:
        bundled = fingerprints_dir() / "rules"
        folders = list(folders or [bundled])
        parsed: list[tuple[int, str, int, Rule]] = []
        seen: dict[str, str] = {}
        for folder in folders:
            paths = [folder] if folder.is_file() else sorted(folder.glob("*.yaml"))
            for path in paths:
                data = load_mapping(path, RuleError)
                for position, raw in enumerate(data.get("rules") or []):
                    rule = parse_rule(raw, path.name, position)
                    if rule.id in seen:
                        raise RuleError(
                            f"{path.name}: rule id {rule.id} already used in {seen[rule.id]}"
                        )
                    seen[rule.id] = path.name
                    parsed.append((rule.priority, path.name, position, rule))
        parsed.sort(key=lambda item: item[:3])
        with_bundled = any(f.resolve() == bundled.resolve() for f in folders)
        tables = Tables.load(fingerprints_dir() / "tables") if with_bundled else Tables()
        return cls(tuple(item[3] for item in parsed), tables)

    def extended(self, extra: Iterable[Rule]) -> RuleSet:
        """These rules and ``extra`` (another source: Recog), in matching order; the tables
        stay.  The sort is stable: at equal priority the bundled rules come first."""
        merged = sorted((*self.rules, *extra), key=lambda rule: rule.priority)
        return RuleSet(tuple(merged), self.tables)

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


def load_vocabulary(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    path = path or fingerprints_dir() / "vocabulary.yaml"
    data = load_mapping(path, RuleError)
    vendors = data.get("vendors")
    if not isinstance(vendors, dict):
        raise RuleError(f"{path}: expected a 'vendors:' mapping of vendor -> products")
    names: dict[str, tuple[str, ...]] = {}
    for vendor, products in vendors.items():
        products = products or []
        if not isinstance(products, list) or not all(
            isinstance(p, str | int | float) and not isinstance(p, bool) for p in products
        ):
            raise RuleError(
                f"{path}: vendor {str(vendor)[:60]!r}: expected a list of product names"
            )
        names[str(vendor)] = tuple(map(str, products))
    return names
