"""Where the bundled knowledge (fingerprints/) and report templates (reports/) live.

In a wheel they ship inside the package (setup.cfg maps the top-level folders to
``legacyscan.fingerprints`` and ``legacyscan.reports``); in a source checkout or an
editable install they are read from the repository's top level.
"""

from __future__ import annotations

import os
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


def user_data_dir() -> Path:
    """Where a user's own data lives (the inventory, imported EOL records, KEV marks).

    ``$LEGACYSCAN_DATA_DIR`` wins; otherwise ``$XDG_DATA_HOME/legacyscan``, by default
    ``~/.local/share/legacyscan``.  Nothing is created until something is written there.
    """
    explicit = os.environ.get("LEGACYSCAN_DATA_DIR", "").strip()
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG Base Directory specification: a relative XDG_DATA_HOME is invalid, ignore it.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "legacyscan"
