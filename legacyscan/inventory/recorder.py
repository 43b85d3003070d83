"""The pipeline's ``ScanRecorder`` backed by the inventory: each finished piece committed.

``InventoryRecorder.start(inventory, meta)`` opens a scan; the pipeline then calls
``chunk(key, hosts, evidence)`` as each piece completes (one transaction each) and
``finished(assessment)`` at the end, which returns the trend since the previous scan.
``InventoryRecorder.resume(inventory, scan_id)`` continues an interrupted scan:
``done(key)`` hands back what its earlier run already committed, so that piece is not
collected again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from legacyscan.inventory.backend import InventoryError
from legacyscan.inventory.diff import previous_scan_summary
from legacyscan.inventory.store import Inventory
from legacyscan.model import Assessment, Host, ScanMeta, Trend


class InventoryRecorder:
    def __init__(
        self, inventory: Inventory, scan_id: int, progress: Callable[[str], None] | None = None
    ) -> None:
        self.inventory = inventory
        self.scan_id = scan_id
        self._progress = progress or (lambda _: None)
        self._finished_chunks = set(inventory.finished_chunks(scan_id))

    @classmethod
    def start(
        cls,
        inventory: Inventory,
        meta: ScanMeta,
        kind: str = "scan",
        progress: Callable[[str], None] | None = None,
    ) -> InventoryRecorder:
        return cls(inventory, inventory.begin_scan(meta, kind), progress)

    @classmethod
    def resume(
        cls, inventory: Inventory, scan_id: int, progress: Callable[[str], None] | None = None
    ) -> InventoryRecorder:
        record = inventory.scan(scan_id)
        if record.status != "running":
            raise InventoryError(f"scan {scan_id} already finished: nothing to resume")
        return cls(inventory, scan_id, progress)

    def done(self, key: str) -> tuple[tuple[Host, ...], Mapping[str, bytes]] | None:
        if key not in self._finished_chunks:
            return None
        evidence = {
            name: content for _, name, content in self.inventory.evidence(self.scan_id, key)
        }
        return self.inventory.hosts(self.scan_id, key, latest=False), evidence

    def committed(self, key: str) -> bool:
        return key in self._finished_chunks

    def chunk(
        self, key: str, hosts: Sequence[Host], evidence: Mapping[str, bytes] | None = None
    ) -> None:
        self.inventory.record_hosts(self.scan_id, key, hosts, evidence)
        self._finished_chunks.add(key)
        if not key.startswith("snmp:"):  # one line per SNMP host would drown the terminal
            self._progress(f"inventory: {key} committed ({len(hosts)} host(s))")

    def finished(self, assessment: Assessment) -> Trend | None:
        """Close the scan; the trend since the previous scan of its site, if any."""
        self.inventory.finish_scan(self.scan_id, assessment)
        self._progress(f"inventory: scan {self.scan_id} recorded in {self.inventory.location}")
        return previous_scan_summary(self.inventory, self.scan_id)
