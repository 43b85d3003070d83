"""Properties of the scores over generated networks (hypothesis).

* every score (device, segment, network) is exactly the sum of its factors;
* the exact counts of reachable devices equal the pairs the lazy listing yields;
* monotonicity: a new risky service, a new reachable pump or a year more past the end
  of support never lowers any score.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from builders import AS_OF, device, meta, tcp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legacyscan.lifecycle.verdicts import status_on
from legacyscan.model import AssessedDevice, AssessedIdentity, Assessment, EolRecord
from legacyscan.risk.device import RiskModel
from legacyscan.risk.evaluate import Context, evaluate, network_of
from legacyscan.topology.reach import count_reach, iter_reach, segment_pairs

MODEL = RiskModel.load()
RISKY = sorted(MODEL.weights["exposure"])
KINDS = [
    ("workstation", None), ("server", None), ("medical", "infusion-pump"),
    ("medical", "imaging"), ("telehealth", "video-endpoint"), ("iot", "camera"),
]  # fmt: skip


@st.composite
def lifecycles(draw: st.DrawFn) -> EolRecord:
    years, days = draw(st.integers(-12, 4)), draw(st.integers(0, 364))
    end = AS_OF + dt.timedelta(days=365 * years + days)
    extended = draw(st.none() | st.integers(1, 1500))
    return EolRecord(
        vendor="T", product="P", cycle="1", versions=None, released=None, support_end=end,
        security_end=end, extended_end=end + dt.timedelta(days=extended) if extended else None,
        source="https://example.invalid/", checked=AS_OF,
    )  # fmt: skip


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[tuple[AssessedDevice, EolRecord]], str]:
    count = draw(st.integers(1, 9))
    built = []
    for number in range(count):
        segment = draw(st.integers(1, 3))
        device_class, device_type = draw(st.sampled_from(KINDS))
        record = draw(lifecycles())
        ports = tuple(draw(st.sets(st.sampled_from(RISKY + [443, 22]), max_size=3)))
        dev = device(f"127.70.{segment}.{number + 1}", device_class, device_type, ports=ports)  # type: ignore[arg-type]
        built.append((dev, record))
    vantage = draw(st.sampled_from(["", "127.70.1.0/24", "127.70.2.0/24"]))
    return built, vantage


def _at(built: list[tuple[AssessedDevice, EolRecord]], day: dt.date) -> list[AssessedDevice]:
    """The devices with the lifecycle their record gives on ``day``."""
    return [
        replace(d, identities=(AssessedIdentity(d.identities[0].identity, status_on(r, day)),))
        for d, r in built
    ]


def _assess(devices: list[AssessedDevice], vantage: str, day: dt.date = AS_OF) -> Assessment:
    return evaluate(devices, replace(meta(vantage=vantage), as_of=day))


def _scores(assessment: Assessment) -> dict[str, float]:
    scores = {f"device {r.address}": r.score for r in assessment.risks}
    scores |= {f"segment {r.segment}": r.score for r in assessment.segment_risks}
    scores["network"] = assessment.network_score or 0.0
    return scores


def _never_lower(before: Assessment, after: Assessment) -> None:
    old, new = _scores(before), _scores(after)
    for name, score in old.items():
        assert new.get(name, 0.0) >= score - 1e-9, (name, score, new.get(name))


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(networks())
def test_every_score_is_the_sum_of_its_factors(generated: tuple[list, str]) -> None:  # type: ignore[type-arg]
    built, vantage = generated
    assessment = _assess(_at(built, AS_OF), vantage)
    for risk in assessment.risks:
        assert risk.score == sum(f.points for f in risk.factors)
    for segment in assessment.segment_risks:
        assert segment.score == sum(f.points for f in segment.factors)
    assert assessment.network_score == sum(f.points for f in assessment.network_factors)


@SETTINGS
@given(networks())
def test_counts_equal_the_listed_pairs(generated: tuple[list, str]) -> None:  # type: ignore[type-arg]
    built, vantage = generated
    devices = _at(built, AS_OF)
    network = network_of(devices, meta(vantage=vantage), Context())
    kinds = {d.address: d for d in devices}
    for source in network.legacy():
        listed = list(iter_reach(network, source))
        assert len({e.clinical for e in listed}) == len(listed)
        assert all(kinds[e.clinical].is_clinical and e.clinical != source for e in listed)
        assert count_reach(network, source).total == len(listed)


@SETTINGS
@given(networks())
def test_segment_pairs_are_the_listed_pairs_by_segment(generated: tuple[list, str]) -> None:  # type: ignore[type-arg]
    built, vantage = generated
    devices = _at(built, AS_OF)
    network = network_of(devices, meta(vantage=vantage), Context())
    home = {a: names[0] for a, names in network.segments_of.items() if names}
    listed = Counter(
        (home[e.legacy], home[e.clinical])
        for source in network.legacy()
        for e in iter_reach(network, source)
    )
    assert dict(listed) == {(s, t): n for s, t, n in segment_pairs(network)}


@SETTINGS
@given(networks(), st.data())
def test_a_risky_service_never_lowers_a_score(
    generated: tuple[list, str], data: st.DataObject
) -> None:  # type: ignore[type-arg]
    built, vantage = generated
    devices = _at(built, AS_OF)
    index = data.draw(st.integers(0, len(devices) - 1))
    port = data.draw(st.sampled_from(RISKY))
    target = devices[index]
    host = target.device.host
    if port in host.open_ports:
        return
    more = replace(host, services=host.services + tcp(port))
    changed = list(devices)
    changed[index] = replace(target, device=replace(target.device, host=more))
    _never_lower(_assess(devices, vantage), _assess(changed, vantage))


@SETTINGS
@given(networks(), st.data())
def test_a_reachable_pump_never_lowers_a_score(
    generated: tuple[list, str], data: st.DataObject
) -> None:  # type: ignore[type-arg]
    built, vantage = generated
    devices = _at(built, AS_OF)
    legacy = [d for d in devices if d.is_legacy]
    if not legacy:
        return
    near = data.draw(st.sampled_from(legacy)).address or ""
    segment = near.rsplit(".", 1)[0]
    pump = device(f"{segment}.200", "medical", "infusion-pump", ports=(80,))
    before, after = _assess(devices, vantage), _assess([*devices, pump], vantage)
    assert any(e.clinical == pump.address for e in after.topology.exposures)
    _never_lower(before, after)


@SETTINGS
@given(networks())
def test_a_year_more_never_lowers_a_score(generated: tuple[list, str]) -> None:  # type: ignore[type-arg]
    built, vantage = generated
    later = AS_OF + dt.timedelta(days=366)
    _never_lower(_assess(_at(built, AS_OF), vantage), _assess(_at(built, later), vantage, later))
