"""SNMP collection from many addresses at once: credentials in order, tables, one status each.

For every address, the credentials are tried in the user's order: communities are sent
side by side (a silent address then costs one timeout, not one per community) and v3
users one after the other; the first credential in file order that gets an answer wins
and is remembered by its label.  With it the system group and the chosen table groups
are read (``snmp_session``) and decoded by the same decoder as walk files
(``mib_decode``).  Each address ends with one status:

* ``ok`` -- answered, every table read;
* ``partial`` -- answered, some table cut short (cap, loop, error, time budget): the
  reasons are in ``SnmpTables.incomplete``, everything read before is kept;
* ``no-response`` -- nothing answered (silent address, or wrong communities: SNMP cannot
  tell them apart);
* ``auth-failed`` -- a v3 agent refused every user (unknown user, wrong digest...);
* ``error`` -- anything else, with its message.

Addresses run ``concurrency`` at a time; requests to one address are paced.  Messages
are scrubbed of every secret before they leave (defence in depth: pysnmp's own messages
are not ours to trust).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from netaddr import IPNetwork

from legacyscan.collect.snmp import mib_decode
from legacyscan.collect.snmp.credentials import Credential, community, reported_label, scrub
from legacyscan.collect.snmp.identity_objects import identity_oids
from legacyscan.collect.snmp.mib_tables import GROUPS, SYSTEM_OIDS, tables_for
from legacyscan.collect.snmp.mib_values import Value
from legacyscan.collect.snmp.session import Engines, Session, SnmpFailure
from legacyscan.model import CollectError, Host, SnmpSystem, SnmpTables

STATUSES = ("ok", "partial", "no-response", "auth-failed", "error")


@dataclass(frozen=True)
class SnmpOptions:
    """How to talk SNMP: where, with what, how fast, and what to read."""

    port: int = 161
    credentials: tuple[Credential, ...] = field(default_factory=lambda: (community("public"),))
    timeout: float = 2.0  # seconds per request
    retries: int = 1
    concurrency: int = 128  # addresses in flight
    pace: float = 0.02  # seconds between two requests to one address
    groups: tuple[str, ...] = GROUPS  # table groups to read (see mib_tables.GROUPS)
    max_rows: int = 10_000  # per table
    host_budget: float = 120.0  # seconds of table walking per address
    max_repetitions: int = 30  # GETBULK varbinds asked per request (shared by the columns)


@dataclass(frozen=True)
class SnmpResult:
    """What one address gave: its status, the credential label that worked, the data."""

    address: str
    status: str  # one of STATUSES
    detail: str = ""
    credential: str | None = None
    system: SnmpSystem | None = None
    tables: SnmpTables | None = None
    requests: int = 0
    seconds: float = 0.0

    @property
    def answered(self) -> bool:
        return self.credential is not None

    @property
    def error(self) -> CollectError | None:
        """The problem as a CollectError; silence is not an error."""
        if self.status in ("ok", "no-response"):
            return None
        return CollectError("snmp", self.address, f"{self.status}: {self.detail}")

    def merge_into(self, host: Host) -> Host:
        """``host`` with what SNMP learnt (unchanged if the address did not answer)."""
        if not self.answered:
            return host
        return replace(
            host,
            snmp=self.system or host.snmp,
            snmp_tables=self.tables,
            snmp_credential=self.credential,
            sources=host.sources + ("snmp",),
        )


Progress = Callable[[SnmpResult, int, int], None]


def sweep_addresses(targets: Iterable[str]) -> list[str]:
    """Every address of the scope's CIDR blocks, in order, each once.

    All of them, as nmap does: the scope merges what the user typed into blocks, so a
    block's first or last address may well be a host the user asked for.
    """
    seen: dict[str, None] = {}
    for target in targets:
        seen.update((str(a), None) for a in IPNetwork(target))
    return list(seen)


async def _probe(
    engines: Engines, address: str, options: SnmpOptions
) -> tuple[Session | None, dict[str, Value], list[tuple[str, str, str]]]:
    """The first credential (in order) that gets an answer, its system values, the failures."""
    loop = asyncio.get_running_loop()
    creds = options.credentials
    futures: list[asyncio.Future[tuple[Session | None, dict[str, Value], str, str]]] = [
        loop.create_future() for _ in creds
    ]

    async def attempt(number: int) -> tuple[Session | None, dict[str, Value], str, str]:
        session = await Session.open(
            engines,
            address,
            options.port,
            creds[number],
            options.timeout,
            options.retries,
            pace=options.pace,
            max_repetitions=options.max_repetitions,
        )
        try:
            return session, await session.get(list(SYSTEM_OIDS.values())), "", ""
        except SnmpFailure as failure:
            return None, {}, failure.kind, failure.message

    async def community_attempt(number: int, delay: float) -> None:
        await asyncio.sleep(delay)
        futures[number].set_result(await attempt(number))

    async def user_attempts(numbers: list[int]) -> None:
        # One at a time: a v3 timeout means no v3 agent answers there, so the next
        # users are not tried (each would cost another timeout).
        for position, number in enumerate(numbers):
            result = await attempt(number)
            futures[number].set_result(result)
            if result[2] != "auth":
                for later in numbers[position + 1 :]:
                    futures[later].set_result((None, {}, "skipped", "not tried"))
                return

    communities = [n for n, c in enumerate(creds) if c.version != "3"]
    users = [n for n, c in enumerate(creds) if c.version == "3"]
    tasks = [
        asyncio.ensure_future(community_attempt(n, k * options.pace))
        for k, n in enumerate(communities)
    ]
    if users:
        tasks.append(asyncio.ensure_future(user_attempts(users)))
    for task in tasks:  # a task that dies must not leave its futures waiting forever
        task.add_done_callback(lambda done: _fail_pending(done, futures))
    failures: list[tuple[str, str, str]] = []
    try:
        for number, future in enumerate(futures):
            session, values, kind, message = await future
            if session is not None:
                return session, values, failures
            if kind != "skipped":
                failures.append((creds[number].label, kind, message))
        return None, {}, failures
    finally:
        for task in tasks:
            task.cancel()


def _fail_pending(task: asyncio.Future[None], futures: Sequence[asyncio.Future[Any]]) -> None:
    if task.cancelled() or task.exception() is None:
        return
    exc = task.exception()
    for future in futures:
        if not future.done():
            future.set_result((None, {}, "error", f"{type(exc).__name__}: {exc}"))


def _status_of_failures(failures: list[tuple[str, str, str]]) -> tuple[str, str]:
    if not failures or all(kind == "timeout" for _, kind, _ in failures):
        return "no-response", "no answer to any credential (silent, or wrong communities)"
    refused = [f for f in failures if f[1] == "auth"]
    detail = "; ".join(f"{label}: {message}" for label, _, message in failures)
    return ("auth-failed" if refused else "error"), detail


async def collect_host(engines: Engines, address: str, options: SnmpOptions) -> SnmpResult:
    """Everything SNMP can tell about ``address``; never raises, always one status."""
    started = time.monotonic()
    try:
        result = await _collect(engines, address, options)
    except Exception as exc:  # pysnmp raises many things; one agent must not stop the sweep
        result = SnmpResult(address, "error", f"{type(exc).__name__}: {exc}")
    return replace(
        result,
        detail=scrub(result.detail, options.credentials),
        tables=_scrubbed(result.tables, options.credentials),
        seconds=round(time.monotonic() - started, 3),
    )


def _scrubbed(tables: SnmpTables | None, credentials: Sequence[Credential]) -> SnmpTables | None:
    if tables is None or not tables.incomplete:
        return tables
    return replace(tables, incomplete=tuple(scrub(i, credentials) for i in tables.incomplete))


async def _collect(engines: Engines, address: str, options: SnmpOptions) -> SnmpResult:
    session, values, failures = await _probe(engines, address, options)
    if session is None:
        status, detail = _status_of_failures(failures)
        return SnmpResult(address, status, detail)
    system = mib_decode.system_from_values(values)
    tables = tables_for(options.groups)
    if not tables:
        return SnmpResult(
            address, "ok", "", reported_label(session.credential), system, None, session.requests
        )
    walked: dict[str, Value] = {}
    incomplete: list[str] = []
    current = tables[0].name
    try:
        async with asyncio.timeout(options.host_budget):
            if "entity" in options.groups:
                # the scalars that name the device (UPS-MIB model, a NAS's firmware...):
                # one GET, the objects an agent lacks are simply absent from the answer
                current = "identity objects"
                try:
                    walked.update(await session.get(list(identity_oids())))
                except SnmpFailure as failure:
                    incomplete.append(f"identity objects: {failure.message}")
            silent_tables = 0
            for position, table in enumerate(tables):
                current = table.name
                try:
                    reason = await session.walk(table, walked, options.max_rows)
                    silent_tables = 0
                except SnmpFailure as failure:
                    reason = f"{table.name}: {failure.message}"
                    if failure.kind == "timeout":
                        # Some agents drop requests for tables they lack; others died.
                        # Go on while the agent still answers a GET, but not past two
                        # silent tables in a row: each costs two timeouts.
                        silent_tables += 1
                        if silent_tables >= 2 or not await _still_answers(session):
                            incomplete.append(reason)
                            skipped = ", ".join(t.name for t in tables[position + 1 :])
                            reason = (
                                f"agent stopped answering; not read: {skipped}" if skipped else ""
                            )
                            if reason:
                                incomplete.append(reason)
                            break
                if reason:
                    incomplete.append(reason)
    except TimeoutError:
        incomplete.append(
            f"{current}: time budget of {options.host_budget:g} s for this agent used up, "
            "the tables after it were not read"
        )
    decoded = replace(mib_decode.decode_tables(walked), incomplete=tuple(incomplete))
    status = "partial" if incomplete else "ok"
    detail = f"{len(incomplete)} table(s) incomplete" if incomplete else ""
    return SnmpResult(
        address,
        status,
        detail,
        reported_label(session.credential),
        system,
        decoded,
        session.requests,
    )


async def _still_answers(session: Session) -> bool:
    try:
        await session.get([SYSTEM_OIDS["uptime"]])
    except SnmpFailure:
        return False
    return True


async def sweep(
    addresses: Sequence[str], options: SnmpOptions, progress: Progress | None = None
) -> list[SnmpResult]:
    """Every address collected, ``options.concurrency`` at a time, in the input order."""
    engines = Engines(with_v3=any(c.version == "3" for c in options.credentials))
    gate = asyncio.Semaphore(max(1, options.concurrency))
    done = 0

    async def one(address: str) -> SnmpResult:
        nonlocal done
        async with gate:
            result = await collect_host(engines, address, options)
        done += 1
        if progress is not None:
            progress(result, done, len(addresses))
        return result

    try:
        return list(await asyncio.gather(*(one(a) for a in addresses)))
    finally:
        engines.close()


def text_progress(
    say: Callable[[str], None],
    every: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
) -> Progress:
    """A progress callback printing the first line, then one at most every ``every``
    seconds, and the last."""
    # -inf, not 0.0: a monotonic clock starts near boot, so on a machine up for less than
    # ``every`` seconds a throttle starting at 0 would swallow the first line.
    last = -math.inf
    answered = 0

    def report(result: SnmpResult, done: int, total: int) -> None:
        nonlocal last, answered
        answered += result.answered
        now = clock()
        if done == total or now - last >= every:
            last = now
            say(f"snmp: {done}/{total} address(es) done, {answered} answered")

    return report


def run_sweep(
    addresses: Sequence[str], options: SnmpOptions, progress: Progress | None = None
) -> list[SnmpResult]:
    """Synchronous entry point for the CLI and the pipeline.

    Called from a thread whose event loop is already running (a notebook, a GUI, a
    browser driver that left its loop behind), the sweep gets a thread of its own:
    ``asyncio.run`` refuses to nest."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(sweep(addresses, options, progress))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, sweep(addresses, options, progress)).result()


def poll(
    addresses: Sequence[str],
    port: int = 161,
    community_name: str = "public",
    timeout: float = 2.0,
    retries: int = 1,
    concurrency: int = 128,
) -> list[SnmpResult]:
    """The system group only, with one community (the lab uses it to see agents are up)."""
    options = SnmpOptions(
        port=port,
        credentials=(community(community_name),),
        timeout=timeout,
        retries=retries,
        concurrency=concurrency,
        groups=(),
    )
    return run_sweep(addresses, options)
