"""Records of the lifecycle stage: end-of-life records and the verdicts drawn from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from legacyscan.model.identify import IdentifiedDevice, Identity
from legacyscan.model.words import (
    CLINICAL_CLASSES,
    LEGACY_STATUSES,
    NO_WORDS,
    LifecycleStatus,
    Message,
)


@dataclass(frozen=True)
class EolRecord:
    """One product cycle in the end-of-life database, with its source."""

    vendor: str
    product: str
    cycle: str
    versions: str | None  # regex over Identity.version; None: every version
    released: dt.date | None
    support_end: dt.date | None
    security_end: dt.date | None
    extended_end: dt.date | None
    source: str
    checked: dt.date
    security_end_latest: dt.date | None = None  # editions differ: unknown between the two
    no_end_announced: bool = False
    note: str = ""
    #: Distributions backport fixes into this upstream version, so past the upstream end the
    #: version alone cannot tell: "unknown" (unless a paid extension is on sale).
    backports: bool = False
    #: Version strings that must map to this record; the test suite runs them.
    examples: tuple[str, ...] = ()
    #: The last day to buy it, when the vendor announced one.
    end_of_sale: dt.date | None = None
    #: The vendor policy (``fingerprints/eol-policies.yaml`` id) its end is computed from.
    policy: str | None = None
    #: CPE names this product answers for (``cpe:2.3:o:cisco:ios``, ``cisco:ios``), so that
    #: an identity carrying a CPE finds the record without a per-rule mapping.
    cpe: tuple[str, ...] = ()


#: The milestones a verdict may carry, in the order they normally come.
MILESTONES = ("end_of_sale", "support_end", "security_end", "extended_end", "last_support")


@dataclass(frozen=True)
class Lifecycle:
    status: LifecycleStatus
    cycle: str | None = None
    eol_date: dt.date | None = None
    extended_end: dt.date | None = None
    source: str | None = None
    checked: dt.date | None = None
    reason: Message = NO_WORDS  # one sentence saying why this status
    #: CVE ids of this product listed in CISA's Known Exploited Vulnerabilities catalog,
    #: when the user gave one (``--kev FILE``); empty when unknown or none.
    known_exploited: tuple[str, ...] = ()
    #: The other dates a budget needs: the last day to buy it, the end of the vendor's
    #: (mainstream) support, and for hardware the last date of support.  ``eol_date`` is
    #: the end of security support, ``extended_end`` that of a paid extension (ESU).
    end_of_sale: dt.date | None = None
    support_end: dt.date | None = None
    last_support: dt.date | None = None
    #: The vendor policy page a computed date comes from (None: the dates are published).
    policy: str | None = None

    def milestones(self) -> tuple[tuple[str, dt.date], ...]:
        """Every dated milestone, in date order: (name, date), names as in MILESTONES."""
        dated = [
            ("end_of_sale", self.end_of_sale),
            ("support_end", self.support_end),
            # a hardware verdict's end of security fixes is its last date of support
            ("security_end", None if self.eol_date == self.last_support else self.eol_date),
            ("extended_end", self.extended_end),
            ("last_support", self.last_support),
        ]
        unique = {(name, day) for name, day in dated if day is not None}
        return tuple(sorted(unique, key=lambda item: (item[1], MILESTONES.index(item[0]))))


@dataclass(frozen=True)
class AssessedIdentity:
    identity: Identity
    lifecycle: Lifecycle


@dataclass(frozen=True)
class AssessedDevice:
    device: IdentifiedDevice
    identities: tuple[AssessedIdentity, ...]

    @property
    def address(self) -> str | None:
        return self.device.host.address

    @property
    def is_legacy(self) -> bool:
        return any(a.lifecycle.status in LEGACY_STATUSES for a in self.identities)

    @property
    def is_clinical(self) -> bool:
        return self.device.device_class in CLINICAL_CLASSES

    @property
    def worst_status(self) -> LifecycleStatus:
        order: tuple[LifecycleStatus, ...] = ("eol", "extended", "unknown", "supported")
        statuses = {a.lifecycle.status for a in self.identities}
        for status in order:
            if status in statuses:
                return status
        return "unknown"

    @property
    def deciding(self) -> AssessedIdentity | None:
        """The identity whose verdict is the device's: of those at ``worst_status``, the one
        whose end comes first, then one whose record was found (an ``unknown`` that names its
        cycle says more than one with no record), the hardware and operating system before
        applications on a tie.  A medical or embedded device thus shows the OS it is seen to
        run, and a switch on a model past its last date of support shows the hardware."""
        status = self.worst_status
        candidates = [a for a in self.identities if a.lifecycle.status == status]
        if not candidates:
            return None
        rank = {"hardware": 0, "os": 1, "firmware": 1, "application": 2}
        return min(
            candidates,
            key=lambda a: (
                a.lifecycle.eol_date or dt.date.max,
                a.lifecycle.cycle is None,
                rank.get(a.identity.kind, 3),
            ),
        )
