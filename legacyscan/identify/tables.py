"""Lookup tables: knowledge too regular for one regex per string.

Three tables live under ``fingerprints/tables/`` (format in ``fingerprints/README.md``):

* ``enterprise-numbers.yaml``: an IANA Private Enterprise Number (the ``<n>`` of a
  sysObjectID ``1.3.6.1.4.1.<n>...``) to the vendor of our vocabulary, with a class signal
  when everything that vendor makes is of one class (printers, UPS, cameras).  A number
  the table does not map is looked up in IANA's registry itself, as nmap ships it
  (``nselib/data/enterprise_numbers.txt``), read at run time when present: the device then
  gets the registry's organisation name, verbatim, as a vendor-only identity.
* ``sysobjectid-*.yaml``: an exact sysObjectID, or a subtree, to a vendor's product or
  model (the vendors' own product MIBs), with its class.
* ``cpe.yaml``: a CPE's ``part:vendor:product`` to our vendor and product; the version is
  the CPE's version field.  Every CPE nmap prints becomes an identity candidate through it.
* ``nmap-os-classes.yaml``: the vendor and device type of nmap's OS classes (a fixed list
  in nmap-os-db) to our vendor and device class.
* ``maker-names.yaml``: a maker's name beginning a device's own text (sysDescr, an FTP or
  telnet greeting, a page title) names the maker.

A table answers an observation that no rule read (``engine.Identifier``): rules are the
specific knowledge, tables the general one.  A *vendor-only* identity (product ``""``,
see ``model.Identity.vendor_only``) says who made the device and nothing more; no
end-of-life record can match it, so the lifecycle stage reports it ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from legacyscan.cpe import observed_cpe
from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.model import DEVICE_CLASSES, IDENTITY_KINDS

#: nmap's copies of https://www.iana.org/assignments/enterprise-numbers/ ("number<TAB>name").
REGISTRY_COPIES = (
    Path("/usr/share/nmap/nselib/data/enterprise_numbers.txt"),
    Path("/usr/local/share/nmap/nselib/data/enterprise_numbers.txt"),
)

_ENTERPRISE = re.compile(r"^\.?1\.3\.6\.1\.4\.1\.(\d+)(?:\.|$)")
_OID = re.compile(r"^\d+(?:\.\d+)*$")
_CPE_PARTS = {"a": "application", "o": "os", "h": "hardware"}
#: a CPE version field is a version only when it starts with a digit ("r2", "sp1" are not)
_CPE_VERSION = re.compile(r"^\d[\w.+~-]*$")


class TableError(UserError, ValueError):
    """A table file that does not follow the format; the message names file and row."""


@dataclass(frozen=True)
class TableClass:
    device_class: str
    device_type: str | None
    weight: float


@dataclass(frozen=True)
class TableRow:
    """One row of any table: what it names when it answers an observation."""

    id: str  # shown as evidence: "enterprise.9", "sysobjectid.1.3.6.1.4.1.9.1.516"
    kind: str | None  # None: the row names nobody (a net-snmp agent), or class only
    vendor: str | None
    product: str  # "" for a vendor-only identity
    confidence: float
    classify: TableClass | None
    origin: str
    source: str = ""
    cpe: str | None = None


@dataclass(frozen=True)
class TableAnswer:
    """What one row makes of one observed value."""

    row: TableRow
    version: str | None = None
    cpe: str | None = None


@dataclass(frozen=True)
class EnterpriseRow:
    number: int
    registry: str  # the organisation's name exactly as IANA's registry spells it
    row: TableRow
    agent: str | None = None  # "net-snmp": an agent's number, not the device's maker
    #: other vendor names of ours whose products sit under this number (Hewlett-Packard's
    #: 11 holds HPE switches since the 2015 separation)
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectIdRow:
    oid: str
    subtree: bool  # the row covers every OID under ``oid`` too
    row: TableRow


@dataclass(frozen=True)
class CpeRow:
    key: str  # "a:samba:samba", or "o:microsoft:windows_10:1607" (with the version field)
    versioned: bool  # read the CPE's version field
    row: TableRow
    examples: tuple[tuple[str, str | None], ...] = ()  # (CPE nmap prints, version expected)
    version: str | None = None  # a fixed version (a release id's build number)


@dataclass(frozen=True)
class MakerName:
    """A maker's name as it begins a sysDescr, a banner or a page title."""

    text: str
    row: TableRow
    covers: frozenset[str] = frozenset()


#: the fields whose text a maker's name may begin (an FTP or telnet greeting after its code)
MAKER_NAME_FIELDS = frozenset(
    {
        "snmp.sysDescr",
        "ftp.banner",
        "telnet.banner",
        "http.title",
        "snmp.entPhysicalMfgName",
        "nmap.service",  # nmap's own label: "Lexmark printer ftpd", "HP LaserJet ... http config"
    }
)
_GREETING_CODE = re.compile(r"^\d{3}[ -]")


@dataclass(frozen=True)
class Tables:
    """All lookup tables, loaded once."""

    enterprises: Mapping[int, EnterpriseRow] = field(default_factory=dict)
    object_ids: tuple[ObjectIdRow, ...] = ()
    cpes: Mapping[str, CpeRow] = field(default_factory=dict)
    registry: Mapping[int, str] = field(default_factory=dict)
    #: nmap's osclass vendors and device types (``nmap-os-classes.yaml``)
    os_vendors: Mapping[str, TableRow] = field(default_factory=dict)
    os_types: Mapping[str, TableRow] = field(default_factory=dict)
    os_vendor_covers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: nmap's "vendor|family" of a maker's own system -> our product
    os_families: Mapping[str, TableRow] = field(default_factory=dict)
    #: maker names that begin a device's own text (``maker-names.yaml``), longest first
    maker_names: tuple[MakerName, ...] = ()

    @classmethod
    def load(cls, folder: Path, registry: Mapping[int, str] | None = None) -> Tables:
        """Every table of ``folder`` (an absent folder gives empty tables)."""
        enterprises: dict[int, EnterpriseRow] = {}
        object_ids: list[ObjectIdRow] = []
        cpes: dict[str, CpeRow] = {}
        if folder.is_dir():
            path = folder / "enterprise-numbers.yaml"
            if path.is_file():
                for raw in _rows(path, "enterprises"):
                    row = _enterprise_row(raw, path.name)
                    if row.number in enterprises:
                        raise TableError(f"{path.name}: enterprise {row.number} listed twice")
                    enterprises[row.number] = row
            for path in sorted(folder.glob("sysobjectid-*.yaml")):
                defaults = _defaults(path)
                object_ids.extend(
                    _object_id_row({**defaults, **raw}, path.name) for raw in _rows(path, "rows")
                )
            path = folder / "cpe.yaml"
            if path.is_file():
                for raw in _rows(path, "cpes"):
                    cpe_row = _cpe_row(raw, path.name)
                    if cpe_row.key in cpes:
                        raise TableError(f"{path.name}: {cpe_row.key} listed twice")
                    cpes[cpe_row.key] = cpe_row
        os_vendors: dict[str, TableRow] = {}
        os_types: dict[str, TableRow] = {}
        covers: dict[str, frozenset[str]] = {}
        os_families: dict[str, TableRow] = {}
        path = folder / "nmap-os-classes.yaml"
        if folder.is_dir() and path.is_file():
            for raw in _rows(path, "vendors"):
                key = str(raw.get("nmap") or "")
                if not key or not raw.get("vendor"):
                    raise TableError(f"{path.name}: each vendor needs 'nmap' and 'vendor'")
                os_vendors[key.lower()] = TableRow(
                    id=f"nmap-osclass.vendor.{key}",
                    kind="hardware",
                    vendor=str(raw["vendor"]),
                    product="",
                    confidence=0.5,
                    classify=_classify(raw, f"{path.name}: {key}"),
                    origin=path.name,
                )
                covers[key.lower()] = frozenset(str(v) for v in raw.get("covers") or ())
                if raw.get("printers"):
                    # the maker of this vendor's printers, when it is another name of ours
                    os_vendors[f"{key.lower()}|printer"] = replace(
                        os_vendors[key.lower()], vendor=str(raw["printers"])
                    )
                    covers[f"{key.lower()}|printer"] = covers[key.lower()]
            for raw in _rows(path, "families"):
                key = str(raw.get("nmap") or "")
                where = f"{path.name}: {key}"
                if "|" not in key or not raw.get("vendor") or not raw.get("product"):
                    raise TableError(
                        f"{where}: a family needs 'nmap' (vendor|family), 'vendor', 'product'"
                    )
                os_families[key.lower()] = TableRow(
                    id=f"nmap-osclass.family.{key}",
                    kind=_kind(raw, "os", where),
                    vendor=str(raw["vendor"]),
                    product=str(raw["product"]),
                    confidence=0.5,
                    classify=None,
                    origin=path.name,
                )
            for raw in _rows(path, "types"):
                key = str(raw.get("nmap") or "")
                classify = _classify(raw, f"{path.name}: {key}")
                if not key or classify is None:
                    raise TableError(f"{path.name}: each type needs 'nmap' and 'class'")
                os_types[key.lower()] = TableRow(
                    id=f"nmap-osclass.type.{key}",
                    kind=None,
                    vendor=None,
                    product="",
                    confidence=0.0,
                    classify=classify,
                    origin=path.name,
                )
        maker_names: list[MakerName] = []
        path = folder / "maker-names.yaml"
        if folder.is_dir() and path.is_file():
            for raw in _rows(path, "names"):
                vendor = str(raw.get("vendor") or "")
                texts = raw.get("text")
                texts = texts if isinstance(texts, list) else [texts]
                if not vendor or not all(texts):
                    raise TableError(f"{path.name}: each name needs 'text' and 'vendor'")
                name_row = TableRow(
                    id=f"maker-name.{vendor}",
                    kind="hardware",
                    vendor=vendor,
                    product=str(raw.get("product") or ""),
                    confidence=0.4,
                    classify=_classify(raw, f"{path.name}: {vendor}"),
                    origin=path.name,
                )
                covers_of = frozenset(str(v) for v in raw.get("covers") or ())
                maker_names.extend(MakerName(str(t), name_row, covers_of) for t in texts)
        maker_names.sort(key=lambda m: -len(m.text))
        seen: dict[str, str] = {}
        for oid_row in object_ids:
            if oid_row.oid in seen:
                raise TableError(
                    f"{oid_row.row.origin}: {oid_row.oid} already in {seen[oid_row.oid]}"
                )
            seen[oid_row.oid] = oid_row.row.origin
        return cls(
            enterprises=enterprises,
            object_ids=tuple(object_ids),
            cpes=cpes,
            registry=read_registry() if registry is None else registry,
            os_vendors=os_vendors,
            os_types=os_types,
            os_vendor_covers=covers,
            os_families=os_families,
            maker_names=tuple(maker_names),
        )

    @property
    def rows(self) -> tuple[TableRow, ...]:
        return (
            *(e.row for e in self.enterprises.values()),
            *(o.row for o in self.object_ids),
            *(c.row for c in self.cpes.values()),
            *self.os_vendors.values(),
            *self.os_families.values(),
            *(m.row for m in self.maker_names),
        )

    # --- lookups ---------------------------------------------------------------------

    def object_id(self, oid: str) -> TableAnswer | None:
        """The most specific product row for a sysObjectID: exact first, longest subtree next."""
        oid = oid.strip().lstrip(".")
        best: ObjectIdRow | None = None
        for row in self.object_ids:
            if row.oid == oid:
                return TableAnswer(row.row)
            if (
                row.subtree
                and oid.startswith(row.oid + ".")
                and (best is None or len(row.oid) > len(best.oid))
            ):
                best = row
        return TableAnswer(best.row) if best else None

    def enterprise(self, oid: str) -> TableAnswer | None:
        """The organisation a sysObjectID's enterprise number names (table, then registry)."""
        number = enterprise_number(oid)
        if number is None:
            return None
        mapped = self.enterprises.get(number)
        if mapped is not None and (mapped.row.vendor or mapped.agent):
            return TableAnswer(mapped.row)
        name = self.registry.get(number)
        if not name:
            return TableAnswer(mapped.row) if mapped else None
        if mapped is not None:
            # a class we know, a maker we cannot name in our words: the registry's name
            return TableAnswer(replace(registry_row(number, name), classify=mapped.row.classify))
        return TableAnswer(registry_row(number, name))

    def os_class(self, value: str) -> list[tuple[TableAnswer, frozenset[str]]]:
        """An nmap osclass (``vendor|family|generation|type``): its maker (with the other
        vendor names it covers) and its class."""
        vendor, _, rest = value.partition("|")
        device_type = rest.rsplit("|", 1)[-1] if rest else ""
        found: list[tuple[TableAnswer, frozenset[str]]] = []
        family = rest.split("|", 1)[0].strip().lower() if rest else ""
        system = self.os_families.get(f"{vendor.strip().lower()}|{family}")
        if system is not None:
            found.append((TableAnswer(system), frozenset()))
        key = vendor.strip().lower()
        if device_type.strip().lower() in ("printer", "print server"):
            key = f"{key}|printer" if f"{key}|printer" in self.os_vendors else key
        maker = self.os_vendors.get(key)
        if maker is not None:
            covers = self.os_vendor_covers.get(key, frozenset())
            found.append((TableAnswer(maker), covers))
        kind = self.os_types.get(device_type.strip().lower())
        if kind is not None:
            found.append((TableAnswer(kind), frozenset()))
        return found

    def device_type(self, value: str) -> TableAnswer | None:
        """nmap's device type (the osclass types, also a service's ``d/printer/``)."""
        kind = self.os_types.get(value.strip().lower())
        return TableAnswer(kind) if kind is not None else None

    def maker_name(self, value: str) -> tuple[TableAnswer, frozenset[str]] | None:
        """The maker whose name begins a device's own text ("RICOH Aficio ...", "220
        Lexmark ... FTP server"): the whole name, followed by no letter."""
        text = _GREETING_CODE.sub("", value.strip(), count=1)
        for name in self.maker_names:
            after = text[len(name.text) : len(name.text) + 1]
            if text.startswith(name.text) and not after.isalpha():
                return TableAnswer(name.row), name.covers
        return None

    def sys_object_id(self, oid: str) -> TableAnswer | None:
        return self.object_id(oid) or self.enterprise(oid)

    def cpe(self, value: str) -> TableAnswer | None:
        parsed = observed_cpe(value)
        if parsed is None:
            return None
        part, vendor, product, version = parsed.part, parsed.vendor, parsed.product, parsed.version
        # a row keyed on the version field too ("o:microsoft:windows_server_2008:r2",
        # "o:microsoft:windows_10:1607") is more specific than the product's own row
        row = self.cpes.get(f"{part}:{vendor}:{product}:{version}") if version else None
        row = row or self.cpes.get(f"{part}:{vendor}:{product}")
        if row is None:
            return None
        if row.version is not None:
            found: str | None = row.version
        elif row.versioned and _CPE_VERSION.match(version or ""):
            found = version
        else:
            found = None
        return TableAnswer(row.row, version=found, cpe=parsed.formatted)


def registry_row(number: int, name: str) -> TableRow:
    """A number our table does not map: the registry's organisation, verbatim."""
    return TableRow(
        id=f"enterprise-registry.{number}",
        kind="hardware",
        vendor=name,
        product="",
        confidence=0.3,
        classify=None,
        origin="IANA enterprise numbers (nmap's copy)",
    )


def enterprise_number(oid: str) -> int | None:
    found = _ENTERPRISE.match(oid.strip())
    return int(found.group(1)) if found else None


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


# --- CPE ---------------------------------------------------------------------------------


# --- reading the files -------------------------------------------------------------------


def _rows(path: Path, key: str) -> list[dict[str, Any]]:
    # the shared loader: a key given twice (a row that would vanish) is refused
    rows = load_mapping(path, TableError).get(key) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise TableError(f"{path.name}: '{key}' must be a list of mappings")
    return rows


def _defaults(path: Path) -> dict[str, Any]:
    defaults = load_mapping(path, TableError).get("defaults") or {}
    if not isinstance(defaults, dict):
        raise TableError(f"{path.name}: 'defaults' must be a mapping")
    return defaults


def _classify(raw: Mapping[str, Any], where: str) -> TableClass | None:
    if raw.get("class") is None:
        return None
    device_class = str(raw["class"])
    if device_class not in DEVICE_CLASSES:
        raise TableError(f"{where}: class must be one of {', '.join(DEVICE_CLASSES)}")
    return TableClass(
        device_class,
        None if raw.get("type") is None else str(raw["type"]),
        float(raw.get("weight", 0.5)),
    )


def _kind(raw: Mapping[str, Any], default: str, where: str) -> str:
    kind = str(raw.get("kind") or default)
    if kind not in IDENTITY_KINDS:
        raise TableError(f"{where}: kind must be one of {', '.join(IDENTITY_KINDS)}")
    return kind


def _enterprise_row(raw: Mapping[str, Any], origin: str) -> EnterpriseRow:
    number = raw.get("number")
    where = f"{origin}: enterprise {number}"
    if not isinstance(number, int) or number < 0:
        raise TableError(f"{where}: 'number' must be a whole number")
    if not raw.get("registry"):
        raise TableError(f"{where}: 'registry' (the organisation as IANA spells it) is required")
    vendor = raw.get("vendor")
    agent = raw.get("agent")
    if not vendor and not agent and raw.get("class") is None:
        raise TableError(
            f"{where}: give a 'vendor' (the maker), an 'agent' (not a maker) or a 'class'"
        )
    row = TableRow(
        id=f"enterprise.{number}",
        kind=_kind(raw, "hardware", where) if vendor else None,
        vendor=str(vendor) if vendor else None,
        product=str(raw.get("product") or ""),
        confidence=float(raw.get("confidence", 0.5)),
        classify=_classify(raw, where),
        origin=origin,
        source=str(raw.get("source") or ""),
    )
    covers = tuple(str(v) for v in raw.get("covers") or ())
    return EnterpriseRow(number, str(raw["registry"]), row, str(agent) if agent else None, covers)


def _object_id_row(raw: Mapping[str, Any], origin: str) -> ObjectIdRow:
    oid = str(raw.get("oid") or "").lstrip(".")
    where = f"{origin}: {oid or '(no oid)'}"
    if not _OID.match(oid) or enterprise_number(oid) is None:
        raise TableError(f"{where}: 'oid' must be an enterprise OID (1.3.6.1.4.1.N...)")
    if not raw.get("vendor") or not raw.get("product"):
        raise TableError(f"{where}: 'vendor' and 'product' are required")
    if not raw.get("source"):
        raise TableError(f"{where}: 'source' (where the OID is assigned) is required")
    model = f":{raw['model']}" if raw.get("model") else ""
    row = TableRow(
        id=f"sysobjectid.{oid}{'.*' if raw.get('subtree') else ''}{model}",
        kind=_kind(raw, "hardware", where),
        vendor=str(raw["vendor"]),
        product=str(raw["product"]),
        confidence=float(raw.get("confidence", 0.7)),
        classify=_classify(raw, where),
        origin=origin,
        source=str(raw["source"]),
    )
    return ObjectIdRow(oid, bool(raw.get("subtree", False)), row)


def _cpe_row(raw: Mapping[str, Any], origin: str) -> CpeRow:
    key = str(raw.get("cpe") or "").lower()
    where = f"{origin}: {key or '(no cpe)'}"
    parts = key.split(":")
    if len(parts) not in (3, 4) or parts[0] not in _CPE_PARTS or not all(parts):
        raise TableError(f"{where}: 'cpe' must be 'part:vendor:product[:version]' (part a, o or h)")
    if not raw.get("vendor") or not raw.get("product"):
        raise TableError(f"{where}: 'vendor' and 'product' are required")
    examples = []
    for example in raw.get("examples") or ():
        if not isinstance(example, dict) or "value" not in example:
            raise TableError(f"{where}: each example needs a 'value'")
        version = example.get("version")
        examples.append((str(example["value"]), None if version is None else str(version)))
    row = TableRow(
        id=f"cpe.{key}",
        kind=_kind(raw, _CPE_PARTS[parts[0]], where),
        vendor=str(raw["vendor"]),
        product=str(raw["product"]),
        confidence=float(raw.get("confidence", 0.7)),
        classify=_classify(raw, where),
        origin=origin,
        source=str(raw.get("source") or ""),
    )
    fixed = None if raw.get("version") is None else str(raw["version"])
    versioned = bool(raw.get("versioned", len(parts) == 3))
    return CpeRow(key, versioned, row, tuple(examples), fixed)


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
    for key, cpe_row in tables.cpes.items():
        answer = tables.cpe(f"cpe:/{key}" + ("" if key.count(":") == 3 else ":"))
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
