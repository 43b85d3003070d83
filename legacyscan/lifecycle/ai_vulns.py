"""Published vulnerabilities of self-hosted AI products, by version.

The records are the ``vulnerabilities`` of ``fingerprints/ai-servers.yaml``, each with
the advisory it comes from and the date it was read.  A service is affected when its
version is known and lies before the record's ``fixed`` version (and not before
``introduced`` when given); an unknown version is never called affected nor safe: the
report says the version is unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

from legacyscan.collect.http.catalogue import CATALOGUE_FILE, CatalogueError
from legacyscan.files import load_mapping
from legacyscan.model import AiService, AiVulnerability
from legacyscan.paths import fingerprints_dir

_CVE = re.compile(r"^(CVE-\d{4}-\d{4,}|GHSA-[a-z0-9-]+)$")


def version_key(version: str) -> tuple[int, ...] | None:
    """``v0.1.33`` -> (0, 1, 33); None when it does not start with numbers."""
    found = re.match(r"^v?(\d+(?:\.\d+)*)", version.strip())
    return tuple(int(n) for n in found.group(1).split(".")) if found else None


def _before(version: tuple[int, ...], bound: tuple[int, ...]) -> bool:
    width = max(len(version), len(bound))
    return version + (0,) * (width - len(version)) < bound + (0,) * (width - len(bound))


def affects(record: AiVulnerability, service: AiService) -> bool:
    if record.product_id != service.product_id:
        return False
    version, fixed = version_key(service.version), version_key(record.fixed)
    if version is None or fixed is None or not _before(version, fixed):
        return False
    introduced = version_key(record.introduced) if record.introduced else None
    return introduced is None or not _before(version, introduced)


@cache
def load_vulnerabilities(path: Path | None = None) -> tuple[AiVulnerability, ...]:
    path = path or fingerprints_dir() / CATALOGUE_FILE
    data = load_mapping(path, CatalogueError)
    records = []
    for i, raw in enumerate(data.get("vulnerabilities") or []):
        where = f"{path.name}: vulnerabilities[{i}]"
        if not isinstance(raw, dict) or not _CVE.match(str(raw.get("id", ""))):
            raise CatalogueError(f"{where}: needs an id (CVE-YYYY-N or GHSA-...)")
        source, checked = raw.get("source"), raw.get("checked")
        if not isinstance(source, str) or not source.startswith("https://"):
            raise CatalogueError(f"{where}: every record cites its advisory (https)")
        if not isinstance(checked, dt.date):
            raise CatalogueError(f"{where}: checked must be the date the advisory was read")
        if version_key(str(raw.get("fixed", ""))) is None:
            raise CatalogueError(f"{where}: fixed must be a version number")
        records.append(
            AiVulnerability(
                id=str(raw["id"]),
                product_id=str(raw.get("product", "")),
                fixed=str(raw["fixed"]),
                summary=" ".join(str(raw.get("summary", "")).split()),
                source=source,
                checked=checked.isoformat(),
                introduced=str(raw.get("introduced", "")),
            )
        )
    return tuple(records)


def vulnerabilities_of(
    service: AiService, records: tuple[AiVulnerability, ...] | None = None
) -> tuple[AiVulnerability, ...]:
    """The records that affect this service's version."""
    records = load_vulnerabilities() if records is None else records
    return tuple(r for r in records if affects(r, service))
