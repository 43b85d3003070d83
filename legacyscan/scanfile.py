"""scan.json: the machine-readable result, and the way back from it.

Each device follows the schema of ``legacyscan identify --format json`` (documented
in docs/scan-json.md) and adds its segment, risk and the raw observations
(``observed``), so that ``legacyscan report`` can re-assess a stored scan with newer
knowledge or another as-of date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from legacyscan.codec import from_data, to_data
from legacyscan.errors import UserError
from legacyscan.files import atomic_write
from legacyscan.identify.observe import oui_organisation
from legacyscan.messages import plain
from legacyscan.messages import to_data as message_to_data
from legacyscan.model import (
    AssessedDevice,
    Assessment,
    Host,
    Message,
    ScanMeta,
    Trend,
)
from legacyscan.topology.mapping import SegmentMap
from legacyscan.topology.network import segment_of

SCHEMA_VERSION = 3
#: Schema 1 files (no 'record') are read and judged again with the installed knowledge;
#: schema 2 records carried each sentence twice (``_sentences_once`` reads them).
READABLE_SCHEMAS = (1, 2, 3)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


#: A record's sentence is exported twice for readers of the file: in plain English under
#: its own name and as ``{"key", "args"}`` under this one (docs/scan-json.md).
_MESSAGE_KEYS = {"explanation": "message", "reason": "reason_message", "method": "method_message"}


def message_fields(name: str, value: Message) -> dict[str, Any]:
    """A record's sentence as the exports show it: its text and its message."""
    return {name: plain(value), _MESSAGE_KEYS.get(name, f"{name}_message"): message_to_data(value)}


def record_to_dict(record: Any) -> Any:
    """``asdict`` for the exports; a sentence as ``message_fields`` writes it."""
    if isinstance(record, Message):
        return message_to_data(record)
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        result = {}
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            if isinstance(value, Message):
                result.update(message_fields(f.name, value))
            else:
                result[f.name] = record_to_dict(value)
        return result
    if isinstance(record, tuple | list):
        return [record_to_dict(v) for v in record]
    if isinstance(record, dt.date):
        return record.isoformat()
    return record


def device_to_dict(device: AssessedDevice) -> dict[str, Any]:
    ident = device.device
    return {
        "address": device.address,
        "mac": ident.host.mac,
        "mac_organisation": oui_organisation(ident.host.mac) if ident.host.mac else None,
        # False: only other devices' tables show it (ARP, forwarding); never sent a packet.
        "scanned": ident.host.scanned,
        "seen_by": [
            {**asdict(sighting), "evidence": sighting.evidence} for sighting in ident.host.seen_by
        ],
        "device_class": ident.device_class,
        "device_type": ident.device_type,
        "class_confidence": ident.class_confidence,
        "class_signals": [asdict(s) for s in ident.class_signals],
        "class_conflicts": list(ident.class_conflicts),
        "legacy": device.is_legacy,
        "lifecycle_status": device.worst_status,
        # which verdict made the device's status: its hardware, its OS or an application
        "lifecycle_decided_by": _decided_by(device),
        "segment": segment_of(device.address),
        "identities": [
            {
                "kind": a.identity.kind,
                "vendor": a.identity.vendor,
                "product": a.identity.product,
                "version": a.identity.version,
                "cpe": a.identity.cpe,
                "confidence": a.identity.confidence,
                "evidence": [
                    {k: v for k, v in asdict(e).items() if k != "port" or v is not None}
                    for e in a.identity.evidence
                ],
                "lifecycle": {
                    "status": a.lifecycle.status,
                    "cycle": a.lifecycle.cycle,
                    "eol_date": _date(a.lifecycle.eol_date),
                    "extended_end": _date(a.lifecycle.extended_end),
                    "end_of_sale": _date(a.lifecycle.end_of_sale),
                    "support_end": _date(a.lifecycle.support_end),
                    "last_support": _date(a.lifecycle.last_support),
                    "policy": a.lifecycle.policy,
                    "source": a.lifecycle.source,
                    "checked": _date(a.lifecycle.checked),
                    **message_fields("reason", a.lifecycle.reason),
                },
            }
            for a in device.identities
        ],
        "observed": host_to_dict(ident.host),
    }


def _decided_by(device: AssessedDevice) -> dict[str, Any] | None:
    deciding = device.deciding
    if deciding is None:
        return None
    identity = deciding.identity
    return {
        "kind": identity.kind,
        "vendor": identity.vendor,
        "product": identity.product,
        "version": identity.version,
        "reason": plain(deciding.lifecycle.reason),
    }


def host_to_dict(host: Host) -> dict[str, Any]:
    data: dict[str, Any] = to_data(host)
    data.pop("address")
    data.pop("mac")
    return data


def host_from_dict(address: str | None, mac: str | None, data: dict[str, Any]) -> Host:
    return from_data(Host, {**data, "address": address, "mac": mac})


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    meta = assessment.meta
    devices = []
    segments_of: dict[str, list[str]] = {}
    for segment in assessment.topology.segments:
        for member in segment.members:
            segments_of.setdefault(member, []).append(segment.name)
    for device in assessment.devices:
        entry = device_to_dict(device)
        names = segments_of.get(device.address or "", [])
        entry["segment"] = names[0] if names else entry["segment"]
        entry["segments"] = names
        risk = assessment.risk_of(device.address)
        if risk is not None:
            entry["risk"] = {
                "score": risk.score,
                "level": risk.level,
                "factors": [record_to_dict(f) for f in risk.factors],
            }
        devices.append(entry)
    return {
        "schema": SCHEMA_VERSION,
        "as_of": meta.as_of.isoformat(),
        "scan": {
            "started": meta.started,
            "finished": meta.finished,
            "targets": list(meta.targets),
            "profile": meta.profile,
            "site": meta.site,
            "vantage": meta.vantage,
            "command_lines": list(meta.command_lines),
            "tool_versions": dict(meta.tool_versions),
            "legacyscan_version": meta.legacyscan_version,
            "silent_addresses": meta.silent_addresses,
            "errors": [asdict(e) for e in meta.errors],
            "second_pass": [record_to_dict(d) for d in meta.second_pass],
        },
        "devices": devices,
        "segments": [asdict(s) for s in assessment.topology.segments],
        "mixed_segments": list(assessment.topology.mixed_segments),
        "exposures": [record_to_dict(e) for e in assessment.topology.exposures],
        **topology_and_risk_to_dict(assessment),
        "provenance": to_data(assessment.provenance),
        # The records themselves, generated from their fields: what `report` renders.
        "record": to_data(assessment),
    }


def topology_and_risk_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The keys added by the topology/risk stage (docs/scan-json.md)."""
    topology = assessment.topology
    return {
        "exposure_count": topology.total_exposures,
        "reach": [
            {"address": r.address, "total": r.total, "by_kind": dict(r.counts)}
            for r in topology.reach
        ],
        "bridges": [asdict(b) for b in topology.bridges],
        "topology_notes": list(topology.notes),
        "segment_risks": [record_to_dict(r) for r in assessment.segment_risks],
        "network_score": (
            None
            if assessment.network_score is None
            else {
                "score": assessment.network_score,
                "factors": [record_to_dict(f) for f in assessment.network_factors],
            }
        ),
        "plan": record_to_dict(assessment.plan) if assessment.plan is not None else None,
        "horizon": [to_data(h) for h in assessment.horizon],
        "trend": to_data(assessment.trend),
    }


def write_scan_json(assessment: Assessment, path: Path) -> None:
    """Write atomically: a crash mid-write never leaves half a file behind."""
    atomic_write(path, json.dumps(assessment_to_dict(assessment), indent=2, ensure_ascii=False))


class ScanJsonError(UserError, ValueError):
    """A scan.json we cannot read back."""


#: scan.json files larger than this are refused rather than read into memory.
MAX_SCAN_JSON_BYTES = 4 << 30


@dataclass(frozen=True)
class StoredScan:
    """A scan.json read back: what was observed, and (schema 2) the assessment as made."""

    meta: ScanMeta
    hosts: tuple[Host, ...]
    assessment: Assessment | None  # None: stored before schema 2, judge it again
    mapping: SegmentMap | None  # the segment mapping file the scan was made with
    trend: Trend | None


def _mapping(data: dict[str, Any], path: Path) -> SegmentMap | None:
    mapped = [s for s in data.get("segments", ()) if s.get("origin") == "mapping-file"]
    if not mapped:
        return None
    entries = [
        {"cidr": cidr.strip(), "name": s["name"], "site": s["site"], "zone": s["zone"]}
        for s in mapped
        for cidr in s["cidr"].split(",")
    ]
    return SegmentMap.from_data({"segments": entries}, f"{path}")


def _object(scan: dict[str, Any], key: str) -> dict[str, Any]:
    value = scan[key]
    if not isinstance(value, dict):
        raise TypeError(f"'scan.{key}' must be an object, not {_json_type(value)}")
    return value


def _count(scan: dict[str, Any], key: str) -> int:
    value = scan.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"'scan.{key}' must be a whole number >= 0, not {str(value)[:20]!r}")
    return value


def _json_type(value: object) -> str:
    names = {list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


#: a \uD800-\uDFFF escape: json.loads turns an unpaired one into a lone surrogate, which
#: no file, terminal or database can hold
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _no_lone_surrogate(data: object, raw: bytes) -> None:
    if _SURROGATE_ESCAPE.search(raw) is None:
        return
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text with a lone UTF-16 surrogate (\\uD800-\\uDFFF)") from None


def _meta(data: dict[str, Any]) -> ScanMeta:
    scan = data["scan"]
    if not isinstance(scan, dict):
        raise TypeError("'scan' must be an object")
    return from_data(
        ScanMeta,
        {
            "as_of": data["as_of"],
            "started": scan["started"],
            "finished": scan["finished"],
            "targets": scan["targets"],
            "profile": scan.get("profile", ""),
            "site": scan.get("site", ""),
            "vantage": scan.get("vantage", ""),
            "command_lines": scan["command_lines"],
            "tool_versions": [list(item) for item in _object(scan, "tool_versions").items()],
            "legacyscan_version": scan["legacyscan_version"],
            "silent_addresses": _count(scan, "silent_addresses"),
            "errors": scan.get("errors", []),
            "second_pass": scan.get("second_pass", []),
        },
    )


#: Schema 2 records: (text key, message key, a key only that record has).  The message
#: is None when the record was made without one, and a verdict's text could say more than
#: its message (the reason of a known gap): the text is the sentence then.
_SCHEMA_2_SENTENCES = (
    ("reason", "reason_message", "status"),  # Lifecycle
    ("explanation", "message", "points"),  # RiskFactor
    ("explanation", "message", "risk_reduction"),  # PlanAction
    ("method", "method_message", "budget"),  # Plan
    ("evidence", "evidence_message", "clinical"),  # Exposure
)


def _sentences_once(data: Any) -> Any:
    """A schema 2 record with one message per sentence, as the records now hold it."""
    if isinstance(data, list):
        return [_sentences_once(v) for v in data]
    if not isinstance(data, dict):
        return data
    data = {k: _sentences_once(v) for k, v in data.items()}
    for text_key, message_key, marker in _SCHEMA_2_SENTENCES:
        if marker in data and isinstance(data.get(text_key), str):
            said = data.pop(message_key, None)  # (the codec reads a text as its words)
            if said is not None and plain(from_data(Message, said)) == data[text_key]:
                data[text_key] = said
    return data


def read_scan(path: Path) -> StoredScan:
    """The one reader of scan.json: schema and types checked, any problem one line."""
    try:
        size = path.stat().st_size
        if not path.is_file():  # a FIFO or a device would block or never end
            raise ScanJsonError(f"{path}: not a regular file (give the scan.json of a scan)")
        if size > MAX_SCAN_JSON_BYTES:
            raise ScanJsonError(f"{path}: larger than {MAX_SCAN_JSON_BYTES >> 30} GiB")
        raw = path.read_bytes()
    except OSError as exc:
        raise ScanJsonError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ScanJsonError(f"{path}: not JSON ({str(exc)[:120]})") from None
    if not isinstance(data, dict) or "schema" not in data:
        raise ScanJsonError(f"{path}: not a legacyscan scan.json (no 'schema')")
    schema = data["schema"]
    if schema not in READABLE_SCHEMAS or isinstance(schema, bool):
        raise ScanJsonError(
            f"{path}: scan.json schema {str(schema)[:20]!r} is not one this version reads "
            f"({', '.join(map(str, READABLE_SCHEMAS))})"
        )
    try:
        _no_lone_surrogate(data, raw)
        meta = _meta(data)
        devices = data["devices"]
        if not isinstance(devices, list):
            raise TypeError("'devices' must be a list")
        hosts = tuple(host_from_dict(d["address"], d.get("mac"), d["observed"]) for d in devices)
        record = data.get("record")
        if record is not None and schema == 2:
            record = _sentences_once(record)
        assessment = None if record is None else from_data(Assessment, record)
        trend = None if data.get("trend") is None else from_data(Trend, data["trend"])
        mapping = _mapping(data, path)
    except UserError as exc:
        raise ScanJsonError(f"{path}: {exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)[:160]
        raise ScanJsonError(f"{path}: not a valid legacyscan scan.json ({what})") from None
    return StoredScan(meta, hosts, assessment, mapping, trend)


def load_scan_json(path: Path) -> tuple[ScanMeta, tuple[Host, ...]]:
    """The metadata and raw observations of a stored scan, ready to be assessed again."""
    stored = read_scan(path)
    return stored.meta, stored.hosts
