"""A device's verdict: its hardware, components that follow their platform, upstream builds."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from builders import seen

from legacyscan.lifecycle.database import EolDatabase
from legacyscan.messages import plain
from legacyscan.model import Identity

AS_OF = dt.date(2026, 11, 23)
D = dt.date


@pytest.fixture(scope="module")
def db() -> EolDatabase:
    return EolDatabase.load()


# --- device verdicts: hardware, components that follow their platform, upstream builds -------


def _device(*identities: Identity, host: Any = None) -> Any:
    from legacyscan.model import Host, IdentifiedDevice

    return IdentifiedDevice(
        host=host or Host(address="127.0.0.1"),
        identities=identities,
        device_class="network",
        device_type=None,
        class_confidence=0.9,
    )


def _switch_host(object_id: str | None, *models: tuple[str, int | None]) -> Any:
    from legacyscan.model import EntityPhysical, Host, SnmpSystem, SnmpTables

    entities = tuple(
        EntityPhysical(index=n, physical_class=cls, model_name=model)
        for n, (model, cls) in enumerate(models, start=1)
    )
    return Host(
        address="127.0.0.1",
        snmp=SnmpSystem(descr="Cisco IOS Software", object_id=object_id),
        snmp_tables=SnmpTables(entities=entities),
    )


def test_the_demo_catalyst_2960_is_eol_by_its_hardware(db: EolDatabase) -> None:
    ios = seen("os", "Cisco", "IOS", "12.2(55)SE7", "C2960 Software, Version 12.2(55)SE7")
    device = _device(ios, host=_switch_host("1.3.6.1.4.1.9.1.716"))
    assessed = db.assess(device, AS_OF)
    software, hardware = assessed.identities
    assert software.lifecycle.status == "unknown"  # no citable date for 12.2(55)SE
    assert hardware.identity.kind == "hardware"
    assert hardware.identity.product == "Catalyst 2960"
    assert hardware.identity.evidence[0].field == "snmp.sysObjectID"
    assert hardware.lifecycle.status == "eol"
    assert hardware.lifecycle.eol_date == D(2019, 10, 31)
    assert "EOL9449" in plain(hardware.lifecycle.reason)
    assert assessed.worst_status == "eol"
    assert assessed.deciding is hardware
    # the same device on the day before its last date of support is still only unknown
    earlier = db.assess(device, D(2019, 10, 31))
    assert earlier.identities[1].lifecycle.status == "supported"
    assert earlier.worst_status == "unknown"


def test_hardware_is_found_by_the_chassis_model_name(db: EolDatabase) -> None:
    # a 2960-X stack: the chassis row names the model, the SFP row must not be read
    host = _switch_host("1.3.6.1.4.1.9.1.9999", ("GLC-T", 10), ("WS-C2960X-24TS-L", 3))
    assessed = db.assess(_device(host=host), AS_OF)
    (hardware,) = assessed.identities
    assert hardware.identity.product == "Catalyst 2960-X"
    assert hardware.identity.version == "WS-C2960X-24TS-L"
    assert hardware.lifecycle.status == "supported"  # to 2027-10-31
    # no chassis row: every row's model is read; an SFP alone names no hardware
    assert db.assess(_device(host=_switch_host(None, ("GLC-T", None))), AS_OF).identities == ()
    # an unknown sysObjectID and no ENTITY table: nothing added
    assert db.assess(_device(host=_switch_host("1.3.6.1.4.1.9.1.1")), AS_OF).identities == ()


def test_an_old_fortigate_is_eol_by_its_fgmodel_or_its_model_name(db: EolDatabase) -> None:
    # fgModel 1004 is fgt100D (FORTINET-FORTIGATE-MIB); its End of Support was 2023-07-26
    by_oid = db.assess(_device(host=_switch_host("1.3.6.1.4.1.12356.101.1.1004")), AS_OF)
    (hardware,) = by_oid.identities
    assert hardware.identity.product == "FortiGate-100D"
    assert hardware.identity.evidence[0].field == "snmp.sysObjectID"
    assert hardware.lifecycle.status == "eol"
    assert hardware.lifecycle.eol_date == D(2023, 7, 26)
    # no OID known (the MIB has no fgModel for the 70E): the chassis model name is read
    named = db.assess(_device(host=_switch_host(None, ("FGT_70E", 3))), AS_OF)
    assert named.identities[0].identity.product == "FortiGate-70E"
    assert named.identities[0].lifecycle.eol_date == D(2026, 7, 15)
    # the 60E-POE is its own record, not the 60E's (2026-12-29)
    poe = db.assess(_device(host=_switch_host("1.3.6.1.4.1.12356.101.1.642")), AS_OF)
    assert poe.identities[0].identity.product == "FortiGate-60E-POE"
    assert poe.identities[0].lifecycle.status == "supported"  # to 2027-10-14


def test_the_earliest_end_decides_and_says_which(db: EolDatabase) -> None:
    # IOS 12.0T ended 2010-04-26, before the 2960 hardware (2019-10-31): software decided
    ios = seen("os", "Cisco", "IOS", "12.0(7)T", "Version 12.0(7)T")
    assessed = db.assess(_device(ios, host=_switch_host("1.3.6.1.4.1.9.1.716")), AS_OF)
    assert assessed.worst_status == "eol"
    assert assessed.deciding is not None and assessed.deciding.identity.kind == "os"


def test_iis_follows_the_windows_release_it_ships_with(db: EolDatabase) -> None:
    windows = seen("os", "Microsoft", "Windows Server 2022", "10.0.20348", "Build 20348")
    iis = seen("application", "Microsoft", "IIS", "10.0", "Microsoft-IIS/10.0")
    assessed = db.assess(_device(windows, iis), AS_OF)
    verdict = assessed.identities[1].lifecycle
    assert verdict.status == "supported"
    assert verdict.eol_date == assessed.identities[0].lifecycle.eol_date
    assert "follows" in plain(verdict.reason) and "Windows Server 2022" in plain(verdict.reason)
    # the same IIS next to Windows Server 2012 R2 (ended, ESU to 2026-10-13) is extended
    old = seen("os", "Microsoft", "Windows Server 2012 R2", "6.3.9600", "Build 9600")
    assert db.assess(_device(old, iis), D(2026, 6, 1)).identities[1].lifecycle.status == "extended"
    # without a Windows identity the verdict stays unknown and says what is missing
    alone = db.assess(_device(iis), AS_OF).identities[0].lifecycle
    assert alone.status == "unknown" and "none was identified" in plain(alone.reason)


def test_a_distribution_build_follows_the_distribution(db: EolDatabase) -> None:
    banner = "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7"
    ssh = seen("application", "OpenBSD", "OpenSSH", "7.4p1", banner)
    debian = seen("os", "Debian", "Debian", "9", banner)
    on_debian = db.assess(_device(debian, ssh), AS_OF).identities[1].lifecycle
    assert on_debian.status == db.assess(_device(debian), AS_OF).identities[0].lifecycle.status
    assert "distribution Debian 9" in plain(on_debian.reason)
    # the marker without the distribution's release: unknown, and it says so
    marked = db.assess(_device(ssh), AS_OF).identities[0].lifecycle
    assert marked.status == "unknown" and "Debian-10" in plain(marked.reason)
    # nginx on an Ubuntu device follows Ubuntu, whatever upstream says of its branch
    ubuntu = seen("os", "Canonical", "Ubuntu", "24.04", "Ubuntu 24.04")
    nginx = seen("application", "F5", "nginx", "1.24.0", "nginx/1.24.0 (Ubuntu)")
    assert db.assess(_device(ubuntu, nginx), AS_OF).identities[1].lifecycle.status == "supported"


def test_an_upstream_build_follows_upstream(db: EolDatabase) -> None:
    nginx = seen("application", "F5", "nginx", "1.10.3", "nginx/1.10.3")
    verdict = db.assess(_device(nginx), AS_OF).identities[0].lifecycle
    assert verdict.status == "eol" and verdict.eol_date == D(2017, 4, 12)
    assert "upstream build" in plain(verdict.reason)
    # OpenSSH fixes only its newest release, but vendors (macOS, Windows, appliances) ship
    # it unmarked and patched: an unmarked 9.7 is told its upstream dates, not judged
    ssh = seen("application", "OpenBSD", "OpenSSH", "9.7", "SSH-2.0-OpenSSH_9.7")
    told = db.assess(_device(ssh), AS_OF).identities[0].lifecycle
    assert told.status == "unknown"
    assert "9.8p1" in plain(told.reason) and "2024-07-01" in plain(told.reason)
    # where the data says unmarked builds are judged, 9.7 is eol from the day 9.8p1 came out
    history = db.components.histories[("OpenBSD", "OpenSSH")]
    judging = replace(
        db,
        components=replace(
            db.components,
            histories={("OpenBSD", "OpenSSH"): replace(history, judge_unmarked=True)},
        ),
    )
    superseded = judging.assess(_device(ssh), AS_OF).identities[0].lifecycle
    assert superseded.status == "eol" and superseded.eol_date == D(2024, 7, 1)
    assert judging.assess(_device(ssh), D(2024, 6, 30)).identities[0].lifecycle.status == (
        "supported"
    )
    newest = seen("application", "OpenBSD", "OpenSSH", "10.5p1", "SSH-2.0-OpenSSH_10.5p1")
    assert judging.assess(_device(newest), D(2026, 12, 3)).identities[0].lifecycle.status == (
        "supported"
    )
    # after the history was read nothing says whether a newer release came out
    later = judging.assess(_device(newest), D(2027, 6, 1)).identities[0].lifecycle
    assert later.status == "unknown"
    # a version the history does not know keeps its own verdict
    odd = seen("application", "OpenBSD", "OpenSSH", "99.1", "SSH-2.0-OpenSSH_99.1")
    assert judging.assess(_device(odd), AS_OF).identities[0].lifecycle.status == "unknown"


def test_eol_show_lists_hardware_records() -> None:
    import json

    from click.testing import CliRunner

    from legacyscan.cli.eol import eol_group

    runner = CliRunner()
    result = runner.invoke(eol_group, ["show", "catalyst 2960", "--as-of", "2026-12-03"])
    assert result.exit_code == 0, result.output
    assert "Catalyst 2960 " in result.output and "EOL9449" in result.output
    result = runner.invoke(eol_group, ["show", "hardware", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert len(doc["hardware"]) == len(EolDatabase.load().hardware.records) >= 20
    unknown = runner.invoke(eol_group, ["show", "no such thing at all"])
    assert unknown.exit_code != 0 and "no end-of-life record" in str(unknown.exception)


def test_a_bad_hardware_file_names_the_file_and_record(tmp_path: Path) -> None:
    from legacyscan.lifecycle.hardware import HardwareDataError, load_hardware

    (tmp_path / "acme.yaml").write_text(
        "hardware:\n  - {vendor: Acme, family: X1, models: '^X1', source: 'http://x', "
        "checked: 2026-12-03}\n",
        encoding="utf-8",
    )
    with pytest.raises(HardwareDataError, match=r"acme.yaml record 1 \(X1\).*https"):
        load_hardware(tmp_path)


def test_distribution_markers_match_their_examples() -> None:
    import yaml

    from legacyscan.lifecycle.components import Components
    from legacyscan.paths import fingerprints_dir

    data = yaml.safe_load((fingerprints_dir() / "eol-components.yaml").read_text())
    examples = data["distribution_builds"]["examples"]
    components = Components.load()
    for value in examples["marked"]:
        assert components.marker(seen("application", "X", "Y", None, value)), value
    for value in examples["unmarked"]:
        assert components.marker(seen("application", "X", "Y", None, value)) is None, value


def test_the_horizon_counts_the_hardware_end(db: EolDatabase) -> None:
    from legacyscan.lifecycle.horizon import support_ends

    host = _switch_host(None, ("WS-C2960X-48FPD-L", 3))
    assessed = db.assess(_device(host=host), AS_OF)
    assert support_ends(assessed, AS_OF) == D(2027, 10, 31)


def test_scan_json_names_what_decided(db: EolDatabase) -> None:
    from legacyscan.scandicts import device_to_dict

    ios = seen("os", "Cisco", "IOS", "12.2(55)SE7", "C2960 Software, Version 12.2(55)SE7")
    assessed = db.assess(_device(ios, host=_switch_host("1.3.6.1.4.1.9.1.716")), AS_OF)
    data = device_to_dict(assessed)
    assert data["lifecycle_status"] == "eol"
    decided = data["lifecycle_decided_by"]
    assert decided["kind"] == "hardware" and decided["product"] == "Catalyst 2960"
    assert "2019-10-31" in decided["reason"]
    assert data["identities"][1]["lifecycle"]["eol_date"] == "2019-10-31"
