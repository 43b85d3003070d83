"""Where the inventory lives: ``--db``, else $LEGACYSCAN_DB, else the user's data folder.

The default is ``inventory.sqlite`` in ``paths.user_data_dir()``: $LEGACYSCAN_DATA_DIR,
else ``$XDG_DATA_HOME/legacyscan``, that is ``~/.local/share/legacyscan`` when
XDG_DATA_HOME is unset (the XDG Base Directory convention).  A ``postgresql://`` URL
selects a shared PostgreSQL inventory.
"""

from __future__ import annotations

import os
from pathlib import Path

from legacyscan.paths import user_data_dir

ENV_VARIABLE = "LEGACYSCAN_DB"


def default_path() -> Path:
    return user_data_dir() / "inventory.sqlite"


def resolve(target: str | Path | None = None) -> str:
    """The database to open, as a file path or a PostgreSQL URL."""
    if target is not None and str(target).strip():
        return str(target)
    from_env = os.environ.get(ENV_VARIABLE, "").strip()
    if from_env:
        return from_env
    return str(default_path())
