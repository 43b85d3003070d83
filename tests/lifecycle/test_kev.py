"""CISA KEV marks: read the catalog, match its names to ours, attach CVEs to verdicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from testpaths import FIXTURES

from legacyscan.lifecycle.database import EolDatabase
from legacyscan.lifecycle.kev import KevError, mark, read_kev, write_marks
from legacyscan.lifecycle.overlay import load_mapping
from legacyscan.lifecycle.records import EolDataError
from legacyscan.model import Evidence, Identity
from legacyscan.paths import fingerprints_dir

KEV = FIXTURES / "eol" / "kev-catalog.json"
VOCABULARY = yaml.safe_load((fingerprints_dir() / "vocabulary.yaml").read_text())["vendors"]


def _marks():  # type: ignore[no-untyped-def]
    return mark(read_kev(KEV), VOCABULARY, load_mapping().get("kev") or ())


def test_catalog_is_read() -> None:
    catalog = read_kev(KEV)
    assert catalog.version == "2026.11.20"
    assert [e.cve for e in catalog.entries][:2] == ["CVE-2017-0144", "CVE-2018-0171"]


def test_names_are_matched_to_our_vocabulary() -> None:
    marks = _marks()
    assert marks[("Cisco", "IOS")] == ("CVE-2018-0171",)
    assert marks[("Cisco", "IOS XE")] == ("CVE-2018-0171",)  # "IOS and IOS XE"
    assert marks[("Apache", "HTTP Server")] == ("CVE-2021-41773",)
    assert marks[("Microsoft", "IIS")] == ("CVE-2017-7269",)  # alias in eol-sources.yaml
    assert marks[("Microsoft", "Windows XP")] == ("CVE-2017-0144",)  # "Windows" covers all
    assert not any(vendor == "GitLab" for vendor, _ in marks)  # not in our vocabulary


def test_marks_reach_the_verdict_through_the_overlay(tmp_path: Path) -> None:
    write_marks(_marks(), read_kev(KEV), KEV, tmp_path)
    db = EolDatabase.load(overlay=tmp_path)
    evidence = (Evidence("test", "snmp.sysDescr", "x", "test"),)
    xp = Identity("os", "Microsoft", "Windows XP", "5.1.2600", None, 0.9, evidence)
    verdict = db.lifecycle(xp, dt.date(2026, 11, 23))
    assert verdict.status == "eol"
    assert verdict.known_exploited == ("CVE-2017-0144",)
    # A product KEV does not list stays unmarked, and an unknown verdict can carry marks too.
    ios = Identity("os", "Cisco", "IOS", "12.2(55)SE7", None, 0.9, evidence)
    assert db.lifecycle(ios, dt.date(2026, 11, 23)).known_exploited == ("CVE-2018-0171",)
    ssh = Identity("application", "OpenBSD", "OpenSSH", "4.3", None, 0.9, evidence)
    assert db.lifecycle(ssh, dt.date(2026, 11, 23)).known_exploited == ()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param("[", "not JSON", id="broken-json"),
        pytest.param('{"count": 0}', "not a CISA KEV catalog", id="no-list"),
        pytest.param('{"vulnerabilities": [{"cveID": "CVE-1"}]}', "lacks cveID", id="no-fields"),
    ],
)
def test_malformed_catalog_names_the_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "kev.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KevError) as caught:
        read_kev(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)


def test_corrupt_marks_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "kev-marks.yaml").write_text("marks: [{vendor: X}]\n", encoding="utf-8")
    with pytest.raises(EolDataError, match="kev-marks.yaml"):
        EolDatabase.load(overlay=tmp_path)
