"""The Shadow AI section and exports, from recorded answers that include a lying device:
every device string escaped (HTML, CSV), the findings in the JSON export and in scan.json,
read back as written, and a tampered scan.json refused with one line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from builders import meta
from openpyxl import load_workbook
from testpaths import FIXTURES

from legacyscan.assess import assess
from legacyscan.model import Host, HttpAnswer
from legacyscan.report.formats import write_report
from legacyscan.report.html import render_html
from legacyscan.scanfile import ScanJsonError, read_scan, write_scan_json

TARGETS = ("127.42.50.0/24",)


def _host(address: str, fixture: str) -> Host:
    data = json.loads((FIXTURES / "ai" / fixture).read_text(encoding="utf-8"))
    answers = tuple(HttpAnswer(port=data["port"], **a) for a in data["answers"])
    return Host(address=address, http_answers=answers, sources=("nmap",))


@pytest.fixture(scope="module")
def assessment():  # type: ignore[no-untyped-def]
    hosts = [_host("127.42.50.60", "hostile-ollama.json"), _host("127.42.50.61", "vllm-0.6.3.json"),
             _host("127.42.50.62", "open-webui-0.3.10.json")]  # fmt: skip
    return assess(hosts, meta(TARGETS))


def test_the_assessment_holds_the_findings(assessment) -> None:  # type: ignore[no-untyped-def]
    products = [(f.address, f.service.product) for f in assessment.ai_services]
    assert products == [("127.42.50.60", "Ollama"), ("127.42.50.61", "vLLM"),
                        ("127.42.50.62", "Open WebUI")]  # fmt: skip
    ollama = assessment.ai_services[0]
    assert "CVE-2024-37032" in [v.id for v in ollama.vulnerabilities]
    assert ollama.segment in ollama.reachable_from


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_device_strings_are_escaped_in_the_report(assessment, lang: str) -> None:  # type: ignore[no-untyped-def]
    html = render_html(assessment, lang)
    section = html[html.index('<section id="shadow-ai">') :]
    section = section[: section.index("</section>")]
    assert "<script>alert('ai')</script>" not in html
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#39;ai&#39;)&lt;/script&gt;:latest" in section
    assert "<bdi>\u202eevil\u202c:1b</bdi>" in section  # isolated: cannot reorder the cell
    assert "0.1.30&lt;img src=x onerror=alert(1)&gt;" in section
    assert (
        "CVE-2024-37032" in section
        and "https://github.com/advisories/GHSA-8hqg-whrw-pv92" in section
    )
    title = "IA non référencée" if lang == "fr" else "Unlisted AI"
    assert title in section


def test_exports_carry_the_findings_and_neutralise_formulas(assessment, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_report(assessment, "json", tmp_path / "report.json")
    exported = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [f["service"]["product"] for f in exported["ai_services"]] == [
        "Ollama",
        "vLLM",
        "Open WebUI",
    ]
    write_report(assessment, "csv", tmp_path / "csv")
    with (tmp_path / "csv" / "ai_services.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["ai_product"] for r in rows] == ["Ollama", "vLLM", "Open WebUI"]
    assert rows[0]["ai_vulnerabilities"].split() == [
        "CVE-2024-37032",
        "CVE-2024-45436",
        "CVE-2026-7482",
    ]
    assert rows[0]["ai_unauthenticated"] == "true" and rows[2]["ai_unauthenticated"] == "false"
    cells = [v for r in rows for v in r.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]  # no formula runs
    write_report(assessment, "xlsx", tmp_path / "report.xlsx")  # an ESC cannot break it
    sheet = load_workbook(tmp_path / "report.xlsx")["AI services"]
    models = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "\ufffd[31mred\ufffd[0m:7b" in models[0] and "\x1b" not in models[0]


def test_scan_json_round_trip_and_tampering(assessment, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "scan.json"
    write_scan_json(assessment, path)
    stored = read_scan(path)
    assert stored.assessment is not None
    assert stored.assessment.ai_services == assessment.ai_services
    assert stored.hosts[0].http_answers == assessment.devices[0].device.host.http_answers
    data = json.loads(path.read_text(encoding="utf-8"))
    for damage in ("port", "kind", "address"):
        broken = json.loads(json.dumps(data))
        finding = broken["record"]["ai_services"][0]
        if damage == "port":
            finding["service"]["port"] = 0
        elif damage == "kind":
            finding["service"]["kind"] = "<b>rootkit</b>"
        else:
            finding["address"] = "not-an-address"
        path.write_text(json.dumps(broken), encoding="utf-8")
        with pytest.raises(ScanJsonError, match="not a valid legacyscan scan.json"):
            read_scan(path)
    broken = json.loads(json.dumps(data))
    broken["devices"][0]["observed"]["http_answers"][0]["status"] = 99999
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ScanJsonError, match="HTTP status"):
        read_scan(path)
