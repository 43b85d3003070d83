"""The inventory: every scan remembered (SQLite in WAL mode, or PostgreSQL), devices
followed across scans, diffs and trends, several sites in one view, backup and restore.

``Inventory.open(path_or_url)`` is the entry point; ``docs/inventory.md`` says where the
file lives, how devices are matched across scans and which source wins a disagreement.
"""

from legacyscan.inventory.backend import InventoryError
from legacyscan.inventory.store import Inventory

__all__ = ["Inventory", "InventoryError"]
