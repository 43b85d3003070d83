"""Verdicts from a vendor's newest-release-only policy (Axis), and what an unknown names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from builders import seen

from legacyscan.lifecycle.components import ComponentDataError, Components
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.messages import plain
from legacyscan.model import Host, IdentifiedDevice, Identity, SnmpSystem

AS_OF = dt.date(2026, 12, 7)
AXIS_SOURCE = "https://help.axis.com/en-us/axis-os"


@pytest.fixture(scope="module")
def db() -> EolDatabase:
    return EolDatabase.load(overlay=Path("/nonexistent-legacyscan-overlay"))


def _device(*identities: Identity, host: Host | None = None) -> IdentifiedDevice:
    return IdentifiedDevice(
        host=host or Host(address="127.0.0.1"),
        identities=identities,
        device_class="iot",
        device_type="camera",
        class_confidence=0.9,
    )


def _verdict(db: EolDatabase, identity: Identity, as_of: dt.date = AS_OF) -> Any:
    return db.assess(_device(identity), as_of).identities[0].lifecycle


def test_the_axis_rule_judges_its_examples(db: EolDatabase) -> None:
    (rule,) = [r for r in db.components.newest_only if r.vendor == "Axis"]
    examples = dict(rule.examples)
    assert set(examples) == {"superseded", "long_term", "current"}
    for version in examples["superseded"]:
        verdict = _verdict(db, seen("firmware", "Axis", "AXIS OS", version))
        assert verdict.status == "eol", version
        # no release history dates its successor: out of support, but no invented end date
        assert verdict.eol_date is None
        assert verdict.policy == AXIS_SOURCE and verdict.source == AXIS_SOURCE
        text = plain(verdict.reason)
        assert "none of Axis's long-term tracks" in text and AXIS_SOURCE in text
    for version in examples["long_term"]:
        verdict = _verdict(db, seen("firmware", "Axis", "AXIS OS", version))
        assert verdict.status == "unknown", version
        assert "long-term track" in plain(verdict.reason) and verdict.policy == AXIS_SOURCE
    for version in examples["current"]:
        verdict = _verdict(db, seen("firmware", "Axis", "AXIS OS", version))
        assert verdict.status == "unknown", version
        assert "only while it stays the newest" in plain(verdict.reason)
    # the rule needs no other identity of the device: one identity alone is judged by it
    alone = db.lifecycle(seen("firmware", "Axis", "AXIS OS", "10.1.0"), AS_OF)
    assert alone.status == "eol" and alone.policy == AXIS_SOURCE
    # without a version there is nothing to place: the gap's reason stays
    bare = _verdict(db, seen("firmware", "Axis", "AXIS OS", None))
    assert bare.status == "unknown" and "Axis states policies" in plain(bare.reason)


def test_the_lab_axis_camera_is_eol_by_the_policy(db: EolDatabase) -> None:
    from legacyscan.identify.engine import Identifier

    # the simulated hospital's cameras answer this sysDescr (LibreNMS's axiscam recording)
    host = Host(
        address="127.0.0.1",
        snmp=SnmpSystem(
            descr="; AXIS P5534-E; PTZ Dome Network Camera; 5.40.9.2; May 15 2012 09:50; 188.1; 1;",
            object_id="1.3.6.1.4.1.368.4",
        ),
    )
    assessed = db.assess(Identifier().identify(host), AS_OF)
    assert assessed.worst_status == "eol"
    assert assessed.deciding is not None and assessed.deciding.lifecycle.policy == AXIS_SOURCE


def _components(tmp_path: Path, source: str = "https://vendor.example/policy") -> Components:
    (tmp_path / "eol-releases").mkdir()
    (tmp_path / "eol-releases" / "acme.yaml").write_text(
        "vendor: Acme\nproduct: AcmeOS\nsource: https://vendor.example/releases\n"
        "checked: 2026-12-01\nreleases:\n"
        "  - {version: '1.0.0', released: 2020-01-10}\n"
        "  - {version: '1.1.0', released: 2020-06-15}\n"
        "  - {version: '2.0.0', released: 2021-03-01}\n",
        encoding="utf-8",
    )
    (tmp_path / "eol-components.yaml").write_text(
        "newest_only:\n"
        "  - {vendor: Acme, product: AcmeOS, statement: 'only the newest release is supported',"
        f" long_term: ['1.1'], history: eol-releases/acme.yaml, source: '{source}',"
        " checked: 2026-12-01}\n",
        encoding="utf-8",
    )
    return Components.load(tmp_path)


def test_a_dated_history_gives_superseded_since(db: EolDatabase, tmp_path: Path) -> None:
    from dataclasses import replace

    judging = replace(db, components=_components(tmp_path))
    old = seen("os", "Acme", "AcmeOS", "1.0.3")
    verdict = _verdict(judging, old)
    # superseded by 1.1.0 on its release day, by the one "superseded since" mechanism
    assert verdict.status == "eol" and verdict.eol_date == dt.date(2020, 6, 15)
    text = plain(verdict.reason)
    assert "superseded by 1.1.0 on 2020-06-15" in text
    assert "https://vendor.example/policy" in text and verdict.policy == (
        "https://vendor.example/policy"
    )
    assert _verdict(judging, old, dt.date(2020, 6, 14)).status == "supported"
    # a long-term line is not judged by the newest-only rule
    assert _verdict(judging, seen("os", "Acme", "AcmeOS", "1.1.7")).status == "unknown"
    # the newest line known: supported only while it stays the newest, which is not known
    assert _verdict(judging, seen("os", "Acme", "AcmeOS", "2.0.1")).status == "unknown"


def test_a_rule_without_an_https_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ComponentDataError, match="https"):
        _components(tmp_path, source="http://vendor.example/policy")


def test_an_unknown_names_what_is_missing(db: EolDatabase) -> None:
    # a maker seen with only its kind of device (Hikvision's fixed sysDescr): no model
    camera = _verdict(db, seen("hardware", "Hikvision", "Camera", None))
    assert camera.status == "unknown"
    assert plain(camera.reason) == (
        "only the maker (Hikvision) and the kind of device (Camera) are identified: "
        "no model or firmware version to look up"
    )
    maker = _verdict(db, seen("hardware", "Polycom", "", None))
    assert "only the maker (Polycom) is identified" in plain(maker.reason)


def test_the_software_decides_when_the_hardware_has_no_record(db: EolDatabase) -> None:
    # a model the sysObjectID table names but no bulletin covers, running an ended release
    hardware = seen("hardware", "Cisco", "Catalyst 9300", None)
    ios = seen("os", "Cisco", "IOS", "12.0(7)T")
    assessed = db.assess(_device(hardware, ios), AS_OF)
    assert assessed.identities[0].lifecycle.status == "unknown"
    assert assessed.worst_status == "eol"
    assert assessed.deciding is not None and assessed.deciding.identity.product == "IOS"


def test_an_unknown_device_shows_the_verdict_that_names_its_cycle(db: EolDatabase) -> None:
    # the lab's core switch: IOS XE 16.9 is a recorded cycle without a citable date, the
    # Catalyst 9300 has no record at all; the device's reason names the cycle that lacks it
    hardware = seen("hardware", "Cisco", "Catalyst 9300", None)
    xe = seen("os", "Cisco", "IOS XE", "16.9.5")
    assessed = db.assess(_device(hardware, xe), AS_OF)
    assert assessed.worst_status == "unknown"
    assert assessed.deciding is not None and assessed.deciding.identity.product == "IOS XE"
    assert "IOS XE 16.9" in plain(assessed.deciding.lifecycle.reason)
