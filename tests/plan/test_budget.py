"""The budget plan: within budget, never worse than "replace the highest scores first"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import device, legacy_pc, meta, pump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legacyscan.messages import plain
from legacyscan.model import AssessedDevice
from legacyscan.plan import budget as plan_module
from legacyscan.plan.budget import CostModel, CostModelError, make_plan, naive_reduction
from legacyscan.risk.evaluate import Context, evaluate_network

KINDS = [("workstation", None), ("server", None), ("medical", "infusion-pump"),
         ("medical", "imaging"), ("iot", "camera"), ("telehealth", "video-endpoint")]  # fmt: skip


def _ward() -> list[AssessedDevice]:
    return [
        legacy_pc("127.65.1.10", ports=(445, 3389)),
        legacy_pc("127.65.1.11"),
        device("127.65.1.12", "server", status="eol", eol=dt.date(2020, 1, 14), ports=(445,)),
        pump("127.65.1.20"),
        pump("127.65.1.21"),
        device("127.65.1.30", "medical", "imaging", status="eol", eol=dt.date(2014, 4, 8)),
    ]


def test_a_plan_within_budget_that_says_what_it_buys() -> None:
    assessment, network = evaluate_network(_ward(), meta())
    plan = make_plan(assessment, network, 3000)
    assert plan.total_cost <= 3000
    assert plan.risk_after < plan.risk_before
    assert plain(plan.method).startswith("exact")
    assert all(a.cost > 0 and a.risk_reduction > 0 and plain(a.explanation) for a in plan.actions)
    assert len({a.target for a in plan.actions}) == len(plan.actions)
    upgrade = next(a for a in plan.actions if a.action == "upgrade")
    assert "upgrade its OS or firmware" in plain(upgrade.explanation)
    assert plan.risk_before - plan.risk_after >= naive_reduction(assessment, 3000)


def test_no_budget_no_actions() -> None:
    assessment, network = evaluate_network(_ward(), meta())
    plan = make_plan(assessment, network, 0)
    assert plan.actions == () and plan.risk_after == plan.risk_before
    assert plain(plan.method).startswith("nothing to choose")


def test_the_greedy_states_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_module, "EXACT_CELLS", 0)
    assessment, network = evaluate_network(_ward(), meta())
    plan = make_plan(assessment, network, 3000)
    assert plan.total_cost <= 3000
    assert plain(plan.method).startswith("greedy") and "at least" in plain(plan.method)


def test_user_costs_override_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text("currency: CHF\nclasses:\n  workstation: {decommission: 50}\n")
    costs = CostModel.load(path)
    assert costs.currency == "CHF"
    assert costs.classes["workstation"]["decommission"] == 50
    assert costs.classes["workstation"]["replace"] == 1500  # kept from the defaults
    assessment, network = evaluate_network(_ward(), meta())
    plan = make_plan(assessment, network, 100, costs)
    assert {a.action for a in plan.actions} == {"decommission"}
    assert "CHF" in plain(plan.actions[0].explanation)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("classes: {workstation: {paint: 5}}", "unknown action 'paint'"),
        ("classes: {workstation: {replace: -5}}", "cost must be a finite number > 0"),
        ("classes: [1, 2]", "'classes' must map names"),
        ("[", "not valid YAML"),
    ],
)
def test_a_bad_cost_file_says_why(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text(text)
    with pytest.raises(CostModelError, match=message):
        CostModel.load(path)


@st.composite
def wards(draw: st.DrawFn) -> list[AssessedDevice]:
    built = []
    for number in range(draw(st.integers(1, 10))):
        device_class, device_type = draw(st.sampled_from(KINDS))
        status = draw(st.sampled_from(["eol", "extended", "unknown", "supported"]))
        ports = tuple(draw(st.sets(st.sampled_from([445, 3389, 23, 80, 104]), max_size=2)))
        address = f"127.66.{draw(st.integers(1, 2))}.{number + 1}"
        eol = dt.date(2020, 1, 14) if status in ("eol", "extended") else None
        built.append(device(address, device_class, device_type, status, eol, ports))  # type: ignore[arg-type]
    return built


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wards(), st.integers(0, 80).map(lambda n: float(n * 500)), st.booleans())
def test_never_over_budget_never_worse_than_naive(
    devices: list[AssessedDevice], budget: float, exact: bool
) -> None:
    assessment, network = evaluate_network(devices, meta(vantage="127.66.1.0/24"))
    if not exact:
        plan_module.EXACT_CELLS, saved = 0, plan_module.EXACT_CELLS
    try:
        plan = make_plan(assessment, network, budget, context=Context())
    finally:
        if not exact:
            plan_module.EXACT_CELLS = saved
    assert plan.total_cost <= budget
    assert plan.risk_after <= plan.risk_before
    assert plan.risk_before - plan.risk_after >= naive_reduction(assessment, budget) - 1e-9
