"""Risk stage: device, segment and network scores, each the sum of its factors, with
weights read from ``fingerprints/risk.yaml``; ``evaluate`` chains topology and risk.
"""

from legacyscan.risk.device import RiskModel, score_all
from legacyscan.risk.evaluate import Context, evaluate, evaluate_network

__all__ = ["Context", "RiskModel", "evaluate", "evaluate_network", "score_all"]
