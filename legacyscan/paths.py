"""Where the bundled knowledge (fingerprints/) and report templates (reports/) live.

In a wheel they ship inside the package (setup.cfg maps the top-level folders to
``legacyscan.fingerprints`` and ``legacyscan.reports``); in a source checkout or an
editable install they are read from the repository's top level.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    beside = _PACKAGE.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"legacyscan data folder {name!r} not found (broken installation?)")


def fingerprints_dir() -> Path:
    return _bundled("fingerprints")


def reports_dir() -> Path:
    return _bundled("reports")
