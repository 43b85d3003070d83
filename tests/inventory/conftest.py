"""Fixtures: every inventory test runs on a real SQLite file and on a real PostgreSQL server.

The PostgreSQL server is Debian's (package ``postgresql``), started by ``tests/pgserver.py``
for the session and stopped at its end, also when tests fail.  Each test gets a schema of
its own.  Without the binaries the PostgreSQL variants skip and say why.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pgserver import PostgresServer, pg_skip_reason, postgres_server

from legacyscan.inventory import Inventory


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    reason = pg_skip_reason()
    if reason is not None:
        pytest.skip(reason)
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty inventory location: a SQLite file or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "inventory.sqlite")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_schema_url()


@pytest.fixture
def inventory(db_target: str) -> Iterator[Inventory]:
    with Inventory.open(db_target) as opened:
        yield opened
