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
from legacyscan.analysis import Context, evaluate_network
from legacyscan.collect import snmp
from legacyscan.collect.chunkstore import ChunkStore, ChunkStoreError, FilesystemChunkStore
from legacyscan.collect.nmap import ScanPlan
from legacyscan.collect.nmap_runner import OnProgress, run_plan
from legacyscan.collect.snmp_credentials import community as community_credential
from legacyscan.identify import Identifier
from legacyscan.lifecycle import EolDatabase
from legacyscan.model import Assessment, Collection, Host, ScanMeta
from legacyscan.plan import CostModel, with_plan

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


def snmp_step(
    hosts: Sequence[Host],
    targets: Sequence[str],
    options: snmp.SnmpOptions,
    sweep: bool = False,
    progress: Progress = _quiet,
) -> tuple[list[Host], list[snmp.SnmpResult]]:
    """SNMP on the hosts nmap saw, or on every address of ``targets`` (``sweep``).

    Returns the hosts with what SNMP learnt (sweep answers from addresses nmap did not
    see become hosts of their own) and every address's result.
    """
    by_address = {h.address: h for h in hosts if h.address}
    if sweep:
        addresses = snmp.sweep_addresses(targets)
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
    *,
    snmp_options: snmp.SnmpOptions | None = None,
    snmp_sweep: bool = False,
) -> Collection:
    options = snmp_options or snmp.SnmpOptions(
        port=snmp_port, credentials=(community_credential(community, "--community"),)
    )
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
    # The chunks name exactly the in-scope addresses: a sweep never touches an excluded one.
    in_scope = tuple(t for chunk in plan.chunks for t in chunk.targets)
    hosts, results = snmp_step(up, in_scope, options, snmp_sweep, progress)
    errors = tuple(r.error for r in results if r.error is not None)
    kept = tuple(h for h in hosts if has_data(h))
    progress(f"snmp: {sum(1 for r in results if r.answered)} agent(s) answered")
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
    *,
    snmp_options: snmp.SnmpOptions | None = None,
    snmp_sweep: bool = False,
    context: Context | None = None,
) -> Assessment:
    started = now()
    collection = collect_live(
        plan,
        out_dir,
        snmp_port,
        community,
        progress,
        on_scan_progress,
        resume=resume,
        snmp_options=snmp_options,
        snmp_sweep=snmp_sweep,
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
    return assess(collection.hosts, meta, context=context)
