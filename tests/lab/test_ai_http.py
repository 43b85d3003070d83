"""The lab's AI servers (``lab/ai_http.py``) as the prober and the catalogue see them.

The listeners run for real (``services.serve`` in a thread, on a 127.42.250.x address of
this test run); legacyscan's own GET-only prober asks them, the catalogue names them, and
each listener's request log shows what it received.  Their answers follow the products'
documented formats, so naming them is also a check of those formats against the rules.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from labports import unused_ports

from legacyscan.collect.http.catalogue import load_probes, requests_for
from legacyscan.collect.http.prober import USER_AGENT, GetLimits, http_get
from legacyscan.identify.ai_services import AiCatalogue
from legacyscan.lab import ai_http, services
from legacyscan.lab.services import ListenerSpec
from legacyscan.model import Host

ADDRESS = f"127.42.250.{random.randint(2, 254)}"
APIS = {
    "ollama": {"api": "ollama", "version": "0.1.32", "models": "llama3:8b,mistral:7b-instruct"},
    "vllm": {"api": "vllm", "version": "0.6.3", "models": "meta-llama/Llama-3.1-8B-Instruct"},
    "open-webui": {"api": "open-webui", "version": "0.3.10", "auth": "true"},
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[int, Path]]]:
    folder = tmp_path_factory.mktemp("ai-http")
    ports = unused_ports(ADDRESS, len(APIS))
    where = {name: (port, folder / f"{name}.log") for name, port in zip(APIS, ports, strict=True)}
    specs = [
        ListenerSpec(ADDRESS, port, "ai-http", {**APIS[name], "log_file": str(log)})
        for name, (port, log) in where.items()
    ]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: list[asyncio.Task[None]] = []

    async def run() -> None:
        bound = asyncio.Event()
        holder.append(asyncio.create_task(services.serve(specs, bound)))
        await bound.wait()
        ready.set()
        try:
            await holder[0]
        except asyncio.CancelledError:
            pass

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),))
    thread.start()
    try:
        assert ready.wait(10), "the AI listeners did not bind"
        yield where
    finally:
        if holder:
            loop.call_soon_threadsafe(holder[0].cancel)
        thread.join(15)
        loop.close()


#: The port each product uses by default (the test's listeners sit on free ports instead):
#: the paths sent are those the catalogue sends to that default port.
DEFAULT_PORT = {"ollama": 11434, "vllm": 8000, "open-webui": 3000}


def _probe(port: int, name: str) -> Host:
    paths = requests_for(DEFAULT_PORT[name], load_probes())
    answers = tuple(http_get(ADDRESS, port, path, GetLimits(timeout_s=5)) for path in paths)
    return Host(address=ADDRESS, http_answers=answers)


def _log(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("name", "product", "version", "models", "unauthenticated"),
    [
        ("ollama", "Ollama", "0.1.32", ("llama3:8b", "mistral:7b-instruct"), True),
        ("vllm", "vLLM", "0.6.3", ("meta-llama/Llama-3.1-8B-Instruct",), True),
        ("open-webui", "Open WebUI", "0.3.10", (), False),
    ],
)
def test_the_prober_and_catalogue_name_each_lab_server(
    servers: dict[str, tuple[int, Path]],
    name: str,
    product: str,
    version: str,
    models: tuple[str, ...],
    unauthenticated: bool,
) -> None:
    port, log = servers[name]
    (service,) = AiCatalogue.load().identify(_probe(port, name))
    assert (service.product, service.version, service.models) == (product, version, models)
    assert service.unauthenticated is unauthenticated
    received = _log(log)
    assert received and {r["method"] for r in received} == {"GET"}
    assert {r["user_agent"] for r in received} == {USER_AGENT}


def test_other_methods_get_405_and_are_logged(servers: dict[str, tuple[int, Path]]) -> None:
    port, log = servers["ollama"]
    with socket.create_connection((ADDRESS, port), timeout=5) as sock:
        body = b'{"model": "llama3:8b", "prompt": "x"}'
        sock.sendall(b"POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)  # fmt: skip
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 405 ")
    assert {"method": "POST", "path": "/api/generate", "user_agent": ""} in _log(log)


def test_answers_follow_the_documented_shapes() -> None:
    head = b"GET /api/tags HTTP/1.1\r\nUser-Agent: t\r\n\r\n"
    raw = ai_http.respond(head, True, {"api": "ollama", "version": "0.1.32", "models": "a:1"})
    status, _, body = raw.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 200 OK")
    (model,) = json.loads(body)["models"]
    assert {"name", "model", "modified_at", "size", "digest", "details"} <= set(model)
    raw = ai_http.respond(b"GET /v1/models HTTP/1.1\r\n\r\n", True,
                          {"api": "vllm", "version": "0.6.3", "models": "m"})  # fmt: skip
    data = json.loads(raw.partition(b"\r\n\r\n")[2])
    assert data["object"] == "list" and data["data"][0]["owned_by"] == "vllm"


def test_a_bad_api_is_refused() -> None:
    with pytest.raises(ValueError, match="param api must be one of"):
        ListenerSpec(ADDRESS, 20001, "ai-http", {"api": "chatgpt", "version": "1"})
