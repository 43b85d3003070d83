"""The device and record dicts of scan.json and of the exports, in the documented keys.

``scanfile`` writes them into scan.json (docs/scan-json.md); ``report/formats`` and
``identify --format json`` reuse them.  Kept apart from the reader and the writer so that
each module stays small.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from functools import lru_cache
from typing import Any

from legacyscan.codec import fields_data, to_data
from legacyscan.identify.observe import oui_organisation
from legacyscan.messages import plain
from legacyscan.messages import to_data as message_to_data
from legacyscan.model import AssessedDevice, AssessedIdentity, Host, Message
from legacyscan.topology.network import segment_of


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


#: A record's sentence is exported twice for readers of the file: in plain English under
#: its own name and as ``{"key", "args"}`` under this one (docs/scan-json.md).
_MESSAGE_KEYS = {"explanation": "message", "reason": "reason_message", "method": "method_message"}


def message_fields(name: str, value: Message) -> dict[str, Any]:
    """A record's sentence as the exports show it: its text and its message."""
    text, data = _said(value)
    return {name: text, _MESSAGE_KEYS.get(name, f"{name}_message"): data}


@lru_cache(maxsize=8192)
def _said(value: Message) -> tuple[str, Any]:
    # 100,000 devices say a few hundred distinct sentences: each rendered once (the
    # dict is shared by the devices that say it, and written, never changed)
    return plain(value), message_to_data(value)


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def record_to_dict(record: Any) -> Any:
    """``asdict`` for the exports; a sentence as ``message_fields`` writes it."""
    kind = type(record)
    if kind in _SCALARS:
        return record
    if isinstance(record, Message):
        return message_to_data(record)
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(record) and not isinstance(record, type):
        # the names once per class: ``dataclasses.fields`` for every record is slow
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(record))
    if names is not None:
        result = {}
        for name in names:
            value = getattr(record, name)
            if type(value) in _SCALARS:
                result[name] = value
            elif isinstance(value, Message):
                result.update(message_fields(name, value))
            else:
                result[name] = record_to_dict(value)
        return result
    if isinstance(record, tuple | list):
        return [record_to_dict(v) for v in record]
    if isinstance(record, dt.date):
        return record.isoformat()
    return record


def device_to_dict(device: AssessedDevice, shared: dict[int, Any] | None = None) -> dict[str, Any]:
    """One device of scan.json (docs/scan-json.md).  ``shared``: as in ``codec.to_data``,
    a dict kept for one document, in which a fleet's common parts are converted once."""
    ident = device.device
    memo: dict[int, Any] = {} if shared is None else shared
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
        "class_signals": to_data(ident.class_signals, False, shared),
        "class_conflicts": list(ident.class_conflicts),
        "legacy": device.is_legacy,
        "lifecycle_status": device.worst_status,
        # which verdict made the device's status: its hardware, its OS or an application
        "lifecycle_decided_by": _decided_by(device),
        "segment": segment_of(device.address),
        "identities": [_identity(a, memo) for a in device.identities],
        "observed": host_to_dict(ident.host, memo),
    }


def _identity(a: AssessedIdentity, shared: dict[int, Any]) -> dict[str, Any]:
    known = shared.get(id(a))
    if known is not None and known[0] is a:
        made: dict[str, Any] = known[1]
        return made
    made = {
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
            **message_fields("reason", a.lifecycle.reason),
        },
    }
    if len(shared) >= 50_000:
        shared.clear()  # bounded, as in codec.to_data
    shared[id(a)] = (a, made)  # the record kept, so that its id stays its own
    return made


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


def host_to_dict(host: Host, shared: dict[int, Any] | None = None) -> dict[str, Any]:
    """A device's ``observed``: its host but the address and mac (the device's own keys);
    with ``shared``, the records hosts share (a fleet's services) converted once."""
    return fields_data(host, False, shared, without=("address", "mac"))


class SharedEncoder:
    """JSON text of one device of scan.json (``json.dumps``'s very text), in which the
    parts a fleet's devices share -- the same dict or list: an identity with its verdict,
    a risk, a fleet's services -- are encoded once.

    A device is walked three containers deep (a dict or a list of them); below that, and
    for every run of other values, the C encoder writes the part in one call.  The parts
    are the converters' (``device_to_dict``, ``codec.to_data`` with ``shared``), never
    changed once made; each text is kept with its part, so that the part's id stays its
    own, and the cache is bounded.
    """

    #: containers this deep are encoded whole
    DEPTH = 3
    #: texts kept at most; what is not shared would only fill it
    KEPT = 4096

    def __init__(self) -> None:
        self.encode = json.JSONEncoder(ensure_ascii=False).encode
        self.known: dict[int, tuple[Any, str]] = {}

    def __call__(self, value: Any) -> str:
        if type(value) is dict:
            return self._parts(value, 0)
        return self.encode(value)

    def _text(self, value: dict[str, Any] | list[Any], depth: int) -> str:
        known = self.known.get(id(value))
        if known is not None and known[0] is value:
            text: str = known[1]
            return text
        if depth >= self.DEPTH:
            text = self.encode(value)
        elif type(value) is dict:
            text = self._parts(value, depth)
        else:
            text = "[" + ", ".join([self._item(v, depth + 1) for v in value]) + "]"
        if len(self.known) >= self.KEPT:
            self.known.clear()
        self.known[id(value)] = (value, text)
        return text

    def _item(self, value: Any, depth: int) -> str:
        kind = type(value)
        if (kind is dict or kind is list) and value:
            return self._text(value, depth)
        return self.encode(value)

    def _parts(self, value: dict[str, Any], depth: int) -> str:
        encode = self.encode
        parts: list[str] = []
        run: dict[str, Any] = {}  # values written by one call of the C encoder
        for key, item in value.items():
            if type(key) is not str:
                return encode(value)  # json's own text for other keys (23 -> "23")
            kind = type(item)
            if item and (kind is dict or (kind is list and type(item[0]) in (dict, list))):
                if run:
                    parts.append(encode(run)[1:-1])
                    run = {}
                parts.append(f"{encode(key)}: {self._text(item, depth + 1)}")
            else:
                run[key] = item
        if run:
            parts.append(encode(run)[1:-1])
        return "{" + ", ".join(parts) + "}"
