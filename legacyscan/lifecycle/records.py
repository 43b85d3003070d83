"""End-of-life records read from YAML: the bundled ``fingerprints/eol/*.yaml``, the user's
overlay and KEV marks, and the reasons of ``lifecycle-gaps.yaml``; every record checked
(required keys, dates, CPE keys, the order of its dates) with one-line errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from legacyscan.cpe import CpeError, CpeKey
from legacyscan.errors import UserError
from legacyscan.files import load_yaml
from legacyscan.model import (
    EolRecord,
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
    examples = raw.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, str | int) for e in examples):
        raise EolDataError(f"{where}: examples must be a list of version strings")
    cpe = _cpe_keys(raw.get("cpe"), where)
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
        end_of_sale=_date(raw.get("end_of_sale"), where, "end_of_sale"),
        policy=None if raw.get("policy") is None else str(raw["policy"]),
        no_end_announced=bool(raw.get("no_end_announced", False)),
        source=source,
        checked=checked,
        note=str(raw.get("note", "")),
        backports=bool(raw.get("backports", False)),
        examples=tuple(str(e) for e in examples),
        cpe=tuple(key.text for key in cpe),
    )
    _check_order(record, where)
    return record


def _cpe_keys(value: Any, where: str) -> tuple[CpeKey, ...]:
    if value is None:
        return ()
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise EolDataError(f"{where}: cpe must be a CPE name or a list of them")
    try:
        return tuple(CpeKey.parse(t) for t in texts)
    except CpeError as exc:
        raise EolDataError(f"{where}: {exc}") from exc


def _check_order(record: EolRecord, where: str) -> None:
    """Dates must follow one another: release <= mainstream <= security <= extension."""
    chain = [
        ("released", record.released),
        ("support_end", record.support_end),
        ("security_end", record.security_end),
        ("security_end_latest", record.security_end_latest),
    ]
    known = [(k, d) for k, d in chain if d is not None]
    for (k1, d1), (k2, d2) in zip(known, known[1:], strict=False):
        if d2 < d1:
            raise EolDataError(f"{where}: {k2} {d2} is before {k1} {d1}")
    if record.extended_end and record.security_end and record.extended_end < record.security_end:
        raise EolDataError(f"{where}: extended_end is before security_end")


def load_file(path: Path) -> tuple[EolRecord, ...]:
    """The records of one YAML file; any problem names the file (and the record)."""
    data = load_yaml(path, EolDataError, empty={})
    raws = data.get("records", []) if isinstance(data, dict) else None
    if not isinstance(raws, list):
        raise EolDataError(f"{path}: expected a mapping with a 'records' list")
    records: list[EolRecord] = []
    for index, raw in enumerate(raws):
        if not isinstance(raw, dict):
            raise EolDataError(f"{path.name} record {index + 1}: not a mapping")
        label = f"{raw.get('product', '?')} {raw.get('cycle', '?')}"
        records.append(parse_record(raw, f"{path.name} record {index + 1} ({label})"))
    return tuple(records)


def load_records(folder: Path | None = None) -> tuple[EolRecord, ...]:
    """Read every ``*.yaml`` under the EOL folder, in file-name order."""
    folder = folder or fingerprints_dir() / "eol"
    records: list[EolRecord] = []
    for path in sorted(folder.glob("*.yaml")):
        records.extend(load_file(path))
    return tuple(records)


#: File names of the user's overlay in ``user_data_dir()``.
OVERLAY_RECORDS = "eol-overlay.yaml"
OVERLAY_KEV = "kev-marks.yaml"


def load_kev_marks(path: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """KEV marks saved by ``eol import --kev``: (vendor, product) -> CVE ids."""
    data = load_yaml(path, EolDataError, empty={})
    try:
        marks = data.get("marks", [])
        return {
            (str(m["vendor"]), str(m["product"])): tuple(str(c) for c in m["cves"]) for m in marks
        }
    except (AttributeError, KeyError, TypeError) as exc:
        raise EolDataError(f"{path}: not a readable KEV marks file ({exc})") from exc


def load_gaps(path: Path) -> dict[tuple[str, str], str]:
    """Why products have no record (``no_lifecycle_data`` of lifecycle-gaps.yaml)."""
    if not path.is_file():
        return {}
    data = load_yaml(path, EolDataError, empty={})
    entries = data.get("no_lifecycle_data") if isinstance(data, dict) else None
    gaps: dict[tuple[str, str], str] = {}
    for item in entries or []:
        if isinstance(item, dict) and item.get("vendor") and item.get("product"):
            gaps[(str(item["vendor"]), str(item["product"]))] = str(item.get("reason") or "")
    return gaps
