"""Session-wide test settings.

``legacyscan scan`` records every scan in the inventory, by default in the user's XDG
data directory: the tests point it (and $LEGACYSCAN_DB) at a temporary folder so that a
test run never writes into the real inventory of whoever runs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_inventory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "LEGACYSCAN_DB")}
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    os.environ.pop("LEGACYSCAN_DB", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
