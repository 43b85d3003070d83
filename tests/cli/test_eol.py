"""``legacyscan eol show`` and ``legacyscan eol import`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "fixtures" / "eol"


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LEGACYSCAN_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "legacyscan", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_show_text_gives_dates_verdicts_and_sources(tmp_path: Path) -> None:
    result = _run("eol", "show", "ubuntu", "--as-of", "2026-11-23", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Canonical Ubuntu: 11 cycle(s), verdicts as of 2026-11-23"
    row = next(line for line in lines if line.startswith("20.04"))
    assert "2025-05-31" in row and "2030-04-02" in row and row.endswith("EXTENDED")
    assert "source: https://endoflife.date/ubuntu (checked 2026-11-23)" in lines


def test_show_json_is_machine_readable(tmp_path: Path) -> None:
    result = _run(
        "eol", "show", "cisco ios", "--as-of", "2026-11-23", "--format", "json", data_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["vendor"], doc["product"], doc["as_of"]) == ("Cisco", "IOS", "2026-11-23")
    by_cycle = {c["cycle"]: c for c in doc["cycles"]}
    assert by_cycle["12.0 T"]["status"] == "eol"
    assert by_cycle["15.9 (15.9(3)M)"]["status"] == "supported"
    assert all(c["source"].startswith("https://") for c in doc["cycles"])


def test_show_unknown_or_ambiguous_product_is_one_line(tmp_path: Path) -> None:
    result = _run("eol", "show", "toaster", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no end-of-life record for 'toaster'")
    assert len(result.stderr.strip().splitlines()) == 1
    result = _run("eol", "show", "windows server", data_dir=tmp_path)
    assert result.returncode == 2 and "matches several products" in result.stderr


def test_import_then_show_uses_the_overlay(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = _run(
        "eol", "import", str(FIXTURES / "endoflife-products-full.json"),
        "--kev", str(FIXTURES / "kev-catalog.json"), data_dir=data,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "3 cycle(s) added, 1 updated, 1 kept from vendor sources" in result.stdout
    assert "KEV 2026.11.20: 5 entries" in result.stdout
    assert (data / "eol-overlay.yaml").is_file() and (data / "kev-marks.yaml").is_file()
    shown = _run("eol", "show", "debian", "--as-of", "2026-11-23", data_dir=data)
    assert any(
        line.startswith("13 ") and line.endswith("SUPPORTED") for line in shown.stdout.splitlines()
    )
    shown = _run("eol", "show", "windows xp", data_dir=data)
    assert "known exploited (CISA KEV, product-level): 1 CVE(s): CVE-2017-0144" in shown.stdout


def test_import_errors_are_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = _run("eol", "import", str(broken), data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {broken}: not JSON")
    assert len(result.stderr.strip().splitlines()) == 1
    result = _run("eol", "import", "--kev", str(broken), data_dir=tmp_path)
    assert result.returncode == 2 and str(broken) in result.stderr
    result = _run("eol", "import", data_dir=tmp_path)
    assert result.returncode == 2 and "give an endoflife.date dump" in result.stderr


def test_show_policies_lists_the_vendor_rules_with_their_pages() -> None:
    from clirun import run

    text = run("eol", "show", "policies")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("3 vendor support policies")
    assert "aruba-hardware: Aruba: hardware support (TAC) ends 5 years after the end of sale" in (
        text.stdout
    )
    assert "source: https://www.arubanetworks.com/ja/support-services/end-of-life-policy/" in (
        text.stdout
    )
    doc = json.loads(run("eol", "show", "policies", "--format", "json").stdout)
    lsr = next(p for p in doc["policies"] if p["id"] == "arubaos-lsr")
    assert (lsr["from"], lsr["years"], lsr["gives"]) == ("released", 5, "security_end")
    axis = next(p for p in doc["policies"] if p["id"] == "axis-hardware")
    assert (axis["from"], axis["years"], axis["gives"]) == ("end_of_sale", 6, "last_support")
    # a product's listing says which CPE names find it
    assert "found by CPE: cpe:2.3:o:juniper:junos" in run("eol", "show", "junos").stdout


def test_show_loads_no_heavy_module(tmp_path: Path) -> None:
    """``eol show`` starts fast: the CLI imports a command's module only when it runs, and
    none of the libraries of the other stages."""
    code = (
        "import sys\n"
        "from legacyscan.cli import main\n"
        "sys.argv = ['legacyscan', 'eol', 'show', 'windows 7']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('networkx', 'jinja2', 'openpyxl', 'pysnmp', 'legacyscan.identify', "
        "'legacyscan.report', 'legacyscan.cli.scan')\n"
        "print('loaded:', sorted(m for m in sys.modules if m.split('.')[0] in heavy "
        "or m.startswith(heavy)))\n"
    )
    env = {**os.environ, "LEGACYSCAN_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "Windows 7" in done.stdout
    assert done.stdout.rstrip().endswith("loaded: []"), done.stdout[-400:]
