"""End-of-life lookups: dated, sourced records and a status relative to an as-of date.

Records live in ``fingerprints/eol/*.yaml``.  A record is one product cycle; an
identity's version picks its cycle through the record's ``versions`` regex.  The
status is computed for an explicit as-of date so that a verdict is reproducible
whatever the calendar says:

* ``supported``: on or before the end of security support;
* ``extended``: past it, but a paid extension is still on sale;
* ``eol``: past the end of security support and of any paid extension;
* ``unknown``: no record, no version, editions whose ends differ around the
  as-of date, or an upstream version past its end that distributions may still
  patch (``backports``).  Unknown is an honest answer and never shown as supported.

The database is the bundled records plus the user's overlay (records imported from
an endoflife.date dump and CISA KEV marks, see ``eol_import`` and ``kev``), read from
``paths.user_data_dir()``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_yaml
from legacyscan.lifecycle.components import Components, FollowRule
from legacyscan.lifecycle.hardware import HardwareDatabase, hardware_identity, hardware_lifecycle
from legacyscan.messages import Term, message, plain
from legacyscan.model import (
    AssessedDevice,
    AssessedIdentity,
    EolRecord,
    IdentifiedDevice,
    Identity,
    Lifecycle,
    Message,
)
from legacyscan.paths import fingerprints_dir, user_data_dir


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
        no_end_announced=bool(raw.get("no_end_announced", False)),
        source=source,
        checked=checked,
        note=str(raw.get("note", "")),
        backports=bool(raw.get("backports", False)),
        examples=tuple(str(e) for e in examples),
    )
    _check_order(record, where)
    return record


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


def status_on(record: EolRecord, as_of: dt.date) -> Lifecycle:
    """The lifecycle verdict of one record on one date, with the reason in words."""

    def verdict(status: str, reason: Message) -> Lifecycle:
        return Lifecycle(
            status=status,  # type: ignore[arg-type]
            cycle=record.cycle,
            eol_date=record.security_end,
            extended_end=record.extended_end,
            source=record.source,
            checked=record.checked,
            reason=plain(reason),
            reason_message=reason,
        )

    end = record.security_end
    if end is None and not record.no_end_announced:
        return verdict(
            "unknown",
            message("lifecycle.no_date", product=record.product, cycle=record.cycle),
        )
    if end is None:
        if record.backports:
            return verdict(
                "unknown",
                message("lifecycle.no_end_backports"),
            )
        return verdict("supported", message("lifecycle.no_end"))
    if as_of <= end:
        return verdict("supported", message("lifecycle.supported_until", end=end))
    latest = record.security_end_latest
    if latest is not None and as_of <= latest:
        return verdict(
            "unknown",
            message("lifecycle.editions_differ", end=end, latest=latest),
        )
    if record.extended_end is not None and as_of <= record.extended_end:
        return verdict(
            "extended",
            message("lifecycle.extended", end=end, extended=record.extended_end),
        )
    if record.backports:
        return verdict(
            "unknown",
            message("lifecycle.backports_ended", end=end),
        )
    return verdict("eol", message("lifecycle.eol", end=end))


def _unknown(why: Message) -> Lifecycle:
    return Lifecycle(status="unknown", reason=plain(why), reason_message=why)


def _texts(names: list[str]) -> list[Message]:
    """Product names (never translated) as a list a sentence joins with "or" or commas."""
    return [message("text", text=name) for name in names]


@dataclass(frozen=True)
class EolDatabase:
    records: tuple[EolRecord, ...]
    #: (vendor, product) -> CVE ids in CISA's KEV catalog (product-level, not per version).
    known_exploited: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    #: hardware models with their last date of support (fingerprints/eol-hardware).
    hardware: HardwareDatabase = field(default_factory=lambda: HardwareDatabase(()))
    #: what components without a lifecycle of their own follow (fingerprints/eol-components).
    components: Components = field(default_factory=Components)

    @classmethod
    def load(cls, folder: Path | None = None, overlay: Path | None = None) -> EolDatabase:
        """The user's overlay (``overlay`` folder, by default ``user_data_dir()``), then the
        bundled records; KEV marks saved in the overlay are attached; hardware records and
        the component rules come from beside the records' folder."""
        overlay = overlay if overlay is not None else user_data_dir()
        records = load_records(folder)
        extra = overlay / OVERLAY_RECORDS
        if extra.is_file():
            # First, so that a fresher import wins over a bundled aggregator record (the
            # import drops cycles that a vendor-sourced bundled record covers).
            records = load_file(extra) + records
        marks_file = overlay / OVERLAY_KEV
        marks = load_kev_marks(marks_file) if marks_file.is_file() else {}
        base = (folder.parent if folder is not None else None) or fingerprints_dir()
        hardware = HardwareDatabase.load(base / "eol-hardware")
        return cls(records, marks, hardware, Components.load(base))

    def with_kev(self, marks: Mapping[tuple[str, str], tuple[str, ...]]) -> EolDatabase:
        return replace(self, known_exploited=dict(marks))

    def products(self) -> tuple[tuple[str, str], ...]:
        """Every (vendor, product) with at least one record, in file order."""
        return tuple(self._by_product)

    def records_of(self, vendor: str, product: str) -> tuple[EolRecord, ...]:
        return self._by_product.get((vendor, product), ())

    @cached_property
    def _by_product(self) -> dict[tuple[str, str], tuple[EolRecord, ...]]:
        index: dict[tuple[str, str], list[EolRecord]] = {}
        for record in self.records:
            index.setdefault((record.vendor, record.product), []).append(record)
        return {key: tuple(value) for key, value in index.items()}

    def find(self, vendor: str, product: str, version: str | None) -> EolRecord | None:
        """The first record of this product whose ``versions`` pattern matches."""
        for record in self._by_product.get((vendor, product), ()):
            if record.versions is None or (
                version is not None and re.search(record.versions, version)
            ):
                return record
        return None

    def lifecycle(self, identity: Identity, as_of: dt.date) -> Lifecycle:
        verdict = self._lifecycle(identity, as_of)
        kev = self.known_exploited.get((identity.vendor, identity.product), ())
        return replace(verdict, known_exploited=kev) if kev else verdict

    def _lifecycle(self, identity: Identity, as_of: dt.date) -> Lifecycle:
        if identity.alternatives:
            return self._either(identity, as_of)
        record = self.find(identity.vendor, identity.product, identity.version)
        if record is None:
            known = (identity.vendor, identity.product) in self._by_product
            if not known:
                why = message("lifecycle.no_record")
            elif identity.version is None:
                why = message("lifecycle.no_version")
            else:
                why = message("lifecycle.no_record_version", version=identity.version)
            return _unknown(why)
        return status_on(record, as_of)

    def _either(self, identity: Identity, as_of: dt.date) -> Lifecycle:
        """The verdict of an identity that may be one of several products.

        Every candidate with a record is judged; one without (Windows XP Embedded) can only
        keep the verdict from being ``supported``.  When they all agree, that is the
        verdict (dated by the candidate whose support ends first).  When all are past
        their security support but only some can still buy an extension, the verdict is
        ``eol``: nothing observed shows that the paid extension applies.  Any other
        disagreement (one supported, another not) is ``unknown``, with every candidate's
        verdict in the reason, so that the observation never makes an ended system look
        supported nor the reverse.
        """
        options = [(identity.vendor, identity.product, identity.version)] + [
            (alt.vendor, alt.product, alt.version) for alt in identity.alternatives
        ]
        judged: list[tuple[str, Lifecycle]] = []
        unrecorded: list[str] = []
        for vendor, product, version in options:
            full = product if product.startswith(vendor) else f"{vendor} {product}"
            name = f"{full} {version or ''}".strip()
            record = self.find(vendor, product, version)
            if record is None:
                # a candidate product that never had this release (CentOS Linux 9) or that
                # we hold no record for: named in the reason, not judged
                unrecorded.append(name)
                continue
            judged.append((name, status_on(record, as_of)))
        names = _texts([name for name, _ in judged] or unrecorded)
        if not judged:
            return _unknown(message("lifecycle.either_no_record", names=names))
        statuses = {life.status for _, life in judged}
        never = dt.date.max
        earliest = min(judged, key=lambda item: item[1].eol_date or never)[1]
        detail = [
            message(
                "lifecycle.candidate",
                name=name,
                status=Term(life.status),
                reason=life.reason_message or message("text", text=life.reason),
            )
            for name, life in judged
        ]
        if unrecorded:
            detail.append(message("lifecycle.not_recorded", names=_texts(unrecorded)))
        if unrecorded and statuses & {"supported", "unknown"}:
            # a candidate we hold no dates for may have ended: never call it supported
            why = message("lifecycle.may_also_be", names=_texts(unrecorded), detail=detail)
            return replace(
                _unknown(why),
                cycle=" / ".join(name for name, _ in judged),
                source=earliest.source,
                checked=earliest.checked,
            )
        if len(statuses) == 1:
            why = message(
                "lifecycle.either_all", names=names, status=Term(earliest.status), detail=detail
            )
            return replace(earliest, reason=plain(why), reason_message=why)
        if statuses <= {"eol", "extended"}:
            ended = next(life for _, life in judged if life.status == "eol")
            why = message("lifecycle.either_some_extension", names=names, detail=detail)
            return replace(ended, reason=plain(why), reason_message=why)
        why = message("lifecycle.either_differ", names=names, detail=detail)
        return replace(
            _unknown(why),
            cycle=" / ".join(name for name, _ in judged),
            source=earliest.source,
            checked=earliest.checked,
        )

    def assess(self, device: IdentifiedDevice, as_of: dt.date) -> AssessedDevice:
        """Every identity's verdict, components following their platform, and the
        hardware's own verdict when its model has a record."""
        judged = [
            AssessedIdentity(identity, self.lifecycle(identity, as_of))
            for identity in device.identities
        ]
        judged = [self._component(item, judged, as_of) for item in judged]
        match = self.hardware.match(device.host)
        if match is not None:
            judged.append(
                AssessedIdentity(hardware_identity(match), hardware_lifecycle(match.record, as_of))
            )
        return AssessedDevice(device=device, identities=tuple(judged))

    def _component(
        self, item: AssessedIdentity, judged: list[AssessedIdentity], as_of: dt.date
    ) -> AssessedIdentity:
        """A component whose own record gives no verdict, judged by what it follows."""
        identity, verdict = item.identity, item.lifecycle
        if verdict.status != "unknown" or identity.alternatives:
            return item
        components = self.components
        rule = components.follow_rule(identity)
        if rule is not None:
            return AssessedIdentity(identity, self._follow_platform(identity, rule, judged))
        if not components.is_distribution_product(identity):
            return item
        distribution = next((j for j in judged if components.is_distribution(j.identity)), None)
        marker = components.marker(identity)
        name = _name(identity)
        if distribution is not None:
            platform = distribution.lifecycle
            why = message(
                "lifecycle.distribution_build",
                component=name,
                platform=_name(distribution.identity),
                reason=_reason(platform),
            )
            return AssessedIdentity(
                identity, replace(platform, reason=plain(why), reason_message=why)
            )
        if marker is not None:
            why = message("lifecycle.distribution_not_seen", component=name, marker=marker)
            return AssessedIdentity(
                identity, replace(verdict, reason=plain(why), reason_message=why)
            )
        return AssessedIdentity(identity, self._upstream(identity, verdict, as_of))

    def _follow_platform(
        self, identity: Identity, rule: FollowRule, judged: list[AssessedIdentity]
    ) -> Lifecycle:
        platform = next(
            (j for j in judged if j.identity.kind == "os" and rule.platform_matches(j.identity)),
            None,
        )
        name = _name(identity)
        if platform is None:
            why = message(
                "lifecycle.platform_not_seen", component=name, vendor=rule.platform_vendor
            )
            return replace(_unknown(why), source=rule.source, checked=rule.checked)
        why = message(
            "lifecycle.follows",
            component=name,
            platform=_name(platform.identity),
            reason=_reason(platform.lifecycle),
        )
        return replace(platform.lifecycle, reason=plain(why), reason_message=why)

    def _upstream(self, identity: Identity, verdict: Lifecycle, as_of: dt.date) -> Lifecycle:
        """An upstream build: its record without the distributions' caveat, or, for an
        upstream that fixes only its newest release, superseded by the next release."""
        name = _name(identity)
        record = self.find(identity.vendor, identity.product, identity.version)
        if record is not None and record.backports:
            upstream = status_on(replace(record, backports=False), as_of)
            why = message("lifecycle.upstream_build", reason=_reason(upstream))
            return replace(upstream, reason=plain(why), reason_message=why)
        history = self.components.histories.get((identity.vendor, identity.product))
        if history is None or identity.version is None:
            return verdict
        if not history.knows(identity.version):
            return verdict
        successor = history.successor(identity.version)
        if successor is None:
            why = message("lifecycle.newest_release", component=name, checked=history.checked)
            judged = history.judge_unmarked and as_of <= history.checked
            status = "supported" if judged else "unknown"
            return Lifecycle(
                status=status,  # type: ignore[arg-type]
                cycle=identity.version,
                source=history.source,
                checked=history.checked,
                reason=plain(why),
                reason_message=why,
            )
        following, released = successor
        if not history.judge_unmarked:
            why = message(
                "lifecycle.superseded_vendor_unknown",
                component=name,
                following=following,
                end=released,
            )
            return replace(
                _unknown(why),
                cycle=identity.version,
                source=history.source,
                checked=history.checked,
            )
        why = message("lifecycle.superseded", component=name, following=following, end=released)
        status = "supported" if as_of < released else "eol"
        return Lifecycle(
            status=status,  # type: ignore[arg-type]
            cycle=identity.version,
            eol_date=released,
            source=history.source,
            checked=history.checked,
            reason=plain(why),
            reason_message=why,
        )


def _name(identity: Identity) -> str:
    full = (
        identity.product
        if identity.product.startswith(identity.vendor)
        else f"{identity.vendor} {identity.product}"
    )
    return f"{full} {identity.version or ''}".strip()


def _reason(verdict: Lifecycle) -> Message:
    return verdict.reason_message or message("text", text=verdict.reason)
