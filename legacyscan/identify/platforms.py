"""Makers' platforms named in a device's own text: ``fingerprints/tables/platform-names.yaml``.

A maker ships its devices with an operating system or firmware family it names (MikroTik's
RouterOS and SwOS, SonicWall's SonicOS, Huawei's VRP): the device says that name in its
sysDescr or ENTITY-MIB rows, with the version after it.  One table row per platform lists
how devices spell it; ``PlatformTable.find`` reads the first platform of the given makers
in a text and its version (``read_version``: the general grammar, right after the name,
optionally after "Version", "Release", "v" or a comma; else after a later "Version" word
of the same line).  Only the makers already known for the host are searched, so another
maker's platform in the text is never read as theirs; a platform flagged ``alone`` (a name
no other maker uses) names its maker by itself.  The engine asks only when no rule named
the maker's system (rules first), see ``engine.Identifier``.

The table's ``kinds`` are generic device words ("Switch", "UPS"): a class signal that lets
the class policy give a maker alone its device kind (``classes.yaml`` ``kind_products``),
used only where the vocabulary gives that maker the kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from legacyscan.identify.table_rows import (
    TableClass,
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

#: a version: digits first, then dotted parts, build and letter suffixes and balanced
#: parenthesised parts (Cisco's "7.3(2)N1(1)", Huawei's "8.190(CN)"), never a lone ")".
VERSION_TOKEN = r"\d+(?:[A-Za-z0-9_+~.-]|\([A-Za-z0-9.]+\))*"
#: the words that may stand between a name and its version ("Version 5.120", "v2.11",
#: "Release 8.1", "Rel. 3.0", "ver 1.2", "Version: 1.8.2")
VERSION_WORD = r"(?:[Vv]ersion|VERSION|[Rr]elease|RELEASE|[Rr]el\.|[Vv]er\.?|[Vv](?=\d))"
#: right after the name, or after one model word when a version word follows it
#: ("FortiGate-60F v6.4.11": the line's name, its model, then the version)
#: a trademark sign after a name ("NX-OS(tm)", "AlliedWare Plus (TM)", "PowerAlert®")
TRADEMARK = r"(?:\s*(?:\((?:TM|tm|R|r)\)|[™®]))?"
_RIGHT_AFTER = re.compile(
    rf"^{TRADEMARK}[\s,:;(-]*(?:[A-Za-z0-9][\w/+.-]*\s+(?={VERSION_WORD}))?"
    rf"(?:(?P<word>{VERSION_WORD})[\s:]*)?(?P<version>{VERSION_TOKEN})"
)
#: a later "Version" word on the same line ("NX-OS n6000, Software (...), Version 7.3(2)")
_LATER = re.compile(rf"(?<![A-Za-z])(?:[Vv]ersion|VERSION)[\s:]*[Vv]?(?P<version>{VERSION_TOKEN})")
_TRAILING = ".-_+~"
#: a spelling must stand alone: no letter or digit right before or after it
_BOUNDARY_BEFORE = r"(?<![A-Za-z0-9])"
_BOUNDARY_AFTER = r"(?![A-Za-z0-9])"


def read_version(rest: str) -> str | None:
    """The version of a platform whose name ``rest`` follows, or None.

    Right after the name (after spaces, a comma, a colon or an opening parenthesis), and
    optionally after a version word; without a version word the token must hold a dot
    (a bare "204" after "NetMan" is a model, "8XP" after "EdgeSwitch" no version).  Else
    the first "Version <v>" later on the same line."""
    found = _RIGHT_AFTER.match(rest)
    if found is not None:
        version = found.group("version").rstrip(_TRAILING)
        if found.group("word") or "." in version:
            return version
    line = re.split(r"[\r\n]", rest.lstrip(" ,:;"), maxsplit=1)[0]
    later = _LATER.search(line)
    return later.group("version").rstrip(_TRAILING) if later else None


@dataclass(frozen=True)
class PlatformExample:
    value: str
    version: str | None
    source: str


@dataclass(frozen=True)
class Platform:
    """One maker's platform and how devices spell it."""

    spelled: tuple[str, ...]
    row: TableRow
    #: the name is no other maker's: it names its maker when nothing else does
    alone: bool
    examples: tuple[PlatformExample, ...] = ()


@dataclass(frozen=True)
class KindWord:
    """A generic device word ("Switch", "UPS") and the class it says."""

    spelled: tuple[str, ...]
    classify: TableClass
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlatformMatch:
    platform: Platform
    version: str | None
    start: int


def _pattern(spellings: Iterable[str], after: str = _BOUNDARY_AFTER) -> re.Pattern[str]:
    return longest_first(spellings, _BOUNDARY_BEFORE, after)


@dataclass(frozen=True)
class PlatformTable:
    """The platforms and kind words of ``platform-names.yaml``, loaded once."""

    platforms: tuple[Platform, ...] = ()
    kinds: tuple[KindWord, ...] = ()
    #: the observed fields whose text is read (the device's own description of itself),
    #: in the order they are read: the first that names a platform decides which
    fields: tuple[str, ...] = ()
    _patterns: dict[frozenset[str] | None, re.Pattern[str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def load(cls, path: Path) -> PlatformTable:
        """The table of ``path`` (an absent file gives an empty table)."""
        if not path.is_file():
            return cls()
        fields = read_fields(path)
        platforms = tuple(read_platform(raw, path.name) for raw in read_rows(path, "platforms"))
        kinds = tuple(read_kind_word(raw, path.name) for raw in read_rows(path, "kinds"))
        spellings = ((str(p.row.vendor), s) for p in platforms for s in p.spelled)
        refuse_repeats(path, spellings, "spells")
        return cls(platforms, kinds, fields)

    @cached_property
    def _by_spelling(self) -> Mapping[str, tuple[Platform, ...]]:
        index: dict[str, list[Platform]] = {}
        for platform in self.platforms:
            for spelling in platform.spelled:
                index.setdefault(spelling, []).append(platform)
        return {k: tuple(v) for k, v in index.items()}

    def _pattern_for(self, makers: frozenset[str] | None) -> re.Pattern[str] | None:
        """The spellings of these makers' platforms (None: of the ``alone`` ones)."""
        if makers not in self._patterns:
            spellings = [
                s
                for p in self.platforms
                if (p.alone if makers is None else p.row.vendor in makers)
                for s in p.spelled
            ]
            self._patterns[makers] = _pattern(spellings) if spellings else None
        return self._patterns[makers]

    def find(self, text: str, makers: frozenset[str] | None) -> PlatformMatch | None:
        """The first platform of ``makers`` that ``text`` names (None: a platform that
        names its maker alone), the longest spelling at a place, with its version."""
        pattern = self._pattern_for(makers)
        if pattern is None:
            return None
        first: PlatformMatch | None = None
        for found in pattern.finditer(text):
            for platform in self._by_spelling[found.group()]:
                wanted = platform.alone if makers is None else platform.row.vendor in makers
                if not wanted or (first is not None and platform is not first.platform):
                    continue
                version = read_version(text[found.end() :])
                if first is None:
                    first = PlatformMatch(platform, version, found.start())
                elif version is not None:
                    # the name said again further on, with its version ("Huawei Versatile
                    # Routing Platform Software" then "VRP (R) software, Version 8.150")
                    return PlatformMatch(platform, version, first.start)
                if version is not None:
                    return first
                break
        return first

    @cached_property
    def _kind_patterns(self) -> tuple[tuple[KindWord, re.Pattern[str]], ...]:
        # a device word may run into its model number ("UPS2000"), never into a word
        return tuple((kind, _pattern(kind.spelled, "(?![A-Za-z])")) for kind in self.kinds)

    def kind_words(self, text: str) -> list[KindWord]:
        """The generic device words ``text`` holds, in the table's order."""
        return [kind for kind, pattern in self._kind_patterns if pattern.search(text)]


def _signal(hint: TableClass, reason: str, detail: str) -> ClassSignal:
    return ClassSignal(hint.device_class, hint.device_type, hint.weight, reason, detail)  # type: ignore[arg-type]


def platform_identity(
    table: PlatformTable, texts: Sequence[Observation], makers: frozenset[str] | None
) -> tuple[Identity, ClassSignal | None] | None:
    """The platform the first of ``texts`` naming one names (of ``makers``, or one that
    names its maker alone when None), with the first version any of them gives it, the
    observations naming it as evidence, and its class signal."""
    found = [(o, m) for o in texts if (m := table.find(o.value, makers)) is not None]
    if not found:
        return None
    platform = found[0][1].platform
    row = platform.row
    same = [(o, m) for o, m in found if m.platform is platform]
    evidence = (Evidence(o.source, o.field, o.value, row.id, o.port) for o, _ in same)
    identity = Identity(
        kind=row.kind,  # type: ignore[arg-type]
        vendor=str(row.vendor),
        product=row.product,
        version=next((m.version for _, m in same if m.version), None),
        cpe=None,
        # a name read without a maker known for the host is a little less sure
        confidence=row.confidence if makers else round(row.confidence - 0.1, 2),
        evidence=tuple(dict.fromkeys(evidence)),
    )
    hint = row.classify
    return identity, _signal(hint, row.id, same[0][0].value) if hint else None


def kind_signals(
    table: PlatformTable,
    texts: Sequence[Observation],
    maker_has: Callable[[str, str | None], bool],
) -> list[ClassSignal]:
    """One class signal per generic device word of ``texts`` whose class and type give a
    device kind the host's maker has (``maker_has(class, type)``)."""
    signals: dict[str, ClassSignal] = {}
    for obs in texts:
        for word in table.kind_words(obs.value):
            hint = word.classify
            reason = f"platform-kind.{word.spelled[0]}"
            if reason not in signals and maker_has(hint.device_class, hint.device_type):
                signals[reason] = _signal(hint, reason, obs.value)
    return list(signals.values())


def _texts(raw: Any, where: str, what: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items or not all(isinstance(t, str) and t.strip() for t in items):
        raise TableError(f"{where}: '{what}' must list the names as devices write them")
    return tuple(items)


def read_platform(raw: Mapping[str, Any], origin: str) -> Platform:
    vendor, product = raw.get("vendor"), raw.get("product")
    where = f"{origin}: {vendor} {product}"
    if not vendor or not product:
        raise TableError(f"{where}: each platform needs 'vendor' and 'product'")
    if not raw.get("source"):
        raise TableError(f"{where}: 'source' (where the maker names the platform) is required")
    kind = read_kind(raw, "os", where)
    if kind not in ("os", "firmware"):
        raise TableError(f"{where}: a platform's kind is os or firmware")
    examples = []
    for example in raw.get("examples") or ():
        if not isinstance(example, dict) or not example.get("value") or not example.get("source"):
            raise TableError(f"{where}: each example needs a 'value' and its 'source'")
        version = example.get("version")
        examples.append(
            PlatformExample(
                str(example["value"]),
                None if version is None else str(version),
                str(example["source"]),
            )
        )
    if not examples:
        raise TableError(f"{where}: a platform needs examples")
    row = TableRow(
        id=f"platform.{vendor}.{product}",
        kind=kind,
        vendor=str(vendor),
        product=str(product),
        confidence=float(raw.get("confidence", 0.7)),
        classify=read_class(raw, where),
        origin=origin,
        source=str(raw["source"]),
    )
    return Platform(
        _texts(raw.get("spelled"), where, "spelled"),
        row,
        bool(raw.get("alone", False)),
        tuple(examples),
    )


def read_kind_word(raw: Mapping[str, Any], origin: str) -> KindWord:
    spelled = _texts(raw.get("spelled"), f"{origin}: kind", "spelled")
    where = f"{origin}: kind {spelled[0]}"
    classify = read_class(raw, where)
    if classify is None:
        raise TableError(f"{where}: a kind word needs a 'class'")
    examples = tuple(str(e) for e in raw.get("examples") or ())
    if not examples:
        raise TableError(f"{where}: a kind word needs examples")
    return KindWord(spelled, classify, examples)


def platform_problems(table: PlatformTable, vocabulary: Mapping[str, Iterable[str]]) -> list[str]:
    """Every example of the table read back: each names its own platform and version, and
    every spelling names its platform; kind words find themselves in their examples."""
    problems: list[str] = []
    for platform in table.platforms:
        row = platform.row
        where = f"{row.origin}: {row.id}"
        if str(row.product) not in set(vocabulary.get(str(row.vendor), ())):
            problems.append(f"{where}: {row.vendor} {row.product} not in vocabulary")
        makers = frozenset({str(row.vendor)})
        for spelling in platform.spelled:
            got = table.find(f"{spelling} 1.0", makers)
            if got is None or got.platform is not platform:
                problems.append(f"{where}: {spelling!r} does not name it")
        for example in platform.examples:
            got = table.find(example.value, makers)
            if got is None or got.platform is not platform:
                name = got.platform.row.id if got else None
                problems.append(f"{where}: example {example.value!r} gives {name}")
            elif got.version != example.version:
                problems.append(
                    f"{where}: example {example.value!r} gives version {got.version!r},"
                    f" expected {example.version!r}"
                )
            if platform.alone:
                alone = table.find(example.value, None)
                if alone is None or alone.platform is not platform:
                    problems.append(f"{where}: example {example.value!r} does not name it alone")
    for kind in table.kinds:
        for value in kind.examples:
            if kind not in table.kind_words(value):
                problems.append(f"{kind.spelled[0]!r}: example {value!r} does not say it")
    return problems
