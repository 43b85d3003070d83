"""A killed import is finished by importing again; bad files are refused before writing.

SQLite only (the transaction mechanism is shared by both backends; the API tests run on
PostgreSQL too).  The killed import is a real process killed with SIGKILL mid-way.
"""

from __future__ import annotations

import copy
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from clirun import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonedits import JSON_VALUES, edited, json_paths
from samples import assess, meta, record, ssh_server, switch, xp_console

from legacyscan.inventory import Inventory
from legacyscan.inventory.backend import InventoryError
from legacyscan.inventory.check import check
from legacyscan.inventory.transfer import export_data, import_scans, read_export
from legacyscan.scanfile import write_scan_json

SCANS = 300


@pytest.fixture(scope="module")
def backup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export of SCANS scans: one real scan, its copies a day apart (data, not code)."""
    folder = tmp_path_factory.mktemp("backup")
    with Inventory.open(folder / "source.sqlite") as inventory:
        record(inventory, [switch(), xp_console(), ssh_server()], site="nord")
        data = export_data(inventory)
    (first,) = data["scans"]
    scans = []
    for number in range(SCANS):
        scan = copy.deepcopy(first)
        month, day, hour = 1 + number // 28 % 12, 1 + number % 28, number // 336
        started = f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00+00:00"
        scan["started"] = scan["meta"]["started"] = started
        scans.append(scan)
    data["scans"] = scans
    path = folder / "backup.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _finished(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM scans").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_killed_db_import_is_finished_by_importing_again(backup: Path, tmp_path: Path) -> None:
    db = tmp_path / "restored.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "legacyscan", "db", "import", str(backup), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while _finished(db) < 5 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)  # mid-way: some scans committed, not all
    finally:
        process.wait(timeout=30)
    with Inventory.open(db) as inventory:
        kept = inventory.scans()
        assert 5 <= len(kept) < SCANS, "the kill did not land mid-way"
        # each scan is one transaction: nothing half-way, nothing left running
        assert all(s.status == "finished" for s in kept)
        assert check(inventory).ok
    again = run("db", "import", str(backup), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert f"imported {SCANS - len(kept)} scan(s)" in again.stdout
    assert f"({len(kept)} already present)" in again.stdout
    with Inventory.open(db) as inventory:
        restored = export_data(inventory)["scans"]
        assert check(inventory).ok
    source = json.loads(backup.read_text(encoding="utf-8"))["scans"]
    # every scan, every chunk, every result: nothing lost (imported in time order)
    assert restored == sorted(source, key=lambda s: s["started"])


def test_an_unfinished_copy_left_by_a_killed_import_is_reported_then_replaced(
    backup: Path, tmp_path: Path
) -> None:
    # what an earlier version left: the scan begun, its hosts committed, no results
    first = json.loads(backup.read_text(encoding="utf-8"))["scans"][0]
    db = tmp_path / "leftover.sqlite"
    with Inventory.open(db) as inventory:
        started = first["started"]
        scan_id = inventory.begin_scan(meta(site="nord", started=started), "scan", started=started)
        inventory.record_hosts(scan_id, "nmap", [switch(), xp_console()])
    checked = run("db", "check", "--db", str(db))
    assert checked.returncode == 0
    assert f"unfinished: scan {scan_id} (scan, started {started})" in checked.stdout
    assert "db import FILE" in checked.stdout
    result = run("db", "import", str(backup), "--db", str(db))
    assert result.returncode == 0, result.stderr
    with Inventory.open(db) as inventory:
        assert not inventory.unfinished_scans()
        assert len(inventory.scans()) == SCANS
        assert check(inventory).ok
    assert "unfinished:" not in run("db", "check", "--db", str(db)).stdout


def _scan_json(folder: Path, name: str = "scan.json", **changes: Any) -> Path:
    path = folder / name
    write_scan_json(assess([switch(), xp_console()], meta(site="nord")), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        data["scan"][key] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"started": 12345}, "started: expected str, got int"),
        ({"silent_addresses": "many"}, "silent_addresses"),
        ({"tool_versions": ["nmap"]}, "tool_versions' must be an object"),
    ],
)
def test_db_add_refuses_wrong_types_before_writing(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    path = _scan_json(tmp_path, **change)
    db = tmp_path / "inv.sqlite"
    result = run("db", "add", str(path), "--db", str(db))
    assert result.returncode == 1 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()  # nothing written, not even an empty inventory
    good = _scan_json(tmp_path, "good.json")
    result = run("db", "add", str(path), str(good), "--db", str(db))
    assert result.returncode == 1 and "good.json: recorded as scan 1" in result.stdout
    with Inventory.open(db) as inventory:
        assert len(inventory.scans()) == 1
    assert run("db", "check", "--db", str(db)).returncode == 0
    assert run("db", "export", str(tmp_path / "b.json"), "--db", str(db)).returncode == 0


def test_db_add_of_the_same_file_twice_records_one_scan(tmp_path: Path) -> None:
    path = _scan_json(tmp_path)
    db = str(tmp_path / "inv.sqlite")
    assert "recorded as scan 1" in run("db", "add", str(path), "--db", db).stdout
    again = run("db", "add", str(path), str(path), "--db", db)
    assert again.returncode == 0
    assert again.stdout.count("already recorded as scan 1 (same content)") == 2
    with Inventory.open(db) as inventory:
        assert len(inventory.scans()) == 1


def test_db_add_of_a_scan_with_no_device_records_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    write_scan_json(assess([], meta(site="nord")), path)
    db = str(tmp_path / "inv.sqlite")
    result = run("db", "add", str(path), "--db", db)
    assert result.returncode == 0 and "not recorded: no device in it" in result.stdout
    with Inventory.open(db) as inventory:
        assert inventory.scans() == ()


def test_an_nmap_xml_with_no_host_is_not_recorded(tmp_path: Path) -> None:
    xml = tmp_path / "empty.xml"
    xml.write_text(
        '<?xml version="1.0"?><nmaprun scanner="nmap" args="nmap -sV 127.53.0.0/24" '
        'version="7.94"><runstats><hosts up="0" down="256" total="256"/></runstats></nmaprun>',
        encoding="utf-8",
    )
    db = tmp_path / "inv.sqlite"
    result = run("import", str(xml), "--out", str(tmp_path / "out"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "inventory: not recorded: the file(s) hold no host" in result.stderr
    assert not db.exists()


@pytest.mark.parametrize(
    "command",
    [("db", "check"), ("history",), ("devices",), ("diff",), ("db", "export", "x.json")],
)
def test_a_reading_command_on_a_mistyped_path_creates_nothing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    mistyped = tmp_path / "typo" / "inventroy.sqlite"
    result = run(*command, "--db", str(mistyped))
    assert result.returncode == 2
    assert (
        result.stderr.startswith("error: no inventory at ") and "nothing has been" in result.stderr
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "typo").exists()


def test_db_import_of_a_missing_file_creates_no_inventory(tmp_path: Path) -> None:
    db = tmp_path / "new" / "inv.sqlite"
    result = run("db", "import", str(tmp_path / "nope.json"), "--db", str(db))
    assert result.returncode == 2 and "cannot read" in result.stderr
    assert not (tmp_path / "new").exists()


# --- backups fuzzed ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_backup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("small")
    with Inventory.open(folder / "source.sqlite") as inventory:
        record(inventory, [switch(), xp_console()], site="nord")
        data: dict[str, Any] = json.loads(json.dumps(export_data(inventory)))
    return data


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_edited_backup_imports_or_is_one_line(
    small_backup: dict[str, Any], data: st.DataObject
) -> None:
    paths = json_paths(small_backup)
    edits = [
        (data.draw(st.sampled_from(paths)), data.draw(JSON_VALUES))
        for _ in range(data.draw(st.integers(1, 3)))
    ]
    changed = edited(small_backup, edits)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "backup.json"
        file.write_text(json.dumps(changed), encoding="utf-8")
        try:
            decoded = read_export(file)
        except InventoryError as exc:
            assert "\n" not in str(exc)
            return
        with Inventory.open(Path(folder) / "inv.sqlite") as inventory:
            try:
                import_scans(inventory, decoded)
            except InventoryError as exc:
                assert "\n" not in str(exc)
            assert check(inventory).ok, check(inventory).problems
