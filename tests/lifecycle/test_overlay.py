"""Merging an endoflife.date dump into the user's overlay, and what the database then says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from testpaths import FIXTURES as ALL_FIXTURES

from legacyscan.lifecycle.database import EolDatabase
from legacyscan.lifecycle.overlay import (
    EolImportError,
    load_mapping,
    merge,
    read_dump,
    write_overlay,
)
from legacyscan.lifecycle.records import load_records
from legacyscan.model import Evidence, Identity

FIXTURES = ALL_FIXTURES / "eol"
DUMP = FIXTURES / "endoflife-products-full.json"
TODAY = dt.date(2026, 11, 23)


def _identity(vendor: str, product: str, version: str) -> Identity:
    evidence = (Evidence("test", "snmp.sysDescr", "x", "test"),)
    return Identity("os", vendor, product, version, None, 0.9, evidence)


@pytest.fixture
def result():  # type: ignore[no-untyped-def]
    return merge(read_dump(DUMP), load_records(), load_mapping(), str(DUMP), TODAY)


def test_merge_counts(result) -> None:  # type: ignore[no-untyped-def]
    # ubuntu 22.04 updates our endoflife.date-sourced record; ubuntu 25.10, debian 13 and
    # nginx 1.28 are new; rhel 7 is covered by Red Hat's own page and kept; python unmapped.
    assert (result.added, result.updated, result.kept) == (3, 1, 1)
    assert result.skipped_products == ("python",)
    cycles = sorted((r.product, r.cycle) for r in result.records)
    assert cycles == [("Debian", "13"), ("Ubuntu", "22.04"), ("Ubuntu", "25.10"), ("nginx", "1.28")]


def test_imported_records_cite_the_aggregator_and_the_date(result) -> None:  # type: ignore[no-untyped-def]
    for record in result.records:
        assert record.source.startswith("https://endoflife.date/")
        assert record.checked == TODAY
    debian = next(r for r in result.records if r.product == "Debian")
    # Debian's "eoes" is its free LTS: mapped to the end of security support, no paid extension.
    assert debian.security_end == dt.date(2030, 6, 30)
    assert debian.support_end == dt.date(2028, 8, 9)
    assert debian.extended_end is None
    nginx = next(r for r in result.records if r.product == "nginx")
    assert nginx.no_end_announced and nginx.backports


def test_overlay_is_read_first_and_vendor_records_stay(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_overlay(result.records, tmp_path)
    db = EolDatabase.load(overlay=tmp_path)
    debian13 = db.lifecycle(_identity("Debian", "Debian", "13.1"), TODAY)
    assert debian13.status == "supported"
    assert debian13.source == "https://endoflife.date/debian"
    rhel7 = db.lifecycle(_identity("Red Hat", "Enterprise Linux", "7.9"), TODAY)
    assert rhel7.source == "https://access.redhat.com/support/policy/updates/errata"
    # A backported upstream with no announced end is never called supported.
    assert db.lifecycle(_identity("F5", "nginx", "1.28.0"), TODAY).status == "unknown"


def test_without_overlay_nothing_changes(tmp_path: Path) -> None:
    db = EolDatabase.load(overlay=tmp_path)
    assert db.lifecycle(_identity("Debian", "Debian", "13.1"), TODAY).status == "unknown"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param("{not json", "not JSON", id="broken-json"),
        pytest.param(
            '{"products": []}', "not an endoflife.date v1 /products/full dump", id="shape"
        ),
        pytest.param('{"result": [{"name": "ubuntu"}]}', "/products/full dump", id="no-releases"),
        pytest.param(
            '{"result": [{"name": "ubuntu", "releases": [{"name": "22.04", "eolFrom": "soon"}]}]}',
            "security_end is not a YYYY-MM-DD date",
            id="bad-date",
        ),
    ],
)
def test_malformed_dump_names_the_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "dump.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EolImportError) as caught:
        merge(read_dump(path), load_records(), load_mapping(), str(path), TODAY)
    message = str(caught.value)
    assert str(path) in message and expected in message
    assert "\n" not in message
