"""``legacyscan graph exposures|mixed|bridges``: ask the network graph of a stored scan."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click

from legacyscan.assess import OpenedScan, open_scan
from legacyscan.cli.common import format_option, segments_option
from legacyscan.cli.terminal import echo
from legacyscan.messages import plain
from legacyscan.topology import kind_of
from legacyscan.topology.queries import (
    bridges,
    first_exposures,
    mixed_segments,
)

F = TypeVar("F", bound=Callable[..., Any])


def _common(function: F) -> F:
    function = click.argument("scan_json", type=click.Path(dir_okay=False, path_type=Path))(
        function
    )
    return segments_option(format_option(function))


def _label(opened: OpenedScan, address: str) -> str:
    device = opened.network.devices[address]
    return f"{address} ({kind_of(device)}, {device.worst_status})"


@click.group("graph")
def graph_group() -> None:
    """Ask the network graph of a stored scan (its scan.json) what legacy systems reach.

    \b
      legacyscan graph exposures out/scan.json    legacy -> clinical pairs, path, evidence
      legacyscan graph mixed out/scan.json        segments mixing legacy IT and clinical devices
      legacyscan graph bridges out/scan.json      legacy systems linking segments

    The scan is identified again with the installed knowledge; its segment mapping
    file is remembered in scan.json, or give another with --segments.
    """


@graph_group.command("exposures")
@_common
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="List at most this many pairs (0: all); the total is always counted.",
)
def exposures_command(scan_json: Path, fmt: str, segments_file: Path | None, limit: int) -> None:
    """Which legacy systems can reach which medical, IoT and telehealth devices, how, and why
    we think so."""
    opened = open_scan(scan_json, segments_file)
    listed = first_exposures(opened.network, limit or None)
    total = opened.assessment.topology.total_exposures
    if fmt == "json":
        echo(
            json.dumps(
                {
                    "exposure_count": total,
                    "listed": len(listed),
                    "exposures": [asdict(e) for e in listed],
                    "notes": list(opened.assessment.topology.notes),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    for exposure in listed:
        echo(
            f"{_label(opened, exposure.legacy)} -> {_label(opened, exposure.clinical)}\n"
            f"  path:     {' > '.join(exposure.path)}\n"
            f"  evidence: {plain(exposure.evidence)}"
        )
    echo(f"{total} legacy -> clinical pair(s); {len(listed)} listed")
    for note in opened.assessment.topology.notes:
        echo(f"note: {note}")


@graph_group.command("mixed")
@_common
def mixed_command(scan_json: Path, fmt: str, segments_file: Path | None) -> None:
    """Which segments mix legacy IT (old PCs, servers) with clinical devices."""
    opened = open_scan(scan_json, segments_file)
    found = mixed_segments(opened.network)
    if fmt == "json":
        echo(json.dumps([asdict(m) for m in found], indent=2, ensure_ascii=False))
        return
    for mixed in found:
        where = ", ".join(x for x in (mixed.cidr, mixed.site, mixed.zone) if x)
        echo(
            f"{mixed.name}" + (f" ({where})" if where else "") + f": "
            f"{len(mixed.legacy_it)} legacy IT system(s), {len(mixed.clinical)} clinical device(s)"
        )
        echo(f"  legacy IT: {_some(mixed.legacy_it)}")
        echo(f"  clinical:  {_some(mixed.clinical)}")
    echo(f"{len(found)} mixed segment(s) of {len(opened.network.segments)}")


@graph_group.command("bridges")
@_common
def bridges_command(scan_json: Path, fmt: str, segments_file: Path | None) -> None:
    """Which legacy systems link segments (several addresses, flows into other segments),
    ranked by betweenness centrality."""
    opened = open_scan(scan_json, segments_file)
    found = bridges(opened.assessment)
    if fmt == "json":
        echo(json.dumps([asdict(b) for b in found], indent=2, ensure_ascii=False))
        return
    for bridge in found:
        echo(
            f"{_label(opened, bridge.address)}: centrality {bridge.centrality:.3f}, "
            f"segments {', '.join(bridge.segments)}"
        )
        for line in bridge.evidence:
            echo(f"  {line}")
    echo(f"{len(found)} legacy bridge(s)")


def _some(addresses: tuple[str, ...], shown: int = 10) -> str:
    more = len(addresses) - shown
    return ", ".join(addresses[:shown]) + (f" and {more} more" if more > 0 else "")
