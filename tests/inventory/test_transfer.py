"""db export / db import: a full round trip, between backends too, and damaged files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from samples import meta, record, ssh_server, switch, xp_console

from legacyscan.inventory import Inventory, InventoryError
from legacyscan.inventory.check import check
from legacyscan.inventory.transfer import export_data, export_file, import_file


def _fill(inventory: Inventory) -> None:
    record(inventory, [xp_console(mac="00:0c:29:aa:bb:01"), switch()], site="nord", vantage="dc")
    record(
        inventory,
        [xp_console("127.53.0.12", mac="00:0c:29:aa:bb:01"), switch(version="15.0(2)SE11")],
        site="nord",
        vantage="dc",
        started="2026-11-30T10:00:00+00:00",
    )
    running = inventory.begin_scan(meta(site="sud", started="2026-12-01T10:00:00+00:00"))
    inventory.record_hosts(running, "nmap", [ssh_server()], {"nmap.xml": b"<nmaprun>\x00\xff"})


def _comparable(data: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in data.items() if k != "exported"}


def test_round_trip_keeps_everything(inventory: Inventory, tmp_path: Path) -> None:
    _fill(inventory)
    exported = tmp_path / "inventory.json"
    assert export_file(inventory, exported) == 3
    with Inventory.open(tmp_path / "restored.sqlite") as restored:
        assert import_file(restored, exported) == (3, 0)
        assert _comparable(export_data(restored)) == _comparable(json.loads(exported.read_text()))
        assert check(restored).ok
        assert restored.evidence(3) == (("nmap", "nmap.xml", b"<nmaprun>\x00\xff"),)
        # Device identities were rebuilt: the console kept its id across its move.
        first = {r.mac: d for d, r in restored.results(1) if r.mac}
        second = {r.mac: d for d, r in restored.results(2) if r.mac}
        assert first == second
        # Importing the same file again adds nothing.
        assert import_file(restored, exported) == (0, 3)


def test_sqlite_to_the_other_backend(inventory: Inventory, tmp_path: Path) -> None:
    with Inventory.open(tmp_path / "source.sqlite") as source:
        _fill(source)
        export_file(source, tmp_path / "dump.json")
        expected = _comparable(export_data(source))
    assert import_file(inventory, tmp_path / "dump.json") == (3, 0)
    assert _comparable(export_data(inventory)) == expected
    assert check(inventory).ok


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not JSON"),
        ('{"format": "other"}', "not a legacyscan inventory export"),
        ('{"format": "legacyscan-inventory", "format_version": 1, "scans": [{"kind": "scan"}]}',
         "damaged export"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_and_imports_nothing(
    inventory: Inventory, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InventoryError, match=message):
        import_file(inventory, path)
    assert inventory.scans() == ()
