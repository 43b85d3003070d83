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
from legacyscan.analysis import Context, evaluate_network
from legacyscan.collect import snmp
from legacyscan.collect.nmap import run_nmap
from legacyscan.identify import Identifier
from legacyscan.lifecycle import EolDatabase
from legacyscan.model import Assessment, Collection, Host, ScanMeta, SnmpSystem
from legacyscan.plan import CostModel, with_plan
from legacyscan.scope import Scope

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
    context: Context | None = None,
    budget: float | None = None,
    costs: CostModel | None = None,
) -> Assessment:
    """Identify, look up lifecycles, then topology and risk (``analysis.evaluate``).

    ``context`` carries the segment mapping file (``--segments``), what-if filtering and
    the risk weights; the defaults suit a plain scan.  With a ``budget`` the assessment
    also holds the budget plan (costs from ``costs`` or the shipped defaults).
    """
    identifier = identifier or Identifier()
    eol = eol or EolDatabase.load()
    identified = identifier.identify_all(hosts)
    devices = tuple(eol.assess(device, meta.as_of) for device in identified)
    assessment, network = evaluate_network(devices, meta, context)
    if budget is not None:
        assessment = with_plan(assessment, network, budget, costs, context)
    return assessment


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
) -> Collection:
    progress(f"nmap: service detection on {scope.address_count} address(es)")
    scan = run_nmap(scope.targets, xml_out=out_dir / "nmap.xml")
    up = [h for h in scan.run.hosts if h.address]
    progress(f"nmap: {len(up)} host(s) up; raw XML kept in {out_dir / 'nmap.xml'}")
    progress(f"snmp: polling the system group of {len(up)} host(s) on UDP port {snmp_port}")
    results = snmp.poll([h.address for h in up if h.address], port=snmp_port, community=community)
    systems = {r.address: r.system for r in results}
    errors = tuple(r.error for r in results if r.error is not None)
    hosts = [_with_snmp(h, systems.get(h.address or "")) for h in up]
    kept = tuple(h for h in hosts if has_data(h))
    progress(f"snmp: {sum(1 for s in systems.values() if s)} agent(s) answered")
    return Collection(
        hosts=kept,
        command_lines=(scan.run.command_line,),
        tool_versions=(("nmap", scan.run.nmap_version),),
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
    context: Context | None = None,
) -> Assessment:
    started = now()
    collection = collect_live(scope, out_dir, snmp_port, community, progress)
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
    return assess(collection.hosts, meta, context=context)
