"""The AI-service prober against a real HTTP server on loopback (started and stopped by
the test): GET only, refused before any packet otherwise; no redirect followed; answers
cut at the size cap and the deadline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from legacyscan.collect.http.prober import (
    ALLOWED_METHODS,
    USER_AGENT,
    GetLimits,
    ProbeRefused,
    http_get,
)


class _Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _record(self) -> None:
        self.seen.append((self.command, self.path, self.headers.get("User-Agent", "")))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._record()
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:1/elsewhere")
            self.end_headers()
            return
        if self.path == "/big":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"a" * 200_000)
            return
        if self.path == "/slow":
            self.send_response(200)
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
            return
        body = b'{"version":"0.1.32"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Server", "unit-test")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        self._record()
        self.send_response(500)
        self.end_headers()


@pytest.fixture
def server() -> Iterator[tuple[str, int, list[tuple[str, str, str]]]]:
    seen: list[tuple[str, str, str]] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_address[1], seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_a_get_reads_status_headers_and_body(server: tuple[str, int, list]) -> None:
    address, port, seen = server
    answer = http_get(address, port, "/api/version")
    assert (answer.status, answer.body) == (200, '{"version":"0.1.32"}')
    assert answer.server.endswith("unit-test")  # http.server adds its own Server header first
    assert answer.content_type == "application/json" and not answer.truncated
    assert seen == [("GET", "/api/version", USER_AGENT)]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "get", "HEAD", "OPTIONS"])
def test_any_other_method_is_refused_before_a_packet(
    server: tuple[str, int, list], method: str
) -> None:
    address, port, seen = server
    with pytest.raises(ProbeRefused, match="GET only"):
        http_get(address, port, "/api/generate", method=method)
    assert seen == []
    assert frozenset({"GET"}) == ALLOWED_METHODS


def test_a_redirect_is_recorded_never_followed(server: tuple[str, int, list]) -> None:
    address, port, seen = server
    answer = http_get(address, port, "/redirect")
    assert answer.status == 302
    assert [s[1] for s in seen] == ["/redirect"]


def test_a_big_answer_is_cut_at_the_cap(server: tuple[str, int, list]) -> None:
    address, port, _ = server
    answer = http_get(address, port, "/big", GetLimits(timeout_s=5, max_bytes=1000))
    assert answer.truncated and len(answer.body) == 1000


def test_a_trickling_answer_is_cut_at_the_deadline(server: tuple[str, int, list]) -> None:
    address, port, _ = server
    started = time.monotonic()
    answer = http_get(address, port, "/slow", GetLimits(timeout_s=1.0))
    assert time.monotonic() - started < 2.5
    assert answer.truncated and answer.status == 200


def test_a_silent_port_times_out_as_a_value() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        answer = http_get("127.0.0.1", listener.getsockname()[1], "/", GetLimits(timeout_s=0.5))
    finally:
        listener.close()
    assert answer.status is None and answer.error == "timeout"


def test_a_closed_port_is_a_value() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    answer = http_get("127.0.0.1", port, "/")
    assert answer.status is None and answer.error


@pytest.mark.parametrize(
    ("address", "path"),
    [("localhost", "/"), ("example.org", "/"), ("127.0.0.1", "/a b"),
     ("127.0.0.1", "/x\r\nHost: y"), ("127.0.0.1", "api"), ("127.0.0.1", "/v1/models?x=1"),
     ("127.0.0.1", "//evil.example/")],
)  # fmt: skip
def test_names_and_odd_paths_are_refused(address: str, path: str) -> None:
    with pytest.raises(ProbeRefused):
        http_get(address, 80, path)
