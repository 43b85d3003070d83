"""Smaller gaps of issue 14: the tool's own evidence re-imported, nmap's last-octet ranges,
``identify`` on a truncated file, and a dry run that reads the credentials and segments."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from clirun import run

from legacyscan.collect.scope import ScopeError, build_scope
from legacyscan.errors import UserError
from legacyscan.files import gunzip_limited

FIXTURES = Path(__file__).parent.parent / "fixtures"
VERSIONS = FIXTURES / "nmap" / "versions"
AS_OF = "2026-11-23"


def test_the_evidence_of_an_import_imports_again(tmp_path: Path) -> None:
    source = FIXTURES / "nmap" / "lab-minimal.xml"
    first = run("import", str(source), "--out", str(tmp_path / "a"), "--no-db", "--as-of", AS_OF)
    assert first.returncode == 0, first.stderr
    evidence = tmp_path / "a" / "nmap" / "import-000001.xml.gz"
    renamed = tmp_path / "evidence.bin"  # gzip is told by its magic bytes, not its name
    renamed.write_bytes(evidence.read_bytes())
    again = run(
        "import", str(evidence), str(renamed), "--out", str(tmp_path / "b"), "--no-db",
        "--as-of", AS_OF,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    before = json.loads((tmp_path / "a" / "scan.json").read_text())
    after = json.loads((tmp_path / "b" / "scan.json").read_text())
    assert {d["address"] for d in after["devices"]} == {d["address"] for d in before["devices"]}
    kept = tmp_path / "b" / "nmap" / "import-000001.xml.gz"
    assert gzip.decompress(kept.read_bytes()) == source.read_bytes()  # stored once, as XML


def test_identify_reads_gzip_too(tmp_path: Path) -> None:
    packed = tmp_path / "chunk-000001.xml.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "nmap" / "lab-minimal.xml").read_bytes()))
    result = run("identify", "--nmap-xml", str(packed), "--format", "json", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["devices"]) == 7


def test_decompression_is_bounded_and_broken_gzip_is_one_line(tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * 1_000_000)
    with pytest.raises(UserError, match="larger than 1000 bytes once decompressed"):
        gunzip_limited(bomb, 1000, "bomb.gz")
    assert gunzip_limited(bomb, 1_000_000, "bomb.gz") == b"\0" * 1_000_000
    two = gzip.compress(b"<a/>") + gzip.compress(b"<b/>")  # gzip(1) reads every member
    assert gunzip_limited(two, 100, "two.gz") == b"<a/><b/>"
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(bomb[: len(bomb) // 2])
    result = run("identify", "--nmap-xml", str(cut))
    assert result.returncode == 1
    assert f"error: {cut}: truncated gzip data" in result.stderr.splitlines()


@pytest.mark.parametrize(
    ("target", "count", "first_block"),
    [("127.99.0.1-5", 5, "127.99.0.1/32"), ("127.99.0.250-255", 6, "127.99.0.250/31"),
     ("127.99.0.7-7", 1, "127.99.0.7/32")],
)  # fmt: skip
def test_nmap_style_last_octet_ranges(target: str, count: int, first_block: str) -> None:
    scope = build_scope((target,))
    assert scope.address_count == count and scope.targets[0] == first_block


@pytest.mark.parametrize("target", ["127.99.0.5-1", "127.99.0.1-256", "127.99.0.1-", "fd00::1-5"])
def test_bad_last_octet_ranges_are_refused(target: str) -> None:
    with pytest.raises(ScopeError, match="not an address, CIDR block or range"):
        build_scope((target,))


def test_a_last_octet_range_on_the_command_line() -> None:
    result = run("scan", "127.99.0.1-5", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "plan: 5 address(es)" in result.stdout


def test_identify_shows_the_complete_hosts_of_a_truncated_file(tmp_path: Path) -> None:
    data = (VERSIONS / "nmap-5.00-xp.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<port", data.index(b"10.20.5.20"))])
    result = run("identify", "--nmap-xml", str(cut), "--format", "json", "--as-of", AS_OF)
    assert result.returncode == 1
    (error,) = result.stderr.strip().splitlines()
    assert "cut.xml, line " in error and "the 1 complete host(s) before it are shown" in error
    assert [d["address"] for d in json.loads(result.stdout)["devices"]] == ["10.20.5.11"]


@pytest.mark.parametrize(
    ("option", "content", "expected"),
    [
        ("--snmp-credentials", "- {community: public, version: 9}\n", "credentials"),
        ("--segments", "segments: [[[\n", "not valid YAML"),
    ],
)
def test_a_dry_run_reads_the_credentials_and_segments(
    tmp_path: Path, option: str, content: str, expected: str
) -> None:
    bad = tmp_path / "file.yaml"
    bad.write_text(content)
    result = run("scan", "127.99.0.1", "--dry-run", option, str(bad))
    assert result.returncode == 2, result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and str(bad) in line
