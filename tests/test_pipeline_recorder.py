"""The pipeline tells the inventory of every nmap chunk, including one a kill left behind.

A chunk stored in the scan folder but killed before its inventory commit must reach the
inventory when the scan is resumed.  Here the folder holds the whole (recorded) nmap
output, so the resumed run starts no nmap; SNMP asks port 9 on loopback, where nothing
answers.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from legacyscan.collect.nmap.chunkstore import ChunkRecord, FilesystemChunkStore, sha256
from legacyscan.collect.nmap.parse import parse_nmap_xml
from legacyscan.collect.nmap.plan import plan_scan
from legacyscan.collect.scope import build_scope
from legacyscan.collect.snmp.credentials import community
from legacyscan.collect.snmp.sweep import SnmpOptions
from legacyscan.inventory import Inventory
from legacyscan.inventory.recorder import InventoryRecorder
from legacyscan.model import Collection, ScanMeta
from legacyscan.pipeline import collect_live

XML = (Path(__file__).parent / "fixtures" / "nmap" / "lab-minimal.xml").read_bytes()


def test_a_chunk_stored_before_a_kill_reaches_the_inventory_on_resume(tmp_path: Path) -> None:
    addresses = sorted({h.address for h in parse_nmap_xml(XML).hosts if h.address})
    plan = plan_scan(build_scope(addresses))
    assert len(plan.chunks) == 1
    chunk = plan.chunks[0]
    store = FilesystemChunkStore(tmp_path / "nmap")
    store.begin(plan)
    store.save(
        ChunkRecord(
            index=1, targets=chunk.targets, address_count=chunk.address_count,
            command_line=chunk.command_line, nmap_version="7.93", started="", finished="",
            hosts_up=len(addresses), xml_sha256=sha256(XML),
        ),
        XML,
    )  # fmt: skip
    meta = ScanMeta(as_of=dt.date(2026, 11, 23), started="", finished="", targets=plan.targets)
    db = tmp_path / "inventory.sqlite"
    silent = SnmpOptions(port=9, credentials=(community("public"),), timeout=0.2, retries=0)

    def resume() -> tuple[int, bool, Collection]:
        with Inventory.open(db) as inventory:
            recorder = InventoryRecorder.start(inventory, meta)
            before = recorder.committed("nmap:1")
            collection = collect_live(
                plan, tmp_path, resume=True, recorder=recorder, snmp_options=silent
            )
            return recorder.scan_id, before, collection

    # In a thread of its own, as the CLI has it: the browser tests leave playwright's
    # event loop running in the main thread, where the SNMP step's asyncio.run would fail.
    with ThreadPoolExecutor(1) as worker:
        scan_id, committed_before, collection = worker.submit(resume).result()
    assert not committed_before
    with Inventory.open(db) as inventory:
        stored = inventory.evidence(scan_id, "nmap:1")
        assert [(name, content) for _, name, content in stored] == [("nmap-000001.xml", XML)]
        hosts = inventory.hosts(scan_id, "nmap:1")
        assert {h.address for h in hosts} == set(addresses)
        assert {h.address for h in collection.hosts} <= set(addresses)
        # Nothing answered SNMP on port 9: the only piece is the nmap chunk.
        assert inventory.finished_chunks(scan_id) == {"nmap:1"}
