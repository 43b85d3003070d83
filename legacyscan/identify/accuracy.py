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
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from legacyscan.collect.snmpwalk import read_walk
from legacyscan.identify.engine import Identifier
from legacyscan.model import Host, IdentifiedDevice, Identity, OsMatch, Service, SnmpSystem

_RANK = {"os": 0, "firmware": 1, "hardware": 2, "application": 3}


@dataclass(frozen=True)
class Truth:
    vendor: str | None = None
    product: str | None = None
    version: str | None = None
    device_class: str | None = None  # None: not judged
    device_type: str | None = None


@dataclass(frozen=True)
class Labelled:
    name: str
    source: str
    host: Host
    truth: Truth
    source_file: str = ""  # the corpus file it came from


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


def main_identity(device: IdentifiedDevice) -> Identity | None:
    """The most confident OS or firmware identity; a vendor-only one only when alone."""
    if not device.identities:
        return None
    return min(
        device.identities,
        key=lambda i: (i.vendor_only, _RANK.get(i.kind, 9), -i.confidence),
    )


def judge(device: IdentifiedDevice, truth: Truth) -> str:
    """One device's identification outcome (see the module docstring)."""
    found = main_identity(device)
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
        found = main_identity(device)
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


def _services(raw: Sequence[Mapping[str, Any]]) -> tuple[Service, ...]:
    return tuple(
        Service(
            port=int(s["port"]),
            protocol=str(s.get("protocol", "tcp")),
            state="open",
            name=str(s.get("name", "")),
            product=str(s.get("product", "")),
            version=str(s.get("version", "")),
            extrainfo=str(s.get("extrainfo", "")),
            cpes=tuple(map(str, s.get("cpes") or ())),
            scripts=tuple((str(k), str(v)) for k, v in (s.get("scripts") or {}).items()),
        )
        for s in raw
    )


def host_from_entry(entry: Mapping[str, Any], root: Path) -> Host:
    """A Host from one corpus entry: a walk file and/or the fields written out."""
    base = Host(address=None)
    walk = str(entry.get("walk") or "")
    if walk.startswith("snmpsim:"):
        # snmpsim's own recordings (BSD-2-Clause), read where the package installed them
        spec = importlib.util.find_spec("snmpsim")
        if spec is None or spec.origin is None:
            raise FileNotFoundError("snmpsim is not installed (pip install '.[lab]')")
        recorded = Path(spec.origin).parent / "data" / "recorded"
        base = read_walk(recorded / walk[len("snmpsim:") :])
    elif walk:
        base = read_walk(root / walk)
    snmp = entry.get("snmp") or {}
    system = base.snmp
    if snmp:
        system = SnmpSystem(descr=snmp.get("sysDescr"), object_id=snmp.get("sysObjectID"))
    return Host(
        address=base.address,
        mac=entry.get("mac"),
        snmp=system,
        snmp_tables=base.snmp_tables,
        services=_services(entry.get("services") or ()),
        host_scripts=tuple((str(k), str(v)) for k, v in (entry.get("host_scripts") or {}).items()),
        os_matches=tuple(
            OsMatch(str(m["name"]), int(m.get("accuracy", 100))) for m in entry.get("os") or ()
        ),
        sources=("corpus",),
    )


def load_corpus(folder: Path) -> list[Labelled]:
    """Every ``*.yaml`` corpus file of ``folder``; walk paths are relative to the file."""
    devices: list[Labelled] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("devices") or []:
            truth = entry.get("truth") or {}
            devices.append(
                Labelled(
                    name=str(entry["name"]),
                    source=str(entry.get("source", "")),
                    host=host_from_entry(entry, path.parent),
                    source_file=path.name,
                    truth=truth_of(truth),
                )
            )
    return devices


def truth_of(entry: dict[str, Any]) -> Truth:
    """A ``truth:`` mapping (corpus file or lab scenario) as a ``Truth``."""
    return Truth(
        vendor=entry.get("vendor"),
        product=entry.get("product"),
        version=None if entry.get("version") is None else str(entry["version"]),
        device_class=entry.get("class"),
        device_type=entry.get("type"),
    )


def lab_devices(scenario: Path, nmap_xml: Path) -> list[Labelled]:
    """The lab's devices with their ``truth``: SNMP as the scenario serves it, services as
    a recorded nmap scan of the lab saw them (no lab needs to run)."""
    from legacyscan.collect.nmap_xml import read_nmap_xml

    scanned = {h.address: h for h in read_nmap_xml(nmap_xml).hosts}
    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    devices: list[Labelled] = []
    for entry in data["devices"]:
        snmp = entry.get("snmp") or {}
        host = scanned.get(entry["address"], Host(address=entry["address"]))
        if snmp:
            system = SnmpSystem(descr=snmp.get("sysDescr"), object_id=snmp.get("sysObjectID"))
            host = Host(
                address=host.address,
                mac=host.mac,
                services=host.services,
                snmp=system,
                os_matches=host.os_matches,
                host_scripts=host.host_scripts,
                sources=("lab",),
            )
        truth = entry["truth"]
        devices.append(
            Labelled(
                name=f"lab {entry['name']}",
                source=str(scenario.name),
                host=host,
                truth=truth_of(truth),
            )
        )
    return devices
