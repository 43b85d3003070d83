"""Live polls of real agents (snmpsim) give the same records as reading their walk files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from legacyscan.collect.snmp.credentials import community
from legacyscan.collect.snmp.sweep import SnmpOptions, run_sweep
from legacyscan.collect.snmp.walkfile import read_walk

pytestmark = pytest.mark.lab


@pytest.mark.parametrize("name", ["linux", "public", "winxp", "ups"])
def test_live_poll_equals_the_walk_file(
    sim_agent: tuple[str, int], sim_files: dict[str, Path], name: str
) -> None:
    address, port = sim_agent
    options = SnmpOptions(port=port, credentials=(community(name, "sim"),), timeout=2)
    [result] = run_sweep([address], options)
    from_file = read_walk(sim_files[name])
    assert result.status == "ok", result.detail
    # A factory-default community is named as such (it is no secret): the risk stage reads it.
    assert result.credential == ("sim (default community public)" if name == "public" else "sim")
    assert result.system == from_file.snmp
    assert result.tables == from_file.snmp_tables


def test_net_snmp_walk_of_the_agent_equals_the_snmprec(
    sim_agent: tuple[str, int], sim_files: dict[str, Path], tmp_path: Path
) -> None:
    """A consultant's ``snmpwalk -On`` of an agent reads like the agent's own data."""
    address, port = sim_agent
    walk = subprocess.run(
        ["snmpwalk", "-v2c", "-c", "public", "-On", f"{address}:{port}", ".1"],
        capture_output=True,
        check=True,
    ).stdout
    path = tmp_path / "switch.walk"
    path.write_bytes(walk)
    from_walk = read_walk(path)
    from_snmprec = read_walk(sim_files["public"])
    assert from_walk.snmp == from_snmprec.snmp
    assert from_walk.snmp_tables == from_snmprec.snmp_tables
    assert from_walk.snmp_tables is not None and from_walk.snmp_tables.neighbours


def test_credentials_tried_in_order_and_silence_costs_one_timeout(
    sim_agent: tuple[str, int],
) -> None:
    address, port = sim_agent
    options = SnmpOptions(
        port=port,
        credentials=(
            community("wrong-one", "first"),
            community("wrong-two", "second"),
            community("linux", "third"),
            community("public", "fourth"),
        ),
        timeout=1.0,
        retries=0,
        groups=(),
    )
    agent, silent = run_sweep([address, "127.50.1.99"], options)
    assert agent.status == "ok"
    assert agent.credential == "third"  # the first that answered, in file order
    assert agent.system is not None and agent.system.name
    assert silent.status == "no-response"
    assert silent.credential is None and silent.error is None
    # four communities waiting in parallel: about one timeout each, not four
    assert silent.seconds < 1.9
    assert agent.seconds < 1.9


def test_v1_walks_with_getnext(sim_agent: tuple[str, int], sim_files: dict[str, Path]) -> None:
    address, port = sim_agent
    credential = community("public", "v1")
    credential = type(credential)(label="v1", version="1", community=credential.community)
    options = SnmpOptions(port=port, credentials=(credential,), groups=("interfaces", "bridge"))
    [result] = run_sweep([address], options)
    from_file = read_walk(sim_files["public"]).snmp_tables
    assert result.status == "ok", result.detail
    assert result.tables is not None and from_file is not None
    assert result.tables.interfaces == from_file.interfaces
    assert result.tables.forwarding == from_file.forwarding
    assert result.tables.vlans == from_file.vlans


@pytest.mark.parametrize("version", ["1", "2c"])
def test_identity_objects_read_from_a_live_agent(sim_agent: tuple[str, int], version: str) -> None:
    """One GET of the identity scalars: what the agent lacks is left out (v2c: noSuchObject;
    v1: noSuchName, the OID dropped and the GET asked again), what it has is kept."""
    address, port = sim_agent
    credential = community("ups", "sim")
    credential = type(credential)(label="sim", version=version, community=credential.community)
    options = SnmpOptions(port=port, credentials=(credential,), groups=("entity",), timeout=2)
    [result] = run_sweep([address], options)
    assert result.status == "ok", result.detail
    assert result.tables is not None
    seen = {item.field: item.value for item in result.tables.identity}
    assert seen == {
        "snmp.upsIdentManufacturer": "EATON",
        "snmp.upsIdentModel": "Eaton 9PX 1500 RT",
        "snmp.xupsIdentManufacturer": "EATON",
        "snmp.xupsIdentModel": "Eaton 9PX 1500 RT",
    }
