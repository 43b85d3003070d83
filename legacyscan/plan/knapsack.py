"""Choosing at most one option per device within a budget: a multiple-choice knapsack.

``solve`` is exact (dynamic programming over budget steps) when the problem is small,
and otherwise greedy on each device's convex hull of options, which is the optimal
solution of the linear relaxation up to one fractional step: the greedy result plus
that step bounds the optimum, and the bound is stated in the method.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from legacyscan.messages import message, plain
from legacyscan.model import Message


@dataclass(frozen=True)
class Option:
    target: str  # device address
    action: str
    cost: float
    value: float  # estimated risk points removed


def _groups(options: Sequence[Option], budget: float) -> dict[str, list[Option]]:
    groups: dict[str, list[Option]] = defaultdict(list)
    for option in options:
        if option.cost <= budget and option.value > 0:
            groups[option.target].append(option)
    return groups


def _step(options: Sequence[Option], budget: float) -> int:
    """The greatest common divisor of the whole-euro costs and the budget."""
    step = int(budget)
    for option in options:
        step = math.gcd(step, int(round(option.cost)))
    return max(step, 1)


def solve(options: Sequence[Option], budget: float, exact_cells: int) -> tuple[list[Option], str]:
    """The chosen options and a sentence (plain English) saying how they were chosen."""
    chosen, how = choose(options, budget, exact_cells)
    return chosen, plain(how)


def choose(
    options: Sequence[Option], budget: float, exact_cells: int
) -> tuple[list[Option], Message]:
    """The chosen options and a message saying how they were chosen."""
    groups = _groups(options, budget)
    if not groups:
        return [], message("plan.method_nothing")
    count = sum(len(g) for g in groups.values())
    step = _step([o for g in groups.values() for o in g], budget)
    steps = int(budget) // step
    if all(float(int(round(o.cost))) == o.cost for g in groups.values() for o in g):
        if count * steps <= exact_cells:
            chosen = _exact(list(groups.values()), step, steps)
            return chosen, message("plan.method_exact", steps=steps, step=step)
    chosen, bound = _greedy(list(groups.values()), budget)
    got = sum(o.value for o in chosen)
    share = got / bound if bound > 0 else 1.0
    return chosen, message("plan.method_greedy", count=count, got=got, share=share, bound=bound)


def _exact(groups: list[list[Option]], step: int, steps: int) -> list[Option]:
    best = [0.0] * (steps + 1)
    picks: list[list[int]] = []
    for group in groups:
        new = best[:]
        pick = [-1] * (steps + 1)
        for index, option in enumerate(group):
            weight = int(round(option.cost)) // step
            value = option.value
            for capacity in range(steps, weight - 1, -1):
                candidate = best[capacity - weight] + value
                if candidate > new[capacity] + 1e-12:
                    new[capacity] = candidate
                    pick[capacity] = index
        best = new
        picks.append(pick)
    chosen = []
    capacity = max(range(steps + 1), key=lambda c: (best[c], -c))
    for group, pick in zip(reversed(groups), reversed(picks), strict=True):
        index = pick[capacity]
        if index >= 0:
            chosen.append(group[index])
            capacity -= int(round(group[index].cost)) // step
    return chosen


def _hull(group: list[Option]) -> list[Option]:
    """The options on the upper convex hull of (cost, value) from (0, 0), by cost."""
    points = sorted(group, key=lambda o: (o.cost, -o.value))
    hull: list[Option] = []
    for option in points:
        if hull and option.value <= hull[-1].value:
            continue  # dominated: costs more, removes no more
        while hull:
            last = hull[-1]
            before = hull[-2] if len(hull) > 1 else None
            c0, v0 = (before.cost, before.value) if before else (0.0, 0.0)
            # drop ``last`` when it lies under the line from ``before`` to ``option``
            if (last.value - v0) * (option.cost - c0) <= (option.value - v0) * (last.cost - c0):
                hull.pop()
            else:
                break
        hull.append(option)
    return hull


def _greedy(groups: list[list[Option]], budget: float) -> tuple[list[Option], float]:
    steps = []  # (slope, group, hull position, extra cost, extra value)
    hulls = [_hull(g) for g in groups]
    for number, hull in enumerate(hulls):
        cost, value = 0.0, 0.0
        for position, option in enumerate(hull):
            extra_cost, extra_value = option.cost - cost, option.value - value
            steps.append((extra_value / extra_cost, number, position, extra_cost, extra_value))
            cost, value = option.cost, option.value
    steps.sort(key=lambda s: -s[0])
    # the LP bound: take the steps in order, the last one fractionally
    left, bound = budget, 0.0
    for slope, _, _, extra_cost, extra_value in steps:
        if extra_cost <= left:
            left -= extra_cost
            bound += extra_value
        else:
            bound += slope * left
            break
    # the greedy: the same order, whole steps only, a device's steps one after the other
    left = budget
    at: dict[int, int] = {}
    stopped: set[int] = set()
    for _, number, position, extra_cost, _ in steps:
        if number in stopped or at.get(number, -1) != position - 1:
            continue
        if extra_cost <= left:
            left -= extra_cost
            at[number] = position
        else:
            stopped.add(number)
    chosen = [hulls[n][p] for n, p in at.items()]
    single = max((o for g in groups for o in g), key=lambda o: o.value)
    if single.value > sum(o.value for o in chosen):
        chosen = [single]  # the classic fix that makes the greedy at least half the optimum
    return chosen, bound
