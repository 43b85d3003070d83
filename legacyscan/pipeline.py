"""The stages chained: collect -> identify -> lifecycle -> topology -> risk.

``assess`` turns collected hosts into an Assessment (used by scans, imports and
re-rendered reports alike); ``scan`` collects live first.  Progress lines go to a
callback so that the CLI decides where they are printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from legacyscan import __version__
from legacyscan.collect import snmp
from legacyscan.collect.nmap import run_nmap
from legacyscan.collect.snmp_credentials import community as community_credential
from legacyscan.identify import Identifier
from legacyscan.lifecycle import EolDatabase
from legacyscan.model import Assessment, Collection, Host, ScanMeta
from legacyscan.risk import score_all
from legacyscan.scope import Scope
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


def snmp_step(
    hosts: Sequence[Host],
    scope: Scope,
    options: snmp.SnmpOptions,
    sweep: bool = False,
    progress: Progress = _quiet,
) -> tuple[list[Host], list[snmp.SnmpResult]]:
    """SNMP on the hosts nmap saw, or on every address of the scope (``sweep``).

    Returns the hosts with what SNMP learnt (sweep answers from addresses nmap did not
    see become hosts of their own) and every address's result.
    """
    by_address = {h.address: h for h in hosts if h.address}
    if sweep:
        addresses = snmp.sweep_addresses(scope.targets)
        what = f"sweeping all {len(addresses)} address(es) of the scope"
    else:
        addresses = list(by_address)
        what = f"polling {len(addresses)} host(s) nmap found"
    progress(
        f"snmp: {what} on UDP port {options.port} "
        f"({len(options.credentials)} credential(s), {options.concurrency} at a time)"
    )
    results = snmp.run_sweep(addresses, options, snmp.text_progress(progress))
    merged = dict(by_address)
    for result in results:
        host = merged.get(result.address) or Host(address=result.address)
        if result.answered:
            merged[result.address] = result.merge_into(host)
    return list(merged.values()), results


def collect_live(
    scope: Scope,
    out_dir: Path,
    snmp_port: int = 161,
    community: str = "public",
    progress: Progress = _quiet,
    *,
    snmp_options: snmp.SnmpOptions | None = None,
    snmp_sweep: bool = False,
) -> Collection:
    options = snmp_options or snmp.SnmpOptions(
        port=snmp_port, credentials=(community_credential(community, "--community"),)
    )
    progress(f"nmap: service detection on {scope.address_count} address(es)")
    scan = run_nmap(scope.targets, xml_out=out_dir / "nmap.xml")
    up = [h for h in scan.run.hosts if h.address]
    progress(f"nmap: {len(up)} host(s) up; raw XML kept in {out_dir / 'nmap.xml'}")
    hosts, results = snmp_step(up, scope, options, snmp_sweep, progress)
    errors = tuple(r.error for r in results if r.error is not None)
    kept = tuple(h for h in hosts if has_data(h))
    progress(f"snmp: {sum(1 for r in results if r.answered)} agent(s) answered")
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
    *,
    snmp_options: snmp.SnmpOptions | None = None,
    snmp_sweep: bool = False,
) -> Assessment:
    started = now()
    collection = collect_live(
        scope,
        out_dir,
        snmp_port,
        community,
        progress,
        snmp_options=snmp_options,
        snmp_sweep=snmp_sweep,
    )
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
    return assess(collection.hosts, meta)
