"""The data the report's script draws from: devices, segments and reach, compact.

A 20,000-device network must fit in a page a browser opens quickly, so the repeated
parts (identities with their lifecycle, risk factors, class signals: the same few
hundred values across thousands of devices) are stored once in ``objs`` and referred
to by index.  Keys are short for the same reason; ``reports/report.js`` reads them.
Every string here is data, never markup: the script writes it with ``textContent``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import asdict, fields, is_dataclass
from functools import cache, partial
from types import NoneType
from typing import Any

from legacyscan.identify.registry import read_registry, snmp_registrant
from legacyscan.messages import message
from legacyscan.model import AssessedIdentity, Host, Message, RiskFactor, Sighting
from legacyscan.report.i18n import LANGUAGES, Language, catalogue
from legacyscan.report.view import ReportView, Sentence


class _Interner:
    """Stores each distinct value once and hands back its index.

    Keyed by the frozen record it was made from (hashable, and far cheaper to hash
    than the value's JSON), so that 20,000 copies of "Windows 7, end of support"
    cost one dictionary lookup each.
    """

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[Hashable, int] = {}
        #: by identity first: a fleet's devices share their records, and hashing a
        #: record hashes every field inside it again
        self._same: dict[int, tuple[Hashable, int]] = {}

    def __call__(self, key: Hashable, make: Callable[[], Any] | None = None) -> int:
        same = self._same.get(id(key))
        if same is not None and same[0] is key:
            return same[1]
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(self.values)
            self.values.append(make() if make else key)
        self._same[id(key)] = (key, found)  # the key kept, so that its id stays its own
        return found


def _compact(value: Any) -> Any:
    """Drop empty fields (None, "", [], {}) so that absent data costs nothing."""
    if isinstance(value, dict):
        kept = {k: _compact(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _record(record: Any) -> Any:
    return _compact(asdict(record))


def _words(message: Message) -> dict[str, str]:
    """A model's sentence in every language of the page (``{"fr": ..., "en": ...}``)."""
    return {code: _language(code).msg(message) for code in LANGUAGES}


@cache
def _language(code: str) -> Language:
    return Language.load(code)


def _factor(factor: RiskFactor) -> dict[str, Any]:
    return {
        "name": factor.name,
        "points": factor.points,
        "x": _words(factor.explanation),
    }


def _identity(item: AssessedIdentity) -> dict[str, Any]:
    i, life = item.identity, item.lifecycle
    compact: dict[str, Any] = _compact(
        {
            "k": i.kind,
            "v": i.vendor,
            "p": i.product,
            "ver": i.version,
            "cpe": i.cpe,
            "conf": i.confidence,
            "e": [
                {"s": e.source, "f": e.field, "val": e.value, "r": e.rule, "port": e.port}
                for e in i.evidence
            ],
            "l": {
                "st": life.status,
                "cy": life.cycle,
                "eol": life.eol_date.isoformat() if life.eol_date else None,
                "ext": life.extended_end.isoformat() if life.extended_end else None,
                "src": life.source,
                "chk": life.checked.isoformat() if life.checked else None,
                "why": _words(life.reason),
                "kev": list(life.known_exploited),
            },
        }
    )
    return compact


def _observed(host: Host, shared: dict[int, Any]) -> dict[str, Any]:
    """``_compact(to_data(host))`` in one walk: the raw observations of every device.
    ``shared``: the records hosts share (a fleet's services, the same objects), each
    compacted once for the page, the result shared (and never changed)."""
    compact: dict[str, Any] = _compact_record(host, shared)
    return compact


_EMPTY: tuple[Any, ...] = (None, "", [], {})


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_SCALARS = frozenset({str, int, float, bool, NoneType})


def _compact_record(value: Any, shared: dict[int, Any]) -> Any:
    if isinstance(value, str | int | float | NoneType):
        return value
    if isinstance(value, tuple | list):
        return [v if type(v) in _SCALARS else _compact_record(v, shared) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        kept = {}
        for name in _names(type(value)):
            item = getattr(value, name)
            kind = type(item)
            if kind is str:  # the common case first: a field of text
                if item:
                    kept[name] = item
            elif kind in _SCALARS:
                if item is not None:
                    kept[name] = item
            else:
                known = shared.get(id(item))
                if known is not None and known[0] is item:
                    item = known[1]
                else:
                    made = _compact_record(item, shared)
                    if len(shared) >= 50_000:
                        shared.clear()  # bounded: what is not shared would only fill it
                    shared[id(item)] = (item, made)  # the record kept: its id stays its own
                    item = made
                if item not in _EMPTY:
                    kept[name] = item
        return kept
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sighting(seen: Sighting) -> dict[str, str]:
    """Where another device saw a device, in every language of the page."""
    port = seen.port or "?"
    if seen.table == "arp":
        why = message("sighting.arp", agent=seen.agent, port=port)
    elif seen.vlan is not None:
        why = message("sighting.forwarding_vlan", agent=seen.agent, port=port, vlan=str(seen.vlan))
    else:
        why = message("sighting.forwarding", agent=seen.agent, port=port)
    return _words(why)


def page_data(view: ReportView, lang: str) -> dict[str, Any]:
    intern = _Interner()
    strings = _Interner()  # evidence sentences of the reach pairs
    target_sets = _Interner()  # the clinical devices one legacy device reaches, per evidence
    segment_index = {s.segment.name: n for n, s in enumerate(view.segments)}
    observed: dict[int, Any] = {}  # the records hosts share, compacted once
    registry = read_registry()  # IANA's registrants, read once for every device
    devices = []
    for row in view.rows:
        device = row.device
        ident = device.device
        entry: dict[str, Any] = {
            "a": row.address,
            "g": segment_index.get(row.segment or "", -1),
            "c": ident.device_class,
            "t": ident.device_type,
            "cc": round(ident.class_confidence, 2),
            "s": device.worst_status,
            "id": [intern(a, partial(_identity, a)) for a in device.identities],
            "m": row.main_identity,
            "eol": row.eol_date.isoformat() if row.eol_date else None,
            "o": _observed(ident.host, observed),
            "sig": [intern(s, partial(_record, s)) for s in ident.class_signals],
            "cf": list(ident.class_conflicts),
            "kev": list(row.known_exploited),
        }
        snmp = ident.host.snmp
        registrant = snmp_registrant(snmp.object_id, registry) if snmp else None
        if registrant:
            entry["rg"] = list(registrant)
        if not ident.host.scanned:  # only other devices' tables show it: never probed
            entry["ns"] = 1
            entry["sb"] = [_sighting(seen) for seen in ident.host.seen_by]
        if device.is_legacy:
            entry["lg"] = 1
        if device.is_clinical:
            entry["cl"] = 1
        if row.risk:
            entry["r"] = row.risk.score
            entry["lv"] = row.risk.level
            entry["f"] = [intern(f, partial(_factor, f)) for f in row.risk.factors]
        # "o" is compact already, and the other values are scalars or lists of them (which
        # ``_compact`` keeps as they are) but the sightings' sentences
        if "sb" in entry:
            entry["sb"] = _compact(entry["sb"])
        devices.append({k: v for k, v in entry.items() if v not in _EMPTY} | {"g": entry["g"]})
    segments = [
        _compact(
            {
                "n": s.segment.name,
                "cidr": s.segment.cidr,
                "site": s.segment.site,
                "zone": s.segment.zone,
                "origin": s.segment.origin,
                "m": list(s.members),
                "lg": s.legacy,
                "cl": s.clinical,
                "mx": 1 if s.mixed else 0,
                "r": s.risk.score if s.risk else None,
                "lv": s.risk.level if s.risk else None,
            }
        )
        # the script counts these for every segment, even one left with no device
        | {"m": list(s.members), "lg": s.legacy, "cl": s.clinical}
        for s in view.segments
    ]
    # Reach, grouped: (legacy device, evidence) -> the clinical devices it reaches.  In a flat
    # segment every legacy device reaches the same clinical set, stored once in "sets".
    groups: dict[tuple[int, Sentence], list[int]] = defaultdict(list)
    for legacy, clinical, evidence in view.reach:
        groups[(legacy, evidence)].append(clinical)
    reach: list[int] = []
    for (legacy, evidence), targets in groups.items():
        words = partial(_words, evidence.message)
        reach.extend((legacy, target_sets(tuple(sorted(targets))), strings(evidence, words)))
    js_messages = {
        code: {k: v for k, v in catalogue(code).items() if k.startswith(("js.", "term.", "date."))}
        for code in LANGUAGES
    }
    return {
        "lang": lang,
        "asOf": view.meta.as_of.isoformat(),
        "i18n": js_messages,
        "objs": intern.values,
        "d": devices,
        "segs": segments,
        "reach": reach,  # flat: legacy index, set index, evidence index, ...
        "sets": [list(t) for t in target_sets.values],
        "ev": strings.values,
    }
