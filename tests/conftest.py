"""Shared test set-up: no test reads or writes the real user's data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point LEGACYSCAN_DATA_DIR at an empty folder, so an overlay installed on the machine
    (``legacyscan eol import``) never changes a verdict the suite checks."""
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("LEGACYSCAN_DATA_DIR", str(folder))
    yield folder
