"""IANA's Private Enterprise Numbers as nmap ships them, and their organisations in our words.

A sysObjectID's enterprise number our table does not map is looked up here: the
registry's organisation name is one of our vocabulary's vendors when its first words are
and the rest only company words ("Ciena Corporation" is ``Ciena``); any other registrant
names nobody (``Tables.enterprise``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from legacyscan.identify.table_rows import TableRow, enterprise_number

#: nmap's copies of https://www.iana.org/assignments/enterprise-numbers/ ("number<TAB>name").
REGISTRY_COPIES = (
    Path("/usr/share/nmap/nselib/data/enterprise_numbers.txt"),
    Path("/usr/local/share/nmap/nselib/data/enterprise_numbers.txt"),
)


#: Words that follow a maker's name in IANA's registry without naming another maker: the
#: company's legal form and the generic words of a company name ("Ciena Corporation",
#: "Eltex Enterprise, Ltd.", "Mellanox Technologies LTD", "PLANET Technology Corp.").
COMPANY_WORDS = frozenset(
    "inc inc. incorporated corp corp. corporation co co. co.,ltd. ltd ltd. limited llc "
    "ag gmbh as a/s ab bv b.v. sa s.a. spa s.p.a. oy kk k.k. plc pty s.r.o s.r.o. "
    "company group international enterprise enterprises networks network networking "
    "tech technology technologies systems computer electronics products communications "
    "energy".split()
)


def vocabulary_vendor(name: str, vendors: Mapping[str, str]) -> str | None:
    """The vendor of our vocabulary a registry organisation name is, or None: its
    abbreviation ("Zhongxing Telecom Co.,ltd. (abbr. ZTE)"), or its first one to three
    words when every other word is a company form (``COMPANY_WORDS``); a former name in
    parentheses is not read ("Nokia (formerly 'Alcatel-Lucent')" is Nokia), an owner before
    a slash names the unit after it ("Juniper Networks/Unisphere" is Juniper), and "Delta
    Controls" is not "Delta" (a word that names something else is not a company form)."""
    abbr = re.search(r"\(abbr\.?\s*([^)]+)\)", name)
    if abbr and abbr.group(1).strip().lower() in vendors:
        return vendors[abbr.group(1).strip().lower()]
    owner = re.sub(r"\([^)]*\)", " ", name).split("/")[0]
    words = [w for w in re.split(r"[\s,]+", owner) if w]
    for size in (3, 2, 1):
        head, rest = " ".join(words[:size]).lower(), words[size:]
        if len(words) >= size and head in vendors:
            if all(w.lower() in COMPANY_WORDS or w.lower() in ("&", "and") for w in rest):
                return vendors[head]
    return None


def registry_row(number: int, name: str) -> TableRow:
    """A number our table does not map: the registry's organisation, as our vendor."""
    return TableRow(
        id=f"enterprise-registry.{number}",
        kind="hardware",
        vendor=name,
        product="",
        confidence=0.3,
        classify=None,
        origin="IANA enterprise numbers (nmap's copy)",
    )


@lru_cache(maxsize=4)
def _read_registry_file(path: Path) -> Mapping[int, str]:
    entries: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        number, _, name = line.partition("\t")
        if number.isdigit() and name.strip():
            entries[int(number)] = name.strip()
    return entries


def read_registry(copies: Iterable[Path] = REGISTRY_COPIES) -> Mapping[int, str]:
    """IANA's enterprise numbers as nmap ships them; empty when nmap's data is absent."""
    for path in copies:
        if path.is_file():
            return _read_registry_file(path)
    return {}


def snmp_registrant(
    object_id: str | None, registry: Mapping[int, str] | None = None
) -> tuple[int, str] | None:
    """The enterprise number of a sysObjectID and the organisation IANA registered it to
    (``registry``: read once by a caller that asks for many devices; nmap's copy if None).

    Shown to the report's reader as a clue: an OEM's or a predecessor's number names no
    maker of ours (``vocabulary_vendor``), yet "Swichtec" or "Phoenixtec" tells a consultant
    where to look.  None when the OID is not under enterprises or nmap's copy is absent."""
    number = enterprise_number(object_id) if object_id else None
    if number is None:
        return None
    name = (read_registry() if registry is None else registry).get(number)
    return (number, name) if name else None
