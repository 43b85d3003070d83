"""Every output of ``legacyscan report``: one entry point, one writer per format.

``html`` (the deliverable), ``json`` (scan.json plus the report's own fields, see
docs/report-exports.md), ``csv`` (a folder of tables), ``graphml`` (Gephi, yEd) and
``xlsx`` (the workbook for managers) and ``pdf`` (the HTML report printed by headless
Chromium, one language).  All read the same :class:`ReportView`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from legacyscan.codec import to_data
from legacyscan.files import atomic_write
from legacyscan.model import Assessment
from legacyscan.model.aiusage import UsageData
from legacyscan.report.ai_usage import write_usage_csv
from legacyscan.report.csv_format import write_csv
from legacyscan.report.graphml_format import write_graphml
from legacyscan.report.html import render_view
from legacyscan.report.pdf import find_browser, print_pdf
from legacyscan.report.view import Cover, ReportView, build_view
from legacyscan.scandicts import record_to_dict
from legacyscan.scanfile import assessment_to_dict

FORMATS: tuple[str, ...] = ("html", "pdf", "json", "csv", "graphml", "xlsx")
#: What ``-o`` defaults to, beside the scan.json, per format.
DEFAULT_NAMES = {
    "html": "report.html",
    "pdf": "report.pdf",
    "json": "report.json",
    "csv": "report-csv",
    "graphml": "report.graphml",
    "xlsx": "report.xlsx",
}


def export_dict(view: ReportView, lang: str) -> dict[str, Any]:
    """scan.json's document plus what the report adds; keys scan.json already has win."""
    assessment = view.assessment
    data = assessment_to_dict(assessment)
    meta = assessment.meta
    scan = data.setdefault("scan", {})
    for key in ("profile", "site", "vantage"):
        scan.setdefault(key, getattr(meta, key))
    plan = assessment.plan
    data.setdefault("segment_risks", [record_to_dict(r) for r in assessment.segment_risks])
    data.setdefault("network_score", assessment.network_score)
    data.setdefault("plan", record_to_dict(plan) if plan else None)
    data.setdefault("horizon", [to_data(h) for h in assessment.horizon])
    cover = view.cover
    data["report"] = {
        "lang": lang,
        "client": cover.client,
        "site": cover.site or meta.site,
        "author": cover.author,
        "scope": cover.scope,
        "generated": cover.generated.isoformat() if cover.generated else None,
        "counts": {
            "devices": len(view.rows),
            "legacy": view.legacy_count,
            "clinical": view.clinical_count,
            "clinical_reachable_from_legacy": view.exposed_clinical,
            "known_exploited": view.kev_count,
            "levels": dict(view.levels),
            "lifecycle": dict(view.statuses),
        },
    }
    return data


def write_report(
    assessment: Assessment,
    fmt: str,
    path: Path,
    lang: str = "en",
    cover: Cover | None = None,
    show_empty_segments: bool = False,
    browser: str | Path | None = None,
    ai_usage: UsageData | None = None,
) -> list[Path]:
    """Write ``assessment`` as ``fmt`` at ``path``; return the files written.  ``browser``
    is the Chromium that prints the PDF (default: the first found on PATH); ``ai_usage``
    adds the outside-AI connections (html, pdf, json, csv)."""
    printer = find_browser(browser) if fmt == "pdf" else None  # fail before any work
    view = build_view(assessment, cover, show_empty_segments)
    if fmt == "html":
        atomic_write(path, render_view(view, lang, ai_usage=ai_usage))
    elif fmt == "pdf" and printer is not None:
        print_pdf(render_view(view, lang, print_mode=True, ai_usage=ai_usage), path, printer)
    elif fmt == "json":
        data = export_dict(view, lang)
        if ai_usage is not None:
            data["ai_usage"] = to_data(ai_usage)
        atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        written = write_csv(view, path)
        return written + (write_usage_csv(ai_usage, path) if ai_usage is not None else [])
    elif fmt == "graphml":
        write_graphml(view, path)
    elif fmt == "xlsx":
        from legacyscan.report.xlsx_format import write_xlsx  # openpyxl: only when asked

        write_xlsx(view, path, lang)
    else:
        raise ValueError(f"unknown report format {fmt!r}")
    return [path]
