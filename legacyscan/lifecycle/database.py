"""End-of-life lookups: every identity of a device judged against dated, sourced records.

``EolDatabase`` holds the bundled records (``records``) and the user's overlay (an
endoflife.date dump and CISA KEV marks: ``overlay``, ``kev``) in ``paths.user_data_dir()``,
finds an identity's record by name, version or CPE, and turns it into a verdict
(``verdicts``), hardware (``hardware``) and components that follow their platform
(``components``) included.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from legacyscan.classpolicy import ClassPolicy
from legacyscan.cpe import Cpe, CpeKey, try_parse
from legacyscan.lifecycle.components import (
    Components,
    FollowRule,
    history_verdict,
    newest_only_verdict,
)
from legacyscan.lifecycle.hardware import HardwareDatabase, hardware_identity, hardware_lifecycle
from legacyscan.lifecycle.policy import Policy, load_policies
from legacyscan.lifecycle.records import (
    OVERLAY_KEV,
    OVERLAY_RECORDS,
    load_file,
    load_gaps,
    load_kev_marks,
    load_records,
)
from legacyscan.lifecycle.verdicts import (
    apply_policies,
    as_texts,
    status_on,
    unknown_verdict,
)
from legacyscan.messages import Term, message
from legacyscan.model import (
    AssessedDevice,
    AssessedIdentity,
    EolRecord,
    IdentifiedDevice,
    Identity,
    Lifecycle,
)
from legacyscan.paths import fingerprints_dir, user_data_dir


@dataclass(frozen=True)
class EolDatabase:
    records: tuple[EolRecord, ...]
    #: (vendor, product) -> CVE ids in CISA's KEV catalog (product-level, not per version).
    known_exploited: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    #: hardware models with their last date of support (fingerprints/eol-hardware).
    hardware: HardwareDatabase = field(default_factory=lambda: HardwareDatabase(()))
    #: what components without a lifecycle of their own follow (fingerprints/eol-components).
    components: Components = field(default_factory=Components)
    #: vendor support policies records name (fingerprints/eol-policies.yaml), by id.
    policies: Mapping[str, Policy] = field(default_factory=dict)
    #: (vendor, product) -> why no record exists (lifecycle-gaps.yaml, no_lifecycle_data):
    #: an unknown verdict names what is missing.
    gaps: Mapping[tuple[str, str], str] = field(default_factory=dict)
    #: generic products a maker seen with only a device kind is named ("Camera"; classes.yaml)
    kinds: frozenset[str] = frozenset()
    #: verdicts by (identities, as-of date): a fleet of one model is judged once
    _judged: dict[Any, tuple[AssessedIdentity, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

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
        policies = load_policies(base / "eol-policies.yaml")
        records = apply_policies(records, policies)
        hardware = HardwareDatabase.load(base / "eol-hardware", policies)
        gaps = load_gaps(base / "lifecycle-gaps.yaml")
        classes = base / "classes.yaml"
        kinds = ClassPolicy.load(classes).kind_names() if classes.is_file() else frozenset()
        return cls(records, marks, hardware, Components.load(base), policies, gaps, kinds)

    def status(self, record: EolRecord, as_of: dt.date) -> Lifecycle:
        """One record's verdict, citing the vendor policy its end was computed from."""
        return status_on(record, as_of, self.policies.get(record.policy or ""))

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

    @cached_property
    def _by_cpe(self) -> dict[tuple[str, str], tuple[tuple[CpeKey, tuple[str, str]], ...]]:
        """CPE vendor:product -> the keys naming it and the (vendor, product) they map to."""
        index: dict[tuple[str, str], dict[tuple[str, tuple[str, str]], CpeKey]] = {}
        for record in self.records:
            for text in record.cpe:
                key = CpeKey.parse(text)
                index.setdefault(key.cpe.product_key, {}).setdefault(
                    (text, (record.vendor, record.product)), key
                )
        return {
            cpe: tuple((key, product) for (_, product), key in keys.items())
            for cpe, keys in index.items()
        }

    def products_for_cpe(self, cpe: Cpe) -> tuple[tuple[str, str], ...]:
        """Our (vendor, product) names whose records answer for this CPE name."""
        found = (
            product for key, product in self._by_cpe.get(cpe.product_key, ()) if key.matches(cpe)
        )
        return tuple(dict.fromkeys(found))

    def find_by_cpe(
        self, cpe_text: str | None, version: str | None
    ) -> tuple[EolRecord | None, tuple[str, str] | None]:
        """The record a CPE name leads to (its version, else ``version``), and the product it
        names; (None, product) when the product is known but no cycle matches."""
        cpe = try_parse(cpe_text)
        if cpe is None:
            return None, None
        products = self.products_for_cpe(cpe)
        for vendor, product in products:
            record = self.find(vendor, product, version or cpe.version)
            if record is not None:
                return record, (vendor, product)
        return None, (products[0] if products else None)

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
        newest = None if record else self.components.newest_only_rule(identity)
        if newest is not None:
            # a vendor's newest-release-only rule judges what no record dates
            by_policy = newest_only_verdict(newest, identity, _name(identity), as_of)
            if by_policy is not None:
                return by_policy
        if record is None:
            known = (identity.vendor, identity.product) in self._by_product
            if not known and identity.cpe:
                by_cpe = self._by_cpe_verdict(identity, as_of)
                if by_cpe is not None:
                    return by_cpe
            gap = self.gaps.get((identity.vendor, identity.product))
            if not known and gap:
                # the gap's reason is data written in English: en_ values are left out of
                # the other languages' sentences
                why = message("lifecycle.no_record_gap", product=_name(identity), en_gap=gap)
                return unknown_verdict(why)
            if not known and identity.vendor_only:
                why = message("lifecycle.vendor_only", vendor=identity.vendor)
            elif not known and identity.version is None and identity.product in self.kinds:
                why = message("lifecycle.kind_only", vendor=identity.vendor, kind=identity.product)
            elif not known:
                why = message("lifecycle.no_record_for", product=_name(identity))
            elif identity.version is None:
                why = message("lifecycle.no_version")
            else:
                why = message("lifecycle.no_record_version", version=identity.version)
            return unknown_verdict(why)
        return self.status(record, as_of)

    def _by_cpe_verdict(self, identity: Identity, as_of: dt.date) -> Lifecycle | None:
        """The verdict of an identity whose vocabulary name has no record, by its CPE."""
        cpe = str(identity.cpe)
        record, product = self.find_by_cpe(cpe, identity.version)
        if product is None:
            return None
        name = " ".join(product) if not product[1].startswith(product[0]) else product[1]
        if record is None:
            why = message("lifecycle.by_cpe_no_cycle", cpe=cpe, product=name)
            return unknown_verdict(why)
        verdict = self.status(record, as_of)
        why = message("lifecycle.by_cpe", cpe=cpe, product=name, reason=verdict.reason)
        return replace(verdict, reason=why)

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
            judged.append((name, self.status(record, as_of)))
        names = as_texts([name for name, _ in judged] or unrecorded)
        if not judged:
            return unknown_verdict(message("lifecycle.either_no_record", names=names))
        statuses = {life.status for _, life in judged}
        never = dt.date.max
        earliest = min(judged, key=lambda item: item[1].eol_date or never)[1]
        detail = [
            message(
                "lifecycle.candidate",
                name=name,
                status=Term(life.status),
                reason=life.reason,
            )
            for name, life in judged
        ]
        if unrecorded:
            detail.append(message("lifecycle.not_recorded", names=as_texts(unrecorded)))
        if unrecorded and statuses & {"supported", "unknown"}:
            # a candidate we hold no dates for may have ended: never call it supported
            why = message("lifecycle.may_also_be", names=as_texts(unrecorded), detail=detail)
            return replace(
                unknown_verdict(why),
                cycle=" / ".join(name for name, _ in judged),
                source=earliest.source,
                checked=earliest.checked,
            )
        if len(statuses) == 1:
            why = message(
                "lifecycle.either_all", names=names, status=Term(earliest.status), detail=detail
            )
            return replace(earliest, reason=why)
        if statuses <= {"eol", "extended"}:
            ended = next(life for _, life in judged if life.status == "eol")
            why = message("lifecycle.either_some_extension", names=names, detail=detail)
            return replace(ended, reason=why)
        why = message("lifecycle.either_differ", names=names, detail=detail)
        return replace(
            unknown_verdict(why),
            cycle=" / ".join(name for name, _ in judged),
            source=earliest.source,
            checked=earliest.checked,
        )

    def assess(self, device: IdentifiedDevice, as_of: dt.date) -> AssessedDevice:
        """Every identity's verdict, components following their platform, and the
        hardware's own verdict when its model has a record."""
        judged = self._judged.get((device.identities, as_of))
        if judged is None:
            first = [AssessedIdentity(i, self.lifecycle(i, as_of)) for i in device.identities]
            judged = tuple(self._component(item, first, as_of) for item in first)
            if len(self._judged) >= 20_000:
                self._judged.clear()  # bounded: unique devices gain nothing from it
            self._judged[device.identities, as_of] = judged
        match = self.hardware.match(device.host)
        if match is not None:
            hardware = hardware_identity(match), hardware_lifecycle(match.record, as_of)
            judged += (AssessedIdentity(*hardware),)
        return AssessedDevice(device=device, identities=judged)

    def _component(
        self, item: AssessedIdentity, judged: list[AssessedIdentity], as_of: dt.date
    ) -> AssessedIdentity:
        """A component whose own record gives no verdict, judged by what it follows."""
        identity, verdict = item.identity, item.lifecycle
        components = self.components
        for overriding in components.overriding_rules(identity):
            if any(
                j.identity.kind == "os" and overriding.platform_matches(j.identity) for j in judged
            ):
                return AssessedIdentity(
                    identity, self._follow_platform(identity, overriding, judged)
                )
        if verdict.status != "unknown" or identity.alternatives:
            return item
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
                reason=platform.reason,
            )
            return AssessedIdentity(identity, replace(platform, reason=why))
        if marker is not None:
            why = message("lifecycle.distribution_not_seen", component=name, marker=marker)
            return AssessedIdentity(identity, replace(verdict, reason=why))
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
            return replace(unknown_verdict(why), source=rule.source, checked=rule.checked)
        why = message(
            "lifecycle.follows",
            component=name,
            platform=_name(platform.identity),
            reason=platform.lifecycle.reason,
        )
        return replace(platform.lifecycle, reason=why)

    def _upstream(self, identity: Identity, verdict: Lifecycle, as_of: dt.date) -> Lifecycle:
        """An upstream build: its record without the distributions' caveat, or, for an
        upstream that fixes only its newest release, superseded by the next release."""
        name = _name(identity)
        record = self.find(identity.vendor, identity.product, identity.version)
        if record is not None and record.backports:
            upstream = status_on(replace(record, backports=False), as_of)
            why = message("lifecycle.upstream_build", reason=upstream.reason)
            return replace(upstream, reason=why)
        history = self.components.histories.get((identity.vendor, identity.product))
        judged = None if history is None else history_verdict(history, identity, name, as_of)
        return verdict if judged is None else judged


def _name(identity: Identity) -> str:
    full = (
        identity.product
        if identity.product.startswith(identity.vendor)
        else f"{identity.vendor} {identity.product}"
    )
    return f"{full} {identity.version or ''}".strip()
