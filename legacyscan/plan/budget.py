"""The budget plan: which actions remove the most risk per euro within a budget.

Every device may get at most one action (replace, upgrade, isolate, decommission) whose
cost comes from the cost model (``fingerprints/costs.yaml``, overridden by ``--costs``)
and whose value is the risk it removes (points of device score, estimated from the
score's own factors).  Choosing is a multiple-choice knapsack:

* exact, by dynamic programming over the budget in steps of the costs' greatest common
  divisor, when options x steps stays under ``EXACT_CELLS``;
* otherwise greedy on the convex hull of each device's options (the classic LP greedy for
  the multiple-choice knapsack), with the LP optimum as a stated upper bound.

Actions interact (isolating a pump lowers the blast radius of every PC that reached it),
so the plan is then evaluated exactly by the what-if code, and so is the naive plan
"replace the highest scores first"; the better of the two is returned, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_yaml
from legacyscan.messages import Term, message
from legacyscan.model import PLAN_ACTIONS, AssessedDevice, Assessment, Message, Plan, PlanAction
from legacyscan.paths import fingerprints_dir
from legacyscan.plan.knapsack import Option, choose
from legacyscan.plan.whatif import Change, apply, total_risk
from legacyscan.risk.device import RiskModel
from legacyscan.risk.evaluate import Context, evaluate
from legacyscan.topology.network import Network, kind_of
from legacyscan.topology.reach import reaches

ACTIONS = PLAN_ACTIONS
#: Options x budget steps up to which the exact dynamic programme runs (about 1 s).
EXACT_CELLS = 2_000_000
OWN_FACTORS = {
    "replace": ("lifecycle", "years-past-eol", "known-exploited", "blast-radius"),
    "upgrade": ("lifecycle", "years-past-eol", "known-exploited", "blast-radius"),
    "isolate": ("blast-radius",),
}
WORDS = {
    "replace": message("plan.replace"),
    "upgrade": message("plan.upgrade"),
    "isolate": message("plan.isolate"),
    "decommission": message("plan.decommission"),
}


class CostModelError(UserError, ValueError):
    """A cost file we cannot use."""


@dataclass(frozen=True)
class CostModel:
    classes: dict[str, dict[str, float]]
    types: dict[str, dict[str, float]]
    currency: str = "EUR"
    source: str = ""

    @classmethod
    def load(cls, override: Path | None = None) -> CostModel:
        """The shipped defaults, with the keys of ``override`` (if given) replacing theirs."""
        base = _read(fingerprints_dir() / "costs.yaml")
        model = cls(
            _table(base, "classes", "costs.yaml"),
            _table(base, "types", "costs.yaml"),
            str(base.get("currency", "EUR")),
            "fingerprints/costs.yaml (placeholder orders of magnitude, no published source)",
        )
        if override is None:
            return model
        extra = _read(override)
        classes, types = dict(model.classes), dict(model.types)
        for key, target in (("classes", classes), ("types", types)):
            for name, actions in _table(extra, key, str(override)).items():
                target[name] = {**target.get(name, {}), **actions}
        currency = str(extra.get("currency", model.currency))
        return cls(classes, types, currency, f"{override} over the defaults")

    def options(self, device: AssessedDevice) -> dict[str, float]:
        ident = device.device
        costs = dict(self.classes.get(ident.device_class, {}))
        costs.update(self.types.get(ident.device_type or "", {}))
        return costs


def _read(path: Path) -> dict[str, Any]:
    raw = load_yaml(path, CostModelError)
    if not isinstance(raw, dict):
        raise CostModelError(f"{path}: expected 'classes:' and/or 'types:' tables")
    return raw


def _table(raw: dict[str, Any], key: str, where: str) -> dict[str, dict[str, float]]:
    table = raw.get(key) or {}
    if not isinstance(table, dict):
        raise CostModelError(f"{where}: '{key}' must map names to {{action: cost}}")
    result: dict[str, dict[str, float]] = {}
    for name, actions in table.items():
        if not isinstance(actions, dict):
            raise CostModelError(f"{where}: {key}.{name} must map actions to costs")
        for action, cost in actions.items():
            if action not in ACTIONS:
                known = ", ".join(ACTIONS)
                raise CostModelError(
                    f"{where}: {key}.{name}: unknown action {action!r} (known: {known})"
                )
            # .nan and .inf pass `cost > 0`: a device would silently leave the plan
            if (
                isinstance(cost, bool)
                or not isinstance(cost, int | float)
                or not math.isfinite(cost)
                or cost <= 0
            ):
                shown = type(cost).__name__ if isinstance(cost, list | dict) else str(cost)[:20]
                raise CostModelError(
                    f"{where}: {key}.{name}.{action}: cost must be a finite number > 0, not {shown}"
                )
        result[str(name)] = {str(a): float(c) for a, c in actions.items()}
    return result


def _raw_blast(assessment: Assessment, model: RiskModel) -> dict[str, float]:
    """Each legacy device's blast-radius points before the cap."""
    return {
        r.address: sum(model.device_points(k) * n for k, n in r.counts)
        for r in assessment.topology.reach
    }


def _others_loss(network: Network, target: str, raw: dict[str, float], model: RiskModel) -> float:
    """Blast-radius points other legacy devices lose when ``target`` leaves their reach."""
    device = network.devices[target]
    if not device.is_clinical:
        return 0.0
    each = model.device_points(kind_of(device))
    cap = model.typed.blast_radius.max
    candidates = {a for name in network.segments_of[target] for a in network.segments[name].members}
    vantage = network.segments.get(network.vantage or "")
    if vantage is not None:
        candidates |= set(vantage.members)
    candidates |= {c for c, servers in network.flows.items() if target in servers}
    loss = 0.0
    for source in candidates:
        if source in raw and reaches(network, source, target):
            loss += min(cap, raw[source]) - min(cap, max(raw[source] - each, 0.0))
    return loss


def options(
    assessment: Assessment, network: Network, costs: CostModel, model: RiskModel
) -> list[Option]:
    """Every action the cost model offers that removes some risk, with its estimated value."""
    found = []
    raw = _raw_blast(assessment, model)
    for device in assessment.devices:
        address = device.address
        risk = assessment.risk_of(address)
        if address is None or risk is None or not risk.score:
            continue
        points = {f.name: f.points for f in risk.factors}
        others: float | None = None
        for action, cost in sorted(costs.options(device).items()):
            if action == "decommission":
                own = risk.score
            else:
                own = sum(points.get(name, 0.0) for name in OWN_FACTORS[action])
            if action in ("isolate", "decommission"):
                if others is None:
                    others = _others_loss(network, address, raw, model)
                value = own + others
            else:
                value = own
            if value > 0:
                found.append(Option(address, action, cost, value))
    return found


def _explain(option: Option, device: AssessedDevice, currency: str) -> Message:
    ident = device.device
    values = {
        "what": WORDS[option.action],
        "cls": Term(ident.device_class),
        "status": Term(device.worst_status),
        "value": option.value,
        "cost": option.cost,
        "currency": currency,
    }
    if ident.device_type:
        return message("plan.action_typed", type=Term(ident.device_type), **values)
    return message("plan.action", **values)


def _naive(
    assessment: Assessment, costs: CostModel, budget: float, values: dict[tuple[str, str], float]
) -> list[Option]:
    """Replace the highest scores first, skipping what no longer fits."""
    chosen, left = [], budget
    devices = {d.address: d for d in assessment.devices}
    for risk in sorted(assessment.risks, key=lambda r: -r.score):
        cost = costs.options(devices[risk.address]).get("replace")
        if risk.address and cost is not None and cost <= left and risk.score > 0:
            chosen.append(
                Option(risk.address, "replace", cost, values.get((risk.address, "replace"), 0.0))
            )
            left -= cost
    return chosen


def make_plan(
    assessment: Assessment,
    network: Network,
    budget: float,
    costs: CostModel | None = None,
    context: Context | None = None,
) -> Plan:
    costs = costs or CostModel.load()
    context = context or Context()
    model = context.risk_model()
    found = options(assessment, network, costs, model)
    chosen, method = choose(found, budget, EXACT_CELLS)
    values = {(o.target, o.action): o.value for o in found}
    naive = _naive(assessment, costs, budget, values)
    before = total_risk(assessment)
    after = _risk_after(assessment, chosen, context)
    naive_after = _risk_after(assessment, naive, context)
    if naive_after < after - 1e-9:
        chosen, after = naive, naive_after
        method = message("plan.method_naive_better", method=method)
    devices = {d.address: d for d in assessment.devices}
    explained = [
        (o, _explain(o, devices[o.target], costs.currency))
        for o in sorted(chosen, key=lambda o: (-o.value / o.cost, o.target))
    ]
    actions = tuple(PlanAction(o.action, o.target, o.cost, o.value, why) for o, why in explained)
    return Plan(
        budget=budget,
        actions=actions,
        total_cost=float(sum(a.cost for a in actions)),
        risk_before=before,
        risk_after=after,
        method=method,
    )


def _risk_after(assessment: Assessment, chosen: Sequence[Option], context: Context) -> float:
    if not chosen:
        return total_risk(assessment)
    changes = [Change(o.action, o.target) for o in chosen]
    devices, changed = apply(assessment.devices, context, changes)
    return total_risk(evaluate(devices, assessment.meta, changed))


def with_plan(
    assessment: Assessment,
    network: Network,
    budget: float,
    costs: CostModel | None = None,
    context: Context | None = None,
) -> Assessment:
    return replace(assessment, plan=make_plan(assessment, network, budget, costs, context))


def naive_reduction(
    assessment: Assessment,
    budget: float,
    costs: CostModel | None = None,
    context: Context | None = None,
) -> float:
    """Risk removed by the naive plan alone (for tests and the report's comparison)."""
    costs = costs or CostModel.load()
    naive = _naive(assessment, costs, budget, {})
    return total_risk(assessment) - _risk_after(assessment, naive, context or Context())
