"""The SNMP collector's plain parts: sweep addresses, statuses, merging into hosts."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from legacyscan.collect.scope import build_scope
from legacyscan.collect.snmp.sweep import (
    SnmpOptions,
    SnmpResult,
    _status_of_failures,
    run_sweep,
    sweep_addresses,
    text_progress,
)
from legacyscan.model import Host, SnmpSystem, SnmpTables


def test_sweep_covers_every_address_of_the_scope() -> None:
    scope = build_scope(("127.50.100.0-127.50.100.39", "127.50.100.5"))
    addresses = sweep_addresses(scope.targets)
    assert len(addresses) == 40 == len(set(addresses))
    assert addresses[0] == "127.50.100.0" and addresses[-1] == "127.50.100.39"


def test_statuses_from_failures() -> None:
    assert _status_of_failures([("a", "timeout", "no response (timeout)")])[0] == "no-response"
    status, detail = _status_of_failures(
        [("a", "timeout", "no response"), ("v3", "auth", "v3 authentication refused: x")]
    )
    assert status == "auth-failed" and "v3: v3 authentication refused" in detail
    assert _status_of_failures([("a", "error", "boom")]) == ("error", "a: boom")


def test_merge_into_a_host_keeps_the_label_only() -> None:
    host = Host(address="127.50.0.1", sources=("nmap",))
    silent = SnmpResult("127.50.0.1", "no-response")
    assert silent.merge_into(host) is host and silent.error is None
    tables = SnmpTables(incomplete=("ifTable: agent error genErr",))
    answered = SnmpResult("127.50.0.1", "partial", "1 table(s) incomplete", "ward-ro",
                          SnmpSystem(name="sw1"), tables)  # fmt: skip
    merged = answered.merge_into(host)
    assert merged.snmp == SnmpSystem(name="sw1")
    assert merged.snmp_credential == "ward-ro" and merged.snmp_tables == tables
    assert merged.sources == ("nmap", "snmp")
    assert answered.error is not None and answered.error.message.startswith("partial: ")


def test_text_progress_prints_the_last_line() -> None:
    lines: list[str] = []
    report = text_progress(lines.append, every=3600)
    report(SnmpResult("a", "no-response"), 1, 2)
    report(SnmpResult("b", "ok", credential="x"), 2, 2)
    assert lines == [
        "snmp: 1/2 address(es) done, 0 answered",
        "snmp: 2/2 address(es) done, 1 answered",
    ]


@pytest.mark.parametrize("boot_seconds", [0.0, 5.0, 1e6])
def test_text_progress_first_line_whatever_the_uptime(boot_seconds: float) -> None:
    # A machine booted a moment ago: the monotonic clock is near 0.
    ticks = iter([boot_seconds, boot_seconds + 1, boot_seconds + 2.5, boot_seconds + 3])
    lines: list[str] = []
    report = text_progress(lines.append, every=2.0, clock=lambda: next(ticks))
    for done in range(1, 5):
        report(SnmpResult(str(done), "no-response"), done, 5)
    assert [line.split()[1] for line in lines] == ["1/5", "3/5"]


def test_run_sweep_works_inside_a_running_event_loop() -> None:
    # An empty sweep still goes through asyncio: it must not refuse a running loop.
    async def inside() -> list[SnmpResult]:
        return run_sweep([], SnmpOptions(port=16199, credentials=()))

    # in a thread of its own: the browser tests may leave a loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        assert thread.submit(asyncio.run, inside()).result() == []
