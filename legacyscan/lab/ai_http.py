"""The lab's self-hosted AI servers: what an Ollama, a vLLM and an Open WebUI answer.

Each answer follows the product's documented format (the sources are cited by API
below); the values (version, models) come from the scenario.  Only read-only GETs get
data; any other method gets the product's "method not allowed".  Nothing is generated:
a completion endpoint does not exist here.  Every request received goes to the
listener's request log (``request_log.py``), as for the lab's plain web servers.
``services.py`` does the network side.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from email.utils import formatdate

from legacyscan.lab.request_log import log_request, request_of

#: API -> the documentation its answers follow.
SOURCES = {
    # GET / ("Ollama is running"), /api/version, /api/tags
    "ollama": "https://github.com/ollama/ollama/blob/main/docs/api.md",
    # GET /v1/models (owned_by "vllm"), /version, /health
    "vllm": "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
    # GET / (the SvelteKit page, title "Open WebUI"), /api/config, /api/version
    "open-webui": "https://github.com/open-webui/open-webui/blob/main/backend/open_webui/main.py",
}
APIS = tuple(SOURCES)
_CREATED = 1733500000  # a fixed "created" stamp: answers do not depend on the clock


def _models(params: Mapping[str, str]) -> list[str]:
    return [m.strip() for m in params.get("models", "").split(",") if m.strip()]


def _ollama(path: str, params: Mapping[str, str]) -> tuple[int, str, str]:
    if path == "/":
        return 200, "text/plain; charset=utf-8", "Ollama is running"
    if path == "/api/version":
        return 200, "application/json; charset=utf-8", json.dumps({"version": params["version"]})
    if path == "/api/tags":
        models = [
            {
                "name": name,
                "model": name,
                "modified_at": "2024-05-02T10:14:07.123456789+02:00",
                "size": 4661224676,
                "digest": f"{index:064x}",
                "details": {
                    "parent_model": "",
                    "format": "gguf",
                    "family": "llama",
                    "families": ["llama"],
                    "parameter_size": "8.0B",
                    "quantization_level": "Q4_0",
                },
            }  # fmt: skip
            for index, name in enumerate(_models(params), 1)
        ]
        return 200, "application/json; charset=utf-8", json.dumps({"models": models})
    return 404, "text/plain", "404 page not found"


def _vllm(path: str, params: Mapping[str, str]) -> tuple[int, str, str]:
    if path == "/v1/models":
        data = [
            {"id": name, "object": "model", "created": _CREATED, "owned_by": "vllm",
             "root": name, "parent": None, "max_model_len": 8192,
             "permission": [{"id": f"modelperm-{index:032x}", "object": "model_permission",
                             "created": _CREATED, "allow_create_engine": False,
                             "allow_sampling": True, "allow_logprobs": True,
                             "allow_search_indices": False, "allow_view": True,
                             "allow_fine_tuning": False, "organization": "*", "group": None,
                             "is_blocking": False}]}
            for index, name in enumerate(_models(params), 1)
        ]  # fmt: skip
        return 200, "application/json", json.dumps({"object": "list", "data": data})
    if path == "/version":
        return 200, "application/json", json.dumps({"version": params["version"]})
    if path == "/health":
        return 200, "application/json", ""
    return 404, "application/json", json.dumps({"detail": "Not Found"})


def _open_webui(path: str, params: Mapping[str, str]) -> tuple[int, str, str]:
    version = params["version"]
    if path == "/":
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8" />'
            '<link rel="icon" href="/static/favicon.png" /><title>Open WebUI</title>'
            '</head><body data-sveltekit-preload-data="hover"><div></div></body></html>'
        )
        return 200, "text/html; charset=utf-8", page
    if path == "/api/version":
        return 200, "application/json", json.dumps({"version": version})
    if path == "/api/config":
        config = {
            "status": True, "name": "Open WebUI", "version": version, "default_locale": "",
            "oauth": {"providers": {}},
            "features": {"auth": params.get("auth", "true") == "true",
                         "auth_trusted_header": False, "enable_ldap": False,
                         "enable_api_key": True, "enable_signup": False,
                         "enable_login_form": True, "enable_websocket": True},
        }  # fmt: skip
        return 200, "application/json", json.dumps(config)
    return 404, "application/json", json.dumps({"detail": "Not Found"})


_HANDLERS = {"ollama": _ollama, "vllm": _vllm, "open-webui": _open_webui}
_NOT_ALLOWED = {
    "ollama": ("text/plain", "405 method not allowed"),
    "vllm": ("application/json", json.dumps({"detail": "Method Not Allowed"})),
    "open-webui": ("application/json", json.dumps({"detail": "Method Not Allowed"})),
}
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


def respond(head: bytes, complete: bool, params: Mapping[str, str]) -> bytes:
    """The whole HTTP answer of the lab's AI server ``params["api"]`` to one request."""
    method, path, agent = request_of(head)
    log_request(params, method, path, agent)
    api = params["api"]
    if not complete or not method:
        status, kind, body = 400, "text/plain", "400 Bad Request"
    elif method not in ("GET", "HEAD"):
        status, (kind, body) = 405, _NOT_ALLOWED[api]
    else:
        status, kind, body = _HANDLERS[api](path.split("?", 1)[0], params)
    data = body.encode("utf-8")
    lines = [
        f"HTTP/1.1 {status} {_REASONS[status]}",
        f"Date: {formatdate(usegmt=True)}",
        f"Content-Type: {kind}",
        f"Content-Length: {len(data)}",
        "Connection: close",
    ]
    if api != "ollama":
        lines.insert(2, "server: uvicorn")  # vLLM and Open WebUI run under uvicorn
    answer = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    return answer if method == "HEAD" else answer + data
