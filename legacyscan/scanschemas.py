"""What the one reader of scan.json (``scanfile.read_scan``) does to the parts each schema
stores its own way, before the records are rebuilt and checked.

Schema 2 records said each sentence twice; schema 4 stores each host once (in ``devices``)
and schema 5 each device's risk once (its ``risk`` in ``devices``): the reader puts them
back where the records hold them.  Kept apart from ``scanfile`` so that each stays small.
"""

from __future__ import annotations

from typing import Any

from legacyscan.codec import from_data
from legacyscan.messages import plain
from legacyscan.model import Message


def json_type(value: object) -> str:
    names = {list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


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


def sentences_once(data: Any) -> Any:
    """A schema 2 record with one message per sentence, as the records now hold it."""
    if isinstance(data, list):
        return [sentences_once(v) for v in data]
    if not isinstance(data, dict):
        return data
    data = {k: sentences_once(v) for k, v in data.items()}
    for text_key, message_key, marker in _SCHEMA_2_SENTENCES:
        if marker in data and isinstance(data.get(text_key), str):
            said = data.pop(message_key, None)  # (the codec reads a text as its words)
            if said is not None and plain(from_data(Message, said)) == data[text_key]:
                data[text_key] = said
    return data


def with_hosts(record: Any, devices: list[Any]) -> dict[str, Any]:
    """A schema 4 ``record`` with each device's host put back from ``devices``."""
    if not isinstance(record, dict):
        raise TypeError("'record' must be an object")
    recorded = record.get("devices")
    if not isinstance(recorded, list) or len(recorded) != len(devices):
        raise ValueError("'record.devices' must list the same devices as 'devices'")
    again = []
    for entry, device in zip(recorded, devices, strict=True):
        if not isinstance(entry, dict) or not isinstance(entry.get("device"), dict):
            raise TypeError("'record.devices' must hold objects with a 'device'")
        host = {**device["observed"], "address": device["address"], "mac": device.get("mac")}
        again.append({**entry, "device": {**entry["device"], "host": host}})
    return {**record, "devices": again}


def _message_back(data: Any) -> dict[str, Any]:
    """A sentence as the exports write it (``messages.to_data``: ``{"key", "args": {name:
    value}}``) in the form of the records (``codec``), whose reader checks every type."""
    if not isinstance(data, dict) or not isinstance(data.get("args"), dict):
        raise TypeError("a message must be an object with 'key' and 'args' (an object)")
    args = []
    for name, value in data["args"].items():
        if isinstance(value, list):
            args.append({"name": name, "messages": [_message_back(m) for m in value]})
        elif isinstance(value, dict) and len(value) == 1 and ("date" in value or "term" in value):
            args.append({"name": name, **value})
        elif isinstance(value, int | float) and not isinstance(value, bool):
            args.append({"name": name, "number": float(value)})
        elif isinstance(value, str):
            args.append({"name": name, "text": value})
        else:
            raise TypeError(f"message argument {str(name)[:40]!r}: {json_type(value)}")
    return {"key": data.get("key"), "args": args}


def with_risks(record: dict[str, Any], devices: list[Any]) -> dict[str, Any]:
    """A schema 5 ``record`` without ``risks``: each device's ``risk`` is its record."""
    if "risks" in record:
        return record  # risks that are not the devices' own, as the writer found them
    risks = []
    for device in devices:
        risk = device.get("risk") if isinstance(device, dict) else None
        if risk is None:
            continue
        if not isinstance(risk, dict) or not isinstance(risk.get("factors"), list):
            raise TypeError("a device's 'risk' must be an object with 'factors' (a list)")
        factors = []
        for factor in risk["factors"]:
            if not isinstance(factor, dict):
                raise TypeError("a risk factor must be an object")
            explained = _message_back(factor.get("message"))
            factors.append({k: factor[k] for k in ("name", "points") if k in factor})
            factors[-1]["explanation"] = explained
        risks.append({**risk, "address": device.get("address"), "factors": factors})
    return {**record, "risks": risks}
