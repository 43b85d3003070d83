"""The labelled corpora read as hosts with their truth: the tuning corpus
(``tests/fixtures/corpus/``), the real-world measurement corpus
(``tests/fixtures/realworld/``, dev and held-out halves) and the lab's ground truth.
``accuracy`` judges what the identify stage makes of them."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from legacyscan.collect.snmp.walkfile import WalkFileError, read_walk
from legacyscan.files import load_mapping
from legacyscan.identify.accuracy import Labelled, Truth
from legacyscan.model import (
    EntityPhysical,
    Host,
    OsClass,
    OsMatch,
    Service,
    SnmpSystem,
    SnmpTables,
)


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
