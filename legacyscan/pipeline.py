"""The stages chained: collect -> identify -> lifecycle -> topology -> risk.

``assess`` turns collected hosts into an Assessment (used by scans, imports and
re-rendered reports alike); ``scan`` collects live first.  Progress lines go to a
callback so that the CLI decides where they are printed.  A ``ScanRecorder`` (the
inventory) is told of each finished piece of a scan as it completes, and can hand back
the pieces an interrupted run already finished.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from legacyscan import __version__
from legacyscan.collect import snmp
from legacyscan.collect.nmap import run_nmap
from legacyscan.collect.nmap_xml import parse_nmap_xml
from legacyscan.identify import Identifier
from legacyscan.lifecycle import EolDatabase
from legacyscan.model import Assessment, Collection, Host, ScanMeta, SnmpSystem
from legacyscan.risk import score_all
from legacyscan.scope import Scope
from legacyscan.topology import analyse

Progress = Callable[[str], None]


class ScanRecorder(Protocol):
    """Where the finished pieces of a scan go (``legacyscan.inventory.InventoryRecorder``).

    Pieces are named: ``nmap`` (its hosts, with the raw XML as evidence ``nmap.xml``) and
    ``snmp:ADDRESS`` (the host with its SNMP answer, or no host when it stayed silent).
    """

    def done(self, key: str) -> tuple[tuple[Host, ...], Mapping[str, bytes]] | None:
        """The hosts and evidence of a piece finished by an earlier, interrupted run."""
        ...

    def chunk(
        self, key: str, hosts: Sequence[Host], evidence: Mapping[str, bytes] | None = None
    ) -> None: ...

    def finished(self, assessment: Assessment) -> None: ...


def _quiet(_: str) -> None:
    pass


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def has_data(host: Host) -> bool:
    """A host we can say something about (on loopback every address is 'up')."""
    return bool(host.open_ports or host.snmp or host.os_matches or host.mac)


def assess(
    hosts: Sequence[Host],
    meta: ScanMeta,
    identifier: Identifier | None = None,
    eol: EolDatabase | None = None,
) -> Assessment:
    identifier = identifier or Identifier()
    eol = eol or EolDatabase.load()
    identified = identifier.identify_all(hosts)
    devices = tuple(eol.assess(device, meta.as_of) for device in identified)
    topology = analyse(devices)
    risks = score_all(devices, topology, meta.as_of)
    return Assessment(meta=meta, devices=devices, topology=topology, risks=risks)


def _with_snmp(host: Host, system: SnmpSystem | None) -> Host:
    if system is None:
        return host
    return replace(host, snmp=system, sources=host.sources + ("snmp",))


def collect_live(
    scope: Scope,
    out_dir: Path,
    snmp_port: int = 161,
    community: str = "public",
    progress: Progress = _quiet,
    recorder: ScanRecorder | None = None,
) -> Collection:
    stored = recorder.done("nmap") if recorder else None
    if stored is not None and "nmap.xml" in stored[1]:
        xml = stored[1]["nmap.xml"]
        run = parse_nmap_xml(xml, "stored nmap output")
        (out_dir / "nmap.xml").write_bytes(xml)
        progress("nmap: finished before the interruption; its stored result is used")
    else:
        progress(f"nmap: service detection on {scope.address_count} address(es)")
        scan = run_nmap(scope.targets, xml_out=out_dir / "nmap.xml")
        run = scan.run
        if recorder:
            recorder.chunk("nmap", [h for h in run.hosts if h.address], {"nmap.xml": scan.xml})
    up = [h for h in run.hosts if h.address]
    progress(f"nmap: {len(up)} host(s) up; raw XML kept in {out_dir / 'nmap.xml'}")
    systems: dict[str, SnmpSystem | None] = {}
    pending: list[str] = []
    for host in up:
        address = host.address or ""
        piece = recorder.done(f"snmp:{address}") if recorder else None
        if piece is None:
            pending.append(address)
        else:
            systems[address] = piece[0][0].snmp if piece[0] else None
    by_address = {h.address: h for h in up}

    def record(result: snmp.SnmpResult) -> None:
        if recorder is not None and result.error is None:
            answered = [_with_snmp(by_address[result.address], result.system)]
            recorder.chunk(f"snmp:{result.address}", answered if result.system else [])

    progress(f"snmp: polling the system group of {len(pending)} host(s) on UDP port {snmp_port}")
    results = snmp.poll(pending, port=snmp_port, community=community, on_result=record)
    systems.update({r.address: r.system for r in results})
    errors = tuple(r.error for r in results if r.error is not None)
    hosts = [_with_snmp(h, systems.get(h.address or "")) for h in up]
    kept = tuple(h for h in hosts if has_data(h))
    progress(f"snmp: {sum(1 for s in systems.values() if s)} agent(s) answered")
    return Collection(
        hosts=kept,
        command_lines=(run.command_line,),
        tool_versions=(("nmap", run.nmap_version),),
        errors=errors,
        silent_addresses=len(hosts) - len(kept),
    )


def scan(
    scope: Scope,
    out_dir: Path,
    as_of: dt.date,
    snmp_port: int = 161,
    community: str = "public",
    progress: Progress = _quiet,
    recorder: ScanRecorder | None = None,
) -> Assessment:
    started = now()
    collection = collect_live(scope, out_dir, snmp_port, community, progress, recorder)
    meta = ScanMeta(
        as_of=as_of,
        started=started,
        finished=now(),
        targets=scope.targets,
        command_lines=collection.command_lines,
        tool_versions=collection.tool_versions,
        legacyscan_version=__version__,
        silent_addresses=collection.silent_addresses,
        errors=collection.errors,
    )
    progress(f"identify: {len(collection.hosts)} device(s)")
    assessment = assess(collection.hosts, meta)
    if recorder is not None:
        recorder.finished(assessment)
    return assessment
