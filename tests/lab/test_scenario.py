"""The lab's scenarios as data: the hospital's shape, real OUIs, scaling, bad files."""

from __future__ import annotations

import ipaddress
from collections import Counter
from pathlib import Path

import pytest
from netaddr import EUI

from legacyscan.lab import runner, scenario
from legacyscan.lab.scenario import LabError
from legacyscan.model import CLINICAL_CLASSES

HOSPITAL = scenario.load("hospital")


def _legacy(device: scenario.LabDevice) -> bool:
    return device.truth.get("legacy") == "yes"


def test_hospital_has_about_80_devices_in_the_required_segments() -> None:
    assert 75 <= len(HOSPITAL.devices) <= 90
    segments = {d.segment for d in HOSPITAL.devices}
    assert {"biomedical", "imaging", "clinical", "administration", "servers", "building",
            "telehealth", "guest"} <= segments  # fmt: skip
    assert segments == {s.name for s in HOSPITAL.segments}


def test_about_a_third_is_legacy() -> None:
    share = sum(_legacy(d) for d in HOSPITAL.devices) / len(HOSPITAL.devices)
    assert 0.25 <= share <= 0.45, share


def test_at_least_four_segments_mix_legacy_it_with_clinical_devices() -> None:
    mixed = set()
    for segment in HOSPITAL.segments:
        members = [d for d in HOSPITAL.devices if d.segment == segment.name]
        legacy_it = any(
            _legacy(d) and d.truth["class"] in ("workstation", "server") for d in members
        )
        clinical = any(d.truth["class"] in CLINICAL_CLASSES for d in members)
        if legacy_it and clinical:
            mixed.add(segment.name)
    assert len(mixed) >= 4, mixed


def test_every_mac_carries_a_registered_oui_unless_locally_administered() -> None:
    for device in HOSPITAL.devices:
        first = int(device.mac[:2], 16)
        if first & 0x02:
            continue  # locally administered: the unbranded and inline devices
        assert EUI(device.mac).oui.registration().org, device.name


@pytest.mark.parametrize(
    ("name", "vendor"),
    [("ct-console", "GE Healthcare"), ("pump-gateway-rea", "B.Braun"),
     ("monitor-rea-1", "Philips"), ("baxter-pump-1", "Baxter"), ("monitor-usc-1", "Mindray"),
     ("monitoring-central", "Draeger"), ("camera-entrance", "Axis"),
     ("camera-pharmacy", "Hikvision"), ("core-switch", "Cisco"), ("ehr-server", "VMware"),
     ("clinic-pc-03", "Dell"), ("nurse-station", "Hewlett Packard")],
)  # fmt: skip
def test_medical_and_it_vendors_have_their_own_oui(name: str, vendor: str) -> None:
    device = next(d for d in HOSPITAL.devices if d.name == name)
    assert vendor.lower() in EUI(device.mac).oui.registration().org.lower()


def test_addresses_and_names_are_unique_and_in_the_lab_network() -> None:
    assert len({d.address for d in HOSPITAL.devices}) == len(HOSPITAL.devices)
    lab = ipaddress.ip_network("127.42.0.0/16")
    assert all(ipaddress.ip_address(d.address) in lab for d in HOSPITAL.devices)


def test_snmp_access_mixes_v2c_v3_other_communities_and_none() -> None:
    kinds = Counter(d.snmp_access.split(":")[0] or "none" for d in HOSPITAL.devices)
    assert kinds["v2c"] and kinds["v3"] and kinds["none"]
    communities = {d.community for d in HOSPITAL.devices if d.community}
    assert "public" in communities and len(communities) >= 3


def test_the_traps_are_there() -> None:
    kinds = [s for d in HOSPITAL.devices for s in d.services]
    assert any(s["kind"] == "printer" and s["port"] == 9100 for s in kinds)
    assert any(s.get("params", {}).get("drop_every") for s in kinds)
    hostile = [d for d in HOSPITAL.devices if "<script>" in (d.snmp or {}).get("sysDescr", "")]
    assert hostile and any("<script>" in s["params"]["server"] for s in hostile[0].services
                           if s["kind"] == "http")  # fmt: skip


def test_minimal_scenario_still_loads() -> None:
    minimal = scenario.load("minimal")
    assert len(minimal.devices) == 7
    assert all(d.snmp_access == "v2c:public" for d in minimal.devices)


def test_scale_keeps_the_mix_and_unique_addresses() -> None:
    big = scenario.scaled("hospital", 5000)
    assert len(big.devices) == 5000
    assert len({d.address for d in big.devices}) == 5000
    assert len({d.mac for d in big.devices}) > 4990  # 24 random bits per vendor block
    nets = scenario.LAB_NETWORKS
    assert all(any(ipaddress.ip_address(d.address) in n for n in nets) for d in big.devices)
    share = sum(_legacy(d) for d in big.devices) / len(big.devices)
    base = sum(_legacy(d) for d in HOSPITAL.devices) / len(HOSPITAL.devices)
    assert abs(share - base) < 0.03
    assert sum(1 for d in big.devices if d.extra.get("switch")) == 3


def test_truth_rows_name_every_field() -> None:
    rows = runner.truth_rows(HOSPITAL.devices)
    assert len(rows) == len(HOSPITAL.devices)
    for key in ("address", "segment", "mac", "class", "type", "vendor", "product", "version",
                "lifecycle"):  # fmt: skip
        assert all(key in row for row in rows)


@pytest.mark.parametrize(
    ("text", "message"),
    [("name: x\n", "needs a 'devices' list"),
     ("devices:\n  - {name: a, address: 10.1.2.3}\n", "outside 127.42.0.0/16"),
     ("devices:\n  - {name: a, address: 127.42.9.9}\n  - {name: b, address: 127.42.9.9}\n",
      "address used twice"),
     ("devices:\n  - {name: a, profile: nope, address: 127.42.9.9}\n", "no profile"),
     ("devices: [\n", "not valid YAML")],
)  # fmt: skip
def test_bad_scenario_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    with pytest.raises(LabError, match=message):
        scenario.load(str(path))


def test_unknown_scenario_names_the_built_in_ones() -> None:
    with pytest.raises(LabError, match="hospital"):
        scenario.load("no-such-scenario")


def test_the_demo_tries_every_community_and_the_v3_user_of_the_scenario() -> None:
    state = runner.LabState("hospital", HOSPITAL.snmp_port, HOSPITAL.devices, ())
    credentials = state.credentials()
    assert credentials[0].label == "lab-public"
    communities = {c.community.reveal() for c in credentials if c.community is not None}
    assert communities == {d.community for d in HOSPITAL.devices if d.community}
    assert {"biomed-lecture", "ups-lecture", "cctv-lecture"} <= communities
    (v3,) = [c for c in credentials if c.version == "3"]
    assert (v3.user, v3.level) == (scenario.SNMP_V3_USER["user"], "authPriv")
    assert "lab-auth-key-1" not in repr(credentials)
