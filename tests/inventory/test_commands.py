"""The inventory commands as a user runs them: real processes, both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import run_process as run
from samples import record, ssh_server, switch, xp_console

from legacyscan.inventory import Inventory


def _two_scans(db_target: str) -> str:
    with Inventory.open(db_target) as inventory:
        record(inventory, [switch(version="12.2(55)SE7"), xp_console(), ssh_server()], site="nord")
        record(
            inventory,
            [switch(version="15.0(2)SE11"), xp_console()],
            site="nord",
            started="2026-11-30T10:00:00+00:00",
        )
    return db_target


@pytest.fixture
def two_scans(db_target: str) -> str:
    """Both backends: the commands that read most of the schema."""
    return _two_scans(db_target)


@pytest.fixture
def two_scans_sqlite(tmp_path: Path) -> str:
    """SQLite only: each command start costs seconds; the API tests cover PostgreSQL."""
    return _two_scans(str(tmp_path / "inventory.sqlite"))


def test_history_lists_scans_with_counts(two_scans: str) -> None:
    result = run("history", "--db", two_scans)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("inventory: ")
    assert "finished" in lines[2] and "nord" in lines[2]
    data = json.loads(run("history", "--db", two_scans, "--format", "json").stdout)
    assert [s["summary"]["devices"] for s in data["scans"]] == [3, 2]


def test_diff_names_the_changes_in_text_and_json(two_scans: str) -> None:
    text = run("diff", "--db", two_scans)
    assert text.returncode == 0, text.stderr
    assert "gone devices (1):" in text.stdout and "127.53.0.20" in text.stdout
    assert "Cisco IOS 12.2(55)SE7 -> Cisco IOS 15.0(2)SE11" in text.stdout
    assert "risk: " in text.stdout
    data = json.loads(run("diff", "1", "2", "--db", two_scans, "--format", "json").stdout)
    assert [d["address"] for d in data["gone_devices"]] == ["127.53.0.20"]
    assert data["risk_delta"] == round(data["risk_after"] - data["risk_before"], 2)


def test_devices_view_and_db_check(two_scans_sqlite: str) -> None:
    two_scans = two_scans_sqlite
    view = run("devices", "--db", two_scans)
    assert view.returncode == 0, view.stderr
    assert "3 device(s)" in view.stdout
    check = run("db", "check", "--db", two_scans)
    assert check.returncode == 0, check.stderr
    assert check.stdout.splitlines()[-1] == "ok"


def test_export_then_import_elsewhere(two_scans_sqlite: str, tmp_path: Path) -> None:
    two_scans = two_scans_sqlite
    dump = tmp_path / "backup.json"
    assert run("db", "export", str(dump), "--db", two_scans).returncode == 0
    restored = tmp_path / "restored.sqlite"
    result = run("db", "import", str(dump), "--db", str(restored))
    assert result.returncode == 0, result.stderr
    assert "imported 2 scan(s)" in result.stdout
    assert (
        run("diff", "--db", str(restored)).stdout.splitlines()[1:]
        == run("diff", "--db", two_scans).stdout.splitlines()[1:]
    )


def test_default_location_follows_xdg_and_the_environment(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "LEGACYSCAN_DB": "", "LEGACYSCAN_DATA_DIR": ""}
    path = run("db", "path", env=env).stdout.strip()
    assert path == str(tmp_path / "xdg" / "legacyscan" / "inventory.sqlite")
    # nothing recorded yet: a reading command says so and creates nothing
    check = run("db", "check", env=env)
    assert check.returncode == 2 and "no inventory at" in check.stderr
    assert not (tmp_path / "xdg").exists()
    env["LEGACYSCAN_DB"] = str(tmp_path / "other.sqlite")
    assert run("db", "path", env=env).stdout.strip() == str(tmp_path / "other.sqlite")
    assert run("db", "path", "--db", "x.sqlite", env=env).stdout.strip() == "x.sqlite"
    env.update(LEGACYSCAN_DB="", LEGACYSCAN_DATA_DIR=str(tmp_path / "data"))
    assert run("db", "path", env=env).stdout.strip() == str(tmp_path / "data" / "inventory.sqlite")


def test_errors_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "inv.sqlite")
    Inventory.open(db).close()
    for args, message in (
        (("diff", "--db", db), "a diff needs two finished scans"),
        (("diff", "1", "2", "--db", db), "no scan 1"),
        (("db", "import", str(tmp_path / "missing.json"), "--db", db), "cannot read"),
        (("history", "--db", "postgresql://nobody@127.0.0.1:1/none"), "cannot connect"),
    ):
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_db_add_records_an_earlier_scan_json(tmp_path: Path) -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "cli" / "xp-console.snmpwalk"
    out = tmp_path / "scan.json"
    identify = run("identify", "--snmpwalk", str(fixture), "--format", "json")
    assert identify.returncode == 0
    from samples import assess, meta

    from legacyscan.scanfile import write_scan_json

    hosts = [xp_console()]
    write_scan_json(assess(hosts, meta(site="nord")), out)
    db = str(tmp_path / "inv.sqlite")
    result = run("db", "add", str(out), str(tmp_path / "nope.json"), "--db", db, "--site", "sud")
    assert result.returncode == 1
    assert "recorded as scan 1" in result.stdout and "error: " in result.stderr
    history = json.loads(run("history", "--db", db, "--format", "json").stdout)
    (scan,) = history["scans"]
    assert (scan["kind"], scan["site"], scan["status"]) == ("import", "sud", "finished")


@pytest.mark.parametrize("command", [["diff"], ["db"], ["devices"]])
def test_commands_explain_themselves(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: " in result.stdout and "inventory" in result.stdout.lower()
