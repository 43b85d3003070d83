"""The one HTTP client of the AI-service probe: GET only, bounded, no redirect followed.

A request goes to one IP address literal (never a name to resolve) and one port, with a
plain path from the catalogue; the whole exchange has a deadline and the answer a size
cap, and a 3xx answer is recorded, never followed (a redirect could point off the host).
Any method but GET is refused before a socket is opened: this module cannot send a
completion, an upload or any POST, whoever calls it.  Problems are values
(``HttpAnswer.error``), never exceptions, so that one odd server loses nothing else.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass

from legacyscan import __version__
from legacyscan.collect.http.catalogue import SAFE_PATH
from legacyscan.model import HttpAnswer
from legacyscan.model.collect import HTTP_BODY_LIMIT

#: The only method this client speaks.
ALLOWED_METHODS = frozenset({"GET"})
USER_AGENT = f"legacyscan/{__version__} (read-only inventory probe; GET only)"
_READ = 4096


class ProbeRefused(ValueError):
    """A request this client will not send (a method other than GET, a bad target)."""


@dataclass(frozen=True)
class GetLimits:
    timeout_s: float = 3.0  # the whole exchange: connect, send, read
    max_bytes: int = HTTP_BODY_LIMIT  # answer bytes kept; the rest is not read


def check_request(method: str, address: str, port: int, path: str) -> None:
    """Refuse anything but a GET of a plain path on one IP address and port."""
    if method not in ALLOWED_METHODS:
        raise ProbeRefused(f"method {method[:16]!r} refused: the AI-service probe sends GET only")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise ProbeRefused(
            f"{address[:60]!r} is not an IP address (names are never resolved)"
        ) from None
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ProbeRefused(f"port {port!r} is not a port number")
    if not SAFE_PATH.match(path):
        raise ProbeRefused(f"path {path[:60]!r} is not a plain absolute path")


def _connection(address: str, port: int, tls: bool, timeout: float) -> http.client.HTTPConnection:
    if not tls:
        return http.client.HTTPConnection(address, port, timeout=timeout)
    # We read what any client is told; the certificate is not what is being judged here.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection(address, port, timeout=timeout, context=context)


def http_get(
    address: str,
    port: int,
    path: str,
    limits: GetLimits | None = None,
    *,
    tls: bool = False,
    method: str = "GET",
) -> HttpAnswer:
    """GET ``path`` from ``address:port``; what came back, or why nothing did.

    Raises :class:`ProbeRefused` (before any packet) for anything but a GET of a plain path.
    """
    check_request(method, address, port, path)
    limits = limits or GetLimits()
    cap = min(limits.max_bytes, HTTP_BODY_LIMIT)
    deadline = time.monotonic() + limits.timeout_s
    connection = _connection(address, port, tls, limits.timeout_s)
    try:
        connection.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json, text/html;q=0.9, text/plain;q=0.8",
                "Connection": "close",
            },
        )
        response = connection.getresponse()
        data = bytearray()
        while len(data) <= cap and time.monotonic() < deadline:
            chunk = response.read1(_READ)
            if not chunk:
                break
            data += chunk
        truncated = len(data) > cap or (time.monotonic() >= deadline and not response.isclosed())
        text = bytes(data[:cap]).decode("utf-8", errors="replace")[:HTTP_BODY_LIMIT]
        return HttpAnswer(
            port=port,
            path=path,
            status=response.status if 100 <= response.status <= 599 else None,
            content_type=(response.getheader("Content-Type") or "")[:200],
            server=(response.getheader("Server") or "")[:200],
            body=text,
            truncated=truncated,
            error="" if 100 <= response.status <= 599 else f"status {response.status}",
            tls=tls,
        )
    except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as exc:
        return HttpAnswer(port=port, path=path, error=_why(exc), tls=tls)
    finally:
        connection.close()


def _why(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.HTTPException):
        return f"not HTTP ({type(exc).__name__})"
    return f"{type(exc).__name__}: {str(exc)[:80]}"
