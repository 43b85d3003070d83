"""``legacyscan import``: nmap XML of several eras in, scan.json and report.html out."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from clirun import run

FIXTURES = Path(__file__).parent.parent / "fixtures"
VERSIONS = FIXTURES / "nmap" / "versions"
AS_OF = "2026-11-23"


def test_import_of_several_eras(tmp_path: Path) -> None:
    files = sorted(VERSIONS.glob("*.xml"))
    result = run("import", *map(str, files), "--out", str(tmp_path), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.html").is_file()
    data = json.loads((tmp_path / "scan.json").read_text())
    assert data["scan"]["profile"] == "imported nmap XML"
    assert data["scan"]["tool_versions"] == {"nmap": "5.00, 5.21, 6.40, 7.94"}
    assert len(data["scan"]["command_lines"]) == 5
    devices = {d["address"]: d for d in data["devices"]}
    assert set(devices) == {
        "10.20.5.11", "10.20.5.20", "10.30.1.15", "10.40.0.5", "10.50.2.31", "fd00:50::10",
        "10.60.0.7",
    }  # fmt: skip
    pacs = devices["10.20.5.20"]
    products = {(i["vendor"], i["product"], i["version"]) for i in pacs["identities"]}
    assert ("OpenBSD", "OpenSSH", "4.3") in products
    icu = devices["10.50.2.31"]["observed"]
    assert icu["mac_vendor"] == "Draeger Medical"
    assert icu["host_scripts"][0][0] == "smb-os-discovery"
    https = [s for s in icu["services"] if s["port"] == 443][0]
    assert len(https["cpes"]) == 2
    # every file kept as evidence, compressed, with its journal entry
    for number, path in enumerate(files, 1):
        kept = tmp_path / "nmap" / f"import-{number:06d}.xml.gz"
        assert gzip.decompress(kept.read_bytes()) == path.read_bytes()
        entry = json.loads(kept.with_name(f"import-{number:06d}.json").read_text())
        assert entry["source"] == str(path)


def test_a_truncated_file_is_one_line_and_the_others_are_imported(tmp_path: Path) -> None:
    data = (VERSIONS / "nmap-5.00-xp.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<port", data.index(b"10.20.5.20"))])
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"\x00\x01 not xml at all")
    result = run(
        "import", str(cut), str(garbage), str(VERSIONS / "nmap-6.40-linux.xml"),
        "--out", str(tmp_path / "out"), "--as-of", AS_OF,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert "cut.xml, line " in errors[0] and "1 complete host(s) before it were kept" in errors[0]
    assert "garbage.xml" in errors[1]
    scan = json.loads((tmp_path / "out" / "scan.json").read_text())
    assert {d["address"] for d in scan["devices"]} == {"10.20.5.11", "10.40.0.5"}
    assert [e["target"] for e in scan["scan"]["errors"]] == [str(cut), str(garbage)]


def test_nothing_importable(tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "missing.xml"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "missing.xml: cannot read" in result.stderr
    assert "nothing could be imported" in result.stderr
    assert not (tmp_path / "out" / "scan.json").exists()


def test_the_same_host_in_two_files_is_merged(tmp_path: Path) -> None:
    lab = FIXTURES / "nmap" / "lab-minimal.xml"
    result = run("import", str(lab), str(lab), "--out", str(tmp_path), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    scan = json.loads((tmp_path / "scan.json").read_text())
    assert len(scan["devices"]) == 7


def test_an_import_is_recorded_in_the_inventory_with_its_files(tmp_path: Path) -> None:
    from legacyscan.inventory import Inventory

    db = tmp_path / "inventory.sqlite"
    files = sorted(VERSIONS.glob("nmap-*.xml"))
    result = run(
        "import", *map(str, files), "--out", str(tmp_path / "out"), "--as-of", AS_OF,
        "--db", str(db), "--site", "client-a",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with Inventory.open(db) as inventory:
        (record,) = inventory.scans()
        assert (record.kind, record.status, record.site) == ("import", "finished", "client-a")
        stored = {name: content for _, name, content in inventory.evidence(record.id)}
        assert {name.split("-", 1)[1] for name in stored} == {f.name for f in files}
        for path in files:
            assert path.read_bytes() in stored.values()
        devices = json.loads((tmp_path / "out" / "scan.json").read_text())["devices"]
        assert len(inventory.results(record.id)) == len(devices)
    assert run("import", str(files[0]), "--out", str(tmp_path / "o2"), "--no-db").returncode == 0
    with Inventory.open(db) as inventory:
        assert len(inventory.scans()) == 1
