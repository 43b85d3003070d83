"""The live scan's AI-service step against real HTTP servers on loopback (started and
stopped by the test): a server is asked, a medical device with the same port open is not,
and the answers end up on the host."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from legacyscan.model import Host, Service, SnmpSystem
from legacyscan.probing import AI_PIECE, ai_probe_step

UBUNTU = "Linux gpu01 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64"
BASE = f"127.53.{random.randint(1, 254)}"
SERVER, MEDICAL = f"{BASE}.10", f"{BASE}.20"


class _Ollama(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.seen.append((self.server.server_address[0], self.path))  # type: ignore[index]
        bodies = {"/": "Ollama is running", "/api/version": json.dumps({"version": "0.1.32"}),
                  "/api/tags": json.dumps({"models": [{"name": "llama3:8b"}]})}  # fmt: skip
        body = bodies.get(self.path, "404 page not found").encode()
        self.send_response(200 if self.path in bodies else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def ollamas() -> Iterator[list[tuple[str, str]]]:
    seen: list[tuple[str, str]] = []
    handler = type("Handler", (_Ollama,), {"seen": seen})
    servers = [ThreadingHTTPServer((address, 11434), handler) for address in (SERVER, MEDICAL)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield seen
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(5)


def _open(*ports: int) -> tuple[Service, ...]:
    return tuple(Service(port=p, protocol="tcp", state="open") for p in ports)


def test_a_server_is_asked_and_a_medical_device_is_not(ollamas: list[tuple[str, str]]) -> None:
    hosts = [
        Host(address=SERVER, services=_open(22, 11434), snmp=SnmpSystem(descr=UBUNTU),
             sources=("nmap", "snmp")),
        Host(address=MEDICAL, services=_open(104, 11434), sources=("nmap",)),
    ]  # fmt: skip
    lines: list[str] = []
    merged, decisions = ai_probe_step(hosts, (f"{BASE}.0/24",), lines.append)
    by_address = {d.address: d for d in decisions}
    assert by_address[SERVER].ports == ("tcp/11434",)
    assert by_address[MEDICAL].scripts == () and by_address[MEDICAL].device_class == "medical"
    assert {address for address, _ in ollamas} == {SERVER}
    assert {"/api/version", "/api/tags"} <= {path for _, path in ollamas}
    server, medical = merged
    assert medical.http_answers == () and AI_PIECE not in medical.sources
    assert AI_PIECE in server.sources
    assert {a.path: a.status for a in server.http_answers}["/api/tags"] == 200
    assert any("read-only GETs to 1 host(s)" in line for line in lines)


def test_nothing_is_sent_outside_the_scope(ollamas: list[tuple[str, str]]) -> None:
    host = Host(address=SERVER, services=_open(11434), snmp=SnmpSystem(descr=UBUNTU))
    with pytest.raises(ValueError, match="not a decided, in-scope host"):
        ai_probe_step([host], ("127.54.0.0/24",), lambda _: None)
    assert ollamas == []
