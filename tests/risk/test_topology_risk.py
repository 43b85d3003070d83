"""Segments, exposures (legacy -> clinical) and the risk scores that explain themselves."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

import pytest

from legacyscan.assess import assess
from legacyscan.identify.engine import Identifier
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.messages import plain
from legacyscan.model import AssessedDevice, Assessment, Host, ScanMeta, Service, SnmpSystem
from legacyscan.risk.device import RiskModel, score_all
from legacyscan.topology.build import analyse, build_graph
from legacyscan.topology.network import segment_of

AS_OF = dt.date(2026, 11, 23)
META = ScanMeta(as_of=AS_OF, started="2026-11-23T10:00:00+00:00", finished="x", targets=())

XP_DESCR = (
    "Hardware: x86 Family 15 Model 4 Stepping 1 AT/AT COMPATIBLE - "
    "Software: Windows Version 5.1 (Build 2600 Multiprocessor Free)"
)
PUMP_DESCR = "B. Braun Melsungen AG SpaceCom 2 infusion data gateway, software 012U000061"
SERVER_DESCR = (
    "Hardware: Intel64 Family 6 Model 106 Stepping 6 AT/AT COMPATIBLE - "
    "Software: Windows Version 6.3 (Build 20348 Multiprocessor Free)"
)


def _tcp(*ports: int) -> tuple[Service, ...]:
    return tuple(Service(port=p, protocol="tcp", state="open") for p in ports)


XP = Host(
    address="127.42.20.15",
    snmp=SnmpSystem(descr=XP_DESCR, object_id="1.3.6.1.4.1.311.1.1.3.1.1"),
    services=_tcp(445, 3389),
)
PUMP = Host(address="127.42.20.30", snmp=SnmpSystem(descr=PUMP_DESCR))
SERVER = Host(
    address="127.42.30.10",
    snmp=SnmpSystem(descr=SERVER_DESCR, object_id="1.3.6.1.4.1.311.1.1.3.1.2"),
    services=_tcp(3389),
)


@pytest.fixture(scope="module")
def identifier() -> Identifier:
    return Identifier()


@pytest.fixture(scope="module")
def eol() -> EolDatabase:
    return EolDatabase.load()


@pytest.fixture(scope="module")
def model() -> RiskModel:
    return RiskModel.load()


def _assess(identifier: Identifier, eol: EolDatabase, *hosts: Host) -> Assessment:
    return assess(hosts, META, identifier, eol)


def _device(assessment: Assessment, address: str) -> AssessedDevice:
    return next(d for d in assessment.devices if d.address == address)


@pytest.fixture(scope="module")
def ward(identifier: Identifier, eol: EolDatabase) -> Assessment:
    return _assess(identifier, eol, XP, PUMP, SERVER)


def test_the_hand_built_devices_are_what_we_think(ward: Assessment) -> None:
    xp, pump, server = (_device(ward, a) for a in ("127.42.20.15", "127.42.20.30", "127.42.30.10"))
    assert xp.is_legacy and not xp.is_clinical and xp.worst_status == "eol"
    assert pump.is_clinical and not pump.is_legacy
    assert pump.device.device_type == "infusion-pump"
    assert server.worst_status == "supported" and not server.is_legacy


def test_segment_of() -> None:
    assert segment_of("127.42.20.15") == "127.42.20.0/24"
    assert segment_of("fd00::1:2") == "fd00::/64"
    assert segment_of(None) is None
    assert segment_of("not-an-address") is None


def test_one_exposure_through_the_segment_node(ward: Assessment) -> None:
    (exposure,) = ward.topology.exposures
    assert exposure.legacy == "127.42.20.15"
    assert exposure.clinical == "127.42.20.30"
    assert exposure.path == ("127.42.20.15", "segment:127.42.20.0/24", "127.42.20.30")
    assert "127.42.20.0/24" in plain(exposure.evidence)


def test_segments_and_mixed_segment(ward: Assessment) -> None:
    assert [(s.cidr, s.members) for s in ward.topology.segments] == [
        ("127.42.20.0/24", ("127.42.20.15", "127.42.20.30")),
        ("127.42.30.0/24", ("127.42.30.10",)),
    ]
    assert ward.topology.mixed_segments == ("127.42.20.0/24",)


def test_graph_edges_carry_evidence(ward: Assessment) -> None:
    graph = build_graph(ward.devices)
    edge = graph.edges["127.42.20.15", "segment:127.42.20.0/24"]
    assert edge["kind"] == "member-of"
    assert "127.42.20.0/24" in plain(edge["why"][0])
    assert graph.nodes["127.42.20.15"]["legacy"] is True
    assert graph.nodes["127.42.20.30"]["clinical"] is True


def test_legacy_and_clinical_in_different_segments_is_no_exposure(
    identifier: Identifier, eol: EolDatabase
) -> None:
    moved = replace(PUMP, address="127.42.21.30")
    topology = _assess(identifier, eol, XP, moved).topology
    assert topology.exposures == ()
    assert topology.mixed_segments == ()


def test_segments_sort_numerically(identifier: Identifier, eol: EolDatabase) -> None:
    hosts = [replace(SERVER, address=a) for a in ("127.42.30.11", "127.42.30.2", "127.42.9.1")]
    topology = analyse(tuple(eol.assess(identifier.identify(h), AS_OF) for h in hosts))
    assert [s.cidr for s in topology.segments] == ["127.42.9.0/24", "127.42.30.0/24"]
    assert topology.segments[1].members == ("127.42.30.2", "127.42.30.11")


def test_factors_add_up_to_the_score(ward: Assessment) -> None:
    assert len(ward.risks) == 3
    for risk in ward.risks:
        assert risk.score == pytest.approx(sum(f.points for f in risk.factors)), risk.address
        assert all(plain(f.explanation) for f in risk.factors)


def test_the_xp_score_line_by_line(ward: Assessment) -> None:
    risk = ward.risk_of("127.42.20.15")
    assert risk is not None
    # eol 40; 12 full years past 2014-04-08 x 2 = 24, capped at 20; SMB 12 + RDP 10;
    # one reachable infusion pump, life-sustaining: 12.
    assert {f.name: f.points for f in risk.factors} == {
        "lifecycle": 40,
        "years-past-eol": 20,
        "exposure": 22,
        "blast-radius": 12,
    }
    assert risk.score == 94.0
    assert risk.level == "critical"


def test_supported_server_scores_only_its_exposure(ward: Assessment) -> None:
    risk = ward.risk_of("127.42.30.10")
    assert risk is not None
    assert [(f.name, f.points) for f in risk.factors] == [("exposure", 10)]
    assert risk.level == "low"


def test_reaching_a_clinical_device_scores_more(identifier: Identifier, eol: EolDatabase) -> None:
    alone = _assess(identifier, eol, XP).risk_of(XP.address)
    together = _assess(identifier, eol, XP, PUMP).risk_of(XP.address)
    assert alone is not None and together is not None
    assert together.score > alone.score
    assert "blast-radius" not in {f.name for f in alone.factors}


def test_a_clinical_device_does_not_gain_blast_radius(ward: Assessment) -> None:
    risk = ward.risk_of("127.42.20.30")
    assert risk is not None
    assert "blast-radius" not in {f.name for f in risk.factors}


def test_adding_a_risky_port_never_lowers_a_score(ward: Assessment, model: RiskModel) -> None:
    reach = Counter({"medical": 1})
    for device in ward.devices:
        host = device.device.host
        before = model.score(device, reach, AS_OF).score
        for port in model.weights["exposure"]:
            if port in host.open_ports:
                continue
            more = replace(host, services=host.services + _tcp(port))
            widened = replace(device, device=replace(device.device, host=more))
            after = model.score(widened, reach, AS_OF).score
            assert after >= before, (device.address, port)


def test_adding_a_risky_port_never_lowers_any_score_end_to_end(
    identifier: Identifier, eol: EolDatabase, model: RiskModel
) -> None:
    base = _assess(identifier, eol, XP, PUMP, SERVER)
    before = {r.address: r.score for r in base.risks}
    for port in model.weights["exposure"]:
        for index, host in enumerate((XP, PUMP, SERVER)):
            hosts = [XP, PUMP, SERVER]
            hosts[index] = replace(host, services=host.services + _tcp(port))
            after = {r.address: r.score for r in _assess(identifier, eol, *hosts).risks}
            for address, score in before.items():
                assert after[address] >= score, (port, host.address, address)


def test_exposure_is_capped(model: RiskModel, ward: Assessment) -> None:
    device = _device(ward, "127.42.30.10")
    every = tuple(model.weights["exposure"])
    host = replace(device.device.host, services=_tcp(*every))
    risk = model.score(replace(device, device=replace(device.device, host=host)), Counter(), AS_OF)
    exposure = next(f for f in risk.factors if f.name == "exposure")
    assert exposure.points == model.weights["exposure_max"]


def test_blast_radius_is_capped_and_counts_classes(model: RiskModel, ward: Assessment) -> None:
    xp = _device(ward, "127.42.20.15")
    risk = model.score(xp, Counter({"medical": 2, "iot": 1}), AS_OF)
    blast = next(f for f in risk.factors if f.name == "blast-radius")
    assert blast.points == 2 * 8 + 3
    assert "2 medical (8 points each); 1 iot (3 points each)" in plain(blast.explanation)
    many = model.score(xp, Counter({"medical": 50}), AS_OF)
    assert next(f for f in many.factors if f.name == "blast-radius").points == 30


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "low"), (24.9, "low"), (25, "medium"), (50, "high"), (69, "high"), (70, "critical")],
)
def test_levels(model: RiskModel, score: float, level: str) -> None:
    assert model.level(score) == level


def test_score_all_uses_the_exposures(ward: Assessment, model: RiskModel) -> None:
    no_exposure = replace(ward.topology, exposures=(), reach=())
    risks = {r.address: r for r in score_all(ward.devices, no_exposure, AS_OF, model)}
    # the same device as in test_the_xp_score_line_by_line, without the 12 blast-radius points
    assert risks["127.42.20.15"].score == 82.0
    assert "blast-radius" not in {f.name for f in risks["127.42.20.15"].factors}
