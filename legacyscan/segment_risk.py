"""Segment scores (the mix of legacy systems and clinical devices) and the network's score.

Weights are the ``segment`` and ``network`` parts of ``fingerprints/risk.yaml``.  Like
a device score, each score is the sum of its factors, each with a sentence.  The
network score runs from 0 (legacy systems reach no clinical device) to 100 (a flat
network where legacy systems reach every clinical device).
"""

from __future__ import annotations

from legacyscan.model import RiskFactor, SegmentRisk
from legacyscan.risk import RiskModel
from legacyscan.topology import Network, kind_of
from legacyscan.topology_reach import reached_clinical


def score_segment(network: Network, name: str, model: RiskModel) -> SegmentRisk:
    w = model.weights["segment"]
    devices = [network.devices[a] for a in network.segments[name].members]
    legacy = [d for d in devices if d.is_legacy]
    clinical = [d for d in devices if d.is_clinical]
    legacy_it = [d for d in legacy if not d.is_clinical]
    factors: list[RiskFactor] = []
    if legacy:
        points = min(len(legacy) * w["per_legacy"], w["legacy_max"])
        factors.append(
            RiskFactor(
                "legacy-systems",
                float(points),
                f"{len(legacy)} legacy system(s) in the segment, {w['per_legacy']} points "
                f"each" + (f", capped at {w['legacy_max']}" if points == w["legacy_max"] else ""),
            )
        )
    # A clinical device is at stake when another device of the segment is legacy.
    at_stake = [d for d in clinical if any(other is not d for other in legacy)]
    if at_stake:
        raw = sum(model.device_points(kind_of(d)) for d in at_stake) * w["clinical_share"]
        points = min(raw, w["clinical_max"])
        vital = sum(1 for d in at_stake if model.is_life_sustaining(kind_of(d)))
        factors.append(
            RiskFactor(
                "clinical-at-stake",
                float(points),
                f"{len(at_stake)} clinical device(s)"
                + (f", {vital} of them life-sustaining," if vital else "")
                + " share the segment with a legacy system"
                + (f" (capped at {w['clinical_max']})" if raw > w["clinical_max"] else ""),
            )
        )
    if legacy_it and clinical:
        factors.append(
            RiskFactor(
                "mixed",
                float(w["mixed"]),
                f"legacy IT ({len(legacy_it)} system(s) that are not clinical devices) sits "
                "next to clinical devices: malware on an old PC reaches them directly",
            )
        )
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
    w = model.weights["network"]
    clinical = [a for a, d in network.devices.items() if d.is_clinical]
    factors: list[RiskFactor] = []

    reached_set = reached_clinical(network)
    reached = len(reached_set)
    share = reached / len(clinical) if clinical else 0.0
    factors.append(
        RiskFactor(
            "clinical-reached",
            w["clinical_reached"] * share,
            f"{reached} of {len(clinical)} clinical device(s) ({share:.0%}) can be reached by "
            f"a legacy system: {share:.2f} x {w['clinical_reached']} points",
        )
    )

    clinical_segments = {
        n for n, seg in network.segments.items() if any(network.is_clinical(a) for a in seg.members)
    }
    touched = {n for a in reached_set for n in network.segments_of[a]}
    share = len(touched) / len(clinical_segments) if clinical_segments else 0.0
    factors.append(
        RiskFactor(
            "clinical-segments-reached",
            w["clinical_segments_reached"] * share,
            f"{len(touched)} of {len(clinical_segments)} segment(s) holding clinical devices "
            f"({share:.0%}) are within reach of a legacy system: {share:.2f} x "
            f"{w['clinical_segments_reached']} points",
        )
    )
    return float(sum(f.points for f in factors)), tuple(factors)
