"""Shared test set-up: no test reads or writes the real user's data folder.

Each test gets an empty ``LEGACYSCAN_DATA_DIR``: an EOL overlay installed on the machine
(``legacyscan eol import``) never changes a verdict the suite checks, and the inventory
that ``legacyscan scan`` records into by default is a throw-away file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("LEGACYSCAN_DATA_DIR", str(folder))
    monkeypatch.delenv("LEGACYSCAN_DB", raising=False)
    yield folder


#: Test files that start the simulated hospital (fixed addresses 127.42.x.y, one lab at a
#: time) or bind listeners among its addresses: one worker runs them all, in order.  (The
#: kill test, tests/inventory/test_durability.py, starts its own devices on 127.53.0.x
#: and its own SNMP port, so it runs beside them on the other worker.)
LAB_FILES = (
    "tests/integration/",
    "tests/lab/",
    "tests/inventory/test_lab_diff.py",
)


def _work_unit(nodeid: str) -> str:
    path = nodeid.split("::")[0]
    return "lab" if path.startswith(LAB_FILES) else path


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``make test`` runs two workers: every file stays on one worker (SNMP agents and
    listeners use fixed loopback ports per file), and every file that needs the lab goes
    to the same worker.  (xdist's own ``loadgroup`` cannot do it under pytest 9: it renames
    node ids, which pytest 9 no longer allows.)"""
    from xdist.scheduler import LoadScopeScheduling

    class LabAwareScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return _work_unit(nodeid)

    return LabAwareScheduling(config, log)
