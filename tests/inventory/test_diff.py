"""Change over time: a diff names exactly what changed, and the trend counts it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from samples import meta, record, ssh_server, switch, xp_console

from legacyscan.inventory import Inventory, InventoryError
from legacyscan.inventory.diff import default_pair, diff, previous_scan_summary
from legacyscan.model import Service


def pump(address: str = "127.53.0.15") -> object:
    from legacyscan.model import Host, SnmpSystem

    return Host(
        address=address,
        services=(Service(2575, "tcp", "open", "hl7"),),
        snmp=SnmpSystem(
            descr="B. Braun Melsungen AG SpaceCom 2 infusion data gateway, software 012U000061",
            object_id="1.3.6.1.4.1.8072.3.2.10",
            name="SPACECOM-REA-04",
        ),
        sources=("nmap", "snmp"),
    )


def test_added_removed_and_updated_devices_are_named_exactly(inventory: Inventory) -> None:
    old, _ = record(inventory, [switch(version="12.2(55)SE7"), xp_console(), ssh_server()])
    new, _ = record(
        inventory,
        [switch(version="15.0(2)SE11"), xp_console(), pump()],  # type: ignore[list-item]
        started="2026-11-30T10:00:00+00:00",
    )
    change = diff(inventory, old, new)
    assert [d.address for d in change.new_devices] == ["127.53.0.15"]
    assert [d.address for d in change.gone_devices] == ["127.53.0.20"]
    (version,) = change.version_changes
    assert version.device.address == "127.53.0.1"
    assert (version.vendor, version.old, version.new) == (
        "Cisco",
        "IOS 12.2(55)SE7",
        "IOS 15.0(2)SE11",
    )
    assert version.note == ""  # same source (SNMP), same vantage: a real change
    assert change.readdressed == ()
    assert change.newly_eol == ()
    assert change.caveats == ()
    assert change.risk_delta == round(change.risk_after - change.risk_before, 2)


def test_a_device_that_fell_out_of_support_is_newly_eol(inventory: Inventory) -> None:
    # OpenSSH 4.x (fingerprints/eol/openssh.yaml): supported in 2010, past every end in 2026.
    import datetime as dt

    from samples import assess

    hosts = [ssh_server(version="4.3")]
    results = []
    for as_of in (dt.date(2010, 1, 1), dt.date(2026, 11, 23)):
        scan_meta = replace(meta(), as_of=as_of, started=f"{as_of.isoformat()}T00:00:00+00:00")
        scan_id = inventory.begin_scan(scan_meta)
        inventory.record_hosts(scan_id, "nmap", hosts)
        inventory.finish_scan(scan_id, assess(hosts, scan_meta))
        results.append(scan_id)
    change = diff(inventory, *results)
    (status,) = change.newly_eol
    assert status.device.address == "127.53.0.20"
    assert (status.old_status, status.new_status) == ("supported", "eol")


def test_a_newly_reachable_pair_is_reported(inventory: Inventory) -> None:
    old, _ = record(inventory, [pump("127.53.1.15"), ssh_server("127.53.0.20")])  # type: ignore[list-item]
    new, _ = record(inventory, [pump("127.53.0.15"), ssh_server("127.53.0.20")])  # type: ignore[list-item]
    change = diff(inventory, old, new)
    (pair,) = change.new_exposures
    assert (pair.legacy.address, pair.clinical.address) == ("127.53.0.20", "127.53.0.15")
    (moved,) = change.readdressed  # the pump kept its identity (its sysName)
    assert (moved.old_address, moved.new_address) == ("127.53.1.15", "127.53.0.15")
    assert change.new_devices == () and change.gone_devices == ()


def test_sources_that_disagree_are_flagged_not_hidden(inventory: Inventory) -> None:
    old, _ = record(inventory, [switch(version="12.2(55)SE7")], vantage="local-snmp")
    nmap_only = replace(
        switch(),
        snmp=None,
        services=(Service(22, "tcp", "open", "ssh", "OpenSSH", "7.4"),),
        sources=("nmap",),
    )
    new, _ = record(inventory, [nmap_only], vantage="remote")
    change = diff(inventory, old, new)
    assert any("vantage" in c for c in change.caveats)


def test_default_pair_is_the_last_two_scans(inventory: Inventory) -> None:
    with pytest.raises(InventoryError, match="two finished scans"):
        default_pair(inventory)
    first, _ = record(inventory, [ssh_server()], site="nord")
    second, _ = record(inventory, [ssh_server()], site="sud")
    third, _ = record(inventory, [ssh_server()], site="nord")
    inventory.begin_scan(meta(site="nord"))  # unfinished: never part of a diff
    assert default_pair(inventory) == (second, third)
    assert default_pair(inventory, site="nord") == (first, third)
    assert default_pair(inventory, third) == (first, third)  # one id: the previous of its site


def test_trend_since_the_previous_scan_of_the_site(inventory: Inventory) -> None:
    first, _ = record(inventory, [xp_console(), ssh_server()], site="nord")
    assert previous_scan_summary(inventory, first) is None
    record(inventory, [ssh_server("127.53.9.9")], site="sud")
    second, _ = record(inventory, [xp_console(), switch()], site="nord")
    trend = previous_scan_summary(inventory, second)
    assert trend is not None
    assert (trend.previous_scan, trend.current_scan) == (first, second)
    assert (trend.devices_before, trend.devices_now) == (2, 2)
    assert (trend.new_devices, trend.gone_devices) == (1, 1)
    assert trend.same_scope and trend.site == "nord"
    assert (trend.common_addresses, trend.scope_addresses) == (256, 256)


def test_the_trend_compares_only_scans_whose_scopes_overlap(inventory: Inventory) -> None:
    # two test hosts, then the whole network of the same site: not comparable
    record(inventory, [xp_console()], targets=("127.53.0.11", "127.53.0.12"))
    whole, _ = record(inventory, [xp_console(), ssh_server()], targets=("127.53.0.0/24",))
    assert previous_scan_summary(inventory, whole) is None
    # an unrelated scope after it: nothing to compare with either
    other, _ = record(inventory, [ssh_server("127.54.0.9")], targets=("127.54.0.0/24",))
    assert previous_scan_summary(inventory, other) is None
    # the same network again, in two blocks: compared with the whole scan, not the latest
    again, _ = record(
        inventory, [xp_console(), ssh_server()], targets=("127.53.0.0/25", "127.53.0.128/26")
    )
    trend = previous_scan_summary(inventory, again)
    assert trend is not None and trend.previous_scan == whole
    assert (trend.new_devices, trend.gone_devices) == (0, 0)
    assert not trend.same_scope
    assert (trend.common_addresses, trend.scope_addresses) == (192, 192)
