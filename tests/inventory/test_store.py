"""The store on both backends: scans recorded piece by piece, raw evidence kept."""

from __future__ import annotations

from dataclasses import replace

import pytest
from samples import meta, record, ssh_server, switch, xp_console

from legacyscan.inventory import Inventory, InventoryError
from legacyscan.model import EntityPhysical, Host, SnmpTables


def test_a_scan_is_recorded_with_its_metadata(inventory: Inventory) -> None:
    scan_id, _ = record(inventory, [xp_console(), switch()], site="chu-nord", vantage="dc-vlan5")
    (stored,) = inventory.scans()
    assert stored.id == scan_id
    assert (stored.kind, stored.status, stored.site, stored.vantage) == (
        "scan",
        "finished",
        "chu-nord",
        "dc-vlan5",
    )
    assert stored.profile == "clinical-safe"
    assert stored.targets == ("127.53.0.0/24",)
    assert stored.command_lines == ("nmap -oX - 127.53.0.0/24",)
    assert stored.tool_versions == (("nmap", "7.93"),)
    assert stored.data_version.startswith("fingerprints-")
    assert stored.summary is not None and stored.summary.devices == 2
    assert inventory.evidence(scan_id) == (("nmap", "nmap.xml", b"<nmaprun/>"),)
    assert inventory.meta(scan_id).site == "chu-nord"


def test_raw_hosts_round_trip_every_field(inventory: Inventory) -> None:
    tables = SnmpTables(entities=(EntityPhysical(1, "chassis", 3, firmware_rev="15.0(2)"),))
    host = replace(switch(), snmp_tables=tables, mac="AA:BB:CC:00:00:01", mac_vendor="Cisco")
    scan_id = inventory.begin_scan(meta())
    inventory.record_hosts(scan_id, "nmap", [host])
    assert inventory.hosts(scan_id) == (host,)


def test_a_later_chunk_supersedes_an_earlier_view_of_the_same_address(
    inventory: Inventory,
) -> None:
    scan_id = inventory.begin_scan(meta())
    nmap_view = replace(switch(), snmp=None, sources=("nmap",))
    inventory.record_hosts(scan_id, "nmap", [nmap_view, ssh_server()])
    inventory.record_hosts(scan_id, "snmp:127.53.0.1", [switch()])
    assert inventory.finished_chunks(scan_id) == {"nmap", "snmp:127.53.0.1"}
    assert set(inventory.hosts(scan_id)) == {switch(), ssh_server()}
    assert inventory.hosts(scan_id, "nmap") == (nmap_view, ssh_server())
    (running,) = inventory.unfinished_scans()
    assert (running.id, running.chunks, running.hosts) == (scan_id, 2, 2)


def test_recording_a_chunk_again_replaces_it(inventory: Inventory) -> None:
    scan_id = inventory.begin_scan(meta())
    inventory.record_hosts(scan_id, "chunk-1", [ssh_server("127.53.0.20")], {"a.xml": b"1"})
    inventory.record_hosts(scan_id, "chunk-1", [ssh_server("127.53.0.21")], {"a.xml": b"2"})
    assert [h.address for h in inventory.hosts(scan_id)] == ["127.53.0.21"]
    assert inventory.evidence(scan_id) == (("chunk-1", "a.xml", b"2"),)


def test_a_failed_chunk_leaves_nothing_half_written(inventory: Inventory) -> None:
    scan_id = inventory.begin_scan(meta())
    bad = Host(address="127.53.0.9", sources=("nmap",))
    with pytest.raises(AttributeError):  # the second "host" fails after the first is written
        inventory.record_hosts(scan_id, "chunk-1", [bad, object()])  # type: ignore[list-item]
    assert inventory.finished_chunks(scan_id) == frozenset()
    assert inventory.hosts(scan_id) == ()


def test_a_finished_scan_takes_no_more_chunks(inventory: Inventory) -> None:
    scan_id, _ = record(inventory, [ssh_server()])
    with pytest.raises(InventoryError, match="already finished"):
        inventory.record_hosts(scan_id, "late", [ssh_server()])
    assert inventory.unfinished_scans() == ()


def test_results_keep_versions_and_verdicts(inventory: Inventory) -> None:
    scan_id, _ = record(inventory, [xp_console(), ssh_server()])
    results = {r.address: r for _, r in inventory.results(scan_id)}
    xp = results["127.53.0.11"]
    assert xp.name == "RAD-CT-1"
    assert xp.legacy and xp.worst_status == "eol"
    main = xp.main_identity
    assert main is not None and (main.product, main.version) == ("Windows XP", "5.1.2600")
    assert main.sources == ("snmp",)
    assert results["127.53.0.20"].identities[0].version == "4.3"


def test_an_unknown_scan_is_a_clear_error(inventory: Inventory) -> None:
    with pytest.raises(InventoryError, match="no scan 42"):
        inventory.scan(42)


def test_a_file_that_is_no_inventory_is_refused(tmp_path: pytest.TempPathFactory) -> None:
    import sqlite3

    path = f"{tmp_path}/other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE scans (x)")
    with pytest.raises(InventoryError, match="not a legacyscan inventory"):
        Inventory.open(path)
