"""The live scan: pass 1 (nmap, then SNMP), devices seen only by others, pass 2 where a
device's class allows it, then ``assess``; every finished piece goes to the recorder
(``recording``).  Progress lines go to a callback so the CLI decides where they print.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from netaddr import AddrFormatError, IPAddress, IPSet

from legacyscan import __version__
from legacyscan.assess import assess
from legacyscan.clock import now
from legacyscan.collect.nmap.chunkstore import (
    ChunkRecord,
    ChunkStore,
    ChunkStoreError,
    FilesystemChunkStore,
    refuse_another_scan,
)
from legacyscan.collect.nmap.plan import ScanPlan, is_root
from legacyscan.collect.nmap.profiles import load_profiles
from legacyscan.collect.nmap.runner import OnProgress, run_plan
from legacyscan.collect.nmap.second_pass import (
    PASS2_PREFIX,
    PASS2_SOURCE,
    SecondPassOptions,
    decide,
    merge_second_pass,
    plan_second_pass,
    rules_of,
)
from legacyscan.collect.scope import address_set
from legacyscan.collect.sightings import devices_seen_by_others, with_macs_from_arp
from legacyscan.collect.snmp import sweep as snmp
from legacyscan.collect.snmp.credentials import community as community_credential
from legacyscan.identify import Identifier
from legacyscan.model import (
    Assessment,
    Collection,
    Host,
    PassDecision,
    ScanMeta,
)
from legacyscan.probing import ai_probe_step, classed
from legacyscan.recording import RecordingChunkStore, ScanRecorder, record_nmap_chunk
from legacyscan.risk.evaluate import Context

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def snmp_step(
    hosts: Sequence[Host],
    targets: Sequence[str],
    options: snmp.SnmpOptions,
    sweep: bool = False,
    progress: Progress = _quiet,
    recorder: ScanRecorder | None = None,
) -> tuple[list[Host], list[snmp.SnmpResult], int]:
    """SNMP on the hosts nmap saw, or on every address of ``targets`` (``sweep``).

    Returns the hosts with what SNMP learnt (sweep answers from addresses nmap did not
    see become hosts of their own), every polled address's result, and how many answers
    came from the recorder (committed by an interrupted run, not asked again).
    """
    merged = {h.address: h for h in hosts if h.address}
    addresses = snmp.sweep_addresses(targets) if sweep else list(merged)
    pending = []
    for address in addresses:
        stored = recorder.done(f"snmp:{address}") if recorder is not None else None
        if stored is not None and stored[0]:
            merged[address] = stored[0][0]
        else:
            pending.append(address)
    reused = len(addresses) - len(pending)
    what = (
        f"sweeping all {len(addresses)} address(es) of the scope"
        if sweep
        else f"polling {len(addresses)} host(s) nmap found"
    )
    if reused:
        what += f" ({reused} answer(s) kept from the interrupted run, not asked again)"
    progress(
        f"snmp: {what} on UDP port {options.port} "
        f"({len(options.credentials)} credential(s), {options.concurrency} at a time)"
    )
    say = snmp.text_progress(progress)

    def each(result: snmp.SnmpResult, done: int, total: int) -> None:
        say(result, done, total)
        if result.answered:
            host = result.merge_into(merged.get(result.address) or Host(address=result.address))
            merged[result.address] = host
            if recorder is not None:  # committed now: a kill later does not lose it
                recorder.chunk(f"snmp:{result.address}", [host])

    results = snmp.run_sweep(pending, options, each)
    return list(merged.values()), results, reused


SEEN_PIECE = "seen-by-others"


def seen_by_others_step(
    hosts: Sequence[Host], progress: Progress = _quiet, recorder: ScanRecorder | None = None
) -> tuple[Host, ...]:
    """The devices only the switches' and routers' tables show; never sent a packet."""
    seen = devices_seen_by_others(hosts)
    if seen:
        arp = sum(1 for h in seen if "arp" in h.sources)
        progress(
            f"switch tables: {len(seen)} device(s) seen only by others "
            f"({arp} in ARP tables, {len(seen) - arp} only in forwarding tables); "
            "listed as not scanned, never probed"
        )
    if seen and recorder is not None and not recorder.committed(SEEN_PIECE):
        recorder.chunk(SEEN_PIECE, seen)
    return seen


def store_folder(store: ChunkStore, out_dir: Path) -> Path:
    """The folder a store keeps its chunks in, for messages."""
    folder = getattr(store, "folder", None)
    return folder if isinstance(folder, Path) else out_dir / "nmap"


def nmap_store(out_dir: Path) -> FilesystemChunkStore:
    """Where a scan in ``out_dir`` keeps its nmap chunks (evidence and resume point)."""
    return FilesystemChunkStore(out_dir / "nmap")


def refuse_unfinished(
    store: ChunkStore, out_dir: Path, resume: bool, plan: ScanPlan | None = None
) -> None:
    """Refuse to start over a scan whose chunks are in ``out_dir`` unless resuming it,
    and (given ``plan``) to resume a stored scan whose command lines are not ``plan``'s."""
    stored = store.load_plan()
    if plan is not None:
        refuse_another_scan(stored, plan, store_folder(store, out_dir))
    finished = store.finished() if stored is not None else {}
    if finished and not resume:
        raise ChunkStoreError(
            f"{out_dir} already holds {len(finished)} finished chunk(s) of a scan: "
            "add --resume to continue it, or choose another --out folder"
        )


def within(targets: Sequence[str], hosts: Sequence[Host]) -> tuple[list[Host], int]:
    """The hosts whose address is in ``targets`` (CIDR blocks), and how many were not."""
    scope = IPSet(targets)
    kept = []
    for host in hosts:
        try:
            if IPAddress(host.address) in scope:
                kept.append(host)
        except (AddrFormatError, ValueError, TypeError):
            pass
    return kept, len(hosts) - len(kept)


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
    recorder: ScanRecorder | None = None,
    second_pass: SecondPassOptions | None = None,
    identifier: Identifier | None = None,
) -> Collection:
    options = snmp_options or snmp.SnmpOptions(
        port=snmp_port, credentials=(community_credential(community, "--community"),)
    )
    store = store or nmap_store(out_dir)
    refuse_unfinished(store, out_dir, resume, plan)
    if recorder is not None:
        store = RecordingChunkStore(store, recorder)
    progress(
        f"nmap: profile {plan.profile}, {plan.address_count} address(es) in "
        f"{len(plan.chunks)} chunk(s), {plan.parallel} nmap process(es) at a time"
    )
    result = run_plan(plan, store, out_dir / "nmap", on_scan_progress)
    if result.resumed_chunks:
        progress(f"nmap: {result.resumed_chunks} chunk(s) were already done and not run again")
    if recorder is not None:
        # A kill between the folder's save and the inventory's commit: commit it now.
        for run, record in zip(result.runs, result.records, strict=True):
            if not recorder.committed(f"nmap:{record.index}"):
                record_nmap_chunk(recorder, record.index, run, store.xml(record.index))
    # The chunks name exactly the in-scope addresses: a sweep never touches an excluded one.
    in_scope = tuple(t for chunk in plan.chunks for t in chunk.targets)
    up, outside = within(in_scope, [h for run in result.runs for h in run.hosts if h.address])
    if outside:  # nmap reports only its targets: a stored chunk's XML was edited
        progress(f"nmap: {outside} host(s) outside the scope ignored (never asked by SNMP)")
    progress(f"nmap: {len(up)} host(s) up; raw XML kept in {out_dir / 'nmap'}")
    hosts, results, reused = snmp_step(up, in_scope, options, snmp_sweep, progress, recorder)
    errors = tuple(r.error for r in results if r.error is not None)
    kept = with_macs_from_arp([h for h in hosts if h.has_data])
    progress(f"snmp: {sum(1 for r in results if r.answered) + reused} agent(s) answered")
    seen = seen_by_others_step(kept, progress, recorder)
    records = list(result.records)
    decisions: tuple[PassDecision, ...] = ()
    if second_pass is not None and second_pass.enabled:
        found, decisions, more = second_pass_step(
            kept, plan, out_dir, second_pass, progress, on_scan_progress, recorder, identifier
        )
        kept = tuple(found)
        records += more
    ai: tuple[PassDecision, ...] = ()
    if second_pass is not None and second_pass.ai_probes:
        kept, ai = ai_probe_step(kept, in_scope, progress, recorder, identifier)
    return Collection(
        hosts=kept + seen,
        command_lines=tuple(r.command_line for r in records),
        tool_versions=(("nmap", ", ".join(sorted({r.nmap_version for r in records}))),),
        errors=errors,
        silent_addresses=len(hosts) - len(kept),
        second_pass=decisions,
        ai_probes=ai,
    )


def pass2_store(out_dir: Path) -> FilesystemChunkStore:
    """Where the second pass keeps its chunks: beside the first pass's, prefix ``pass2``."""
    return FilesystemChunkStore(out_dir / "nmap", prefix=PASS2_PREFIX)


def second_pass_step(
    hosts: Sequence[Host],
    first: ScanPlan,
    out_dir: Path,
    options: SecondPassOptions,
    progress: Progress = _quiet,
    on_scan_progress: OnProgress | None = None,
    recorder: ScanRecorder | None = None,
    identifier: Identifier | None = None,
) -> tuple[list[Host], tuple[PassDecision, ...], list[ChunkRecord]]:
    """Class the first pass's hosts, decide, run the second pass, merge what it read."""
    book = load_profiles()
    profile = book.get(first.profile)
    named = address_set(options.named) if options.named else None
    identifier = identifier or Identifier()
    rules = rules_of(book)
    decisions = decide(classed(identifier.identify_all(hosts)), rules, named)
    as_root = is_root() if options.as_root is None else options.as_root
    plan, decisions = plan_second_pass(
        decisions, profile, book, as_root, first.chunk_size, rules.parallel
    )
    sent = Counter(d.device_class for d in decisions if d.chunk is not None)
    held = Counter(d.device_class for d in decisions if d.chunk is None)
    progress(
        f"pass 2: {plan.address_count} host(s) get read-only OS scripts "
        f"({_counts(sent) or 'none'}); {sum(held.values())} get nothing more "
        f"({_counts(held) or 'none'})"
    )
    if not plan.chunks:
        return list(hosts), decisions, []
    store: ChunkStore = pass2_store(out_dir)
    first_pass = {h.address: h for h in hosts if h.address}
    if recorder is not None:
        store = RecordingChunkStore(store, recorder, PASS2_SOURCE, first_pass)
    result = run_plan(plan, store, out_dir / "nmap", on_scan_progress)
    if result.resumed_chunks:
        progress(f"pass 2: {result.resumed_chunks} chunk(s) were already done")
    if recorder is not None:
        for run, record in zip(result.runs, result.records, strict=True):
            if not recorder.committed(f"{PASS2_SOURCE}:{record.index}"):
                xml = store.xml(record.index)
                record_nmap_chunk(recorder, record.index, run, xml, PASS2_SOURCE, first_pass)
    found = [h for run in result.runs for h in run.hosts]
    return merge_second_pass(hosts, found), decisions, list(result.records)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counter.items()))


def scan_meta_at_start(plan: ScanPlan, as_of: dt.date, site: str, vantage: str) -> ScanMeta:
    """What the inventory records when a scan begins (completed when it finishes)."""
    return ScanMeta(
        as_of=as_of,
        started=now(),
        finished="",
        targets=plan.targets,
        command_lines=tuple(c.command_line for c in plan.chunks),
        legacyscan_version=__version__,
        profile=plan.profile,
        site=site,
        vantage=vantage,
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
    recorder: ScanRecorder | None = None,
    site: str = "",
    vantage: str = "",
    identifier: Identifier | None = None,
    second_pass: SecondPassOptions | None = None,
) -> Assessment:
    """Collect (nmap, then SNMP, then the second pass where the profile has one), then
    ``assess``; each piece goes to ``recorder``."""
    started = now()
    # Loaded once: the second pass and assess both class hosts with it.
    identifier = identifier or Identifier()
    if second_pass is None:
        profile = load_profiles().get(plan.profile)
        second_pass = SecondPassOptions(enabled=profile.second_pass, ai_probes=profile.ai_probes)
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
        recorder=recorder,
        second_pass=second_pass,
        identifier=identifier,
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
        site=site,
        vantage=vantage,
        second_pass=collection.second_pass,
        ai_probes=collection.ai_probes,
    )
    progress(f"identify: {len(collection.hosts)} device(s)")
    assessment = assess(collection.hosts, meta, identifier=identifier, context=context)
    if recorder is not None:
        assessment = replace(assessment, trend=recorder.finished(assessment))
    return assessment
