"""Records of the plan stage: the actions a budget buys and the EOL horizon."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from legacyscan.model.words import Message

#: What a plan or a what-if can do to one device (segment changes are what-if only).
PLAN_ACTIONS: tuple[str, ...] = ("replace", "upgrade", "isolate", "decommission")


@dataclass(frozen=True)
class PlanAction:
    """One step of a budget plan: what to do to which device or segment, and what it buys."""

    action: str  # "replace" | "upgrade" | "isolate" | "decommission" | ...
    target: str  # device address or segment name
    cost: float  # euros
    risk_reduction: float  # points of risk removed
    explanation: Message


@dataclass(frozen=True)
class Plan:
    """The actions chosen within a budget, and the risk left afterwards."""

    budget: float
    actions: tuple[PlanAction, ...]
    total_cost: float
    risk_before: float
    risk_after: float
    method: Message  # how it was chosen, e.g. "exact" or "greedy (within 50% of optimal)"


@dataclass(frozen=True)
class HorizonEvent:
    """One dated milestone of one device within the horizon: what a budget must plan for."""

    address: str
    date: dt.date
    #: "end_of_sale" | "support_end" | "security_end" | "extended_end" | "last_support"
    milestone: str
    product: str  # vendor, product and version or model, as the verdict tables show it
    status: str  # the verdict's status today


@dataclass(frozen=True)
class HorizonEntry:
    """What falls out of support within a number of months after the as-of date.

    ``addresses``: the devices that lose (paid) security support in the window (end of
    security support, of a paid extension, or the hardware's last date of support);
    ``events``: every milestone in the window, end of sale and end of mainstream support
    included, in date order."""

    months: int
    addresses: tuple[str, ...]
    events: tuple[HorizonEvent, ...] = ()
