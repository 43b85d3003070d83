"""Plan stage: costs (data), the knapsack that chooses what a budget buys, the budget
plan and the what-if (before / after a segmentation change).
"""

from legacyscan.plan.budget import CostModel, make_plan, with_plan
from legacyscan.plan.whatif import Change, whatif

__all__ = ["Change", "CostModel", "make_plan", "whatif", "with_plan"]
