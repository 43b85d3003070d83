"""Precision and recall of identification over labelled devices.

A labelled device is a ``Host`` and its truth: the vendor, product and version of its main
system (or none: nothing we could honestly name) and its class.  The identify stage's
*main identity* of a device is its most confident OS or firmware identity (an application
when it has nothing else).  Outcomes, per device:

* ``correct``: the main identity names the true vendor and product, and the true version
  when the truth has one;
* ``partial``: the right product, its version not observed (no answer on the version is
  not a wrong answer);
* ``wrong``: another product or another version, or any identity where the truth is
  "nothing to name";
* ``hedged``: the main identity names another product but lists the true one among its
  alternatives (a ``.el6`` kernel: "RHEL 6, or CentOS Linux 6"): not wrong, not named;
* ``vendor-only``: only the maker is named (an SNMP enterprise number), and it is the
  true vendor: not wrong, not named;
* ``unknown``: no identity, where the truth names one.

``precision`` = (correct + partial + hedged) / answered and ``recall`` = (correct +
partial) / labelled, at product level; ``version_precision`` counts only ``correct``.
Precision matters more: a wrong identity is worse than none.

The real-world measurement corpus (``tests/fixtures/realworld/{dev,held-out}/``, see
``load_realworld``) is judged one dimension at a time (``judge_dimensions``): vendor,
product, version and class right or wrong, each only where its truth names it.  Its
entries add ``family`` and ``licence``, ENTITY-MIB rows (``entities``), raw protocol banners
(``banners``), and a truth ``kind: application`` for a banner that names a daemon rather
than the host's system.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from legacyscan.identify.engine import Identifier
from legacyscan.model import (
    Host,
    IdentifiedDevice,
    Identity,
)

_RANK = {"os": 0, "firmware": 1, "hardware": 2, "application": 3}


@dataclass(frozen=True)
class Truth:
    vendor: str | None = None
    product: str | None = None
    version: str | None = None
    device_class: str | None = None  # None: not judged
    device_type: str | None = None
    #: Which identity the truth describes: None for the device's main identity (its OS or
    #: firmware), "application" for a daemon named by a banner.
    kind: str | None = None
    model: str | None = None  # for reference only, never judged


@dataclass(frozen=True)
class Labelled:
    name: str
    source: str
    host: Host
    truth: Truth
    source_file: str = ""  # the corpus file it came from
    family: str = ""  # real-world corpus: printer, ups-pdu, camera, network-switch...
    licence: str = ""
    split: str = ""  # real-world corpus: "dev" or "held-out"
    #: Why the entry's recording could not be read ("" when it was): the device is then
    #: measured as a host with nothing observed, and the benchmark names the reason.
    load_error: str = ""


@dataclass
class Score:
    outcomes: Counter[str] = field(default_factory=Counter)
    class_outcomes: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)

    def _ratio(self, good: int, total: int) -> float:
        return good / total if total else 1.0

    @property
    def answered(self) -> int:
        return sum(self.outcomes[k] for k in ("correct", "partial", "hedged", "wrong"))

    @property
    def precision(self) -> float:
        right = self.outcomes["correct"] + self.outcomes["partial"] + self.outcomes["hedged"]
        return self._ratio(right, self.answered)

    @property
    def version_precision(self) -> float:
        return self._ratio(self.outcomes["correct"], self.answered)

    @property
    def recall(self) -> float:
        labelled = sum(
            self.outcomes[k]
            for k in ("correct", "partial", "hedged", "wrong", "vendor-only", "unknown")
        )
        labelled -= self.outcomes["wrong-unlabelled"]
        return self._ratio(self.outcomes["correct"] + self.outcomes["partial"], labelled)

    @property
    def class_precision(self) -> float:
        answered = self.class_outcomes["correct"] + self.class_outcomes["wrong"]
        return self._ratio(self.class_outcomes["correct"], answered)

    @property
    def class_recall(self) -> float:
        return self._ratio(self.class_outcomes["correct"], sum(self.class_outcomes.values()))


def main_identity(device: IdentifiedDevice, kind: str | None = None) -> Identity | None:
    """The most confident OS or firmware identity (or, with ``kind``, of that kind); a
    vendor-only one only when there is nothing else."""
    identities = [i for i in device.identities if kind is None or i.kind == kind]
    if not identities:
        return None
    return min(identities, key=lambda i: (i.vendor_only, _RANK.get(i.kind, 9), -i.confidence))


def judge(device: IdentifiedDevice, truth: Truth) -> str:
    """One device's identification outcome (see the module docstring)."""
    found = main_identity(device, truth.kind)
    if found is not None and found.vendor_only:
        if truth.vendor is not None and found.vendor != truth.vendor:
            return "wrong-unlabelled" if truth.product is None else "wrong"
        return "unlabelled-abstained" if truth.product is None else "vendor-only"
    if truth.product is None:
        return "unlabelled-abstained" if found is None else "wrong-unlabelled"
    if found is None:
        return "unknown"
    if (found.vendor, found.product) != (truth.vendor, truth.product):
        hedges = {(a.vendor, a.product, a.version) for a in found.alternatives}
        if (truth.vendor, truth.product, truth.version) in hedges or (
            truth.version is None and (truth.vendor, truth.product) in {h[:2] for h in hedges}
        ):
            return "hedged"
        return "wrong"
    if truth.version:
        if found.version is None:
            return "partial"
        return "correct" if found.version == truth.version else "wrong"
    return "correct"


def judge_class(device: IdentifiedDevice, truth: Truth) -> str | None:
    if truth.device_class is None:
        return None
    if device.device_class == "unknown":
        return "unknown"
    return "correct" if device.device_class == truth.device_class else "wrong"


@dataclass(frozen=True)
class Dimensions:
    """One device judged dimension by dimension: each is "right", "wrong", "hedged" (the
    truth is among the candidates of the identity found), "none" (nothing named, or only a
    platform many products share) or "-" (the truth does not say: not judged)."""

    vendor: str
    product: str
    version: str
    device_class: str
    found: Identity | None
    #: The device's system was named only as a shared platform (see SHARED_PLATFORMS).
    platform_only: bool = False


#: Platforms that many vendors' products run on: naming one of them for a device whose
#: truth is something else (an "el5" kernel for RHEL, VxWorks for a printer) is a less
#: specific answer, not a wrong vendor.
SHARED_PLATFORMS = frozenset(
    {("Linux", "Linux kernel"), ("Wind River", "VxWorks"), ("BlackBerry", "QNX")}
)

#: The identity kinds that describe a device's own system (a daemon's banner is no claim
#: about who made the host).
_SYSTEM_KINDS = frozenset({"os", "firmware", "hardware"})


def _compare(found: str | None, wanted: str | None) -> str:
    if wanted is None:
        return "-"
    if found is None:
        return "none"
    return "right" if found == wanted else "wrong"


def _system_identity(device: IdentifiedDevice, kind: str | None) -> Identity | None:
    if kind is not None:
        return main_identity(device, kind)
    systems = [i for i in device.identities if i.kind in _SYSTEM_KINDS]
    if not systems:
        return None
    # a vendor-only identity (an enterprise number's maker) only when nothing names more; a
    # shared platform (the Linux kernel under an iDRAC) only when no maker's product is named
    return min(
        systems,
        key=lambda i: (
            i.vendor_only,
            (i.vendor, i.product) in SHARED_PLATFORMS,
            _RANK.get(i.kind, 9),
            -i.confidence,
        ),
    )


def judge_dimensions(device: IdentifiedDevice, truth: Truth) -> Dimensions:
    """Vendor, product, version and class of the truth's identity, each on its own.

    The identity judged is the device's own system (OS, firmware or hardware), or with
    ``truth.kind`` the best identity of that kind.  Product and version are judged only
    under the right vendor (the right product name from another vendor is no answer), the
    version only under the right product."""
    found = _system_identity(device, truth.kind)
    platform_only = False
    if found is not None and (found.vendor, found.product) in SHARED_PLATFORMS:
        if (truth.vendor, truth.product) != (found.vendor, found.product):
            found, platform_only = None, True
    vendor = _compare(found.vendor if found else None, truth.vendor)
    # a vendor-only identity names no product: no answer, not a wrong one
    product = _compare(found.product if found and not found.vendor_only else None, truth.product)
    if product == "right" and vendor == "wrong":
        product = "wrong"
    if found is not None and (vendor == "wrong" or product == "wrong"):
        candidates = {(a.vendor, a.product) for a in (found.alternatives if found else ())}
        if (truth.vendor, truth.product) in candidates or (
            truth.product is None and truth.vendor in {v for v, _ in candidates}
        ):
            vendor = "hedged"
            product = "hedged" if truth.product is not None else "-"
    version = "-"
    if truth.version is not None:
        if product != "right":
            version = "none" if found is None or found.vendor_only else "wrong"
        else:
            version = _compare(found.version if found else None, truth.version)
    cls = "-"
    if truth.device_class is not None:
        cls = (
            "none"
            if device.device_class == "unknown"
            else _compare(device.device_class, truth.device_class)
        )
    return Dimensions(vendor, product, version, cls, found, platform_only)


def measure(devices: Iterable[Labelled], identifier: Identifier | None = None) -> Score:
    identifier = identifier or Identifier()
    score = Score()
    for labelled in devices:
        device = identifier.identify(labelled.host)
        outcome = judge(device, labelled.truth)
        # "wrong-unlabelled" is a wrong answer: count it with the wrong ones for precision
        score.outcomes[outcome] += 1
        if outcome == "wrong-unlabelled":
            score.outcomes["wrong"] += 1
        class_outcome = judge_class(device, labelled.truth)
        if class_outcome:
            score.class_outcomes[class_outcome] += 1
        found = main_identity(device, labelled.truth.kind)
        named = f"{found.vendor} {found.product} {found.version or ''}".strip() if found else "-"
        named = f"{named} (vendor only)" if found and found.vendor_only else named
        truth = labelled.truth
        wanted = f"{truth.vendor or ''} {truth.product or '(nothing)'} {truth.version or ''}"
        score.lines.append(
            f"{outcome:<20} {labelled.name:<34} got {named!r:<44} want {wanted.strip()!r}; "
            f"class {device.device_class} (want {truth.device_class or '-'})"
        )
    return score


# --- the corpus file format -------------------------------------------------------------
