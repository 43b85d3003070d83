"""Where the bundled knowledge (fingerprints/) and report templates (reports/) live.

In a wheel they ship inside the package (setup.cfg maps the top-level folders to
``legacyscan.fingerprints`` and ``legacyscan.reports``); in a source checkout or an
editable install they are read from the repository's top level.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
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


@cache
def _bundled_digest() -> bytes:
    root = fingerprints_dir()
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.digest()


def knowledge_version() -> str:
    """A short digest of the knowledge that judges a scan: every YAML file of the
    fingerprints (rules, tables, EOL records, weights, costs) and the user's EOL overlay."""
    digest = hashlib.sha256(_bundled_digest())
    for name in ("eol-overlay.yaml", "kev-marks.yaml"):  # lifecycle.database's overlay files
        path = user_data_dir() / name
        if path.is_file():
            digest.update(b"overlay/" + name.encode())
            digest.update(path.read_bytes())
    return "fingerprints-" + digest.hexdigest()[:12]
