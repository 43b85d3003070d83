"""CISA's Known Exploited Vulnerabilities (KEV) catalog, read offline.

The catalog (``known_exploited_vulnerabilities.json``, downloaded by the user) lists
``vulnerabilities[]`` with ``cveID``, ``vendorProject`` and ``product``.  It names products,
not versions, so a mark means "this product has known-exploited vulnerabilities", not
"this version is vulnerable".  Names are matched to our vocabulary ignoring case and
punctuation ("IOS and IOS XE" names both); ``fingerprints/eol-sources.yaml`` lists the
names that differ (KEV's "Microsoft Windows" covers every Windows product).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from legacyscan.errors import UserError
from legacyscan.files import atomic_write
from legacyscan.lifecycle.records import OVERLAY_KEV

Marks = dict[tuple[str, str], tuple[str, ...]]


class KevError(UserError, ValueError):
    """A KEV file that cannot be read or is not the catalog; names the file."""


@dataclass(frozen=True)
class KevEntry:
    cve: str
    vendor_project: str
    product: str


@dataclass(frozen=True)
class KevCatalog:
    version: str
    entries: tuple[KevEntry, ...]


def read_kev(path: Path) -> KevCatalog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError) as exc:
        raise KevError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise KevError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    vulns = data.get("vulnerabilities") if isinstance(data, dict) else None
    if not isinstance(vulns, list):
        raise KevError(f"{path}: not a CISA KEV catalog (no 'vulnerabilities' list)")
    entries = []
    for index, item in enumerate(vulns):
        try:
            entries.append(
                KevEntry(str(item["cveID"]), str(item["vendorProject"]), str(item["product"]))
            )
        except (KeyError, TypeError) as exc:
            raise KevError(
                f"{path}: vulnerability {index + 1} lacks cveID, vendorProject or product"
            ) from exc
    return KevCatalog(str(data.get("catalogVersion", "")), tuple(entries))


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.casefold())


def _parts(product: str) -> list[str]:
    return [p for p in re.split(r"\s+and\s+|,|/", product) if p.strip()]


def mark(
    catalog: KevCatalog,
    vocabulary: Mapping[str, Iterable[str]],
    aliases: Iterable[Mapping[str, Any]] = (),
) -> Marks:
    """(vendor, product) of our vocabulary -> sorted CVE ids that KEV lists for it."""
    ours = {
        (_norm(vendor), _norm(product)): (vendor, product)
        for vendor, products in vocabulary.items()
        for product in products or ()
    }
    alias_map: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for alias in aliases:
        target = alias["ours"]
        key = (_norm(str(alias["vendorProject"])), _norm(str(alias["product"])))
        alias_map[key] = [(str(target["vendor"]), str(p)) for p in target["products"]]
    found: dict[tuple[str, str], set[str]] = {}
    for entry in catalog.entries:
        vendor = _norm(entry.vendor_project)
        targets = list(alias_map.get((vendor, _norm(entry.product)), []))
        for part in _parts(entry.product):
            hit = ours.get((vendor, _norm(part)))
            if hit:
                targets.append(hit)
        for target in targets:
            found.setdefault(target, set()).add(entry.cve)
    return {key: tuple(sorted(cves)) for key, cves in sorted(found.items())}


def write_marks(marks: Marks, catalog: KevCatalog, source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / OVERLAY_KEV
    data = {
        "catalog_version": catalog.version,
        "source_file": str(source),
        "imported": dt.date.today().isoformat(),
        "marks": [
            {"vendor": vendor, "product": product, "cves": list(cves)}
            for (vendor, product), cves in marks.items()
        ],
    }
    header = "# Written by `legacyscan eol import --kev`: CISA KEV marks, product-level.\n"
    atomic_write(path, header + yaml.safe_dump(data, sort_keys=False), error=KevError)
    return path
