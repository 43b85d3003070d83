"""The aggregate file of ``legacyscan ai-usage`` (JSON): built from a tally, written
atomically, read back by one reader that checks every field (the file may have been
edited or tampered with before ``legacyscan report --ai-usage FILE`` renders it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from legacyscan import __version__
from legacyscan.aiusage.attribution import Timeline
from legacyscan.aiusage.catalogue import Catalogue, valid_host
from legacyscan.aiusage.count import DAY, Tally
from legacyscan.codec import DataShapeError, from_data, to_data
from legacyscan.errors import UserError
from legacyscan.files import atomic_write, read_input
from legacyscan.model.aiusage import (
    AI_KINDS,
    ATTRIBUTIONS,
    EVIDENCE,
    USAGE_FORMAT,
    USAGE_VERSION,
    AttributionInfo,
    KeptInfo,
    UsageData,
    UsageRow,
)

MAX_USAGE_BYTES = 512 << 20
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: What is kept of a log line, by name (the report says each in its language).
KEPT_FIELDS = ("destination_host", "source_device", "counts", "bytes", "day")


class UsageFileError(UserError):
    """An AI-usage file we cannot use."""


def build(
    tally: Tally,
    catalogue: Catalogue,
    timeline: Timeline,
    inventory: str,
    site: str,
    segments: str,
    policy: str,
    keep_users: bool,
    generated: str,
) -> UsageData:
    """The rows of the file: each counted key attributed to a device, then summed."""
    services = catalogue.services
    rows: dict[tuple[Any, ...], list[int]] = {}
    for key, (connections, size, sized) in tally.counts.items():
        day, evidence, service, host, address, position, user = key
        given = timeline.attribute(address, position)
        device = given.device
        row_key = (
            dt.date(1970, 1, 1) + dt.timedelta(days=day), evidence, services[service].id, host,
            address, given.certainty, device.device_id if device else None,
            device.name if device else "", device.device_class if device else "",
            given.segment, given.site, user,
        )  # fmt: skip
        slot = rows.setdefault(row_key, [0, 0, 0])
        slot[0] += connections
        slot[1] += size
        slot[2] |= sized
    made = [
        UsageRow(
            day=k[0].isoformat(),
            evidence=k[1],
            service=k[2],
            host=k[3],
            address=k[4],
            attribution=k[5],
            device_id=k[6],
            device=k[7],
            device_class=k[8],
            segment=k[9],
            site=k[10],
            user=k[11],
            connections=v[0],
            bytes=v[1] if v[2] else None,
        )  # fmt: skip
        for k, v in sorted(rows.items(), key=lambda item: tuple(map(str, item[0])))
    ]
    fields = KEPT_FIELDS + (("user_pseudonym",) if keep_users else ())
    return UsageData(
        legacyscan_version=__version__,
        generated=generated,
        catalogue=catalogue.info,
        attribution=AttributionInfo(
            inventory, site, len(timeline.scans), timeline.first, timeline.last, segments
        ),
        kept=KeptInfo("pseudonymised" if keep_users else "none", fields),
        inputs=tuple(tally.inputs),
        services=services,
        rows=tuple(made),
        policy=policy,
    )


#: Rows are written as arrays under these names (one a line): a month of a large
#: hospital holds hundreds of thousands of rows, and named keys would triple the file.
ROW_FIELDS = tuple(f.name for f in dataclasses.fields(UsageRow))


def to_json(data: UsageData) -> str:
    head = to_data(dataclasses.replace(data, rows=()))
    head["row_fields"] = list(ROW_FIELDS)
    text = json.dumps(head, indent=1, ensure_ascii=False)
    rows = ",\n".join(
        json.dumps([getattr(row, name) for name in ROW_FIELDS], ensure_ascii=False)
        for row in data.rows
    )
    return (
        text[: text.rindex('"rows": []')]
        + '"rows": [\n'
        + rows
        + "\n]"
        + text[text.rindex('"rows": []') + len('"rows": []') :]
        + "\n"
    )


def write_usage(data: UsageData, path: Path) -> None:
    atomic_write(path, to_json(data), error=UsageFileError)


def _check(data: UsageData, where: str) -> None:
    services = {s.id: s for s in data.services}
    if not set(data.kept.fields) <= {*KEPT_FIELDS, "user_pseudonym"}:
        raise UsageFileError(f"{where}: 'kept' names a field this version does not know")
    for service in data.services:
        if service.kind not in AI_KINDS:
            raise UsageFileError(f"{where}: service {service.id[:40]!r} has an unknown kind")
    for number, row in enumerate(data.rows, 1):
        problem = ""
        if row.service not in services:
            problem = "names a service the file does not list"
        elif row.evidence not in EVIDENCE or row.attribution not in ATTRIBUTIONS:
            problem = "has an unknown evidence or attribution"
        elif not _DAY.match(row.day):
            problem = "has a day that is not YYYY-MM-DD"
        elif not valid_host(row.host):
            problem = "has a host that is not a host name"
        elif row.connections < 0 or (row.bytes is not None and row.bytes < 0):
            problem = "has a negative count"
        if problem:
            raise UsageFileError(f"{where}: row {number} {problem}")
        try:
            dt.date.fromisoformat(row.day)
        except ValueError:
            raise UsageFileError(f"{where}: row {number} has an impossible day") from None


def read_usage(path: Path) -> UsageData:
    """The file written by ``ai-usage -o``, every field checked; one-line errors."""
    raw = read_input(path, MAX_USAGE_BYTES, UsageFileError)
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise UsageFileError(f"{path}: not JSON (expected the file 'ai-usage -o' writes)") from None
    if not isinstance(document, dict) or document.get("format") != USAGE_FORMAT:
        raise UsageFileError(f"{path}: not a legacyscan AI-usage file")
    if document.get("version") != USAGE_VERSION:
        raise UsageFileError(f"{path}: AI-usage file version {document.get('version')!r} unknown")
    names, rows = document.get("row_fields"), document.get("rows")
    if names != list(ROW_FIELDS) or not isinstance(rows, list):
        raise UsageFileError(f"{path}: its rows are not those of this version of legacyscan")
    for number, row in enumerate(rows, 1):
        if not isinstance(row, list) or len(row) != len(ROW_FIELDS):
            raise UsageFileError(f"{path}: row {number} does not have {len(ROW_FIELDS)} values")
    document = {**document, "rows": [dict(zip(ROW_FIELDS, row, strict=True)) for row in rows]}
    document.pop("row_fields")
    try:
        data = from_data(UsageData, document)
    except DataShapeError as exc:
        raise UsageFileError(f"{path}: {str(exc)[:200]}") from None
    _check(data, str(path))
    return data


def day_of(seconds: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(seconds // DAY))).isoformat()
