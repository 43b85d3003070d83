"""Where the inventory lives: ``--db``, else $LEGACYSCAN_DB, else the XDG data directory.

The default is ``$XDG_DATA_HOME/legacyscan/inventory.sqlite``, that is
``~/.local/share/legacyscan/inventory.sqlite`` when XDG_DATA_HOME is unset (the XDG Base
Directory convention).  A ``postgresql://`` URL selects a shared PostgreSQL inventory.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VARIABLE = "LEGACYSCAN_DB"


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG specification says a relative XDG_DATA_HOME is invalid and must be ignored.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "legacyscan" / "inventory.sqlite"


def resolve(target: str | Path | None = None) -> str:
    """The database to open, as a file path or a PostgreSQL URL."""
    if target is not None and str(target).strip():
        return str(target)
    from_env = os.environ.get(ENV_VARIABLE, "").strip()
    if from_env:
        return from_env
    return str(default_path())
