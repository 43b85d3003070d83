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

import importlib.util
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from legacyscan.collect.snmp.walkfile import WalkFileError, read_walk
from legacyscan.files import load_mapping
from legacyscan.identify.engine import Identifier
from legacyscan.model import (
    EntityPhysical,
    Host,
    IdentifiedDevice,
    Identity,
    OsClass,
    OsMatch,
    Service,
    SnmpSystem,
    SnmpTables,
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
            self.outcomes[k] for k in ("correct", "partial", "hedged", "wrong", "unknown")
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
    """The most confident OS or firmware identity (or, with ``kind``, of that kind)."""
    identities = [i for i in device.identities if kind is None or i.kind == kind]
    if not identities:
        return None
    return min(identities, key=lambda i: (_RANK.get(i.kind, 9), -i.confidence))


def judge(device: IdentifiedDevice, truth: Truth) -> str:
    """One device's identification outcome (see the module docstring)."""
    found = main_identity(device, truth.kind)
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
    return min(systems, key=lambda i: (_RANK.get(i.kind, 9), -i.confidence))


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
    product = _compare(found.product if found else None, truth.product)
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
            version = "none" if found is None else "wrong"
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


def _entities(raw: Sequence[Mapping[str, Any]]) -> tuple[EntityPhysical, ...]:
    """ENTITY-MIB rows written out: ``{index, descr, class, name, software_rev, ...}``."""
    return tuple(
        EntityPhysical(
            index=int(row["index"]),
            descr=str(row.get("descr", "")),
            physical_class=None if row.get("class") is None else int(row["class"]),
            name=str(row.get("name", "")),
            hardware_rev=str(row.get("hardware_rev", "")),
            firmware_rev=str(row.get("firmware_rev", "")),
            software_rev=str(row.get("software_rev", "")),
            serial=str(row.get("serial", "")),
            mfg_name=str(row.get("mfg_name", "")),
            model_name=str(row.get("model_name", "")),
        )
        for row in raw
    )


#: A raw banner of the corpus as the service nmap would report it: (port, protocol,
#: nmap service name, script id, how the script prints the value).
_BANNER_SERVICES: dict[str, tuple[int, str, str, str, str]] = {
    "ssh": (22, "tcp", "ssh", "banner", "{}"),
    "ftp": (21, "tcp", "ftp", "banner", "{}"),
    "telnet": (23, "tcp", "telnet", "banner", "{}"),
    "smtp": (25, "tcp", "smtp", "banner", "{}"),
    "http_server": (80, "tcp", "http", "http-server-header", "{}"),
    "http_title": (80, "tcp", "http", "http-title", "{}"),
    "mysql_version": (3306, "tcp", "mysql", "mysql-info", "Version: {}"),
    "dns_version": (53, "udp", "domain", "dns-nsid", "bind.version: {}"),
}


def _banners(raw: Mapping[str, Any]) -> tuple[Service, ...]:
    """``banners: {ssh: ..., ftp: ..., http_server: ..., mysql_version: ...}`` (the kinds
    of ``_BANNER_SERVICES``): each value, unchanged, as the output of the nmap script that
    reports it on its usual port (an unknown kind is an error, not a silent skip)."""
    services = []
    for kind, value in raw.items():
        if kind not in _BANNER_SERVICES:
            raise ValueError(f"unknown banner kind {kind!r} (known: {sorted(_BANNER_SERVICES)})")
        port, protocol, name, script, shape = _BANNER_SERVICES[kind]
        output = shape.format(value)
        services.append(Service(port, protocol, "open", name=name, scripts=((script, output),)))
    return tuple(services)


def _os_match(raw: Mapping[str, Any]) -> OsMatch:
    """An nmap osmatch written out: name, accuracy, and optionally its CPEs and osclasses."""
    return OsMatch(
        str(raw["name"]),
        int(raw.get("accuracy", 100)),
        cpes=tuple(map(str, raw.get("cpes") or ())),
        classes=tuple(
            OsClass(
                vendor=str(c.get("vendor", "")),
                family=str(c.get("family", "")),
                generation=str(c.get("generation", "")),
                device_type=str(c.get("type", "")),
                accuracy=int(raw.get("accuracy", 100)),
                cpes=tuple(map(str, raw.get("cpes") or ())),
            )
            for c in raw.get("classes") or ()
        ),
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
    tables = base.snmp_tables
    if entry.get("entities"):
        tables = replace(tables or SnmpTables(), entities=_entities(entry["entities"]))
    return Host(
        address=base.address,
        mac=entry.get("mac"),
        snmp=system,
        snmp_tables=tables,
        services=_services(entry.get("services") or ()) + _banners(entry.get("banners") or {}),
        host_scripts=tuple((str(k), str(v)) for k, v in (entry.get("host_scripts") or {}).items()),
        os_matches=tuple(_os_match(m) for m in entry.get("os") or ()),
        sources=("corpus",),
    )


def load_corpus(folder: Path, split: str = "") -> list[Labelled]:
    """Every ``*.yaml`` corpus file of ``folder``; walk paths are relative to the file."""
    devices: list[Labelled] = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_mapping(path)  # libyaml's loader: the real-world files are large
        for entry in data.get("devices") or []:
            truth = entry.get("truth") or {}
            load_error = ""
            try:
                host = host_from_entry(entry, path.parent)
            except WalkFileError as exc:
                host, load_error = Host(address=None), str(exc)
            devices.append(
                Labelled(
                    name=str(entry["name"]),
                    source=str(entry.get("source", "")),
                    host=host,
                    load_error=load_error,
                    source_file=path.name,
                    truth=truth_of(truth),
                    family=str(entry.get("family", "")),
                    licence=str(entry.get("licence", "")),
                    split=split,
                )
            )
    return devices


#: The two halves of the real-world corpus: rules may be tuned on ``dev`` only.
REALWORLD_SPLITS = ("dev", "held-out")


def load_realworld(root: Path) -> list[Labelled]:
    """The real-world measurement corpus: ``root/dev/*.yaml`` then ``root/held-out/*.yaml``."""
    return [d for split in REALWORLD_SPLITS for d in load_corpus(root / split, split)]


def truth_of(entry: dict[str, Any]) -> Truth:
    """A ``truth:`` mapping (corpus file or lab scenario) as a ``Truth``."""
    return Truth(
        vendor=entry.get("vendor"),
        product=entry.get("product"),
        version=None if entry.get("version") is None else str(entry["version"]),
        device_class=entry.get("class"),
        device_type=entry.get("type"),
        kind=entry.get("kind"),
        model=None if entry.get("model") is None else str(entry["model"]),
    )


def lab_devices(scenario: Path, nmap_xml: Path) -> list[Labelled]:
    """The lab's devices with their ``truth``: SNMP as the scenario serves it, services as
    a recorded nmap scan of the lab saw them (no lab needs to run)."""
    from legacyscan.collect.nmap.parse import read_nmap_xml

    scanned = {h.address: h for h in read_nmap_xml(nmap_xml).hosts}
    data = load_mapping(scenario)
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
