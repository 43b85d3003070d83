"""End-of-life lookups: dated, sourced records and a status relative to an as-of date.

Records live in ``fingerprints/eol/*.yaml``.  A record is one product cycle; an
identity's version picks its cycle through the record's ``versions`` regex.  The
status is computed for an explicit as-of date so that a verdict is reproducible
whatever the calendar says:

* ``supported``: on or before the end of security support;
* ``extended``: past it, but a paid extension is still on sale;
* ``eol``: past the end of security support and of any paid extension;
* ``unknown``: no record, no version, or editions whose ends differ around the
  as-of date.  Unknown is an honest answer and never shown as supported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from legacyscan.errors import UserError
from legacyscan.model import (
    AssessedDevice,
    AssessedIdentity,
    EolRecord,
    IdentifiedDevice,
    Identity,
    Lifecycle,
)
from legacyscan.paths import fingerprints_dir


class EolDataError(UserError, ValueError):
    """An EOL file that does not follow the format; names the file and the record."""


_REQUIRED = ("vendor", "product", "cycle", "source", "checked")


def _date(value: Any, where: str, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise EolDataError(f"{where}: {key} is not a YYYY-MM-DD date: {value!r}") from exc


def parse_record(raw: dict[str, Any], where: str) -> EolRecord:
    missing = [k for k in _REQUIRED if not raw.get(k)]
    if missing:
        raise EolDataError(f"{where}: missing {', '.join(missing)}")
    source = str(raw["source"])
    if not source.startswith("https://"):
        raise EolDataError(f"{where}: source must be an https:// URL, got {source!r}")
    versions = raw.get("versions")
    if versions is not None:
        try:
            re.compile(str(versions))
        except re.error as exc:
            raise EolDataError(f"{where}: versions is not a valid regex: {exc}") from exc
    checked = _date(raw["checked"], where, "checked")
    assert checked is not None
    record = EolRecord(
        vendor=str(raw["vendor"]),
        product=str(raw["product"]),
        cycle=str(raw["cycle"]),
        versions=None if versions is None else str(versions),
        released=_date(raw.get("released"), where, "released"),
        support_end=_date(raw.get("support_end"), where, "support_end"),
        security_end=_date(raw.get("security_end"), where, "security_end"),
        extended_end=_date(raw.get("extended_end"), where, "extended_end"),
        security_end_latest=_date(raw.get("security_end_latest"), where, "security_end_latest"),
        no_end_announced=bool(raw.get("no_end_announced", False)),
        source=source,
        checked=checked,
        note=str(raw.get("note", "")),
    )
    if record.security_end is None and not record.no_end_announced:
        raise EolDataError(f"{where}: security_end is required unless no_end_announced is true")
    return record


def load_records(folder: Path | None = None) -> tuple[EolRecord, ...]:
    """Read every ``*.yaml`` under the EOL folder, in file-name order."""
    folder = folder or fingerprints_dir() / "eol"
    records: list[EolRecord] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for index, raw in enumerate(data.get("records", [])):
            label = f"{raw.get('product', '?')} {raw.get('cycle', '?')}"
            where = f"{path.name} record {index + 1} ({label})"
            records.append(parse_record(raw, where))
    return tuple(records)


def status_on(record: EolRecord, as_of: dt.date) -> Lifecycle:
    """The lifecycle verdict of one record on one date, with the reason in words."""

    def verdict(status: str, reason: str) -> Lifecycle:
        return Lifecycle(
            status=status,  # type: ignore[arg-type]
            cycle=record.cycle,
            eol_date=record.security_end,
            extended_end=record.extended_end,
            source=record.source,
            checked=record.checked,
            reason=reason,
        )

    end = record.security_end
    if end is None:
        return verdict("supported", "the vendor has announced no end of support")
    if as_of <= end:
        return verdict("supported", f"security updates until {end.isoformat()}")
    latest = record.security_end_latest
    if latest is not None and as_of <= latest:
        return verdict(
            "unknown",
            f"support ended {end.isoformat()} for some editions and runs to "
            f"{latest.isoformat()} for others; the edition is not known",
        )
    if record.extended_end is not None and as_of <= record.extended_end:
        return verdict(
            "extended",
            f"security support ended {end.isoformat()}; only a paid extension covers it "
            f"until {record.extended_end.isoformat()}",
        )
    return verdict("eol", f"no security updates since {end.isoformat()}")


@dataclass(frozen=True)
class EolDatabase:
    records: tuple[EolRecord, ...]

    @classmethod
    def load(cls, folder: Path | None = None) -> EolDatabase:
        return cls(load_records(folder))

    @cached_property
    def _by_product(self) -> dict[tuple[str, str], tuple[EolRecord, ...]]:
        index: dict[tuple[str, str], list[EolRecord]] = {}
        for record in self.records:
            index.setdefault((record.vendor, record.product), []).append(record)
        return {key: tuple(value) for key, value in index.items()}

    def find(self, vendor: str, product: str, version: str | None) -> EolRecord | None:
        """The first record of this product whose ``versions`` pattern matches."""
        for record in self._by_product.get((vendor, product), ()):
            if record.versions is None or (
                version is not None and re.search(record.versions, version)
            ):
                return record
        return None

    def lifecycle(self, identity: Identity, as_of: dt.date) -> Lifecycle:
        record = self.find(identity.vendor, identity.product, identity.version)
        if record is None:
            known = (identity.vendor, identity.product) in self._by_product
            if not known:
                reason = "no end-of-life record for this product"
            elif identity.version is None:
                reason = "version not observed, so the support cycle is not known"
            else:
                reason = f"no end-of-life record for version {identity.version}"
            return Lifecycle(status="unknown", reason=reason)
        return status_on(record, as_of)

    def assess(self, device: IdentifiedDevice, as_of: dt.date) -> AssessedDevice:
        return AssessedDevice(
            device=device,
            identities=tuple(
                AssessedIdentity(identity, self.lifecycle(identity, as_of))
                for identity in device.identities
            ),
        )
