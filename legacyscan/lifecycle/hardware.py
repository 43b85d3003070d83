"""Hardware lifecycle: a device's model, found by sysObjectID or model name, and its dates.

Records live in ``fingerprints/eol-hardware/*.yaml`` (format: ``fingerprints/README.md``).
A model past its last date of support gets no more fixes, whatever software it runs, so
the device verdict (``device_verdict``) weighs the hardware beside each identity's
software verdict and says which of them decided.

Matching order, most specific first: the exact sysObjectID of the agent; then the model
names the agent reports for its chassis (ENTITY-MIB entPhysicalModelName of chassis rows,
falling back to every row when no row is marked chassis); records are tried in file order,
so a vendor file lists specific SKUs before a family's catch-all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_yaml
from legacyscan.lifecycle.policy import Policy, PolicyDataError, policy_named
from legacyscan.messages import message
from legacyscan.model import Evidence, Host, Identity, Lifecycle
from legacyscan.paths import fingerprints_dir

#: entPhysicalClass chassis(3) (ENTITY-MIB PhysicalClass).
_CHASSIS = 3
_KEYS = frozenset(
    {
        "vendor",
        "family",
        "models",
        "sysobjectids",
        "end_of_sale",
        "last_support",
        "bulletin",
        "source",
        "checked",
        "note",
        "examples",
        "policy",
    }
)


class HardwareDataError(UserError, ValueError):
    """A hardware lifecycle file that does not follow the format; names file and record."""


@dataclass(frozen=True)
class HardwareRecord:
    vendor: str
    family: str
    models: str  # regex over model names / product IDs
    sysobjectids: tuple[str, ...]
    end_of_sale: dt.date | None
    last_support: dt.date | None
    bulletin: str | None
    source: str
    checked: dt.date
    note: str = ""
    examples: tuple[str, ...] = ()
    #: The vendor policy ``last_support`` was computed from (None: a published date).
    policy: Policy | None = None

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.models)


@dataclass(frozen=True)
class HardwareMatch:
    """The record a device's hardware matched, the value that matched and where it was read."""

    record: HardwareRecord
    model: str  # the sysObjectID or model name that matched
    via: str  # "snmp.sysObjectID" | "snmp.entPhysicalModelName"


def _date(value: Any, where: str, key: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise HardwareDataError(f"{where}: {key} is not a YYYY-MM-DD date: {value!r}") from exc


def parse_hardware(
    raw: dict[str, Any], where: str, policies: Mapping[str, Policy] | None = None
) -> HardwareRecord:
    unknown = set(raw) - _KEYS
    if unknown:
        raise HardwareDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    missing = [k for k in ("vendor", "family", "models", "source", "checked") if not raw.get(k)]
    if missing:
        raise HardwareDataError(f"{where}: missing {', '.join(missing)}")
    if not str(raw["source"]).startswith("https://"):
        raise HardwareDataError(f"{where}: source must be an https:// URL")
    try:
        re.compile(str(raw["models"]))
    except re.error as exc:
        raise HardwareDataError(f"{where}: models is not a valid regex: {exc}") from exc
    checked = _date(raw["checked"], where, "checked")
    assert checked is not None
    record = HardwareRecord(
        vendor=str(raw["vendor"]),
        family=str(raw["family"]),
        models=str(raw["models"]),
        sysobjectids=tuple(str(o) for o in raw.get("sysobjectids") or ()),
        end_of_sale=_date(raw.get("end_of_sale"), where, "end_of_sale"),
        last_support=_date(raw.get("last_support"), where, "last_support"),
        bulletin=None if raw.get("bulletin") is None else str(raw["bulletin"]),
        source=str(raw["source"]),
        checked=checked,
        note=str(raw.get("note", "")),
        examples=tuple(str(e) for e in raw.get("examples") or ()),
    )
    if record.end_of_sale and record.last_support and record.last_support < record.end_of_sale:
        raise HardwareDataError(f"{where}: last_support is before end_of_sale")
    try:
        policy = policy_named(dict(policies or {}), raw.get("policy"), "last_support", where)
    except PolicyDataError as exc:
        raise HardwareDataError(str(exc)) from exc
    if policy is not None and record.last_support is None:
        # the vendor publishes a rule, not this model's date: computed from its anchor
        anchor = getattr(record, policy.anchor, None)
        end = policy.end(anchor) if isinstance(anchor, dt.date) else None
        return replace(record, last_support=end, policy=policy)
    return record


def load_hardware(
    folder: Path | None = None, policies: Mapping[str, Policy] | None = None
) -> tuple[HardwareRecord, ...]:
    """Every record under ``fingerprints/eol-hardware``, in file-name then file order."""
    folder = folder or fingerprints_dir() / "eol-hardware"
    records: list[HardwareRecord] = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml(path, HardwareDataError, empty={})
        raws = data.get("hardware") if isinstance(data, dict) else None
        if not isinstance(raws, list):
            raise HardwareDataError(f"{path}: expected a mapping with a 'hardware' list")
        for index, raw in enumerate(raws):
            if not isinstance(raw, dict):
                raise HardwareDataError(f"{path.name} record {index + 1}: not a mapping")
            label = f"{path.name} record {index + 1} ({raw.get('family', '?')})"
            records.append(parse_hardware(raw, label, policies))
    return tuple(records)


def chassis_models(host: Host) -> tuple[str, ...]:
    """The model names an agent reports for its chassis (every row's when none is a chassis)."""
    tables = host.snmp_tables
    if tables is None:
        return ()
    rows = [e for e in tables.entities if e.model_name.strip()]
    chassis = [e for e in rows if e.physical_class == _CHASSIS]
    return tuple(dict.fromkeys(e.model_name.strip() for e in (chassis or rows)))


@dataclass(frozen=True)
class HardwareDatabase:
    records: tuple[HardwareRecord, ...]

    @classmethod
    def load(
        cls, folder: Path | None = None, policies: Mapping[str, Policy] | None = None
    ) -> HardwareDatabase:
        return cls(load_hardware(folder, policies))

    @cached_property
    def _by_oid(self) -> dict[str, HardwareRecord]:
        index: dict[str, HardwareRecord] = {}
        for record in self.records:
            for oid in record.sysobjectids:
                index.setdefault(oid, record)
        return index

    def find_model(self, model: str) -> HardwareRecord | None:
        return next((r for r in self.records if r.pattern.search(model)), None)

    def match(self, host: Host) -> HardwareMatch | None:
        oid = (host.snmp.object_id or "").strip() if host.snmp else ""
        if oid and oid in self._by_oid:
            return HardwareMatch(self._by_oid[oid], oid, "snmp.sysObjectID")
        for model in chassis_models(host):
            record = self.find_model(model)
            if record is not None:
                return HardwareMatch(record, model, "snmp.entPhysicalModelName")
        return None


def hardware_identity(match: HardwareMatch) -> Identity:
    """The hardware as an identity of the device, so that every verdict table shows it."""
    record = match.record
    return Identity(
        kind="hardware",
        vendor=record.vendor,
        product=record.family,
        version=match.model,
        cpe=None,
        # an exact sysObjectID is the vendor's own product registration; a model name is
        # matched by a pattern
        confidence=0.9 if match.via == "snmp.sysObjectID" else 0.85,
        evidence=(
            Evidence(
                source="snmp",
                field=match.via,
                value=match.model,
                rule=f"eol-hardware:{record.vendor}:{record.family}",
            ),
        ),
    )


def hardware_lifecycle(record: HardwareRecord, as_of: dt.date) -> Lifecycle:
    """The verdict of one hardware record on one date: past its last date of support the
    model gets no fix, whatever its software."""
    end = record.last_support
    policy = record.policy
    if end is None and policy is not None:
        why = message(
            "lifecycle.policy_no_end_of_sale",
            vendor=policy.vendor,
            statement=policy.statement,
            source=policy.source,
            name=record.family,
        )
        status = "unknown"
    elif end is None:
        why = message("lifecycle.hardware_no_date", family=record.family)
        status = "unknown"
    elif as_of <= end:
        why = message("lifecycle.hardware_supported", family=record.family, end=end)
        status = "supported"
    elif record.bulletin:
        why = message(
            "lifecycle.hardware_eol_bulletin",
            family=record.family,
            end=end,
            bulletin=record.bulletin,
        )
        status = "eol"
    else:
        why = message("lifecycle.hardware_eol", family=record.family, end=end)
        status = "eol"
    if end is not None and policy is not None:
        why = message(
            "lifecycle.by_policy",
            reason=why,
            vendor=policy.vendor,
            statement=policy.statement,
            source=policy.source,
        )
    return Lifecycle(
        status=status,  # type: ignore[arg-type]
        cycle=record.family,
        eol_date=end,
        source=record.source,
        checked=record.checked,
        reason=why,
        end_of_sale=record.end_of_sale,
        last_support=end,
        policy=policy.source if policy else None,
    )
