"""The stages chained for hosts already collected: identify -> lifecycle -> topology -> risk
(-> plan), and the way a stored scan is opened again.

``assess`` is used by live scans (``pipeline.scan``), imports and offline identification
alike; every assessment carries its ``Provenance`` (which knowledge, weights and costs
made it).  ``reopen`` gives back a stored scan as it was judged -- its devices keep their
stored verdicts -- or, with ``reassess=True``, judged again with the installed knowledge,
saying so in its provenance.  ``open_scan`` also keeps the network for graph questions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from legacyscan.clock import now
from legacyscan.codec import to_data
from legacyscan.identify import Identifier
from legacyscan.lifecycle import EolDatabase
from legacyscan.model import Assessment, Host, Provenance, ScanMeta
from legacyscan.paths import knowledge_version
from legacyscan.plan import CostModel, with_plan
from legacyscan.risk import Context, RiskModel, evaluate_network
from legacyscan.scanfile import StoredScan, read_scan
from legacyscan.topology import Network, SegmentMap


def provenance(
    identifier: Identifier,
    eol: EolDatabase,
    as_of: dt.date,
    model: RiskModel,
    costs: CostModel | None = None,
    rejudged_from: str = "",
) -> Provenance:
    """What the verdicts of an assessment are made with, for its report and its record."""
    checked = max((r.checked for r in eol.records if r.checked), default=None)
    return Provenance(
        knowledge=knowledge_version(),
        rules=len(identifier.rules.rules),
        eol_records=len(eol.records),
        eol_checked=checked,
        as_of=as_of,
        judged=now(),
        weights=model.weights,
        costs=None if costs is None else to_data(costs),
        rejudged_from=rejudged_from,
    )


def assess(
    hosts: Sequence[Host],
    meta: ScanMeta,
    identifier: Identifier | None = None,
    eol: EolDatabase | None = None,
    context: Context | None = None,
    budget: float | None = None,
    costs: CostModel | None = None,
    rejudged_from: str = "",
) -> Assessment:
    """Identify, look up lifecycles, then topology and risk (``risk.evaluate``).

    ``context`` carries the segment mapping file (``--segments``), what-if filtering and
    the risk weights; the defaults suit a plain scan.  With a ``budget`` the assessment
    also holds the budget plan (costs from ``costs`` or the shipped defaults).
    """
    identifier = identifier or Identifier()
    eol = eol or EolDatabase.load()
    context = context or Context()
    identified = identifier.identify_all(hosts)
    devices = tuple(eol.assess(device, meta.as_of) for device in identified)
    assessment, network = evaluate_network(devices, meta, context)
    if budget is not None:
        costs = costs or CostModel.load()
        assessment = with_plan(assessment, network, budget, costs, context)
    made = provenance(identifier, eol, meta.as_of, context.risk_model(), costs, rejudged_from)
    return replace(assessment, provenance=made)


def _stored_context(stored: StoredScan, segments_file: Path | None) -> Context:
    """The mapping given now, else the one the scan was made with; the scan's weights."""
    mapping = SegmentMap.load(segments_file) if segments_file is not None else stored.mapping
    made = stored.assessment.provenance if stored.assessment is not None else None
    model = RiskModel(made.weights) if made is not None else None
    return Context(segment_map=mapping, model=model)


def replan(
    assessment: Assessment, context: Context, budget: float, costs: CostModel | None = None
) -> tuple[Assessment, Network]:
    """A stored assessment's devices (verdicts as stored) with topology, risk and a plan
    computed again -- with the stored weights -- for another mapping or budget."""
    again, network = evaluate_network(assessment.devices, assessment.meta, context)
    costs = costs or CostModel.load()
    again = with_plan(again, network, budget, costs, context)
    made = assessment.provenance
    if made is not None:
        made = replace(made, costs=to_data(costs))
    return replace(again, trend=assessment.trend, provenance=made), network


class OpenedScan:
    """A stored scan opened again; its ``network`` is built when first asked for (the
    graph questions and what-ifs), not for a report of the verdicts as stored."""

    def __init__(self, assessment: Assessment, network: Network | None, context: Context) -> None:
        self.assessment, self.context, self._network = assessment, context, network

    @property
    def network(self) -> Network:
        if self._network is None:
            _, self._network = evaluate_network(
                self.assessment.devices, self.assessment.meta, self.context
            )
        return self._network


def reopen(
    path: Path,
    segments_file: Path | None = None,
    as_of: dt.date | None = None,
    reassess: bool = False,
) -> OpenedScan:
    """A stored scan.json as it was judged, or judged again (``reassess``, or a scan
    stored before verdicts were kept); a new ``as_of`` always judges again."""
    stored = read_scan(path)
    context = _stored_context(stored, segments_file)
    kept = stored.assessment
    if kept is None or reassess or (as_of is not None and as_of != kept.meta.as_of):
        meta = stored.meta if as_of is None else replace(stored.meta, as_of=as_of)
        was = kept.provenance.knowledge if kept is not None and kept.provenance else "unknown"
        # Re-judged with today's knowledge and weights: the provenance says from what.
        fresh = Context(segment_map=context.segment_map)
        assessment = assess(stored.hosts, meta, context=fresh, rejudged_from=was)
        assessment = replace(assessment, trend=stored.trend)
        _, network = evaluate_network(assessment.devices, assessment.meta, fresh)
        return OpenedScan(assessment, network, fresh)
    if segments_file is None:
        # Same devices, same mapping, same weights: the stored topology and scores stand,
        # and the network is built only if a question needs it.
        return OpenedScan(kept, None, context)
    again, network = evaluate_network(kept.devices, kept.meta, context)
    assessment = dataclasses.replace(
        again, plan=kept.plan, trend=kept.trend, provenance=kept.provenance
    )
    return OpenedScan(assessment, network, context)


def open_scan(path: Path, segments_file: Path | None = None) -> OpenedScan:
    """A stored scan.json and its network, for graph questions and what-ifs."""
    return reopen(path, segments_file)
