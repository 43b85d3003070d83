"""The lab's self-hosted AI servers, found by a default scan, and what they were sent.

The hospital lab holds an Ollama, a vLLM and an Open WebUI in the datacentre segment
(legacyscan/lab/hospital.yaml); every lab web server logs each request it receives
(method, path, User-Agent: ``lab/request_log.py``).  One real scan (real nmap,
real snmpsim, the real CLI, default profile) of the three AI servers, a Windows web server
of the datacentre and the medical devices that serve a web page (two PACS, a pump
gateway) must:

* name the three services with their product, version and models, say which answered
  without credentials, and list CVE-2024-37032 for the Ollama (0.1.32 < 0.1.34);
* have sent legacyscan's probe only GET requests, and nothing at all to the medical
  devices' web servers;
* show them in the report's Shadow AI section.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labscan import running_lab, scan_lab

from legacyscan.lab import request_log, runner

pytestmark = pytest.mark.lab

OLLAMA, VLLM, WEBUI = "127.42.50.60", "127.42.50.61", "127.42.50.62"
MEDICAL_WEB = ("127.42.10.20", "127.42.10.21", "127.42.20.15")
EHR = "127.42.50.10"  # a Windows server with a web page: a server, so it is asked too
TARGETS = tuple(f"{a}/32" for a in (OLLAMA, VLLM, WEBUI, EHR, *MEDICAL_WEB))
PROBE_AGENT = "legacyscan/"


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[runner.LabState]:
    with running_lab("hospital", tmp_path_factory.mktemp("ai-state")) as state:
        yield state


@pytest.fixture(scope="module")
def scan(hospital: runner.LabState, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return scan_lab(hospital, tmp_path_factory.mktemp("ai-scan"), 600, TARGETS)


@pytest.fixture(scope="module")
def received(scan: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    return request_log.received(runner.state_dir())


def test_the_three_ai_servers_are_named_with_version_and_models(scan: dict[str, Any]) -> None:
    found = {(f["address"], f["service"]["port"]): f for f in scan["ai_services"]}
    assert set(found) == {(OLLAMA, 11434), (VLLM, 8000), (WEBUI, 3000)}, sorted(found)
    ollama, vllm, webui = found[(OLLAMA, 11434)], found[(VLLM, 8000)], found[(WEBUI, 3000)]
    assert ollama["service"]["product"] == "Ollama"
    assert ollama["service"]["version"] == "0.1.32"
    assert ollama["service"]["models"] == [
        "llama3:8b",
        "mistral:7b-instruct",
        "nomic-embed-text:latest",
    ]
    assert ollama["service"]["unauthenticated"] is True
    assert "CVE-2024-37032" in [v["id"] for v in ollama["vulnerabilities"]]
    assert (vllm["service"]["product"], vllm["service"]["version"]) == ("vLLM", "0.6.3")
    assert vllm["service"]["models"] == ["meta-llama/Llama-3.1-8B-Instruct"]
    assert vllm["service"]["unauthenticated"] is True
    assert (webui["service"]["product"], webui["service"]["version"]) == ("Open WebUI", "0.3.10")
    assert webui["service"]["unauthenticated"] is False
    for finding in found.values():  # every segment of the scan reaches them (no filtering seen)
        assert finding["segment"] in finding["reachable_from"]
        assert len(finding["reachable_from"]) == len(scan["segments"])


def test_the_probe_sent_only_gets_and_nothing_to_medical_devices(
    hospital: runner.LabState, scan: dict[str, Any], received: dict[str, list[dict[str, str]]]
) -> None:
    ours = {
        where: [r for r in requests if r["user_agent"].startswith(PROBE_AGENT)]
        for where, requests in received.items()
    }
    assert {r["method"] for requests in ours.values() for r in requests} == {"GET"}
    for address, port in ((OLLAMA, 11434), (VLLM, 8000), (WEBUI, 3000)):
        assert ours[f"{address}:{port}"], f"no probe reached {address}:{port}"
    assert {r["path"] for r in ours[f"{OLLAMA}:11434"]} >= {"/api/version", "/api/tags"}
    assert {r["path"] for r in ours[f"{VLLM}:8000"]} >= {"/v1/models", "/version"}
    assert ours.get(f"{EHR}:443"), "a server's web port is asked too (its class allows it)"
    medical = {d.address for d in hospital.devices if d.truth.get("class") == "medical"}
    assert set(MEDICAL_WEB) <= medical
    to_medical = {w: r for w, r in ours.items() if w.rsplit(":", 1)[0] in medical and r}
    assert not to_medical, to_medical
    # nmap's version detection reached the medical web servers, so the logs do see them
    assert any(received.get(f"{a}:{p}") for a in MEDICAL_WEB for p in (80, 443))
    # nobody, not even nmap, sent a request with a body-carrying method
    methods = {r["method"] for requests in received.values() for r in requests}
    assert not methods & {"POST", "PUT", "PATCH", "DELETE"}, methods
    decided = {d["address"]: d for d in scan["scan"]["ai_probes"]}
    assert all(not decided[a]["scripts"] for a in MEDICAL_WEB)


def test_the_report_shows_them_in_the_shadow_ai_section(scan: dict[str, Any]) -> None:
    html = (Path(scan["_out"]) / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="shadow-ai">') :]
    section = section[: section.index("</section>")]
    for text in ("Ollama", "0.1.32", "llama3:8b", "vLLM", "Open WebUI", "CVE-2024-37032"):
        assert text in section, text
