"""Records of the identify stage: observations, evidence, identities and device classes."""

from __future__ import annotations

from dataclasses import dataclass

from legacyscan.model.collect import Host
from legacyscan.model.words import DeviceClass, IdentityKind


@dataclass(frozen=True)
class Observation:
    """One observed value of one field, e.g. snmp.sysDescr = "Cisco IOS ..."."""

    source: str  # "snmp", "nmap"
    field: str  # "snmp.sysDescr", "nmap.service", "nmap.cpe", ...
    value: str
    port: int | None = None


@dataclass(frozen=True)
class Evidence:
    """Why we believe something: the observation and the rule that read it."""

    source: str
    field: str
    value: str
    rule: str
    port: int | None = None


@dataclass(frozen=True)
class Alternative:
    """Another product the same observation may equally be (a rebuild, a sibling edition).

    A Red Hat ``.el8`` kernel runs RHEL 8, CentOS Linux 8 or CentOS Stream 8; their
    lifecycles differ, so the lifecycle stage judges every candidate and answers only
    what they all agree on.
    """

    vendor: str
    product: str
    version: str | None


@dataclass(frozen=True)
class Identity:
    """What runs on (or what is) a device, named from the controlled vocabulary.

    ``alternatives`` are the other products the evidence cannot rule out: the identity
    names the most likely one, and no lifecycle verdict may hold for it alone.
    """

    kind: IdentityKind
    vendor: str
    product: str
    version: str | None
    cpe: str | None
    confidence: float
    evidence: tuple[Evidence, ...]
    alternatives: tuple[Alternative, ...] = ()

    @property
    def vendor_only(self) -> bool:
        """Only the maker is known (an SNMP enterprise number): no product, so no record
        of the end-of-life database can match it and its lifecycle stays ``unknown``."""
        return not self.product


@dataclass(frozen=True)
class ClassSignal:
    """One signal for the device class, with its weight; all of them are kept for the report."""

    device_class: DeviceClass
    device_type: str | None
    weight: float
    reason: str  # rule id or signal id
    detail: str  # the observed value that fired it


@dataclass(frozen=True)
class IdentifiedDevice:
    host: Host
    identities: tuple[Identity, ...]
    device_class: DeviceClass
    device_type: str | None
    class_confidence: float
    class_signals: tuple[ClassSignal, ...] = ()
    #: Other classes with strong signals: shown to the reader as a disagreement.
    class_conflicts: tuple[DeviceClass, ...] = ()

    @property
    def deciding_signals(self) -> tuple[ClassSignal, ...]:
        """The signals of the winning class, heaviest first: the evidence for the class."""
        won = (s for s in self.class_signals if s.device_class == self.device_class)
        return tuple(sorted(won, key=lambda s: -s.weight))
