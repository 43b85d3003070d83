"""``legacyscan report --site`` / ``--all-sites``: reports rendered from the inventory."""

from __future__ import annotations

from pathlib import Path

from clirun import run
from samples import record as record_scan
from samples import ssh_server, xp_console

from legacyscan.inventory import Inventory


def test_the_group_report_puts_the_sites_side_by_side(db_target: str, tmp_path: Path) -> None:
    with Inventory.open(db_target) as inventory:
        record_scan(inventory, [xp_console()], site="chu-nord", vantage="dc")
        record_scan(inventory, [ssh_server(address="127.53.1.20")], site="chu-sud")
    page = tmp_path / "out" / "group.html"
    result = run("report", "--all-sites", "--db", db_target, "-o", str(page), "--lang", "fr")
    assert result.returncode == 0, result.stderr
    text = page.read_text()
    assert text.count('<th class="site" scope="col">') == 2
    assert "chu-nord" in text and "chu-sud" in text and "Windows XP" in text
    nord = (tmp_path / "out" / "report-chu-nord.html").read_text()
    assert "127.53.0.11" in nord and "127.53.1.20" not in nord
    one = run("report", "--site", "chu-sud", "--db", db_target, "-o", str(tmp_path / "s.html"))
    assert one.returncode == 0, one.stderr
    assert "127.53.1.20" in (tmp_path / "s.html").read_text()


def test_report_from_the_inventory_says_what_is_wrong_in_one_line(
    db_target: str, tmp_path: Path
) -> None:
    with Inventory.open(db_target) as inventory:
        record_scan(inventory, [xp_console()], site="chu-nord")
    missing = run("report", "--site", "chu-est", "--db", db_target)
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: no finished scan of site chu-est")
    assert "'chu-nord'" in missing.stderr and missing.stderr.count("\n") == 1
    assert "give SCAN_JSON, or --site" in run("report").stderr
    both = run("report", str(tmp_path / "scan.json"), "--all-sites")
    assert "--all-sites renders from the inventory" in both.stderr
    assert (
        "writes HTML" in run("report", "--all-sites", "--format", "csv", "--db", db_target).stderr
    )
