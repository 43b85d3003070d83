"""Lookup tables: knowledge too regular for one regex per string.

The tables live under ``fingerprints/tables/`` (format in ``fingerprints/README.md``):

* ``enterprise-numbers.yaml``: an IANA Private Enterprise Number (the ``<n>`` of a
  sysObjectID ``1.3.6.1.4.1.<n>...``) to the vendor of our vocabulary, with a class signal
  when everything that vendor makes is of one class (printers, UPS, cameras).  A number
  the table does not map is looked up in IANA's registry itself, as nmap ships it
  (``nselib/data/enterprise_numbers.txt``), read at run time when present: the device then
  gets the registry's organisation name as a vendor-only identity, in our vocabulary's
  words, when the name is one of our vendors' followed only by a company form ("Ciena
  Corporation" is ``Ciena``, see ``registry.vocabulary_vendor``); any other registrant names nobody
  (an OEM, a predecessor, a chip maker: the registrant is often not the brand).
* ``sysobjectid-*.yaml``: an exact sysObjectID, or a subtree, to a vendor's product or
  model (the vendors' own product MIBs), with its class.
* ``cpe.yaml``: a CPE's ``part:vendor:product`` to our vendor and product; the version is
  the CPE's version field.  Every CPE nmap prints becomes an identity candidate through it.
  A maker's row ``h:<vendor>`` answers every hardware CPE of that vendor that no row of
  its own names: the maker (a vendor-only identity) and its class when it makes one kind.
* ``nmap-os-classes.yaml``: the vendor and device type of nmap's OS classes (a fixed list
  in nmap-os-db) to our vendor and device class.
* ``maker-names.yaml``: a maker's name beginning a device's own text (sysDescr, an FTP or
  telnet greeting, a page title) names the maker.
* ``platform-names.yaml``: a maker's operating system or firmware family named anywhere in
  the device's own text, with its version (``platforms.py``).
* ``model-families.yaml``: a maker's model-name prefix ("USG", "GS") saying its system or
  device kind (``model_families.py``).

A table answers an observation that no rule read (``engine.Identifier``): rules are the
specific knowledge, tables the general one.  A *vendor-only* identity (product ``""``,
see ``model.Identity.vendor_only``) says who made the device and nothing more; no
end-of-life record can match it, so the lifecycle stage reports it ``unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from legacyscan.cpe import observed_cpe
from legacyscan.files import load_mapping
from legacyscan.identify.model_families import FamilyTable
from legacyscan.identify.platforms import PlatformTable
from legacyscan.identify.registry import read_registry, registry_row, vocabulary_vendor
from legacyscan.identify.table_rows import (
    CPE_VERSION,
    GREETING_CODE,
    CpeRow,
    EnterpriseRow,
    MakerName,
    ObjectIdRow,
    TableAnswer,
    TableError,
    TableRow,
    enterprise_number,
    read_class,
    read_cpe_row,
    read_defaults,
    read_enterprise_row,
    read_kind,
    read_object_id_row,
    read_rows,
)


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
    #: our vocabulary's vendors, lower-cased -> as spelled (``../vocabulary.yaml``)
    vendor_names: Mapping[str, str] = field(default_factory=dict)
    #: makers' platforms named in a device's text (``platform-names.yaml``, platforms.py)
    platforms: PlatformTable = field(default_factory=PlatformTable)
    #: makers' model families read from a device's text (``model-families.yaml``)
    families: FamilyTable = field(default_factory=FamilyTable)

    @classmethod
    def load(cls, folder: Path, registry: Mapping[int, str] | None = None) -> Tables:
        """Every table of ``folder`` (an absent folder gives empty tables)."""
        enterprises: dict[int, EnterpriseRow] = {}
        object_ids: list[ObjectIdRow] = []
        cpes: dict[str, CpeRow] = {}
        if folder.is_dir():
            path = folder / "enterprise-numbers.yaml"
            if path.is_file():
                for raw in read_rows(path, "enterprises"):
                    row = read_enterprise_row(raw, path.name)
                    if row.number in enterprises:
                        raise TableError(f"{path.name}: enterprise {row.number} listed twice")
                    enterprises[row.number] = row
            for path in sorted(folder.glob("sysobjectid-*.yaml")):
                defaults = read_defaults(path)
                object_ids.extend(
                    read_object_id_row({**defaults, **raw}, path.name)
                    for raw in read_rows(path, "rows")
                )
            path = folder / "cpe.yaml"
            if path.is_file():
                for raw in read_rows(path, "cpes"):
                    cpe_row = read_cpe_row(raw, path.name)
                    if cpe_row.key in cpes:
                        raise TableError(f"{path.name}: {cpe_row.key} listed twice")
                    cpes[cpe_row.key] = cpe_row
        os_vendors: dict[str, TableRow] = {}
        os_types: dict[str, TableRow] = {}
        covers: dict[str, frozenset[str]] = {}
        os_families: dict[str, TableRow] = {}
        path = folder / "nmap-os-classes.yaml"
        if folder.is_dir() and path.is_file():
            for raw in read_rows(path, "vendors"):
                key = str(raw.get("nmap") or "")
                if not key or not raw.get("vendor"):
                    raise TableError(f"{path.name}: each vendor needs 'nmap' and 'vendor'")
                os_vendors[key.lower()] = TableRow(
                    id=f"nmap-osclass.vendor.{key}",
                    kind="hardware",
                    vendor=str(raw["vendor"]),
                    product="",
                    confidence=0.5,
                    classify=read_class(raw, f"{path.name}: {key}"),
                    origin=path.name,
                )
                covers[key.lower()] = frozenset(str(v) for v in raw.get("covers") or ())
                if raw.get("printers"):
                    # the maker of this vendor's printers, when it is another name of ours
                    os_vendors[f"{key.lower()}|printer"] = replace(
                        os_vendors[key.lower()], vendor=str(raw["printers"])
                    )
                    covers[f"{key.lower()}|printer"] = covers[key.lower()]
            for raw in read_rows(path, "families"):
                key = str(raw.get("nmap") or "")
                where = f"{path.name}: {key}"
                if "|" not in key or not raw.get("vendor") or not raw.get("product"):
                    raise TableError(
                        f"{where}: a family needs 'nmap' (vendor|family), 'vendor', 'product'"
                    )
                os_families[key.lower()] = TableRow(
                    id=f"nmap-osclass.family.{key}",
                    kind=read_kind(raw, "os", where),
                    vendor=str(raw["vendor"]),
                    product=str(raw["product"]),
                    confidence=0.5,
                    classify=None,
                    origin=path.name,
                )
            for raw in read_rows(path, "types"):
                key = str(raw.get("nmap") or "")
                classify = read_class(raw, f"{path.name}: {key}")
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
            for raw in read_rows(path, "names"):
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
                    classify=read_class(raw, f"{path.name}: {vendor}"),
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
        vocabulary = folder.parent / "vocabulary.yaml"
        vendors = load_mapping(vocabulary).get("vendors") if vocabulary.is_file() else None
        return cls(
            vendor_names={str(v).lower(): str(v) for v in vendors or ()},
            enterprises=enterprises,
            object_ids=tuple(object_ids),
            cpes=cpes,
            registry=read_registry() if registry is None else registry,
            os_vendors=os_vendors,
            os_types=os_types,
            os_vendor_covers=covers,
            os_families=os_families,
            maker_names=tuple(maker_names),
            platforms=PlatformTable.load(folder / "platform-names.yaml"),
            families=FamilyTable.load(folder / "model-families.yaml"),
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
            *(p.row for p in self.platforms.platforms),
            *(f.row for f in self.families.families),
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
        if mapped is not None and (mapped.row.vendor or mapped.agent or mapped.shared):
            # a maker, an agent, or a number several brands share: no registry name verbatim
            return TableAnswer(mapped.row)
        name = self.registry.get(number)
        if not name:
            return TableAnswer(mapped.row) if mapped else None
        ours = vocabulary_vendor(name, self.vendor_names)
        if ours is None:
            # a registrant that is none of our vendors is no maker to name: on the dev
            # corpus the names left so were an OEM's or a predecessor's (Swichtec on
            # Eaton's controllers, RELTEC on Vertiv's, Inflection Systems on ExaGrid's),
            # and the name hid the maker the device's own text or MAC block gave
            return TableAnswer(mapped.row) if mapped else None
        found = registry_row(number, ours)
        if mapped is not None:
            # a class we know, a maker we cannot name in our words: the registry's name
            return TableAnswer(replace(found, classify=mapped.row.classify))
        return TableAnswer(found)

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
        text = GREETING_CODE.sub("", value.strip(), count=1)
        for name in self.maker_names:
            after = text[len(name.text) : len(name.text) + 1]
            if text.startswith(name.text) and not after.isalpha():
                return TableAnswer(name.row), name.covers
        return None

    def embedded_oid(self, oid: str) -> str:
        """The OEM's own sysObjectID that a shared or agent number's OID carries after its
        prefix (Radlan's switch software answers ``1.3.6.1.4.1.89.1.1.1.`` followed by the
        brand's OID, LibreNMS os_detection/netgear.yaml), else ``oid`` unchanged."""
        oid = oid.strip().lstrip(".")
        row = self.enterprises.get(enterprise_number(oid) or -1)
        inner = oid.find(".1.3.6.1.4.1.", len("1.3.6.1.4.1."))
        if row is None or row.row.vendor or inner < 0:
            return oid
        return oid[inner + 1 :]

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
        if row is None and part == "h":
            # nmap's hardware CPEs name hundreds of models ("h:xerox:phaser_6350dt"): the
            # maker's row names their maker (and its class), one row for the whole line
            row = self.cpes.get(f"h:{vendor}")
        if row is None:
            return None
        if row.version is not None:
            found: str | None = row.version
        elif row.versioned and CPE_VERSION.match(version or ""):
            found = version
        else:
            found = None
        return TableAnswer(row.row, version=found, cpe=parsed.formatted)


# --- CPE ---------------------------------------------------------------------------------
