"""Every export read back by the tool it is meant for: csv, networkx, openpyxl, json."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook

from legacyscan.model import Assessment
from legacyscan.report.csv_format import neutralise
from legacyscan.report.formats import write_report
from legacyscan.report.view import Cover

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_tables(tmp_path: Path, rich_assessment: Assessment) -> None:
    written = write_report(rich_assessment, "csv", tmp_path / "out")
    assert sorted(p.name for p in written) == [
        "ai_services.csv", "devices.csv", "exposures.csv", "findings.csv", "plan.csv",
        "segments.csv",
    ]  # fmt: skip
    devices = _rows(tmp_path / "out" / "devices.csv")
    assert [d["address"] for d in devices][:2] == ["10.1.1.10", "10.1.1.11"]  # riskiest first
    xp = devices[0]
    assert xp["lifecycle_status"] == "eol" and xp["legacy"] == "true"
    assert xp["eol_date"] == "2014-04-08" and xp["risk_score"] == "92"
    assert xp["known_exploited"] == "CVE-2017-0144" and xp["segment"] == "admin"
    hostile = devices[1]
    assert hostile["hostnames"] == IMG  # text, intact
    findings = _rows(tmp_path / "out" / "findings.csv")
    assert {f["product"] for f in findings} == {"Windows XP", "IOS", "Windows 10"}
    assert any(SCRIPT in f["evidence"] for f in findings)
    plan = _rows(tmp_path / "out" / "plan.csv")
    assert [(p["rank"], p["action"], p["cost_eur"]) for p in plan] == [
        ("1", "replace", "18500.5"),
        ("2", "isolate", "4200"),
    ]
    exposures = _rows(tmp_path / "out" / "exposures.csv")
    assert len(exposures) == 6
    segments = {s["segment"]: s for s in _rows(tmp_path / "out" / "segments.csv")}
    assert segments["admin"]["mixed"] == "true" and segments["biomed"]["zone"] == "biomedical"


def test_csv_plan_without_plan_has_its_header(tmp_path: Path, rich_assessment: Assessment) -> None:
    from dataclasses import replace

    write_report(replace(rich_assessment, plan=None), "csv", tmp_path)
    assert (tmp_path / "plan.csv").read_text("utf-8-sig").strip() == (
        "rank,action,target,cost_eur,risk_reduction,explanation"
    )


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_neutralises_formulas(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("Windows XP") == "Windows XP"


def _with_formula_host(assessment: Assessment) -> Assessment:
    from dataclasses import replace

    first = assessment.devices[0]
    host = replace(first.device.host, hostnames=tuple(FORMULAS))
    device = replace(first, device=replace(first.device, host=host))
    return replace(assessment, devices=(device, *assessment.devices[1:]))


def test_csv_cells_from_devices_never_start_a_formula(
    tmp_path: Path, rich_assessment: Assessment
) -> None:
    write_report(_with_formula_host(rich_assessment), "csv", tmp_path)
    for path in tmp_path.glob("*.csv"):
        for row in _rows(path):
            for value in row.values():
                is_number = value.lstrip("-").replace(".", "", 1).isdigit()
                assert is_number or not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    hostnames = _rows(tmp_path / "devices.csv")[0]["hostnames"]
    assert hostnames.startswith("'=HYPERLINK")


def test_graphml_reads_back_in_networkx(tmp_path: Path, rich_assessment: Assessment) -> None:
    path = tmp_path / "report.graphml"
    write_report(rich_assessment, "graphml", path)
    graph = nx.read_graphml(path)
    segments = [n for n, d in graph.nodes(data=True) if d["kind"] == "segment"]
    devices = {d["label"]: n for n, d in graph.nodes(data=True) if d["kind"] == "device"}
    assert len(segments) == 3 and len(devices) == 7
    reaches = [(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "reaches"]
    assert len(reaches) == 6
    assert (devices["10.1.1.10"], devices["10.1.2.30"]) in reaches
    xp = graph.nodes[devices["10.1.1.10"]]
    assert xp["legacy"] is True and xp["risk_score"] == 92.0 and xp["device_class"] == "workstation"
    assert graph.nodes["segment:admin"]["mixed"] is True


def test_graphml_survives_control_characters(tmp_path: Path, rich_assessment: Assessment) -> None:
    from dataclasses import replace

    first = rich_assessment.devices[0]
    identity = replace(first.identities[0].identity, product="XP\x00\x07\x1b")
    assessed = replace(first.identities[0], identity=identity)
    device = replace(first, identities=(assessed,))
    path = tmp_path / "g.graphml"
    write_report(replace(rich_assessment, devices=(device, *rich_assessment.devices[1:])),
                 "graphml", path)  # fmt: skip
    labels = {d.get("identity") for _, d in nx.read_graphml(path).nodes(data=True)}
    assert "Microsoft XP\ufffd\ufffd\ufffd 5.1" in labels


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_xlsx_workbook(tmp_path: Path, rich_assessment: Assessment, lang: str) -> None:
    path = tmp_path / "report.xlsx"
    cover = Cover(client="=cmd|' /C calc'!A0", author="A. Auditrice")
    write_report(_with_formula_host(rich_assessment), "xlsx", path, lang, cover)
    book = load_workbook(path)
    names = {
        "fr": [
            "Synthèse",
            "Équipements",
            "Constats",
            "Plan",
            "Segments",
            "Joignabilité",
            "Services d'IA",
        ],
        "en": ["Summary", "Devices", "Findings", "Plan", "Segments", "Reachability", "AI services"],
    }
    assert book.sheetnames == names[lang]
    devices = book[names[lang][1]]
    header = [c.value for c in devices[1]]
    assert header[0] == ("Adresse" if lang == "fr" else "Address")
    first = {h: c for h, c in zip(header, devices[2], strict=True)}
    klass = "Classe" if lang == "fr" else "Class"
    assert first[klass].value == ("poste de travail" if lang == "fr" else "workstation")
    eol = first["Fin des correctifs de sécurité" if lang == "fr" else "End of security support"]
    assert eol.value == dt.datetime(2014, 4, 8) and eol.is_date
    score = first["Score de risque" if lang == "fr" else "Risk score"]
    assert score.value == 92 and score.data_type == "n"
    hostnames = first["Noms d'hôte" if lang == "fr" else "Host names"]
    assert hostnames.data_type == "s" and hostnames.value.startswith("=HYPERLINK")  # text
    plan = book["Plan"]
    assert [c.value for c in plan[2]][:4] == [
        1,
        "remplacer" if lang == "fr" else "replace",
        "10.1.1.10",
        18500.5,
    ]
    assert "€" in plan.cell(row=2, column=4).number_format
    summary = book[names[lang][0]]
    values = {row[0].value: row[1].value for row in summary.iter_rows() if len(row) > 1}
    assert values["Client"] == "=cmd|' /C calc'!A0"
    assert summary.cell(row=2, column=2).data_type == "s"
    reach = book[names[lang][5]]
    assert [c.value for c in reach[2]][:5] == [
        "10.1.1.10",
        "admin",
        "Microsoft Windows XP 5.1",
        92,
        3,
    ]
    assert reach.max_row == 3  # one row per legacy system, not one per pair
    # no cell anywhere is a formula
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_json_export_has_the_report_fields(tmp_path: Path, rich_assessment: Assessment) -> None:
    path = tmp_path / "report.json"
    write_report(rich_assessment, "json", path, "fr", Cover(client="CHU Exemple"))
    data = json.loads(path.read_text("utf-8"))
    assert data["schema"] == 5 and data["as_of"] == "2026-11-23"
    assert data["scan"]["profile"] == "clinical-safe"
    assert data["plan"]["actions"][0]["cost"] == 18500.5
    assert data["network_score"]["score"] == 37.5
    assert data["horizon"] == [
        {"months": 12, "addresses": ["10.1.2.40"], "events": []},
        {"months": 24, "addresses": ["10.1.2.40"], "events": []},
    ]
    assert data["segment_risks"][0]["segment"] == "admin"
    assert data["report"]["client"] == "CHU Exemple" and data["report"]["lang"] == "fr"
    assert data["report"]["counts"]["legacy"] == 2
    assert len(data["devices"]) == 7 and len(data["exposures"]) == 6


def test_unknown_format(tmp_path: Path, rich_assessment: Assessment) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        write_report(rich_assessment, "docx", tmp_path / "x.docx")
