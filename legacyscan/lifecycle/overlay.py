"""Refresh the end-of-life database from an endoflife.date dump, offline.

The user downloads endoflife.date's v1 ``/products/full`` JSON elsewhere (nothing is
fetched at scan time) and runs ``legacyscan eol import FILE``.  Products named in
``fingerprints/eol-sources.yaml`` become records in our format, written to the user's
overlay (``paths.user_data_dir()/eol-overlay.yaml``), which the lifecycle stage reads
before the bundled records.  A bundled record whose source is a vendor page always wins:
an imported cycle it already covers is dropped.  A bundled record that itself came from
endoflife.date is superseded by the fresher import.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from legacyscan.cpe import Cpe, try_parse
from legacyscan.errors import UserError
from legacyscan.files import atomic_write
from legacyscan.files import load_mapping as load_yaml_mapping
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.lifecycle.records import OVERLAY_RECORDS, EolDataError, parse_record
from legacyscan.model import EolRecord
from legacyscan.paths import fingerprints_dir

AGGREGATOR = "https://endoflife.date/"


class EolImportError(UserError, ValueError):
    """A dump that cannot be read or does not look like endoflife.date's; names the file."""


@dataclass(frozen=True)
class ImportResult:
    records: tuple[EolRecord, ...]  # what goes into the overlay
    added: int  # cycles we had no record for
    updated: int  # cycles whose bundled record came from endoflife.date too
    kept: int  # cycles a vendor-sourced bundled record already covers
    skipped_products: tuple[str, ...]  # products of the dump we have no mapping for
    #: dump products mapped through their CPE identifiers: name -> "Vendor Product"
    by_cpe: tuple[tuple[str, str], ...] = ()


def load_mapping(path: Path | None = None) -> dict[str, Any]:
    path = path or fingerprints_dir() / "eol-sources.yaml"
    return load_yaml_mapping(path, EolImportError)


def read_dump(path: Path) -> list[dict[str, Any]]:
    """The products of a v1 ``/products/full`` dump: ``{"result": [product, ...]}``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError) as exc:
        raise EolImportError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise EolImportError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    products = data.get("result") if isinstance(data, dict) else None
    if not isinstance(products, list) or not all(
        isinstance(p, dict)
        and isinstance(p.get("name"), str)
        and isinstance(p.get("releases"), list)
        for p in products
    ):
        raise EolImportError(
            f"{path}: not an endoflife.date v1 /products/full dump "
            "(expected an object whose 'result' lists products with 'name' and 'releases')"
        )
    return products


def cpe_identifiers(product: dict[str, Any]) -> tuple[str, ...]:
    """The CPE names a dump product lists in ``identifiers`` ({"type": "cpe", "id": ...})."""
    found = []
    for item in product.get("identifiers") or ():
        if isinstance(item, dict) and item.get("type") == "cpe" and isinstance(item.get("id"), str):
            cpe = try_parse(item["id"])
            if cpe is not None:
                found.append(_literal_key(cpe))
    return tuple(found)


def _literal_key(cpe: Cpe) -> str:
    """A record key for an identifier's CPE: its version, if any, matched literally."""
    key = f"cpe:2.3:{cpe.part or '*'}:{cpe.vendor}:{cpe.product}"
    return key if cpe.version is None else f"{key}:{re.escape(cpe.version)}"


def rule_by_cpe(product: dict[str, Any], known: EolDatabase) -> dict[str, Any] | None:
    """A mapping for a product our mapping file does not name, from its CPE identifiers.

    A CPE one of our records answers for maps the product onto that record's vendor and
    product (endoflife.date's ``nginx`` is our F5 nginx through ``cpe:/a:f5:nginx``).  A
    CPE none of ours names makes a product of its own, named by the CPE's vendor and the
    dump's label, whose records carry the CPE so that identities naming it find them.  An
    application (CPE part ``a``) is marked ``backports``: past upstream's end,
    distributions may still patch it, and nothing here says otherwise.
    """
    cpes = cpe_identifiers(product)
    parsed = [c for c in (try_parse(text) for text in cpes) if c is not None]
    if not parsed:
        return None
    for cpe in parsed:
        products = known.products_for_cpe(cpe)
        if products:
            vendor, name = products[0]
            backports = any(r.backports for r in known.records_of(vendor, name))
            return {"vendor": vendor, "product": name, "backports": backports, "cpe": list(cpes)}
    first: Cpe = parsed[0]
    return {
        "vendor": first.vendor,
        "product": str(product.get("label") or product["name"]),
        "backports": first.part == "a",
        "cpe": list(cpes),
    }


def _field(rule: dict[str, Any], key: str, default: str | None) -> str | None:
    value = rule.get(key, default)
    return None if value is None else str(value)


def convert(
    product: dict[str, Any], rule: dict[str, Any], checked: dt.date, where: str
) -> list[EolRecord]:
    """One endoflife.date product -> our records (one per release cycle)."""
    slug = product["name"]
    fields = {
        "support_end": _field(rule, "support_end", "eoasFrom"),
        "security_end": _field(rule, "security_end", "eolFrom"),
        "extended_end": _field(rule, "extended_end", "eoesFrom"),
    }
    records = []
    for index, release in enumerate(product["releases"]):
        if not isinstance(release, dict) or not release.get("name"):
            raise EolImportError(f"{where}: {slug} release {index + 1} has no name")
        cycle = str(release["name"])
        raw: dict[str, Any] = {
            "vendor": rule["vendor"],
            "product": rule["product"],
            "cycle": cycle,
            "versions": "^" + re.escape(cycle) + r"(\D|$)",
            "released": release.get("releaseDate"),
            "source": f"{AGGREGATOR}{slug}",
            "checked": checked.isoformat(),
            "backports": bool(rule.get("backports", False)),
            "note": f"Imported from an endoflife.date dump ({Path(where).name}).",
            "examples": [cycle],
            "cpe": list(rule.get("cpe") or ()),
        }
        for ours, theirs in fields.items():
            raw[ours] = release.get(theirs) if theirs else None
        if raw["security_end"] is None and release.get("isEol") is False:
            raw["no_end_announced"] = True
        try:
            records.append(parse_record(raw, f"{where}: {slug} {cycle}"))
        except EolDataError as exc:
            raise EolImportError(str(exc)) from exc
    return records


def _covering(bundled: tuple[EolRecord, ...], record: EolRecord) -> EolRecord | None:
    for mine in bundled:
        if (mine.vendor, mine.product) != (record.vendor, record.product):
            continue
        if mine.cycle == record.cycle or (
            mine.versions is not None and re.search(mine.versions, record.cycle)
        ):
            return mine
    return None


def merge(
    dump: list[dict[str, Any]],
    bundled: tuple[EolRecord, ...],
    mapping: dict[str, Any],
    where: str,
    checked: dt.date,
) -> ImportResult:
    rules = mapping.get("endoflife_date") or {}
    known = EolDatabase(bundled)
    out: list[EolRecord] = []
    added = updated = kept = 0
    skipped: list[str] = []
    by_cpe: list[tuple[str, str]] = []
    for product in dump:
        rule = rules.get(product["name"])
        if rule is not None and "cpe" not in rule:
            rule = {**rule, "cpe": list(cpe_identifiers(product))}
        if rule is None:
            rule = rule_by_cpe(product, known)
            if rule is None:
                skipped.append(product["name"])
                continue
            by_cpe.append((product["name"], f"{rule['vendor']} {rule['product']}"))
        for record in convert(product, rule, checked, where):
            mine = _covering(bundled, record)
            if mine is not None and not mine.source.startswith(AGGREGATOR):
                kept += 1  # a vendor page beats the aggregator
                continue
            out.append(record)
            if mine is None:
                added += 1
            else:
                updated += 1
    return ImportResult(
        tuple(out), added, updated, kept, tuple(sorted(skipped)), tuple(sorted(by_cpe))
    )


def _as_raw(record: EolRecord) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "vendor": record.vendor,
        "product": record.product,
        "cycle": record.cycle,
        "versions": record.versions,
    }
    for key in ("released", "support_end", "security_end", "extended_end"):
        value = getattr(record, key)
        raw[key] = value.isoformat() if value else None
    raw.update(
        no_end_announced=record.no_end_announced,
        backports=record.backports,
        source=record.source,
        checked=record.checked.isoformat(),
        note=record.note,
        examples=list(record.examples),
    )
    if record.cpe:
        raw["cpe"] = list(record.cpe)
    return raw


def write_overlay(records: tuple[EolRecord, ...], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / OVERLAY_RECORDS
    header = (
        "# Written by `legacyscan eol import`: records imported from endoflife.date.\n"
        "# Read before the bundled records; delete this file to go back to them.\n"
    )
    body = yaml.safe_dump({"records": [_as_raw(r) for r in records]}, sort_keys=False)
    atomic_write(path, header + body, error=EolImportError)
    return path
