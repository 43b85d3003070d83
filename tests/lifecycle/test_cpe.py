"""Lifecycle keyed by CPE: records carry CPE keys, identities carrying a CPE find them, and
the endoflife.date import maps products through their CPE identifiers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from testpaths import FIXTURES

from legacyscan.cpe import CpeError, CpeKey, parse_cpe
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.lifecycle.overlay import load_mapping, merge, read_dump, write_overlay
from legacyscan.lifecycle.records import EolDataError, load_records, parse_record
from legacyscan.messages import plain
from legacyscan.model import Evidence, Identity

AS_OF = dt.date(2026, 11, 23)
CPE_DUMP = FIXTURES / "eol" / "endoflife-products-cpe.json"


def _identity(vendor: str, product: str, version: str | None, cpe: str | None) -> Identity:
    evidence = (Evidence("nmap", "nmap.cpe", cpe or "x", "test"),)
    return Identity("os", vendor, product, version, cpe, 0.8, evidence)


@pytest.fixture(scope="module")
def db() -> EolDatabase:
    return EolDatabase.load(overlay=Path("/nonexistent-legacyscan-overlay"))


def test_parses_the_three_forms_nmap_recog_and_rules_write() -> None:
    uri = parse_cpe("cpe:/o:cisco:ios:12.2(55)se7")  # nmap, CPE 2.2 URI
    assert (uri.part, uri.vendor, uri.product, uri.version) == ("o", "cisco", "ios", "12.2(55)se7")
    formatted = parse_cpe("cpe:2.3:o:juniper:junos:12.3r12-s15:*:*:*:*:*:*:*")
    assert formatted.product_key == ("juniper", "junos") and formatted.version == "12.3r12-s15"
    assert parse_cpe("cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*").version is None
    short = parse_cpe("openbsd:openssh")
    assert short.part is None and short.product_key == ("openbsd", "openssh")
    escaped = parse_cpe(r"cpe:2.3:a:vendor:prod\:uct:1.0:*:*:*:*:*:*:*")
    assert escaped.product == "prod:uct"
    with pytest.raises(CpeError):
        parse_cpe("cisco")
    with pytest.raises(CpeError):
        parse_cpe("cpe:/x:cisco:ios")


def test_a_key_with_a_version_pattern_matches_only_those_versions() -> None:
    key = CpeKey.parse("cpe:2.3:o:microsoft:windows_server_2008:r2")
    assert key.matches(parse_cpe("cpe:/o:microsoft:windows_server_2008:r2:sp1"))
    assert not key.matches(parse_cpe("cpe:/o:microsoft:windows_server_2008:-:sp2"))
    assert not key.matches(parse_cpe("cpe:/a:microsoft:windows_server_2008:r2"))  # other part
    assert CpeKey.parse("cisco:ios").matches(parse_cpe("cpe:/o:cisco:ios:15.9(3)m"))


def test_a_record_with_a_bad_key_names_it() -> None:
    raw = {
        "vendor": "X",
        "product": "Y",
        "cycle": "1",
        "source": "https://example.org/",
        "checked": "2026-12-03",
        "cpe": ["cpe:2.3:o:x:y:("],
    }
    with pytest.raises(EolDataError, match=r"where: version in CPE key"):
        parse_record(raw, "where")


def test_every_bundled_key_parses_and_names_one_product(db: EolDatabase) -> None:
    owners: dict[str, set[tuple[str, str]]] = {}
    for record in db.records:
        for text in record.cpe:
            owners.setdefault(text, set()).add((record.vendor, record.product))
    assert len(owners) >= 25
    assert all(len(products) == 1 for products in owners.values()), owners


@pytest.mark.parametrize(
    ("cpe", "version", "status", "product"),
    [
        # nmap's OS CPE of a Junos router with no vocabulary name for it
        ("cpe:/o:juniper:junos:12.3", None, "eol", "Juniper Junos"),
        # a rule's CPE with the version in the identity
        ("cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*", "12.2(33)", "eol", "Cisco IOS"),
        # Recog-style CPE of a FortiGate's OS
        ("cpe:/o:fortinet:fortios:5.4.13", None, "eol", "Fortinet FortiOS"),
        ("cpe:/a:f5:nginx:1.10.3", None, "unknown", "F5 nginx"),  # backports: no verdict
    ],
)
def test_an_identity_without_a_record_of_its_name_is_judged_by_its_cpe(
    db: EolDatabase, cpe: str, version: str | None, status: str, product: str
) -> None:
    identity = _identity("Unlisted vendor", "unlisted product", version, cpe)
    verdict = db.lifecycle(identity, AS_OF)
    assert verdict.status == status
    assert plain(verdict.reason).startswith(f"found by its CPE {cpe} ({product})")
    assert verdict.source and verdict.source.startswith("https://")


def test_a_cpe_of_a_known_product_without_the_cycle_says_so(db: EolDatabase) -> None:
    verdict = db.lifecycle(_identity("X", "Y", None, "cpe:/o:cisco:ios"), AS_OF)
    assert verdict.status == "unknown"
    assert "names Cisco IOS, but no recorded cycle matches" in plain(verdict.reason)


def test_an_unknown_cpe_or_a_named_record_leaves_the_old_verdicts(db: EolDatabase) -> None:
    unknown = db.lifecycle(_identity("X", "Y", "1.0", "cpe:/a:nobody:nothing:1.0"), AS_OF)
    assert (
        unknown.status == "unknown" and plain(unknown.reason) == "no end-of-life record for X Y 1.0"
    )
    # the vocabulary name has a record: the CPE is not consulted
    named = db.lifecycle(_identity("Juniper", "Junos", "12.3R12", "cpe:/o:cisco:ios:15.9"), AS_OF)
    assert named.status == "eol" and "CPE" not in plain(named.reason)


def test_import_maps_unnamed_products_through_their_cpe_identifiers(tmp_path: Path) -> None:
    mapping = load_mapping()
    assert "juniper-junos-test" not in mapping["endoflife_date"]
    result = merge(read_dump(CPE_DUMP), load_records(), mapping, str(CPE_DUMP), AS_OF)
    assert result.by_cpe == (
        ("haproxy", "haproxy HAProxy"),
        ("juniper-junos-test", "Juniper Junos"),
    )
    assert result.skipped_products == ("lodash",)  # a purl only
    junos = next(r for r in result.records if r.product == "Junos")
    assert (junos.vendor, junos.cycle, junos.security_end) == (
        "Juniper",
        "24.2",
        dt.date(2028, 1, 1),
    )
    assert junos.cpe == ("cpe:2.3:o:juniper:junos",) and not junos.backports
    haproxy = next(r for r in result.records if r.product == "HAProxy")
    assert haproxy.cpe == ("cpe:2.3:a:haproxy:haproxy",) and haproxy.backports
    write_overlay(result.records, tmp_path)
    db = EolDatabase.load(overlay=tmp_path)
    # an nmap identity of HAProxy: no vocabulary record, found through the imported CPE
    verdict = db.lifecycle(
        _identity("HAProxy", "HAProxy", "2.0.14", "cpe:/a:haproxy:haproxy:2.0.14"), AS_OF
    )
    assert verdict.status == "unknown"  # upstream ended 2024-04-01; distributions may patch
    assert "2024-04-01" in plain(verdict.reason) and "found by its CPE" in plain(verdict.reason)
    new_junos = db.lifecycle(_identity("Juniper", "Junos", "24.2R1", None), AS_OF)
    assert (
        new_junos.status == "supported"
        and new_junos.source == "https://endoflife.date/juniper-junos-test"
    )
