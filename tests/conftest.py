"""Shared test set-up: no test reads or writes the real user's data folder.

Each test gets an empty ``LEGACYSCAN_DATA_DIR``: an EOL overlay installed on the machine
(``legacyscan eol import``) never changes a verdict the suite checks, and the inventory
that ``legacyscan scan`` records into by default is a throw-away file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("LEGACYSCAN_DATA_DIR", str(folder))
    monkeypatch.delenv("LEGACYSCAN_DB", raising=False)
    yield folder
