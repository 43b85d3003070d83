"""The versioned schema: SQL migration files applied in order, each in one transaction.

``migrations/NNNN_name.sql`` brings an inventory from version NNNN-1 to NNNN.  Opening
an inventory applies whatever is missing, so an old file (or an old PostgreSQL
database) keeps working after an upgrade; a database written by a newer legacyscan is
refused rather than damaged.  The files are data: ``tests/inventory/test_schema.py``
builds an inventory at every earlier version, fills it and migrates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from legacyscan.inventory.backend import Backend, InventoryError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_SCHEMA_LOCK = 7_340_001  # advisory lock key (PostgreSQL) held while migrating


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


@cache
def migrations() -> tuple[Migration, ...]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise InventoryError(f"badly named migration file {path.name} (want NNNN_name.sql)")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise InventoryError(f"migrations must be numbered 1, 2, 3... without gaps: {versions}")
    return tuple(found)


def latest_version() -> int:
    return migrations()[-1].version


def current_version(backend: Backend) -> int:
    """0 for an empty database."""
    if "schema_version" not in backend.table_names():
        if backend.table_names() & {"scans", "chunks"}:
            raise InventoryError(f"{backend.location} is not a legacyscan inventory")
        return 0
    rows = backend.query("SELECT version FROM schema_version")
    if len(rows) != 1:
        raise InventoryError(f"{backend.location}: damaged schema_version table")
    return int(rows[0][0])


def migrate(backend: Backend, target: int | None = None) -> list[int]:
    """Apply the missing migrations up to ``target`` (default: the latest); return them."""
    target = latest_version() if target is None else target
    applied: list[int] = []
    for migration in migrations():
        if migration.version > target:
            break
        with backend.transaction():
            backend.lock(_SCHEMA_LOCK)
            # Read inside the transaction: another scanner may have migrated meanwhile.
            version = current_version(backend)
            if version > latest_version():
                raise InventoryError(
                    f"{backend.location} has schema version {version}, newer than this "
                    f"legacyscan knows ({latest_version()}): upgrade legacyscan"
                )
            if migration.version <= version:
                continue
            if migration.version != version + 1:
                raise InventoryError(f"{backend.location}: cannot skip to {migration.version}")
            backend.script(migration.sql())
            backend.execute("UPDATE schema_version SET version = ?", (migration.version,))
            applied.append(migration.version)
    return applied
