"""The knapsack behind the budget plan: exact when small, greedy with a true bound."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from legacyscan.plan.knapsack import Option, solve

options_strategy = st.lists(
    st.builds(
        Option,
        target=st.sampled_from(["a", "b", "c", "d", "e"]),
        action=st.sampled_from(["replace", "upgrade", "isolate"]),
        cost=st.integers(1, 30).map(lambda n: float(n * 100)),
        value=st.integers(1, 60).map(float),
    ),
    max_size=10,
    unique_by=lambda o: (o.target, o.action),
)


def _optimum(options: list[Option], budget: float) -> float:
    """Brute force: every choice of at most one option per target."""
    by_target: dict[str, list[Option | None]] = {}
    for option in options:
        by_target.setdefault(option.target, [None]).append(option)
    best = 0.0
    for combination in itertools.product(*by_target.values()):
        chosen = [o for o in combination if o is not None]
        if sum(o.cost for o in chosen) <= budget:
            best = max(best, sum(o.value for o in chosen))
    return best


@settings(max_examples=200, deadline=None)
@given(options_strategy, st.integers(0, 60).map(lambda n: float(n * 100)))
def test_exact_matches_brute_force(options: list[Option], budget: float) -> None:
    chosen, method = solve(options, budget, exact_cells=10**9)
    assert sum(o.cost for o in chosen) <= budget
    assert len({o.target for o in chosen}) == len(chosen)
    assert sum(o.value for o in chosen) == _optimum(options, budget)
    assert method.startswith(("exact", "nothing to choose"))


@settings(max_examples=200, deadline=None)
@given(options_strategy, st.integers(0, 60).map(lambda n: float(n * 100)))
def test_greedy_stays_within_its_stated_bound(options: list[Option], budget: float) -> None:
    chosen, method = solve(options, budget, exact_cells=0)
    got = sum(o.value for o in chosen)
    best = _optimum(options, budget)
    assert sum(o.cost for o in chosen) <= budget
    assert len({o.target for o in chosen}) == len(chosen)
    assert got >= best / 2 - 1e-9  # the classic guarantee, greedy plus best single item
    if chosen:
        bound = float(method.rsplit("(", 1)[1].split(" ")[0])
        assert bound >= best - 0.05  # the stated bound really bounds the optimum


def test_odd_costs_fall_back_to_the_greedy() -> None:
    options = [Option("a", "replace", 999.5, 10.0), Option("b", "replace", 10.0, 1.0)]
    chosen, method = solve(options, 1000.0, exact_cells=10**9)
    assert method.startswith("greedy")
    assert [o.target for o in chosen] == ["a"]
