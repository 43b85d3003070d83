"""The risk model as data: device, segment and network scores and their factors."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from builders import AS_OF, device, legacy_pc, meta, pump, tcp

from legacyscan.messages import plain
from legacyscan.model import Assessment, Host
from legacyscan.paths import fingerprints_dir
from legacyscan.risk.device import RiskModel, RiskModelError, is_default_community
from legacyscan.risk.evaluate import evaluate


@pytest.fixture(scope="module")
def model() -> RiskModel:
    return RiskModel.load()


def _factors(
    model: RiskModel, dev: object, reach: dict[str, int] | None = None
) -> dict[str, float]:
    risk = model.score(dev, Counter(reach or {}), AS_OF)  # type: ignore[arg-type]
    assert risk.score == sum(f.points for f in risk.factors)
    return {f.name: f.points for f in risk.factors}


def test_known_exploited_vulnerabilities_add_points_with_their_ids(model: RiskModel) -> None:
    dev = legacy_pc("127.61.0.1", kev=("CVE-2017-0144", "CVE-2019-0708", "CVE-2008-4250"))
    risk = model.score(dev, Counter(), AS_OF)
    kev = next(f for f in risk.factors if f.name == "known-exploited")
    assert kev.points == 20  # 3 x 10, capped at 20
    assert "CVE-2008-4250, CVE-2017-0144, CVE-2019-0708" in plain(kev.explanation)
    assert "being exploited" in plain(kev.explanation)


def test_services_behind_tls_do_not_count_but_telnet_always_does(model: RiskModel) -> None:
    plain = device("127.61.0.2", ports=(80, 104, 23))
    assert _factors(model, plain)["exposure"] == 4 + 6 + 15
    wrapped = Host(address="127.61.0.2", services=tcp(80, 104, 23, tunnel="ssl"))
    secured = replace(plain, device=replace(plain.device, host=wrapped))
    assert _factors(model, secured)["exposure"] == 15  # Telnet in TLS is still Telnet


@pytest.mark.parametrize(
    ("label", "default"),
    [("public", True), ("v2c-public", True), ("site-private", True), ("ops-ro", False),
     ("v3-public-user", False), (None, False), ("--community (default community public)", True)],
)  # fmt: skip
def test_default_communities(label: str | None, default: bool) -> None:
    assert is_default_community(label, ["public", "private"]) is default


def test_snmp_with_a_default_community_is_an_exposure(model: RiskModel) -> None:
    factors = _factors(model, device("127.61.0.3", credential="v2c-public"))
    assert factors == {"exposure": 10}


def test_life_sustaining_devices_weigh_most(model: RiskModel) -> None:
    dev = legacy_pc("127.61.0.4")
    pumps = _factors(model, dev, {"medical/infusion-pump": 2})["blast-radius"]
    imaging = _factors(model, dev, {"medical/imaging": 2})["blast-radius"]
    cameras = _factors(model, dev, {"iot/camera": 2})["blast-radius"]
    assert pumps == 24 > imaging == 16 > cameras == 6
    risk = model.score(dev, Counter({"medical/infusion-pump": 3}), AS_OF)
    blast = next(f for f in risk.factors if f.name == "blast-radius")
    assert blast.points == 30
    assert "3 medical infusion-pump, life-sustaining (12 points each), capped at 30" in (
        plain(blast.explanation)
    )


def test_years_past_eol_say_how_many(model: RiskModel) -> None:
    risk = model.score(legacy_pc("127.61.0.5"), Counter(), AS_OF)  # EOL 2020-01-14
    years = next(f for f in risk.factors if f.name == "years-past-eol")
    assert (years.points, plain(years.explanation)) == (
        12, "6 full years past the end of support, 2 points a year",
    )  # fmt: skip


def test_a_broken_weights_file_is_a_user_error(tmp_path: object) -> None:
    path = tmp_path / "risk.yaml"  # type: ignore[operator]
    path.write_text("levels: [")
    with pytest.raises(RiskModelError, match="not valid YAML|not a risk weights file"):
        RiskModel.load(path)


@pytest.fixture(scope="module")
def ward() -> Assessment:
    return evaluate(
        [
            legacy_pc("127.62.1.10", ports=(445,)),
            legacy_pc("127.62.1.11"),
            pump("127.62.1.20"),
            device("127.62.1.21", "medical", "imaging"),
            device("127.62.2.10", "medical", "imaging", status="eol", eol=dt.date(2019, 1, 1)),
            pump("127.62.2.20"),
            pump("127.62.3.20"),
            device("127.62.4.10"),
        ],
        meta(),
    )


def test_segment_scores_explain_the_mix(ward: Assessment) -> None:
    risks = {r.segment: r for r in ward.segment_risks}
    ward1 = risks["127.62.1.0/24"]
    assert (ward1.legacy_count, ward1.clinical_count) == (2, 2)
    assert {f.name: f.points for f in ward1.factors} == {
        "legacy-systems": 8,  # 2 x 4
        "clinical-at-stake": 10,  # (12 + 8) x 0.5
        "mixed": 20,
    }
    assert ward1.score == 38 and ward1.level == "medium"
    assert "1 of them life-sustaining" in plain(ward1.factors[1].explanation)
    imaging = risks["127.62.2.0/24"]  # a legacy imaging device next to a pump: no legacy IT
    assert [f.name for f in imaging.factors] == ["legacy-systems", "clinical-at-stake"]
    assert risks["127.62.3.0/24"].factors == ()
    for risk in ward.segment_risks:
        assert risk.score == sum(f.points for f in risk.factors)


def test_network_score_is_a_share_of_what_is_protected(ward: Assessment) -> None:
    parts = {f.name: f for f in ward.network_factors}
    # 3 of 5 clinical devices reached (not the pump alone in 127.62.3.0/24, nor the legacy
    # imaging device, which only its own legacy self reaches);
    # 2 of 3 segments with clinical devices reached
    assert parts["clinical-reached"].points == pytest.approx(60 * 3 / 5)
    assert "3 of 5 clinical device(s) (60%)" in plain(parts["clinical-reached"].explanation)
    assert parts["clinical-segments-reached"].points == pytest.approx(40 * 2 / 3)
    assert ward.network_score == sum(f.points for f in ward.network_factors)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("exposure_max", ".nan"), "exposure_max: expected a finite number"),
        (("exposure_max", "-3"), "exposure_max: expected a finite number >= 0"),
        (("exposure_max", "lots"), "exposure_max: expected a number, found str"),
    ],
)
def test_weights_that_are_not_amounts_are_refused_in_one_line(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    shipped = (fingerprints_dir() / "risk.yaml").read_text(encoding="utf-8")
    key, value = edit
    path = tmp_path / "risk.yaml"
    path.write_text(re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", shipped), encoding="utf-8")
    with pytest.raises(RiskModelError, match=message) as caught:
        RiskModel.load(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
