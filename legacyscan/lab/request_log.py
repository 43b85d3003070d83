"""What the lab's web servers were asked: one JSON line per HTTP request received.

Every lab listener of kind ``http`` or ``ai-http`` appends the request's method, path
and User-Agent to its own file (``log_file``, set by ``runner``), so that a test can say
exactly what a scan sent to which device -- GETs only, nothing to a medical device --
without trusting the scanner's own account.  Values are cut to a bounded length and
written as ASCII JSON, whatever the client sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

_MAX_LOGGED = 200  # characters of a path or User-Agent written to the log


def log_path(folder: Path, address: str, port: int) -> Path:
    """Where the listener on ``address:port`` appends the requests it receives."""
    return folder / "requests" / f"{address}_{port}.log"


def request_of(head: bytes) -> tuple[str, str, str]:
    """(method, path, User-Agent) of an HTTP request head; empty strings when absent."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    method, path = (parts[0], parts[1]) if len(parts) == 3 else ("", "")
    agent = ""
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "user-agent":
            agent = value.strip()
    return method[:16], path[:_MAX_LOGGED], agent[:_MAX_LOGGED]


def log_request(params: Mapping[str, str], method: str, path: str, agent: str) -> None:
    where = params.get("log_file")
    if not where:
        return
    line = json.dumps({"method": method, "path": path, "user_agent": agent}, ensure_ascii=True)
    with Path(where).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def received(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Every request the lab in ``folder`` logged: "address:port" -> requests in order."""
    found: dict[str, list[dict[str, str]]] = {}
    for path in sorted((folder / "requests").glob("*.log")):
        address, _, port = path.stem.rpartition("_")
        lines = path.read_text(encoding="utf-8").splitlines()
        found[f"{address}:{port}"] = [json.loads(line) for line in lines if line]
    return found
