"""Several sites and vantage points in one view; disagreements decided and kept visible."""

from __future__ import annotations

from dataclasses import replace

from samples import record, ssh_server, switch, xp_console

from legacyscan.inventory import Inventory
from legacyscan.inventory.merge import Sighting, merge_device, merged_view
from legacyscan.inventory.records import DeviceResult, IdentitySummary


def test_sites_merge_into_one_view(inventory: Inventory) -> None:
    record(inventory, [xp_console(), switch()], site="nord", vantage="dc")
    record(inventory, [ssh_server("127.53.0.20")], site="sud", vantage="dc")
    view = merged_view(inventory)
    assert [(d.site, d.address) for d in view] == [
        ("nord", "127.53.0.1"),
        ("nord", "127.53.0.11"),
        ("sud", "127.53.0.20"),
    ]
    assert [d.site for d in merged_view(inventory, "sud")] == ["sud"]


def _sighting(scan_id: int, vantage: str, version: str, source: str, local: bool) -> Sighting:
    firmware = IdentitySummary("firmware", "Polycom", "RealPresence Group", version, "unknown",
                               sources=(source,))  # fmt: skip
    result = DeviceResult("127.53.0.30", "00:0c:29:aa:bb:30" if local else None,
                          "CART-2", "telehealth", identities=(firmware,), local=local)  # fmt: skip
    return Sighting(scan_id, f"2026-11-{scan_id + 10}T10:00:00+00:00", "nord", vantage, result)


def test_snmp_beats_a_newer_local_nmap_guess_and_the_disagreement_stays() -> None:
    by_snmp = _sighting(1, "datacentre", "6.2.2.3", "snmp", local=False)
    by_nmap = _sighting(2, "ward", "6.1.0", "nmap", local=True)
    device = merge_device(7, [by_snmp, by_nmap])
    assert [i.version for i in device.identities] == ["6.2.2.3"]
    (disagreement,) = device.disagreements
    assert disagreement.topic == "firmware" and disagreement.rule == "SNMP over nmap"
    assert "ward" in disagreement.other_from and disagreement.other.endswith("6.1.0")
    # Class and address come from the best placed sighting: the local one.
    assert (device.mac, device.address) == ("00:0c:29:aa:bb:30", "127.53.0.30")


def test_own_subnet_beats_remote_then_newer_beats_older(inventory: Inventory) -> None:
    local = ssh_server(version="4.3")
    local = replace(local, mac="00:0c:29:aa:bb:20")
    record(inventory, [local], site="nord", vantage="ward-vlan")
    record(
        inventory,
        [ssh_server(version="4.7")],
        site="nord",
        vantage="datacentre",
        started="2026-11-30T10:00:00+00:00",
    )
    (device,) = merged_view(inventory)
    assert device.identities[0].version == "4.3"
    assert device.mac == "00:0c:29:aa:bb:20"
    (disagreement,) = device.disagreements
    assert disagreement.rule == "own subnet over remote"
    # The same vantage point scanning again supersedes its own older result.
    record(
        inventory,
        [replace(ssh_server(version="4.7"), mac="00:0c:29:aa:bb:20")],
        site="nord",
        vantage="ward-vlan",
        started="2026-12-07T10:00:00+00:00",
    )
    (device,) = merged_view(inventory)
    assert device.identities[0].version == "4.7"
    assert device.disagreements == ()
