"""The rows of the lookup tables and the readers of their files (``fingerprints/tables/``,
format in ``fingerprints/README.md``): every row checked as it is read, with one-line
errors naming the file and the row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.model import DEVICE_CLASSES, IDENTITY_KINDS

ENTERPRISE_OID = re.compile(r"^\.?1\.3\.6\.1\.4\.1\.(\d+)(?:\.|$)")
OID_TEXT = re.compile(r"^\d+(?:\.\d+)*$")
CPE_PARTS = {"a": "application", "o": "os", "h": "hardware"}
#: a CPE version field is a version only when it starts with a digit ("r2", "sp1" are not)
CPE_VERSION = re.compile(r"^\d[\w.+~-]*$")


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
    #: why the registered organisation does not say the device's brand (several makers'
    #: lines answer with this number): the number then names nobody, not even verbatim
    shared: str | None = None


@dataclass(frozen=True)
class ObjectIdRow:
    oid: str
    subtree: bool  # the row covers every OID under ``oid`` too
    row: TableRow


@dataclass(frozen=True)
class CpeRow:
    key: str  # "a:samba:samba", "o:microsoft:windows_10:1607" (with the version field),
    # or a maker's "h:xerox" (any hardware CPE of that vendor no row of its own names)
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
        # the manufacturer and printer-name objects of snmp-identity-objects.yaml
        "snmp.upsIdentManufacturer",
        "snmp.xupsIdentManufacturer",
        "snmp.dupsIdentManufacturer",
        "snmp.hikvision.manufacturer",
        "snmp.prtGeneralPrinterName",
        "nmap.service",  # nmap's own label: "Lexmark printer ftpd", "HP LaserJet ... http config"
    }
)
GREETING_CODE = re.compile(r"^\d{3}[ -]")


def enterprise_number(oid: str) -> int | None:
    found = ENTERPRISE_OID.match(oid.strip())
    return int(found.group(1)) if found else None


# --- reading the files -------------------------------------------------------------------


def read_rows(path: Path, key: str) -> list[dict[str, Any]]:
    # the shared loader: a key given twice (a row that would vanish) is refused
    rows = load_mapping(path, TableError).get(key) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise TableError(f"{path.name}: '{key}' must be a list of mappings")
    return rows


def read_fields(path: Path) -> tuple[str, ...]:
    """The observed fields a text-reading table (platform names, model families) reads."""
    fields = load_mapping(path, TableError).get("fields") or []
    if not isinstance(fields, list) or not fields:
        raise TableError(f"{path.name}: 'fields' must list the observed fields read")
    return tuple(str(f) for f in fields)


def refuse_repeats(path: Path, names: Iterable[tuple[str, str]], says: str) -> None:
    """A (vendor, name) given twice in one table is refused ("<vendor> <says> '<name>' twice")."""
    seen: set[tuple[str, str]] = set()
    for key in names:
        if key in seen:
            raise TableError(f"{path.name}: {key[0]} {says} {key[1]!r} twice")
        seen.add(key)


def longest_first(names: Iterable[str], before: str, after: str) -> re.Pattern[str]:
    """One pattern for all ``names`` (literal text), the longest tried first at a place."""
    ordered = sorted(set(names), key=lambda s: (-len(s), s))
    return re.compile(f"{before}(?:{'|'.join(re.escape(n) for n in ordered)}){after}")


def read_defaults(path: Path) -> dict[str, Any]:
    defaults = load_mapping(path, TableError).get("defaults") or {}
    if not isinstance(defaults, dict):
        raise TableError(f"{path.name}: 'defaults' must be a mapping")
    return defaults


def read_class(raw: Mapping[str, Any], where: str) -> TableClass | None:
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


def read_kind(raw: Mapping[str, Any], default: str, where: str) -> str:
    kind = str(raw.get("kind") or default)
    if kind not in IDENTITY_KINDS:
        raise TableError(f"{where}: kind must be one of {', '.join(IDENTITY_KINDS)}")
    return kind


def read_enterprise_row(raw: Mapping[str, Any], origin: str) -> EnterpriseRow:
    number = raw.get("number")
    where = f"{origin}: enterprise {number}"
    if not isinstance(number, int) or number < 0:
        raise TableError(f"{where}: 'number' must be a whole number")
    if not raw.get("registry"):
        raise TableError(f"{where}: 'registry' (the organisation as IANA spells it) is required")
    vendor = raw.get("vendor")
    agent = raw.get("agent")
    shared = raw.get("shared")
    if not vendor and not agent and not shared and raw.get("class") is None:
        raise TableError(
            f"{where}: give a 'vendor' (the maker), an 'agent' (not a maker), 'shared'"
            " (why the number names no brand) or a 'class'"
        )
    if vendor and shared:
        raise TableError(f"{where}: a 'shared' number names no 'vendor'")
    row = TableRow(
        id=f"enterprise.{number}",
        kind=read_kind(raw, "hardware", where) if vendor else None,
        vendor=str(vendor) if vendor else None,
        product=str(raw.get("product") or ""),
        confidence=float(raw.get("confidence", 0.5)),
        classify=read_class(raw, where),
        origin=origin,
        source=str(raw.get("source") or ""),
    )
    covers = tuple(str(v) for v in raw.get("covers") or ())
    return EnterpriseRow(
        number,
        str(raw["registry"]),
        row,
        str(agent) if agent else None,
        covers,
        str(shared) if shared else None,
    )


def read_object_id_row(raw: Mapping[str, Any], origin: str) -> ObjectIdRow:
    oid = str(raw.get("oid") or "").lstrip(".")
    where = f"{origin}: {oid or '(no oid)'}"
    if not OID_TEXT.match(oid) or enterprise_number(oid) is None:
        raise TableError(f"{where}: 'oid' must be an enterprise OID (1.3.6.1.4.1.N...)")
    if not raw.get("vendor") or not raw.get("product"):
        raise TableError(f"{where}: 'vendor' and 'product' are required")
    if not raw.get("source"):
        raise TableError(f"{where}: 'source' (where the OID is assigned) is required")
    model = f":{raw['model']}" if raw.get("model") else ""
    row = TableRow(
        id=f"sysobjectid.{oid}{'.*' if raw.get('subtree') else ''}{model}",
        kind=read_kind(raw, "hardware", where),
        vendor=str(raw["vendor"]),
        product=str(raw["product"]),
        confidence=float(raw.get("confidence", 0.7)),
        classify=read_class(raw, where),
        origin=origin,
        source=str(raw["source"]),
    )
    return ObjectIdRow(oid, bool(raw.get("subtree", False)), row)


def read_cpe_row(raw: Mapping[str, Any], origin: str) -> CpeRow:
    key = str(raw.get("cpe") or "").lower()
    where = f"{origin}: {key or '(no cpe)'}"
    parts = key.split(":")
    maker = len(parts) == 2 and parts[0] == "h"  # "h:xerox": any hardware of that maker
    if not maker and (len(parts) not in (3, 4) or parts[0] not in CPE_PARTS) or not all(parts):
        raise TableError(
            f"{where}: 'cpe' must be 'part:vendor:product[:version]' (part a, o or h) "
            "or a maker's 'h:vendor'"
        )
    if not raw.get("vendor") or not (raw.get("product") or maker):
        raise TableError(f"{where}: 'vendor' and 'product' are required")
    examples = []
    for example in raw.get("examples") or ():
        if not isinstance(example, dict) or "value" not in example:
            raise TableError(f"{where}: each example needs a 'value'")
        version = example.get("version")
        examples.append((str(example["value"]), None if version is None else str(version)))
    row = TableRow(
        id=f"cpe.{key}",
        kind=read_kind(raw, CPE_PARTS[parts[0]], where),
        vendor=str(raw["vendor"]),
        product=str(raw.get("product") or ""),
        confidence=float(raw.get("confidence", 0.7)),
        classify=read_class(raw, where),
        origin=origin,
        source=str(raw.get("source") or ""),
    )
    fixed = None if raw.get("version") is None else str(raw["version"])
    # a hardware CPE's version field is the model's revision, never a maker row's version
    versioned = bool(raw.get("versioned", len(parts) == 3)) and not maker
    return CpeRow(key, versioned, row, tuple(examples), fixed)
