"""Migrations: an inventory written at every earlier schema version opens, migrates and works.

``tests/fixtures/inventory/vN.sql`` holds the data legacyscan wrote at version N.  Each
test builds the schema of version N from the migration files, loads that data, opens it
with today's code and checks that nothing was lost and the database is consistent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from samples import record as record_scan
from samples import ssh_server, xp_console

from legacyscan.inventory import Inventory, InventoryError
from legacyscan.inventory.backend import connect
from legacyscan.inventory.check import check
from legacyscan.inventory.schema import current_version, latest_version, migrate, migrations

FIXTURES = Path(__file__).parent.parent / "fixtures" / "inventory"
EARLIER = list(range(1, latest_version()))


def test_every_earlier_version_has_a_data_fixture() -> None:
    assert latest_version() >= 3
    for version in EARLIER:
        assert (FIXTURES / f"v{version}.sql").is_file(), f"no fixture for schema version {version}"


def test_migration_files_are_numbered_without_gaps() -> None:
    assert [m.version for m in migrations()] == list(range(1, latest_version() + 1))


def _load(db_target: str, version: int) -> None:
    backend = connect(db_target)
    try:
        assert migrate(backend, target=version) == list(range(1, version + 1))
        with backend.transaction():
            for line in (FIXTURES / f"v{version}.sql").read_text().splitlines():
                if not line.startswith(("INSERT", "UPDATE")):
                    continue
                if backend.name == "postgresql":  # X'..' is a bit string there, not bytes
                    line = re.sub(r"X'([0-9A-F]*)'", r"decode('\1', 'hex')", line)
                backend.execute(line)
        assert current_version(backend) == version
    finally:
        backend.close()


@pytest.mark.parametrize("version", EARLIER)
def test_an_old_inventory_migrates_and_keeps_its_data(db_target: str, version: int) -> None:
    _load(db_target, version)
    with Inventory.open(db_target) as inventory:
        report = check(inventory)
        assert report.ok, report.problems
        assert report.schema_version == latest_version()
        scans = inventory.scans()
        assert [(s.id, s.status) for s in scans] == [
            (1, "finished"),
            (2, "finished"),
            (3, "running"),
        ]
        assert scans[0].summary is not None and scans[0].summary.devices == 2
        assert inventory.finished_chunks(3) == {"nmap"}
        assert inventory.evidence(3) == (("nmap", "nmap.xml", b"<nmaprun/>"),)
        # Devices followed across the two old scans: same ids in both.
        first = {r.address: device for device, r in inventory.results(1)}
        second = {r.address: device for device, r in inventory.results(2)}
        assert first == second and len(set(first.values())) == 2
        # A scan recorded after the upgrade finds the same devices.
        scan_id, _ = record_scan(
            inventory,
            [xp_console(mac="00:0c:29:aa:bb:01"), ssh_server(version="7.4")],
            site="chu-nord",
            vantage="dc",
        )
        after = {r.address: device for device, r in inventory.results(scan_id)}
        assert after == first
        assert check(inventory).ok


def test_a_newer_schema_is_refused_not_damaged(db_target: str) -> None:
    backend = connect(db_target)
    try:
        migrate(backend)
        with backend.transaction():
            backend.execute("UPDATE schema_version SET version = ?", (latest_version() + 1,))
    finally:
        backend.close()
    with pytest.raises(InventoryError, match="newer than this legacyscan"):
        Inventory.open(db_target)
