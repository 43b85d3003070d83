"""The report's tables as rows of plain values, shared by the CSV and XLSX exports.

Each table is a list of column keys and rows of typed values (str, int, float, bool,
date or None): the CSV writer prints them as data, the XLSX writer gives them headers
in the reader's language and cell formats.  Column keys are stable identifiers and
double as CSV headers, so that scripts reading the CSV do not depend on a language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from legacyscan.report.view import ReportView, Sentence

Value = str | int | float | bool | dt.date | Sentence | None


@dataclass(frozen=True)
class Table:
    name: str  # "devices", "findings", ...: file and sheet name
    columns: tuple[str, ...]
    rows: list[tuple[Value, ...]]


def devices_table(view: ReportView) -> Table:
    rows: list[tuple[Value, ...]] = []
    for r in view.rows:
        ident = r.device.device
        host = ident.host
        rows.append(
            (
                r.device.address,
                host.mac,
                " ".join(host.hostnames),
                r.segment,
                ident.device_class,
                ident.device_type,
                round(ident.class_confidence, 2),
                r.main_identity,
                r.device.worst_status,
                r.eol_date,
                r.device.is_legacy,
                r.device.is_clinical,
                r.risk.score if r.risk else None,
                r.level or None,
                " ".join(r.known_exploited),
                len(r.device.device.host.open_ports),
                " ".join(host.sources),
            )
        )
    columns = (
        "address", "mac", "hostnames", "segment", "device_class", "device_type",
        "class_confidence", "identity", "lifecycle_status", "eol_date", "legacy", "clinical",
        "risk_score", "risk_level", "known_exploited", "open_ports", "sources",
    )  # fmt: skip
    return Table("devices", columns, rows)


def findings_table(view: ReportView) -> Table:
    """One row per verdict: an identity of a device with its lifecycle and its evidence."""
    rows: list[tuple[Value, ...]] = []
    for r in view.rows:
        for item in r.device.identities:
            i, life = item.identity, item.lifecycle
            rows.append(
                (
                    r.device.address,
                    i.kind,
                    i.vendor,
                    i.product,
                    i.version,
                    i.cpe,
                    round(i.confidence, 2),
                    life.status,
                    life.cycle,
                    life.eol_date,
                    life.extended_end,
                    life.source,
                    life.checked,
                    Sentence(life.reason),
                    " ".join(life.known_exploited),
                    " | ".join(f"{e.field}={e.value} ({e.rule})" for e in i.evidence),
                )
            )
    columns = (
        "address", "kind", "vendor", "product", "version", "cpe", "confidence",
        "lifecycle_status", "cycle", "eol_date", "extended_end", "source", "checked",
        "reason", "known_exploited", "evidence",
    )  # fmt: skip
    return Table("findings", columns, rows)


def plan_table(view: ReportView) -> Table:
    plan = view.assessment.plan
    rows: list[tuple[Value, ...]] = [
        (n, a.action, a.target, a.cost, a.risk_reduction, Sentence(a.explanation))
        for n, a in enumerate(plan.actions if plan else (), start=1)
    ]
    columns = ("rank", "action", "target", "cost_eur", "risk_reduction", "explanation")
    return Table("plan", columns, rows)


def segments_table(view: ReportView) -> Table:
    rows: list[tuple[Value, ...]] = [
        (
            s.segment.name,
            s.segment.cidr,
            s.segment.site,
            s.segment.zone,
            s.segment.origin,
            len(s.members),
            s.legacy,
            s.clinical,
            s.mixed,
            s.risk.score if s.risk else None,
            s.risk.level if s.risk else None,
        )
        for s in view.segments
    ]
    columns = (
        "segment", "cidr", "site", "zone", "origin", "devices", "legacy", "clinical",
        "mixed", "risk_score", "risk_level",
    )  # fmt: skip
    return Table("segments", columns, rows)


def exposures_table(view: ReportView) -> Table:
    rows: list[tuple[Value, ...]] = []
    for legacy, clinical, evidence in view.reach:
        src, dst = view.rows[legacy], view.rows[clinical]
        rows.append(
            (
                src.device.address,
                src.segment,
                src.main_identity,
                dst.device.address,
                dst.segment,
                dst.device.device.device_class,
                dst.device.device.device_type,
                evidence,
            )
        )
    columns = (
        "legacy_address", "legacy_segment", "legacy_identity", "clinical_address",
        "clinical_segment", "clinical_class", "clinical_type", "evidence",
    )  # fmt: skip
    return Table("exposures", columns, rows)


def reach_summary_table(view: ReportView) -> Table:
    """One row per legacy system: how many clinical devices it reaches, of which classes.

    The workbook's view of reachability: a flat network of 20,000 devices holds hundreds
    of thousands of pairs (exposures.csv has them all), a manager needs one line per
    system to replace or isolate.
    """
    reached: dict[int, set[int]] = {}
    for legacy, clinical, _ in view.reach:
        reached.setdefault(legacy, set()).add(clinical)
    rows: list[tuple[Value, ...]] = []
    for legacy in sorted(reached, key=lambda i: (-len(reached[i]), i)):
        src = view.rows[legacy]
        targets = [view.rows[i] for i in sorted(reached[legacy])]
        classes: dict[str, int] = {}
        for t in targets:
            classes[t.device.device.device_class] = classes.get(t.device.device.device_class, 0) + 1
        rows.append(
            (
                src.device.address,
                src.segment,
                src.main_identity,
                src.risk.score if src.risk else None,
                len(targets),
                " ".join(f"{c}:{n}" for c, n in sorted(classes.items())),
                len({t.segment for t in targets}),
                " ".join(str(t.device.address) for t in targets[:20])
                + (" …" if len(targets) > 20 else ""),
            )
        )
    columns = (
        "legacy_address", "legacy_segment", "legacy_identity", "risk_score",
        "clinical_reached", "clinical_classes", "segments_reached", "clinical_examples",
    )  # fmt: skip
    return Table("reach", columns, rows)


def ai_services_table(view: ReportView) -> Table:
    """The self-hosted AI services found, with their exposure (strings from devices)."""
    rows: list[tuple[Value, ...]] = []
    for f in view.assessment.ai_services:
        service = f.service
        rows.append(
            (
                f.address,
                service.port,
                f.segment,
                f.device_class,
                service.product,
                service.version or None,
                " ".join(service.models),
                service.unauthenticated,
                " ".join(f.reachable_from),
                " ".join(x.id for x in f.vulnerabilities),
                f.exposed,
            )
        )
    columns = (
        "address", "port", "segment", "device_class", "ai_product", "ai_version", "ai_models",
        "ai_unauthenticated", "ai_reachable_from", "ai_vulnerabilities", "ai_exposed",
    )  # fmt: skip
    return Table("ai_services", columns, rows)


def all_tables(view: ReportView) -> tuple[Table, ...]:
    return (
        devices_table(view),
        findings_table(view),
        plan_table(view),
        segments_table(view),
        exposures_table(view),
        ai_services_table(view),
    )
