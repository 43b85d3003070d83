"""Verdicts computed from a vendor's support policy (fingerprints/eol-policies.yaml)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from legacyscan.lifecycle.database import EolDatabase
from legacyscan.lifecycle.hardware import HardwareDataError
from legacyscan.lifecycle.policy import Policy, PolicyDataError, load_policies
from legacyscan.messages import plain
from legacyscan.model import (
    EntityPhysical,
    Evidence,
    Host,
    IdentifiedDevice,
    Identity,
    SnmpSystem,
    SnmpTables,
)
from legacyscan.paths import fingerprints_dir

ARUBA_HARDWARE = "https://www.arubanetworks.com/ja/support-services/end-of-life-policy/"
ARUBAOS = "https://www.arubanetworks.com/it/servizi-di-assistenza/versione-del-software-arubaos/"

# Test records (the dates are test data, not facts about any product): a controller
# whose end of sale is known, one whose is not, and two software releases.
HARDWARE = """
hardware:
  - {vendor: Aruba, family: Test controller A, models: '^TEST-A$', end_of_sale: 2019-06-30,
     policy: aruba-hardware, source: 'https://example.org/eos-a', checked: 2026-12-03}
  - {vendor: Aruba, family: Test controller B, models: '^TEST-B$', policy: aruba-hardware,
     source: 'https://example.org/eos-b', checked: 2026-12-03}
  - {vendor: Aruba, family: Test controller C, models: '^TEST-C$', end_of_sale: 2019-06-30,
     last_support: 2025-01-31, policy: aruba-hardware, source: 'https://example.org/eos-c',
     checked: 2026-12-03}
"""
SOFTWARE = """
records:
  - {vendor: Aruba, product: TestOS, cycle: '8.6', versions: '^8\\.6\\.', released: 2019-11-20,
     policy: arubaos-lsr, source: 'https://example.org/86', checked: 2026-12-03}
  - {vendor: Aruba, product: TestOS, cycle: '8.10', versions: '^8\\.10\\.', released: 2022-05-10,
     policy: arubaos-lsr, source: 'https://example.org/810', checked: 2026-12-03}
  - {vendor: Aruba, product: TestOS, cycle: '8.12', versions: '^8\\.12\\.',
     policy: arubaos-lsr, source: 'https://example.org/812', checked: 2026-12-03}
"""


def _tree(tmp_path: Path, hardware: str = HARDWARE, software: str = SOFTWARE) -> Path:
    (tmp_path / "eol").mkdir()
    (tmp_path / "eol-hardware").mkdir()
    (tmp_path / "eol" / "test.yaml").write_text(software, encoding="utf-8")
    (tmp_path / "eol-hardware" / "test.yaml").write_text(hardware, encoding="utf-8")
    for name in ("eol-policies.yaml", "eol-components.yaml"):
        shutil.copy(fingerprints_dir() / name, tmp_path / name)
    shutil.copytree(fingerprints_dir() / "eol-releases", tmp_path / "eol-releases")
    return tmp_path


def _load(tmp_path: Path) -> EolDatabase:
    return EolDatabase.load(tmp_path / "eol", overlay=tmp_path / "no-overlay")


def _controller(model: str) -> IdentifiedDevice:
    host = Host(
        address="127.0.0.1",
        snmp=SnmpSystem(descr="ArubaOS", object_id=None),
        snmp_tables=SnmpTables(
            entities=(EntityPhysical(index=1, physical_class=3, model_name=model),)
        ),
    )
    return IdentifiedDevice(host, (), "network", None, 0.9)


def test_the_bundled_policies_cite_arubas_pages() -> None:
    policies = load_policies()
    assert policies["aruba-hardware"] == Policy(
        id="aruba-hardware",
        vendor="Aruba",
        statement="hardware support (TAC) ends 5 years after the end of sale",
        anchor="end_of_sale",
        years=5,
        gives="last_support",
        source=ARUBA_HARDWARE,
        checked=dt.date(2026, 12, 3),
        note=policies["aruba-hardware"].note,
    )
    assert policies["arubaos-lsr"].source == ARUBAOS
    assert policies["arubaos-lsr"].gives == "security_end"


def test_hardware_support_is_computed_from_the_end_of_sale(tmp_path: Path) -> None:
    db = _load(_tree(tmp_path))
    (hardware,) = db.assess(_controller("TEST-A"), dt.date(2026, 12, 3)).identities
    life = hardware.lifecycle
    assert (life.status, life.last_support, life.end_of_sale) == (
        "eol",
        dt.date(2024, 6, 30),
        dt.date(2019, 6, 30),
    )
    assert life.policy == ARUBA_HARDWARE and life.source == "https://example.org/eos-a"
    assert "computed from Aruba's support policy" in plain(life.reason)
    assert ARUBA_HARDWARE in plain(life.reason) and "5 years after the end of sale" in plain(
        life.reason
    )
    before = db.assess(_controller("TEST-A"), dt.date(2024, 6, 30)).identities[0].lifecycle
    assert before.status == "supported"


def test_without_its_anchor_the_policy_names_what_is_missing(tmp_path: Path) -> None:
    db = _load(_tree(tmp_path))
    life = db.assess(_controller("TEST-B"), dt.date(2026, 12, 3)).identities[0].lifecycle
    assert life.status == "unknown" and life.last_support is None
    assert "the end of sale of Test controller B is not recorded" in plain(life.reason)
    assert ARUBA_HARDWARE in plain(life.reason)


def test_a_published_date_wins_over_the_policy(tmp_path: Path) -> None:
    db = _load(_tree(tmp_path))
    life = db.assess(_controller("TEST-C"), dt.date(2024, 12, 3)).identities[0].lifecycle
    assert (life.status, life.last_support, life.policy) == (
        "supported",
        dt.date(2025, 1, 31),
        None,
    )
    assert "policy" not in plain(life.reason)


def _os(version: str) -> Identity:
    return Identity("os", "Aruba", "TestOS", version, None, 0.9, (Evidence("t", "t", "t", "t"),))


def test_a_long_supported_release_ends_five_years_after_its_release(tmp_path: Path) -> None:
    db = _load(_tree(tmp_path))
    old = db.lifecycle(_os("8.6.0.4"), dt.date(2026, 12, 3))
    assert (old.status, old.eol_date, old.policy) == ("eol", dt.date(2024, 11, 20), ARUBAOS)
    assert plain(old.reason).startswith(
        "no security updates since 2024-11-20; computed from Aruba's"
    )
    current = db.lifecycle(_os("8.10.0.12"), dt.date(2026, 12, 3))
    assert (current.status, current.eol_date) == ("supported", dt.date(2027, 5, 10))
    missing = db.lifecycle(_os("8.12.0.1"), dt.date(2026, 12, 3))
    assert (
        missing.status == "unknown"
        and "the release date of TestOS 8.12 is not recorded" in plain(missing.reason)
    )


def test_a_record_naming_an_unknown_policy_or_the_wrong_kind_is_refused(tmp_path: Path) -> None:
    bad = HARDWARE.replace("'^TEST-B$', policy: aruba-hardware", "'^TEST-B$', policy: arubaos-lsr")
    with pytest.raises(HardwareDataError, match=r"Test controller B.*gives security_end"):
        _load(_tree(tmp_path, hardware=bad))
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(PolicyDataError, match=r"policy 'nope' is not in eol-policies.yaml"):
        _load(_tree(other, software=SOFTWARE.replace("policy: arubaos-lsr", "policy: nope", 1)))


def test_a_bad_policy_file_names_the_policy(tmp_path: Path) -> None:
    path = tmp_path / "eol-policies.yaml"
    path.write_text(
        "policies:\n  - {id: x, vendor: V, statement: s, from: released, years: 0,"
        " gives: security_end, source: 'https://x', checked: 2026-12-03}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyDataError, match=r"eol-policies.yaml policy 1: years"):
        load_policies(path)
