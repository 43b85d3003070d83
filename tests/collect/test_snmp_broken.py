"""Broken agents end with a clear status and keep what was read; none stalls a sweep."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from legacyscan.collect.snmp.credentials import community
from legacyscan.collect.snmp.sweep import SnmpOptions, SnmpResult, run_sweep

pytestmark = pytest.mark.lab

PORT = 16163
BEHAVIOURS = ("good", "loop", "endless", "toobig", "toobig-all", "malformed", "stall", "nosuch",
              "generr")  # fmt: skip
ADDRESS = {b: f"127.50.3.{n}" for n, b in enumerate(BEHAVIOURS, start=1)}
SILENT = "127.50.3.99"


@pytest.fixture(scope="module")
def agents() -> Iterator[dict[str, str]]:
    script = Path(__file__).with_name("broken_agent.py")
    specs = [f"{a}:{PORT}={b}" for b, a in ADDRESS.items()]
    process = subprocess.Popen(
        [sys.executable, str(script), *specs], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        yield ADDRESS
    finally:
        process.terminate()
        process.wait(timeout=10)


def poll(address: str, **options: object) -> SnmpResult:
    settings: dict[str, object] = {"timeout": 1.0, "retries": 0, "groups": ("interfaces",)}
    settings.update(options)
    [result] = run_sweep([address], SnmpOptions(port=PORT, **settings))  # type: ignore[arg-type]
    return result


def test_good_agent(agents: dict[str, str]) -> None:
    result = poll(agents["good"])
    assert result.status == "ok"
    assert result.tables is not None
    assert [i.descr for i in result.tables.interfaces] == ["eth1", "eth2", "eth3"]


def test_loop_is_stopped_and_the_rows_before_it_kept(agents: dict[str, str]) -> None:
    result = poll(agents["loop"])
    assert result.status == "partial"
    assert result.tables is not None
    assert any("non-increasing" in i for i in result.tables.incomplete)
    assert result.tables.interfaces[0].descr == "eth1"
    assert result.system is not None and result.system.name == "loop"


def test_endless_table_stops_at_the_cap(agents: dict[str, str]) -> None:
    result = poll(agents["endless"], max_rows=40)
    assert result.status == "partial"
    assert result.tables is not None
    assert len(result.tables.interfaces) == 40
    assert any("more than 40 rows" in i for i in result.tables.incomplete)


def test_toobig_asks_for_less(agents: dict[str, str]) -> None:
    result = poll(agents["toobig"])
    assert result.status == "ok", result.tables
    assert result.tables is not None and len(result.tables.interfaces) == 3


def test_toobig_for_one_row_gives_up(agents: dict[str, str]) -> None:
    result = poll(agents["toobig-all"])
    assert result.status == "partial"
    assert result.tables is not None
    assert any("tooBig" in i for i in result.tables.incomplete)
    assert result.system is not None  # what was read before is kept


def test_malformed_values_cost_fields_not_the_agent(agents: dict[str, str]) -> None:
    result = poll(agents["malformed"])
    assert result.status == "ok"
    assert result.system is not None
    assert result.system.descr == "broken agent (malformed)"
    assert result.system.object_id is None and result.system.uptime is None
    assert result.tables is not None
    first, second = result.tables.interfaces[:2]
    assert first.descr == "42" and first.mac is None and first.oper_up is None
    assert second.mac == "00:11:22:33:44:02" and second.oper_up is True


def test_agent_that_stops_answering(agents: dict[str, str]) -> None:
    result = poll(agents["stall"], groups=("interfaces", "arp"))
    assert result.status == "partial"
    assert result.system is not None and result.system.name == "stall"
    assert result.tables is not None
    assert any("stopped answering" in i for i in result.tables.incomplete)
    # two silent tables in a row end the walk: ifTable, ifXTable, then the rest skipped
    assert len(result.tables.incomplete) == 3


def test_nosuch_and_end_of_mib(agents: dict[str, str]) -> None:
    result = poll(agents["nosuch"])
    assert result.status == "ok"
    assert result.system is None
    assert result.tables is not None and result.tables.interfaces == ()


def test_agent_error_status(agents: dict[str, str]) -> None:
    result = poll(agents["generr"])
    assert result.status == "partial"
    assert result.tables is not None
    assert any("genErr" in i for i in result.tables.incomplete)


def test_wrong_community_is_no_response(agents: dict[str, str]) -> None:
    result = poll(agents["good"], credentials=(community("private"),))
    assert result.status == "no-response"


def test_bad_agents_do_not_stall_the_sweep(agents: dict[str, str]) -> None:
    addresses = [*agents.values(), SILENT]
    options = SnmpOptions(
        port=PORT, timeout=1.0, retries=0, max_rows=200, groups=("interfaces", "arp")
    )
    started = time.monotonic()
    results = {r.address: r for r in run_sweep(addresses, options)}
    elapsed = time.monotonic() - started
    assert {r.status for r in results.values()} <= {"ok", "partial", "no-response"}
    assert results[agents["good"]].status == "ok"
    # not held up by its neighbours: done well before the stalled agent's timeouts
    assert results[agents["good"]].seconds < min(2.0, results[agents["stall"]].seconds)
    assert results[SILENT].status == "no-response"
    # the slowest is the stalled agent: two tables of two timeouts each, one GET
    assert max(r.seconds for r in results.values()) < 6.5
    assert elapsed < 10
