"""The stages chained: collect -> identify -> lifecycle -> topology -> risk.

``assess`` turns collected hosts into an Assessment (used by scans, imports and
re-rendered reports alike); ``scan`` collects live first.  Progress lines go to a
callback so that the CLI decides where they are printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from legacyscan import __version__
from legacyscan.collect import snmp
from legacyscan.collect.chunkstore import ChunkStore, ChunkStoreError, FilesystemChunkStore
from legacyscan.collect.nmap import ScanPlan
from legacyscan.collect.nmap_runner import OnProgress, run_plan
from legacyscan.identify import Identifier
from legacyscan.lifecycle import EolDatabase
from legacyscan.model import Assessment, Collection, Host, ScanMeta, SnmpSystem
from legacyscan.risk import score_all
from legacyscan.topology import analyse

Progress = Callable[[str], None]


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


def nmap_store(out_dir: Path) -> FilesystemChunkStore:
    """Where a scan in ``out_dir`` keeps its nmap chunks (evidence and resume point)."""
    return FilesystemChunkStore(out_dir / "nmap")


def collect_live(
    plan: ScanPlan,
    out_dir: Path,
    snmp_port: int = 161,
    community: str = "public",
    progress: Progress = _quiet,
    on_scan_progress: OnProgress | None = None,
    store: ChunkStore | None = None,
    resume: bool = False,
) -> Collection:
    store = store or nmap_store(out_dir)
    finished = store.finished() if store.load_plan() is not None else {}
    if finished and not resume:
        raise ChunkStoreError(
            f"{out_dir} already holds {len(finished)} finished chunk(s) of a scan: "
            "add --resume to continue it, or choose another --out folder"
        )
    progress(
        f"nmap: profile {plan.profile}, {plan.address_count} address(es) in "
        f"{len(plan.chunks)} chunk(s), {plan.parallel} nmap process(es) at a time"
    )
    result = run_plan(plan, store, out_dir / "nmap", on_scan_progress)
    if result.resumed_chunks:
        progress(f"nmap: {result.resumed_chunks} chunk(s) were already done and not run again")
    up = [h for run in result.runs for h in run.hosts if h.address]
    progress(f"nmap: {len(up)} host(s) up; raw XML kept in {out_dir / 'nmap'}")
    progress(f"snmp: polling the system group of {len(up)} host(s) on UDP port {snmp_port}")
    results = snmp.poll([h.address for h in up if h.address], port=snmp_port, community=community)
    systems = {r.address: r.system for r in results}
    errors = tuple(r.error for r in results if r.error is not None)
    hosts = [_with_snmp(h, systems.get(h.address or "")) for h in up]
    kept = tuple(h for h in hosts if has_data(h))
    progress(f"snmp: {sum(1 for s in systems.values() if s)} agent(s) answered")
    return Collection(
        hosts=kept,
        command_lines=tuple(r.command_line for r in result.records),
        tool_versions=(("nmap", ", ".join(sorted({r.nmap_version for r in result.records}))),),
        errors=errors,
        silent_addresses=len(hosts) - len(kept),
    )


def scan(
    plan: ScanPlan,
    out_dir: Path,
    as_of: dt.date,
    snmp_port: int = 161,
    community: str = "public",
    progress: Progress = _quiet,
    on_scan_progress: OnProgress | None = None,
    resume: bool = False,
) -> Assessment:
    started = now()
    collection = collect_live(
        plan, out_dir, snmp_port, community, progress, on_scan_progress, resume=resume
    )
    meta = ScanMeta(
        as_of=as_of,
        started=started,
        finished=now(),
        targets=plan.targets,
        profile=plan.profile,
        command_lines=collection.command_lines,
        tool_versions=collection.tool_versions,
        legacyscan_version=__version__,
        silent_addresses=collection.silent_addresses,
        errors=collection.errors,
    )
    progress(f"identify: {len(collection.hosts)} device(s)")
    return assess(collection.hosts, meta)
