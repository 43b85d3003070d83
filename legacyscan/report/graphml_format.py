"""GraphML export for Gephi and yEd: devices, segments, membership and reach.

A directed graph: ``member-of`` edges go from a device to its segment, ``reaches``
edges from a legacy system to a clinical device it can reach (with the evidence).
GraphML is XML 1.0, which cannot hold most control characters: device strings are
cleaned of them (networkx escapes the rest).
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from legacyscan.files import atomic_open
from legacyscan.report.view import ReportView

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


def build_graph(view: ReportView) -> nx.DiGraph:
    graph = nx.DiGraph()
    for s in view.segments:
        graph.add_node(
            f"segment:{s.segment.name}",
            kind="segment",
            label=_text(s.segment.name),
            cidr=_text(s.segment.cidr),
            site=_text(s.segment.site),
            zone=_text(s.segment.zone),
            devices=len(s.members),
            legacy=s.legacy,
            clinical=s.clinical,
            mixed=s.mixed,
            risk_score=float(s.risk.score) if s.risk else 0.0,
        )
    for r in view.rows:
        node = f"device:{r.index}:{r.address}"
        graph.add_node(
            node,
            kind="device",
            label=_text(r.address),
            device_class=r.device.device.device_class,
            device_type=_text(r.device.device.device_type),
            identity=_text(r.main_identity),
            lifecycle_status=r.device.worst_status,
            eol_date=r.eol_date.isoformat() if r.eol_date else "",
            legacy=r.device.is_legacy,
            clinical=r.device.is_clinical,
            risk_score=float(r.score),
            risk_level=r.level,
            segment=_text(r.segment),
        )
        if r.segment and graph.has_node(f"segment:{r.segment}"):
            graph.add_edge(node, f"segment:{r.segment}", kind="member-of", evidence="")
    names = {r.index: f"device:{r.index}:{r.address}" for r in view.rows}
    for legacy, clinical, evidence in view.reach:
        graph.add_edge(
            names[legacy], names[clinical], kind="reaches", evidence=_text(evidence.plain)
        )
    return graph


def write_graphml(view: ReportView, path: Path) -> None:
    with atomic_open(path, "wb") as handle:
        nx.write_graphml(build_graph(view), handle, encoding="utf-8")
