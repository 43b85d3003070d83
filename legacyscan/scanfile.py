"""scan.json: the machine-readable result, and the way back from it.

Each device follows the schema of ``legacyscan identify --format json`` (documented
in docs/scan-json.md) and adds its segment, risk and the raw observations
(``observed``), so that ``legacyscan report`` can re-assess a stored scan with newer
knowledge or another as-of date.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from legacyscan.codec import fields_data, from_data, to_data
from legacyscan.errors import UserError
from legacyscan.files import atomic_open
from legacyscan.model import (
    AssessedDevice,
    Assessment,
    Host,
    ScanMeta,
    Trend,
)
from legacyscan.scandicts import SharedEncoder, device_to_dict, record_to_dict
from legacyscan.scanschemas import json_type, sentences_once, with_hosts, with_risks
from legacyscan.topology.mapping import SegmentMap

SCHEMA_VERSION = 5
#: Schema 1 files (no 'record') are read and judged again with the installed knowledge;
#: schema 2 records carried each sentence twice (``scanschemas`` reads them); schema 2
#: and 3 files hold every host twice (``observed`` and in ``record``), schema 4 once;
#: schema 2 to 4 hold every device's risk twice (``risk`` and ``record.risks``), schema 5
#: once (``scanschemas.with_risks``).
READABLE_SCHEMAS = (1, 2, 3, 4, 5)


def host_from_dict(address: str | None, mac: str | None, data: dict[str, Any]) -> Host:
    return from_data(Host, {**data, "address": address, "mac": mac})


class _Rows:
    """A list of a scan.json produced while it is written, one item a line: 100,000
    devices never exist at once as dicts, nor as one string.  ``shared``: its items share
    parts, which ``SharedEncoder`` encodes once (the devices)."""

    def __init__(self, items: Iterable[Any], shared: bool = False) -> None:
        self.items, self.shared = items, shared


def _materialised(value: Any) -> Any:
    if isinstance(value, _Rows):
        return [_materialised(v) for v in value.items]
    if isinstance(value, dict):
        return {k: _materialised(v) for k, v in value.items()}
    return value


def _device_entries(assessment: Assessment) -> Iterator[dict[str, Any]]:
    segments_of: dict[str, list[str]] = {}
    for segment in assessment.topology.segments:
        for member in segment.members:
            segments_of.setdefault(member, []).append(segment.name)
    risks = {r.address: r for r in assessment.risks}
    shared: dict[int, Any] = {}  # a fleet's identities, converted once
    scores: dict[tuple[Any, ...], dict[str, Any]] = {}
    for device in assessment.devices:
        entry = device_to_dict(device, shared)
        names = segments_of.get(device.address or "", [])
        entry["segment"] = names[0] if names else entry["segment"]
        entry["segments"] = names
        risk = risks.get(device.address)
        if risk is not None:
            # a fleet's devices mostly score the same, for the same reasons: one dict
            # for them all (equal records, made afresh per device), encoded once
            said = (risk.score, risk.level, risk.factors)
            made = scores.get(said)
            if made is None:
                made = {
                    "score": risk.score,
                    "level": risk.level,
                    "factors": [record_to_dict(f) for f in risk.factors],
                }
                if len(scores) >= 50_000:
                    scores.clear()  # bounded, as in codec.to_data
                scores[said] = made
            entry["risk"] = made
        yield entry


def _risks_in_devices(assessment: Assessment) -> bool:
    """Is ``record.risks`` exactly the ``risk`` of each device, in order (as ``assess``
    makes it)?  Then schema 5 writes it once, in ``devices``."""
    risks, devices = assessment.risks, assessment.devices
    return len(risks) == len(devices) and all(
        risk.address == device.address and assessment.risk_of(device.address) is risk
        for risk, device in zip(risks, devices, strict=True)
    )


def _record(assessment: Assessment) -> dict[str, Any]:
    """The records themselves (``to_data``, empty defaults left out), what ``report``
    renders; the long lists are written as they are made."""
    shared: dict[int, Any] = {}  # a fleet's devices share their identities and verdicts
    record: dict[str, Any] = {}
    for f in dataclasses.fields(assessment):
        value = getattr(assessment, f.name)
        if f.name == "risks" and _risks_in_devices(assessment):
            continue  # schema 5: each device's ``risk``, read back by ``_with_risks``
        if f.name == "devices":
            record[f.name] = _Rows((_recorded_device(d, shared) for d in value), True)
        elif isinstance(value, tuple) and len(value) > 1:
            record[f.name] = _Rows(to_data(v, True, shared) for v in value)
        else:
            record[f.name] = to_data(value, True, shared)
    return record


def _recorded_device(device: AssessedDevice, shared: dict[int, Any]) -> dict[str, Any]:
    # Schema 4: the host is the device's ``observed`` (with its address and mac) above.
    return {
        "device": fields_data(device.device, True, shared, without=("host",)),
        **fields_data(device, True, shared, without=("device",)),
    }


def _document(assessment: Assessment) -> dict[str, Any]:
    """scan.json, with its long lists as ``_Rows`` (see ``write_scan_json``)."""
    meta = assessment.meta
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
            "ai_probes": [record_to_dict(d) for d in meta.ai_probes],
        },
        "devices": _Rows(_device_entries(assessment), True),
        "segments": _Rows(asdict(s) for s in assessment.topology.segments),
        "mixed_segments": list(assessment.topology.mixed_segments),
        "exposures": _Rows(record_to_dict(e) for e in assessment.topology.exposures),
        "ai_services": [record_to_dict(f) for f in assessment.ai_services],
        **topology_and_risk_to_dict(assessment),
        "provenance": to_data(assessment.provenance),
        "record": _record(assessment),
    }


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """scan.json as one dict (``identify --format json``, tests); the file is streamed.
    A fleet's devices share the dicts of their common parts: copy before changing one."""
    data: dict[str, Any] = _materialised(_document(assessment))
    return data


def topology_and_risk_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The keys added by the topology/risk stage (docs/scan-json.md)."""
    topology = assessment.topology
    return {
        "exposure_count": topology.total_exposures,
        "reach": _Rows(
            {"address": r.address, "total": r.total, "by_kind": dict(r.counts)}
            for r in topology.reach
        ),
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


def _write_object(out: IO[str], data: dict[str, Any], indent: str, devices: SharedEncoder) -> None:
    """One key a line; a list one item a line; every item compact (the C encoder)."""
    encode = devices.encode
    out.write("{")
    for number, (key, value) in enumerate(data.items()):
        out.write(f"{',' if number else ''}\n{indent} {encode(key)}: ")
        if isinstance(value, dict) and any(isinstance(v, _Rows) for v in value.values()):
            _write_object(out, value, indent + " ", devices)
        elif isinstance(value, _Rows | list) and value:
            items = value.items if isinstance(value, _Rows) else value
            text = devices if isinstance(value, _Rows) and value.shared else encode
            out.write("[")
            first = True
            for item in items:
                out.write(f"{'' if first else ','}\n{indent}  {text(item)}")
                first = False
            out.write(f"\n{indent} ]" if not first else "]")
        else:
            out.write(encode(value))
    out.write(f"\n{indent}}}")


def write_scan_json(assessment: Assessment, path: Path) -> None:
    """Write atomically (a crash mid-write never leaves half a file behind) and as it is
    made: one device a line, so that a large scan is never held whole as text."""
    with atomic_open(path, "w") as out:
        _write_object(out, _document(assessment), "", SharedEncoder())
        out.write("\n")


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
        raise TypeError(f"'scan.{key}' must be an object, not {json_type(value)}")
    return value


def _count(scan: dict[str, Any], key: str) -> int:
    value = scan.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"'scan.{key}' must be a whole number >= 0, not {str(value)[:20]!r}")
    return value


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
            "ai_probes": scan.get("ai_probes", []),
        },
    )


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
            record = sentences_once(record)
        if record is not None and schema >= 4:
            record = with_hosts(record, devices)
        if record is not None and schema >= 5:
            record = with_risks(record, devices)
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
