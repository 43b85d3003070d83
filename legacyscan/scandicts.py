"""The device and record dicts of scan.json and of the exports, in the documented keys.

``scanfile`` writes them into scan.json (docs/scan-json.md); ``report/formats`` and
``identify --format json`` reuse them.  Kept apart from the reader and the writer so that
each module stays small.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from legacyscan.codec import to_data
from legacyscan.identify.observe import oui_organisation
from legacyscan.messages import to_data as message_to_data
from legacyscan.model import AssessedDevice, Host, Message
from legacyscan.topology.network import segment_of


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


_MESSAGE_FIELDS = frozenset({"message", "reason_message", "evidence_message", "method_message"})


def record_to_dict(record: Any) -> Any:
    """``asdict`` for the exports: a message becomes ``{"key", "args"}`` (docs/scan-json.md),
    an absent one is left out, so that records made without messages export as before."""
    if isinstance(record, Message):
        return message_to_data(record)
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        result = {}
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            if value is None and f.name in _MESSAGE_FIELDS:
                continue
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
            {**to_data(sighting), "evidence": sighting.evidence} for sighting in ident.host.seen_by
        ],
        "device_class": ident.device_class,
        "device_type": ident.device_type,
        "class_confidence": ident.class_confidence,
        "class_signals": [to_data(s) for s in ident.class_signals],
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
                    {k: v for k, v in to_data(e).items() if k != "port" or v is not None}
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
                    "reason": a.lifecycle.reason,
                    **(
                        {"reason_message": message_to_data(a.lifecycle.reason_message)}
                        if a.lifecycle.reason_message
                        else {}
                    ),
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
        "reason": deciding.lifecycle.reason,
    }


def host_to_dict(host: Host) -> dict[str, Any]:
    data: dict[str, Any] = to_data(host)
    data.pop("address")
    data.pop("mac")
    return data
