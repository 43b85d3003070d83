"""``legacyscan plan`` and ``legacyscan whatif``: what to fix first, and what a change buys."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from legacyscan.assess import open_scan
from legacyscan.cli.common import budget_option, costs_option, format_option, segments_option
from legacyscan.cli.terminal import echo
from legacyscan.codec import to_data
from legacyscan.messages import plain
from legacyscan.model import Assessment
from legacyscan.plan.budget import CostModel, make_plan
from legacyscan.plan.whatif import WhatIf, load_changes, total_risk, whatif


@click.command("plan")
@click.argument("scan_json", type=click.Path(dir_okay=False, path_type=Path))
@budget_option(required=True)
@costs_option
@segments_option
@format_option
def plan_command(
    scan_json: Path,
    budget: float,
    costs_file: Path | None,
    segments_file: Path | None,
    fmt: str,
) -> None:
    """List the actions that remove the most risk per euro within --budget, for a stored scan.

    Actions are replace, upgrade (OS/firmware), isolate (dedicated VLAN and ACL) and
    decommission, one per device at most, priced by the cost model.  Prints the risk
    before and after (the sum of the device scores, recomputed with the actions applied)
    and what falls out of support in the next 12, 24 and 36 months.
    """
    costs = CostModel.load(costs_file)  # a bad cost file fails before the long work
    opened = open_scan(scan_json, segments_file)
    plan = make_plan(opened.assessment, opened.network, budget, costs, opened.context)
    assessment = opened.assessment
    if fmt == "json":
        data = {
            "plan": asdict(plan),
            "currency": costs.currency,
            "costs_source": costs.source,
            "horizon": [to_data(h) for h in assessment.horizon],
        }
        echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    unit = costs.currency
    echo(f"budget {plan.budget:,.0f} {unit}; costs from {costs.source}")
    for number, action in enumerate(plan.actions, 1):
        echo(
            f"{number:>3}. {action.action:<12} {action.target:<16} {action.cost:>10,.0f} {unit}"
            f"  -{action.risk_reduction:g} points"
        )
        echo(f"     {plain(action.explanation)}")
    echo(
        f"total {plan.total_cost:,.0f} {unit}; risk {plan.risk_before:g} -> {plan.risk_after:g} "
        f"points (sum of device scores), {plan.risk_before - plan.risk_after:g} removed"
    )
    echo(f"method: {plain(plan.method)}")
    _print_horizon(assessment)


_MILESTONE_WORDS = {
    "end_of_sale": "end of sale",
    "support_end": "end of vendor support",
    "security_end": "end of security support",
    "extended_end": "end of paid extension",
    "last_support": "last date of support",
}


def _print_horizon(assessment: Assessment) -> None:
    shown_events = 0
    for entry in assessment.horizon:
        shown = ", ".join(entry.addresses[:10]) + (" ..." if len(entry.addresses) > 10 else "")
        echo(
            f"out of support within {entry.months} months: {len(entry.addresses)} device(s)"
            + (f" ({shown})" if entry.addresses else "")
        )
        for event in entry.events[shown_events:]:  # the windows are cumulative
            echo(
                f"  {event.date.isoformat()}  {event.address}  {event.product}: "
                f"{_MILESTONE_WORDS.get(event.milestone, event.milestone)}"
            )
        shown_events = len(entry.events)


@click.command("whatif")
@click.argument("scan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("changes_file", type=click.Path(dir_okay=False, path_type=Path))
@segments_option
@format_option
def whatif_command(
    scan_json: Path, changes_file: Path, segments_file: Path | None, fmt: str
) -> None:
    """Recompute reachability and risk of a stored scan with proposed changes, before/after.

    CHANGES_FILE is YAML, e.g.:

    \b
      changes:
        - isolate_segment: rea-biomed
        - acl: {from: offices, to: imaging, both_ways: true}
        - isolate: 10.20.30.41
        - replace: 10.20.30.42
        - upgrade: 10.20.30.43
        - decommission: 10.20.30.44
    """
    changes = load_changes(changes_file)
    opened = open_scan(scan_json, segments_file)
    result = whatif(opened.assessment, changes, opened.context)
    summary = compare(result)
    if fmt == "json":
        echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    for change in result.changes:
        echo(f"change: {change.describe()}")
    echo(f"{'':<34}{'before':>10}{'after':>10}")
    for label, key in (
        ("network segmentation score", "network_score"),
        ("total device risk (points)", "total_risk"),
        ("legacy -> clinical pairs", "exposures"),
        ("mixed segments", "mixed_segments"),
    ):
        before, after = summary["before"][key], summary["after"][key]
        echo(f"{label:<34}{before:>10g}{after:>10g}")
    for row in summary["devices"]:
        echo(f"  {row['address']:<16} score {row['before']:g} -> {_num(row['after'])}")
    for row in summary["segments"]:
        echo(f"  segment {row['segment']:<20} score {row['before']:g} -> {_num(row['after'])}")


def _num(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _summary(assessment: Assessment) -> dict[str, Any]:
    return {
        "network_score": round(assessment.network_score or 0.0, 2),
        "total_risk": total_risk(assessment),
        "exposures": assessment.topology.total_exposures,
        "mixed_segments": len(assessment.topology.mixed_segments),
    }


def compare(result: WhatIf) -> dict[str, Any]:
    """Before/after figures, and the devices and segments whose score changed."""
    after_risk = {r.address: r.score for r in result.after.risks}
    after_segment = {r.segment: r.score for r in result.after.segment_risks}
    return {
        "changes": [asdict(c) for c in result.changes],
        "before": _summary(result.before),
        "after": _summary(result.after),
        "devices": [
            {"address": r.address, "before": r.score, "after": after_risk.get(r.address, "gone")}
            for r in result.before.risks
            if after_risk.get(r.address) != r.score
        ],
        "segments": [
            {"segment": r.segment, "before": r.score, "after": after_segment.get(r.segment, "gone")}
            for r in result.before.segment_risks
            if after_segment.get(r.segment) != r.score
        ],
    }
