"""Topology and risk for devices already assessed: the second half of the pipeline.

``evaluate`` builds the graph, the exposures, every score and the EOL horizon; the
what-if and the budget plan call it again on changed devices or with a filtering
``Policy``, so that "before" and "after" are computed by exactly the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from legacyscan.lifecycle.horizon import eol_horizon
from legacyscan.model import AssessedDevice, Assessment, ScanMeta
from legacyscan.risk.ai_exposure import ai_findings
from legacyscan.risk.device import RiskModel, score_all
from legacyscan.risk.segment import network_score, score_segments
from legacyscan.topology.build import analyse, build_network
from legacyscan.topology.mapping import SegmentMap
from legacyscan.topology.network import Network, Policy


@dataclass(frozen=True)
class Context:
    """What else decides the result besides the devices: mapping, filtering, weights."""

    segment_map: SegmentMap | None = None
    policy: Policy = field(default_factory=Policy)
    model: RiskModel | None = None

    def risk_model(self) -> RiskModel:
        return self.model or _default_model()


_MODELS: dict[str, RiskModel] = {}


def _default_model() -> RiskModel:
    if "default" not in _MODELS:
        _MODELS["default"] = RiskModel.load()
    return _MODELS["default"]


def network_of(devices: Sequence[AssessedDevice], meta: ScanMeta, context: Context) -> Network:
    return build_network(devices, meta.targets, context.segment_map, meta.vantage, context.policy)


def evaluate(
    devices: Sequence[AssessedDevice], meta: ScanMeta, context: Context | None = None
) -> Assessment:
    return evaluate_network(devices, meta, context)[0]


def evaluate_network(
    devices: Sequence[AssessedDevice], meta: ScanMeta, context: Context | None = None
) -> tuple[Assessment, Network]:
    """The assessment, and the network it was computed on (for graph questions)."""
    context = context or Context()
    model = context.risk_model()
    devices = tuple(devices)
    network = network_of(devices, meta, context)
    topology = analyse(devices, network=network)
    score, factors = network_score(network, model)
    assessment = Assessment(
        meta=meta,
        devices=devices,
        topology=topology,
        risks=score_all(devices, topology, meta.as_of, model),
        segment_risks=score_segments(network, model),
        network_score=score,
        network_factors=factors,
        horizon=eol_horizon(devices, meta.as_of),
        ai_services=ai_findings(devices, network),
    )
    return assessment, network
