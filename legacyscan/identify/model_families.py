"""Makers' model families read from a device's own text (``tables/model-families.yaml``).

Some makers' sysDescr is only the model name ("a Zyxel switch answers its model"), and one
sysObjectID is shared by lines that run different systems (Zyxel's switches and its
firewalls).  The model's family prefix tells them apart: the maker names its families in
its documentation (Zyxel's USG, ATP and VPN firewalls run ZLD, its GS, XGS and MGS switches
ZyNOS; D-Link's DGS, DES and DXS are switches).  One table row per family lists the
prefixes (``models``, case as written) and what they say: the maker's system (``product``,
a platform of the vocabulary), or only the device kind (a class with a type, which the
class policy turns into the maker's kind product, see ``classes.yaml``).  A prefix counts
where it begins a word and a digit follows it, right after or after one space or hyphen
("USG60", "ZyWALL USG 300", "DGS-1210"); the longest prefix at a place wins, and a row's
``unless`` patterns (regular expressions searched from the prefix) keep a newer line that
shares the name out (the USG FLEX H series runs uOS, not ZLD).  Only the makers already known
for the host are read, after the platform names (``platforms.py``) and only when no rule
named the maker's system; no version is read (a model number is none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legacyscan.identify.table_rows import (
    TableError,
    TableRow,
    longest_first,
    read_class,
    read_fields,
    read_kind,
    read_rows,
    refuse_repeats,
)
from legacyscan.model import ClassSignal, Evidence, Identity, Observation

#: a model's digits follow its family prefix, right after or after one space or hyphen
_AFTER = r"(?=[ -]?\d)"
_BEFORE = r"(?<![A-Za-z0-9])"


@dataclass(frozen=True)
class FamilyExample:
    value: str
    #: the product the example names ("" where the row names only a device kind)
    product: str
    source: str


@dataclass(frozen=True)
class ModelFamily:
    """One maker's model family: its prefixes and what they say."""

    models: tuple[str, ...]
    row: TableRow
    unless: tuple[re.Pattern[str], ...] = ()
    examples: tuple[FamilyExample, ...] = ()

    def excludes(self, text: str) -> bool:
        return any(p.match(text) for p in self.unless)


@dataclass(frozen=True)
class FamilyTable:
    """The families of ``model-families.yaml``, loaded once."""

    families: tuple[ModelFamily, ...] = ()
    fields: tuple[str, ...] = ()
    _patterns: dict[frozenset[str], re.Pattern[str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def load(cls, path: Path) -> FamilyTable:
        """The table of ``path`` (an absent file gives an empty table)."""
        if not path.is_file():
            return cls()
        fields = read_fields(path)
        families = tuple(read_family(raw, path.name) for raw in read_rows(path, "families"))
        models = ((str(f.row.vendor), m) for f in families for m in f.models)
        refuse_repeats(path, models, "lists the family")
        return cls(families, fields)

    def _pattern_for(self, makers: frozenset[str]) -> re.Pattern[str] | None:
        if makers not in self._patterns:
            prefixes = {m for f in self.families if f.row.vendor in makers for m in f.models}
            found = longest_first(prefixes, _BEFORE, _AFTER) if prefixes else None
            self._patterns[makers] = found
        return self._patterns[makers]

    def find(self, text: str, makers: frozenset[str]) -> ModelFamily | None:
        """The family of ``makers`` whose prefix ``text`` names first, or None."""
        pattern = self._pattern_for(makers)
        if pattern is None:
            return None
        for found in pattern.finditer(text):
            for family in self.families:
                if (
                    family.row.vendor in makers
                    and found.group() in family.models
                    and not family.excludes(text[found.start() :])
                ):
                    return family
        return None


def family_identity(
    table: FamilyTable, texts: Sequence[Observation], makers: frozenset[str]
) -> tuple[Identity | None, ClassSignal | None] | None:
    """The family the first of ``texts`` naming one names: its system as an identity
    (None where the row names only a device kind) and its class signal; None if none."""
    for obs in texts:
        family = table.find(obs.value, makers)
        if family is None:
            continue
        row = family.row
        evidence = Evidence(obs.source, obs.field, obs.value, row.id, obs.port)
        identity = None
        if row.product:
            identity = Identity(
                kind=row.kind,  # type: ignore[arg-type]
                vendor=str(row.vendor),
                product=row.product,
                version=None,
                cpe=None,
                confidence=row.confidence,
                evidence=(evidence,),
            )
        hint = row.classify
        signal = (
            ClassSignal(hint.device_class, hint.device_type, hint.weight, row.id, obs.value)  # type: ignore[arg-type]
            if hint
            else None
        )
        return identity, signal
    return None


def read_family(raw: Mapping[str, Any], origin: str) -> ModelFamily:
    vendor = raw.get("vendor")
    product = str(raw.get("product") or "")
    models = raw.get("models")
    where = f"{origin}: {vendor} {models}"
    if not vendor or not isinstance(models, list) or not models:
        raise TableError(f"{where}: each family needs 'vendor' and 'models'")
    if not all(isinstance(m, str) and m.strip() for m in models):
        raise TableError(f"{where}: 'models' must list the prefixes as devices write them")
    if not raw.get("source"):
        raise TableError(f"{where}: 'source' (where the maker names the family) is required")
    classify = read_class(raw, where)
    if not product and (classify is None or classify.device_type is None):
        raise TableError(f"{where}: a family without 'product' needs a 'class' and 'type'")
    try:
        unless = tuple(re.compile(str(p)) for p in raw.get("unless") or ())
    except re.error as err:
        raise TableError(f"{where}: 'unless' pattern does not compile: {err}") from None
    examples = []
    for example in raw.get("examples") or ():
        if not isinstance(example, dict) or not example.get("value") or not example.get("source"):
            raise TableError(f"{where}: each example needs a 'value' and its 'source'")
        examples.append(
            FamilyExample(
                str(example["value"]),
                str(example.get("product", product) or ""),
                str(example["source"]),
            )
        )
    if not examples:
        raise TableError(f"{where}: a family needs examples")
    row = TableRow(
        id=f"model-family.{vendor}.{models[0]}",
        kind=read_kind(raw, "os", where) if product else None,
        vendor=str(vendor),
        product=product,
        confidence=float(raw.get("confidence", 0.6)),
        classify=classify,
        origin=origin,
        source=str(raw["source"]),
    )
    return ModelFamily(tuple(str(m) for m in models), row, unless, tuple(examples))


def family_problems(table: FamilyTable, vocabulary: Mapping[str, Iterable[str]]) -> list[str]:
    """Every example read back: each names its own family (or, with ``product: ""``
    under a row that has one, no family: an ``unless`` example); products are words of
    the vocabulary."""
    problems: list[str] = []
    for family in table.families:
        row = family.row
        where = f"{row.origin}: {row.id}"
        if row.product and row.product not in set(vocabulary.get(str(row.vendor), ())):
            problems.append(f"{where}: {row.vendor} {row.product} not in vocabulary")
        makers = frozenset({str(row.vendor)})
        for example in family.examples:
            got = table.find(example.value, makers)
            if example.product == row.product:
                if got is not family:
                    name = got.row.id if got else None
                    problems.append(f"{where}: example {example.value!r} gives {name}")
            elif got is family:
                problems.append(f"{where}: example {example.value!r} should not name it")
    return problems
