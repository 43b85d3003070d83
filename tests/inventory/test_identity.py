"""Device identity across scans: MAC first, then address plus identity, then the name."""

from __future__ import annotations

from samples import record, ssh_server, switch, xp_console

from legacyscan.inventory import Inventory


def _ids(inventory: Inventory, scan_id: int) -> dict[str | None, int]:
    return {r.address: device for device, r in inventory.results(scan_id)}


def test_a_mac_follows_a_device_to_a_new_address(inventory: Inventory) -> None:
    first, _ = record(inventory, [xp_console("127.53.0.11", mac="00:0C:29:AA:BB:01")])
    second, _ = record(inventory, [xp_console("127.53.0.99", mac="00:0c:29:aa:bb:01")])
    assert _ids(inventory, first)["127.53.0.11"] == _ids(inventory, second)["127.53.0.99"]


def test_another_mac_at_the_same_address_is_another_device(inventory: Inventory) -> None:
    first, _ = record(inventory, [xp_console(mac="00:0c:29:aa:bb:01")])
    second, _ = record(inventory, [xp_console(mac="00:0c:29:aa:bb:02")])
    assert _ids(inventory, first) != _ids(inventory, second)


def test_without_mac_the_address_and_identity_decide(inventory: Inventory) -> None:
    first, _ = record(inventory, [switch(version="12.2(55)SE7"), ssh_server(version="4.3")])
    # Firmware and OpenSSH updated: same names and products, so the same devices.
    second, _ = record(inventory, [switch(version="15.0(2)SE11"), ssh_server(version="7.4")])
    assert _ids(inventory, first) == _ids(inventory, second)


def test_dhcp_churn_another_device_at_a_known_address_is_new(inventory: Inventory) -> None:
    first, _ = record(inventory, [xp_console("127.53.0.50", name="RAD-CT-1")])
    second, _ = record(inventory, [switch("127.53.0.50", name="SW-ETAGE-2")])
    assert _ids(inventory, first)["127.53.0.50"] != _ids(inventory, second)["127.53.0.50"]


def test_a_named_device_is_found_again_at_a_new_address(inventory: Inventory) -> None:
    first, _ = record(inventory, [xp_console("127.53.0.11"), switch("127.53.0.1")])
    second, _ = record(inventory, [xp_console("127.53.0.12"), switch("127.53.0.1")])
    assert _ids(inventory, first)["127.53.0.11"] == _ids(inventory, second)["127.53.0.12"]


def test_a_remote_then_local_sighting_takes_the_mac(inventory: Inventory) -> None:
    first, _ = record(inventory, [xp_console(mac=None)], vantage="remote")
    second, _ = record(inventory, [xp_console(mac="00:0c:29:aa:bb:01")], vantage="local")
    third, _ = record(inventory, [xp_console("127.53.0.77", mac="00:0c:29:aa:bb:01")])
    device = _ids(inventory, first)["127.53.0.11"]
    assert _ids(inventory, second)["127.53.0.11"] == device
    assert _ids(inventory, third)["127.53.0.77"] == device


def test_sites_keep_their_own_addresses(inventory: Inventory) -> None:
    north, _ = record(inventory, [ssh_server("127.53.0.20")], site="nord")
    south, _ = record(inventory, [ssh_server("127.53.0.20")], site="sud")
    assert _ids(inventory, north) != _ids(inventory, south)


def test_one_device_is_claimed_once_per_scan(inventory: Inventory) -> None:
    first, _ = record(inventory, [xp_console("127.53.0.11")])
    # Two consoles with the same name now: one keeps the device, the other is new.
    second, _ = record(inventory, [xp_console("127.53.0.11"), xp_console("127.53.0.12")])
    ids = _ids(inventory, second)
    assert ids["127.53.0.11"] == _ids(inventory, first)["127.53.0.11"]
    assert ids["127.53.0.12"] != ids["127.53.0.11"]
