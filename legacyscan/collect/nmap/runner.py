"""Run a scan plan: a bounded number of nmap processes, each chunk stored as it finishes.

The loop lives in the calling thread: it starts nmap processes up to the plan's
parallelism, polls them, stores every finished chunk at once (``chunkstore``) and
reports progress.  Chunks already in the store are not run again, which is all
``--resume`` needs.  While a chunk runs, its XML output is read as it grows
(``ChunkWatch``): the hosts nmap has finished and its ``--stats-every`` reports
(``<taskprogress>``) make the progress move before the chunk ends.  Ctrl-C and
SIGTERM only set a flag that the loop reads between two steps, so a chunk is never
half started or half stored; the loop then stops every nmap child and raises
:class:`ScanInterrupted`.  The children also get SIGTERM from the kernel if legacyscan
itself is killed (PR_SET_PDEATHSIG): no orphan keeps scanning.
"""

from __future__ import annotations

import ctypes
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from netaddr import AddrFormatError, IPAddress, IPNetwork

from legacyscan.clock import now
from legacyscan.collect.nmap.chunkstore import ChunkRecord, ChunkStore, sha256
from legacyscan.collect.nmap.parse import NmapRun, NmapXmlError, parse_nmap_xml
from legacyscan.collect.nmap.plan import ChunkPlan, NmapError, ScanPlan
from legacyscan.errors import UserError


class ScanInterrupted(UserError):
    """The user stopped the scan; finished chunks are stored and the scan can be resumed."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"interrupted: {done}/{total} chunk(s) stored")
        self.done = done
        self.total = total


@dataclass(frozen=True)
class ScanProgress:
    addresses_done: int
    addresses_total: int
    chunks_done: int
    chunks_total: int
    hosts_up: int
    elapsed_s: float
    eta_s: float | None  # None until nmap has finished some address of this session
    #: What the running nmap says it is doing, from its last ``--stats-every`` report
    #: (of the chunk that reported last), e.g. "Service scan", 45.0.
    phase: str = ""
    phase_percent: float | None = None


@dataclass(frozen=True)
class NmapResult:
    runs: tuple[NmapRun, ...]  # one per chunk, in chunk order
    records: tuple[ChunkRecord, ...]
    resumed_chunks: int  # chunks found finished in the store, not run again


OnProgress = Callable[[ScanProgress], None]


_LIBC = ctypes.CDLL(None) if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the parent dies, even by SIGKILL."""
    if _LIBC is not None:
        _LIBC.prctl(1, int(signal.SIGTERM))  # 1 = PR_SET_PDEATHSIG


_HOST = re.compile(rb"<host[\s>].*?</host>", re.S)
_STATE = re.compile(rb'<status state="(\w+)"')
_ADDRESS = re.compile(rb'<address addr="([^"]+)" addrtype="ipv[46]"')
_TASK = re.compile(rb'<taskprogress task="([^"]*)"[^>]*? percent="([0-9.]+)"[^>]*/>')


class ChunkWatch:
    """What a running chunk's XML says so far: hosts finished, hosts up, nmap's phase.

    nmap writes a host when its host group is done, in the order of the targets (we never
    pass ``--randomize-hosts``), so the furthest finished address tells how many of the
    chunk's addresses are behind us -- down ones included, which the XML does not list.
    """

    def __init__(self, chunk: ChunkPlan) -> None:
        self.networks: list[IPNetwork] = []
        for target in chunk.targets:
            try:
                self.networks.append(IPNetwork(target))
            except (AddrFormatError, ValueError):
                continue
        self.pending = b""
        self.offset = 0
        self.addresses_done = 0
        self.hosts_up = 0
        self.phase = ""
        self.percent: float | None = None
        self.total = chunk.address_count

    def position(self, address: str) -> int:
        """1-based place of ``address`` among the chunk's addresses (0: not one of them)."""
        try:
            ip = IPAddress(address)
        except (AddrFormatError, ValueError):
            return 0
        before = 0
        for network in self.networks:
            if network.version == ip.version and ip in network:
                return before + int(ip) - int(network.first) + 1
            before += int(network.size)
        return 0

    def feed(self, data: bytes) -> None:
        """Read what nmap appended; an element cut in the middle waits for the rest."""
        self.pending += data
        end = 0
        for host in _HOST.finditer(self.pending):
            end = max(end, host.end())
            block = host.group(0)
            state = _STATE.search(block)
            if state and state.group(1) == b"up":
                self.hosts_up += 1
            address = _ADDRESS.search(block)
            if address:
                place = self.position(address.group(1).decode("ascii", "replace"))
                self.addresses_done = min(self.total, max(self.addresses_done, place))
        for task in _TASK.finditer(self.pending):
            end = max(end, task.end())
            self.phase = task.group(1).decode("utf-8", "replace")
            self.percent = float(task.group(2))
        self.pending = self.pending[end:]

    def read(self, path: Path) -> None:
        try:
            with open(path, "rb") as grown:
                grown.seek(self.offset)
                data = grown.read()
        except OSError:
            return
        self.offset += len(data)
        if data:
            self.feed(data)


@dataclass
class _Running:
    chunk: ChunkPlan
    process: subprocess.Popen[bytes]
    out: IO[bytes]
    out_path: Path
    err_path: Path
    started: str
    watch: ChunkWatch


def _start(chunk: ChunkPlan, work: Path) -> _Running:
    out_path = work / f".chunk-{chunk.index:06d}.xml.part"
    err_path = work / f".chunk-{chunk.index:06d}.stderr.part"
    out = open(out_path, "wb")
    try:
        with open(err_path, "wb") as err:
            process = subprocess.Popen(
                chunk.argv,
                stdin=subprocess.DEVNULL,  # nmap reads keys from a terminal; not from ours
                stdout=out,
                stderr=err,
                start_new_session=True,  # Ctrl-C reaches us only; we stop nmap ourselves
                preexec_fn=_die_with_parent,
            )
    except FileNotFoundError as exc:
        out.close()
        raise NmapError("nmap not found: install it (apt-get install nmap)") from exc
    return _Running(chunk, process, out, out_path, err_path, now(), ChunkWatch(chunk))


@contextmanager
def _stop_requests() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM while the block runs (main thread only)."""
    requested = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield requested
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: requested.set())
    try:
        yield requested
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop(running: dict[int, _Running]) -> None:
    for job in running.values():
        if job.process.poll() is None:
            job.process.terminate()
    deadline = time.monotonic() + 5
    for job in running.values():
        try:
            job.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            job.process.kill()
            job.process.wait()
        _cleanup(job)


def _cleanup(job: _Running) -> None:
    job.out.close()
    job.out_path.unlink(missing_ok=True)
    job.err_path.unlink(missing_ok=True)


def _finish(job: _Running, store: ChunkStore) -> tuple[NmapRun, ChunkRecord]:
    job.out.close()
    xml = job.out_path.read_bytes()
    errors = job.err_path.read_text(encoding="utf-8", errors="replace").strip()
    _cleanup(job)
    if job.process.returncode != 0:
        first = errors.splitlines()[0] if errors else f"exit status {job.process.returncode}"
        raise NmapError(f"nmap failed on chunk {job.chunk.index}: {first}")
    try:
        run = parse_nmap_xml(xml, f"nmap output of chunk {job.chunk.index}")
    except NmapXmlError as exc:
        raise NmapError(str(exc)) from exc
    record = ChunkRecord(
        index=job.chunk.index,
        targets=job.chunk.targets,
        address_count=job.chunk.address_count,
        command_line=job.chunk.command_line,
        nmap_version=run.nmap_version,
        started=job.started,
        finished=now(),
        hosts_up=len(run.hosts),
        xml_sha256=sha256(xml),
    )
    store.save(record, xml)
    return run, record


def _stored_run(store: ChunkStore, record: ChunkRecord) -> NmapRun:
    xml = store.xml(record.index)
    if sha256(xml) != record.xml_sha256:
        raise NmapError(f"stored chunk {record.index} does not match its journal (sha256)")
    return parse_nmap_xml(xml, f"stored chunk {record.index}")


def run_plan(
    plan: ScanPlan,
    store: ChunkStore,
    work_dir: Path,
    on_progress: OnProgress | None = None,
    poll_interval: float = 0.1,
) -> NmapResult:
    """Run every chunk not yet stored; return every chunk's decoded XML, stored or new."""
    if plan.preview:
        raise NmapError("a dry run's preview of a plan cannot be run")
    store.begin(plan)
    # A journal entry counts only for the chunk this plan would run: same addresses, same
    # command line.  Any other (edited, or left by another scan) is run again.
    done = {
        i: r
        for i, r in store.finished().items()
        if 1 <= i <= len(plan.chunks)
        and r.targets == plan.chunks[i - 1].targets
        and r.address_count == plan.chunks[i - 1].address_count
        and r.command_line == plan.chunks[i - 1].command_line
    }
    resumed = len(done)
    runs: dict[int, NmapRun] = {}
    todo = [c for c in plan.chunks if c.index not in done]
    running: dict[int, _Running] = {}
    clock = time.monotonic()
    session_addresses = 0
    last_report = float("-inf")  # a monotonic clock may start near 0 (field notes)

    def report() -> None:
        if on_progress is None:
            return
        watches = [job.watch for job in running.values()]
        for job in running.values():
            job.watch.read(job.out_path)
        partial = sum(w.addresses_done for w in watches)
        finished = sum(r.address_count for r in done.values()) + partial
        elapsed = time.monotonic() - clock
        remaining = plan.address_count - finished
        so_far = session_addresses + partial
        eta = elapsed / so_far * remaining if so_far else None
        phase = next((w for w in reversed(watches) if w.phase), None)
        on_progress(
            ScanProgress(
                addresses_done=finished,
                addresses_total=plan.address_count,
                chunks_done=len(done),
                chunks_total=len(plan.chunks),
                hosts_up=sum(r.hosts_up for r in done.values()) + sum(w.hosts_up for w in watches),
                elapsed_s=elapsed,
                eta_s=eta,
                phase=phase.phase if phase else "",
                phase_percent=phase.percent if phase else None,
            )
        )

    work_dir.mkdir(parents=True, exist_ok=True)
    report()
    with _stop_requests() as stop_requested:
        try:
            while todo or running:
                if stop_requested.is_set():
                    raise KeyboardInterrupt
                while todo and len(running) < plan.parallel:
                    chunk = todo.pop(0)
                    running[chunk.index] = _start(chunk, work_dir)
                for index, job in list(running.items()):
                    if job.process.poll() is None:
                        continue
                    del running[index]  # its addresses now count through done[index]
                    runs[index], done[index] = _finish(job, store)
                    session_addresses += job.chunk.address_count
                    report()
                if time.monotonic() - last_report > 1:
                    last_report = time.monotonic()
                    report()
                if running:
                    stop_requested.wait(poll_interval)
        except KeyboardInterrupt:
            _stop(running)
            raise ScanInterrupted(len(done), len(plan.chunks)) from None
        except BaseException:
            _stop(running)
            raise
    for index, record in done.items():
        if index not in runs:
            runs[index] = _stored_run(store, record)
    order = sorted(runs)
    return NmapResult(
        runs=tuple(runs[i] for i in order),
        records=tuple(done[i] for i in order),
        resumed_chunks=resumed,
    )
