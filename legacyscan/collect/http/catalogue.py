"""The GET requests of the AI-service probe, read from ``fingerprints/ai-servers.yaml``.

Each probe is a documented read-only endpoint (a version, a health check, a model list,
the first page) with the ports it is sent to; ``requests_for`` gives the distinct paths
one open port gets, in the file's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.paths import fingerprints_dir

CATALOGUE_FILE = "ai-servers.yaml"
#: A request target we are willing to send: a plain absolute path, no query, no escapes.
SAFE_PATH = re.compile(r"^(?!.*//)/[A-Za-z0-9._~/-]{0,200}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class CatalogueError(UserError, ValueError):
    """A broken ai-servers.yaml."""


@dataclass(frozen=True)
class Probe:
    id: str
    path: str
    ports: tuple[int, ...] | None  # None: every port the profile allows
    why: str
    source: str

    def applies_to(self, port: int) -> bool:
        return self.ports is None or port in self.ports


def _probe(raw: Any, where: str) -> Probe:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: expected a mapping")
    ident, path, ports = raw.get("id"), raw.get("path"), raw.get("ports")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise CatalogueError(f"{where}: id must be lower-case letters, digits and dashes")
    if not isinstance(path, str) or not SAFE_PATH.match(path):
        raise CatalogueError(f"{where} ({ident}): path {path!r} is not a plain absolute path")
    source = raw.get("source")
    if not isinstance(source, str) or not source.startswith("https://"):
        raise CatalogueError(f"{where} ({ident}): every probe cites its documentation (https)")
    if ports == "any":
        listed = None
    elif (
        isinstance(ports, list)
        and ports
        and all(isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536 for p in ports)
    ):
        listed = tuple(ports)
    else:
        raise CatalogueError(f"{where} ({ident}): ports must be 'any' or a list of port numbers")
    return Probe(ident, path, listed, str(raw.get("why", "")), source)


@cache
def load_probes(path: Path | None = None) -> tuple[Probe, ...]:
    """The catalogue's requests (checked: ids unique, paths plain, sources cited)."""
    path = path or fingerprints_dir() / CATALOGUE_FILE
    data = load_mapping(path, CatalogueError)
    raw = data.get("probes")
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{path}: 'probes' must be a non-empty list")
    probes = tuple(_probe(p, f"{path.name}: probes[{i}]") for i, p in enumerate(raw))
    ids = [p.id for p in probes]
    if len(set(ids)) != len(ids):
        raise CatalogueError(f"{path}: a probe id is given twice")
    return probes


def requests_for(port: int, probes: tuple[Probe, ...]) -> tuple[str, ...]:
    """The distinct paths one open port is sent, in the catalogue's order."""
    paths: dict[str, None] = {}
    for probe in probes:
        if probe.applies_to(port):
            paths[probe.path] = None
    return tuple(paths)
