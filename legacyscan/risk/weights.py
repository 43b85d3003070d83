"""The risk weights as typed records, read and checked once from ``risk.yaml``.

Every number must be finite and not negative (a ``.nan`` weight would silently drop a
factor); a missing or misshapen key is one line naming it.  ``RiskModel`` reads these
fields, never the raw mapping; the raw mapping is kept only as the assessment's record of
what was read (``Provenance.weights``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from legacyscan.errors import UserError


class RiskModelError(UserError, ValueError):
    """A risk weights file we cannot use."""


@dataclass(frozen=True)
class Capped:
    """So many points per item, at most ``max``."""

    each: float
    max: float


@dataclass(frozen=True)
class ServiceWeight:
    """Points for one risky open service, and why (a catalogue key or the file's text)."""

    points: float
    key: str
    reason: str
    tls_ok: bool = False  # no points when the service runs over TLS


@dataclass(frozen=True)
class DefaultCommunity:
    points: float
    communities: tuple[str, ...]
    key: str
    reason: str


@dataclass(frozen=True)
class BlastRadius:
    per_device: dict[str, float]  # device type or class -> points per reachable device
    life_sustaining: frozenset[str]
    max: float


@dataclass(frozen=True)
class SegmentWeights:
    per_legacy: float
    legacy_max: float
    clinical_share: float
    clinical_max: float
    mixed: float


@dataclass(frozen=True)
class NetworkWeights:
    clinical_reached: float
    clinical_segments_reached: float


@dataclass(frozen=True)
class RiskWeights:
    lifecycle: dict[str, float]  # status -> points
    years_past_eol: Capped
    known_exploited: Capped
    exposure: dict[int, ServiceWeight]  # TCP port -> weight
    snmp_default_community: DefaultCommunity | None
    exposure_max: float
    blast_radius: BlastRadius
    levels: tuple[tuple[str, float], ...]  # (level, threshold), highest threshold first
    segment: SegmentWeights
    network: NetworkWeights


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RiskModelError(f"{where}: expected a number, found {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise RiskModelError(f"{where}: expected a finite number >= 0, found {value}")
    return float(value)


def _table(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RiskModelError(f"{where}: expected a mapping")
    return data


def _get(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise RiskModelError(f"{where}: missing '{key}'")
    return data[key]


def _numbers(data: Any, where: str) -> dict[str, float]:
    return {str(k): _number(v, f"{where}.{k}") for k, v in _table(data, where).items()}


def _capped(data: Any, each: str, where: str) -> Capped:
    table = _table(data, where)
    return Capped(
        _number(_get(table, each, where), f"{where}.{each}"),
        _number(_get(table, "max", where), f"{where}.max"),
    )


def _service(port: Any, data: Any, where: str) -> tuple[int, ServiceWeight]:
    if isinstance(port, str) and port.isdigit():  # the weights as stored in scan.json
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise RiskModelError(f"{where}: {port!r} is not a TCP port")
    table = _table(data, f"{where}.{port}")
    return port, ServiceWeight(
        _number(_get(table, "points", f"{where}.{port}"), f"{where}.{port}.points"),
        str(table.get("key", "")),
        str(table.get("reason", "")),
        bool(table.get("tls_ok", False)),
    )


def parse_weights(data: dict[str, Any], origin: str) -> RiskWeights:
    """The typed weights of a ``risk.yaml`` mapping read from ``origin``."""
    w = _table(data, origin)

    def at(key: str) -> Any:
        return _get(w, key, origin)

    snmp_raw = w.get("snmp_default_community")
    snmp = None
    if snmp_raw is not None:
        table = _table(snmp_raw, f"{origin}: snmp_default_community")
        communities = table.get("communities") or []
        if not isinstance(communities, list):
            raise RiskModelError(f"{origin}: snmp_default_community.communities: a list")
        snmp = DefaultCommunity(
            _number(table.get("points"), f"{origin}: snmp_default_community.points"),
            tuple(str(c) for c in communities),
            str(table.get("key", "")),
            str(table.get("reason", "")),
        )
    blast = _table(at("blast_radius"), f"{origin}: blast_radius")
    segment = _numbers(at("segment"), f"{origin}: segment")
    network = _numbers(at("network"), f"{origin}: network")
    levels = _numbers(at("levels"), f"{origin}: levels")
    try:
        return RiskWeights(
            lifecycle=_numbers(at("lifecycle"), f"{origin}: lifecycle"),
            years_past_eol=_capped(at("years_past_eol"), "per_year", f"{origin}: years_past_eol"),
            known_exploited=_capped(at("known_exploited"), "per_cve", f"{origin}: known_exploited"),
            exposure=dict(
                _service(p, e, f"{origin}: exposure")
                for p, e in _table(at("exposure"), f"{origin}: exposure").items()
            ),
            snmp_default_community=snmp,
            exposure_max=_number(at("exposure_max"), f"{origin}: exposure_max"),
            blast_radius=BlastRadius(
                _numbers(_get(blast, "per_device", origin), f"{origin}: blast_radius.per_device"),
                frozenset(str(t) for t in blast.get("life_sustaining") or ()),
                _number(_get(blast, "max", origin), f"{origin}: blast_radius.max"),
            ),
            levels=tuple(sorted(levels.items(), key=lambda kv: -kv[1])),
            segment=SegmentWeights(**segment),
            network=NetworkWeights(**network),
        )
    except TypeError as exc:  # a key missing from, or foreign to, segment: or network:
        raise RiskModelError(f"{origin}: {exc}".replace("__init__() ", "")) from None
