"""Who gets the AI-service GETs: the ``ai_probes`` rules of scan-profiles.yaml, the
decisions by class, and the scope and decision checks before each request."""

from __future__ import annotations

from pathlib import Path

import pytest
from netaddr import IPSet
from testpaths import FINGERPRINTS

from legacyscan.collect.http.ai_probes import (
    NEVER_PROBED,
    PROBE_NAME,
    AiProbeRules,
    decide,
    load_rules,
    send,
    send_one,
)
from legacyscan.collect.http.catalogue import load_probes, requests_for
from legacyscan.collect.http.prober import GetLimits, ProbeRefused
from legacyscan.collect.nmap.profiles import ProfileError
from legacyscan.collect.nmap.second_pass import ClassedHost
from legacyscan.messages import plain
from legacyscan.model import DEVICE_CLASSES, HttpAnswer

RULES = load_rules()
PROBES = load_probes()


def _host(address: str, device_class: str, *ports: int, **kwargs: object) -> ClassedHost:
    return ClassedHost(address, device_class, open_tcp=frozenset(ports), **kwargs)  # type: ignore[arg-type]


def test_the_shipped_rules_never_probe_fragile_classes() -> None:
    for name in NEVER_PROBED:
        assert RULES.ports(name) == ()
    assert {c for c, _ in RULES.classes} == set(DEVICE_CLASSES)
    assert 11434 in RULES.ports("server") and 11434 in RULES.ports("unknown")
    # unknown hosts: only the AI products' own ports, never the generic web ports
    assert not {80, 443, 8000, 8080, 8443} & set(RULES.ports("unknown"))


def test_a_rule_file_listing_ports_for_medical_devices_is_refused(tmp_path: Path) -> None:
    text = (FINGERPRINTS / "scan-profiles.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "scan-profiles.yaml"
    tail = "\n    iot: []\n    power: []\n    printer: []\n"
    bad.write_text(text.replace("    medical: []" + tail, "    medical: [11434]" + tail))
    assert bad.read_text() != text
    with pytest.raises(ProfileError, match="medical devices are never sent"):
        load_rules(bad)


def test_decisions_by_class() -> None:
    hosts = [
        _host("10.0.0.1", "server", 22, 11434, 9100),
        _host("10.0.0.2", "medical", 80, 11434),
        _host("10.0.0.3", "workstation", 11434, other_signals=(("medical", "mac.oui.ge"),)),
        _host("10.0.0.4", "server", 11434, scanned=False),
        _host("10.0.0.5", "unknown", 80, 8080),
        _host("10.0.0.6", "unknown", 8188),
        _host("10.0.0.7", "printer", 80),
        _host("10.0.0.8", "workstation", 22),
    ]
    got = {d.address: d for d in decide(hosts, RULES)}
    assert got["10.0.0.1"].scripts == (PROBE_NAME,)
    assert got["10.0.0.1"].ports == ("tcp/11434",)  # never 9100, never a port not listed
    assert got["10.0.0.6"].ports == ("tcp/8188",)
    quiet_hosts = (
        ("10.0.0.2", "no AI-service request"), ("10.0.0.3", "held back"),
        ("10.0.0.4", "never probed"), ("10.0.0.5", "none of its"),
        ("10.0.0.7", "no AI-service request"), ("10.0.0.8", "none of its"),
    )  # fmt: skip
    for quiet, why in quiet_hosts:
        assert got[quiet].scripts == () and got[quiet].ports == (), quiet
        assert why in plain(got[quiet].rule), (quiet, plain(got[quiet].rule))


def test_each_port_gets_the_documented_paths_once() -> None:
    ollama = requests_for(11434, PROBES)
    assert "/api/tags" in ollama and "/api/version" in ollama
    assert len(ollama) == len(set(ollama))
    assert "/api/tags" not in requests_for(8000, PROBES)


def test_requests_go_only_to_decided_in_scope_hosts_and_ports() -> None:
    (decision,) = decide([_host("10.0.0.1", "server", 11434, 22)], RULES)
    sent: list[tuple[str, int, str]] = []

    def fake_get(address: str, port: int, path: str, limits: GetLimits, tls: bool) -> HttpAnswer:
        sent.append((address, port, path))
        return HttpAnswer(port=port, path=path, status=404)

    fast = AiProbeRules(RULES.classes, delay_ms=0)
    answers = send_one(decision, PROBES, fast, IPSet(["10.0.0.0/24"]), get=fake_get)
    assert {(a, p) for a, p, _ in sent} == {("10.0.0.1", 11434)}
    assert [a.path for a in answers] == list(requests_for(11434, PROBES))
    with pytest.raises(ProbeRefused):
        send_one(decision, PROBES, fast, IPSet(["10.0.1.0/24"]), get=fake_get)
    (held,) = decide([_host("10.0.0.2", "medical", 11434)], RULES)
    with pytest.raises(ProbeRefused):
        send_one(held, PROBES, fast, IPSet(["10.0.0.0/24"]), get=fake_get)
    assert send([held], PROBES, fast, IPSet(["10.0.0.0/24"])) == {}
