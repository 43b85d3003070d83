"""Segment scores (the mix of legacy systems and clinical devices) and the network's score.

Weights are the ``segment`` and ``network`` parts of ``fingerprints/risk.yaml``.  Like
a device score, each score is the sum of its factors, each with a sentence.  The
network score runs from 0 (legacy systems reach no clinical device) to 100 (a flat
network where legacy systems reach every clinical device).
"""

from __future__ import annotations

from legacyscan.messages import message
from legacyscan.model import RiskFactor, SegmentRisk
from legacyscan.risk.device import RiskModel, factor
from legacyscan.topology.network import Network, kind_of
from legacyscan.topology.reach import reached_clinical


def score_segment(network: Network, name: str, model: RiskModel) -> SegmentRisk:
    w = model.typed.segment
    devices = [network.devices[a] for a in network.segments[name].members]
    legacy = [d for d in devices if d.is_legacy]
    clinical = [d for d in devices if d.is_clinical]
    legacy_it = [d for d in legacy if not d.is_clinical]
    factors: list[RiskFactor] = []
    if legacy:
        points = min(len(legacy) * w.per_legacy, w.legacy_max)
        if points == w.legacy_max:
            why = message(
                "segment.legacy_capped", count=len(legacy), each=w.per_legacy,
                cap=w.legacy_max,
            )  # fmt: skip
        else:
            why = message("segment.legacy", count=len(legacy), each=w.per_legacy)
        factors.append(factor("legacy-systems", float(points), why))
    # A clinical device is at stake when another device of the segment is legacy.
    at_stake = [d for d in clinical if any(other is not d for other in legacy)]
    if at_stake:
        raw = sum(model.device_points(kind_of(d)) for d in at_stake) * w.clinical_share
        points = min(raw, w.clinical_max)
        vital = sum(1 for d in at_stake if model.is_life_sustaining(kind_of(d)))
        if vital:
            sentence = message("segment.at_stake_vital", count=len(at_stake), vital=vital)
        else:
            sentence = message("segment.at_stake", count=len(at_stake))
        if raw > w.clinical_max:
            sentence = message("segment.capped", sentence=sentence, cap=w.clinical_max)
        factors.append(factor("clinical-at-stake", float(points), sentence))
    if legacy_it and clinical:
        why = message("segment.mixed", count=len(legacy_it))
        factors.append(factor("mixed", w.mixed, why))
    total = float(sum(f.points for f in factors))
    return SegmentRisk(
        segment=name,
        score=total,
        level=model.level(total),
        legacy_count=len(legacy),
        clinical_count=len(clinical),
        factors=tuple(factors),
    )


def score_segments(network: Network, model: RiskModel) -> tuple[SegmentRisk, ...]:
    return tuple(score_segment(network, name, model) for name in network.segments)


def network_score(network: Network, model: RiskModel) -> tuple[float, tuple[RiskFactor, ...]]:
    """The network's segmentation score and its parts.

    Both parts are shares of what is protected (clinical devices, the segments holding
    them), so that a new reachable device, a new legacy system or a new open service
    never lowers the score; the mix inside each segment is the segment scores' job.
    """
    w = model.typed.network
    clinical = [a for a, d in network.devices.items() if d.is_clinical]
    factors: list[RiskFactor] = []

    reached_set = reached_clinical(network)
    reached = len(reached_set)
    share = reached / len(clinical) if clinical else 0.0
    why = message(
        "network.clinical_reached", reached=reached, total=len(clinical), share=share,
        weight=w.clinical_reached,
    )  # fmt: skip
    factors.append(factor("clinical-reached", w.clinical_reached * share, why))

    clinical_segments = {
        n for n, seg in network.segments.items() if any(network.is_clinical(a) for a in seg.members)
    }
    touched = {n for a in reached_set for n in network.segments_of[a]}
    share = len(touched) / len(clinical_segments) if clinical_segments else 0.0
    why = message(
        "network.segments_reached", reached=len(touched), total=len(clinical_segments),
        share=share, weight=w.clinical_segments_reached,
    )  # fmt: skip
    factors.append(factor("clinical-segments-reached", w.clinical_segments_reached * share, why))
    return float(sum(f.points for f in factors)), tuple(factors)
