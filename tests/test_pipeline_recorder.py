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

import pytest

from legacyscan.collect.nmap.chunkstore import ChunkRecord, FilesystemChunkStore, sha256
from legacyscan.collect.nmap.parse import parse_nmap_xml
from legacyscan.collect.nmap.plan import plan_scan
from legacyscan.collect.nmap.profiles import load_profiles
from legacyscan.collect.nmap.second_pass import (
    SecondPassOptions,
    decide,
    plan_second_pass,
    rules_of,
)
from legacyscan.collect.scope import build_scope
from legacyscan.collect.snmp.credentials import community
from legacyscan.collect.snmp.sweep import SnmpOptions
from legacyscan.identify import Identifier
from legacyscan.inventory import Inventory
from legacyscan.inventory.recorder import InventoryRecorder
from legacyscan.model import Collection, ScanMeta
from legacyscan.pipeline import collect_live, pass2_store
from legacyscan.probing import classed

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


def _pass2_xml(addresses: tuple[str, ...]) -> bytes:
    hosts = "".join(
        f'<host><status state="up"/><address addr="{a}" addrtype="ipv4"/><ports>'
        '<port protocol="tcp" portid="3389"><state state="open"/><service name="ms-wbt-server"/>'
        '<script id="rdp-ntlm-info" output="Product_Version: 6.1.7601"/></port></ports></host>'
        for a in addresses
    )
    return (f'<?xml version="1.0"?><nmaprun scanner="nmap" args="nmap" version="7.93">{hosts}'
            "<runstats><finished/></runstats></nmaprun>").encode()  # fmt: skip


def test_a_resumed_scan_keeps_the_finished_second_pass_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pass 1 and every pass-2 chunk are in the folder: the resumed run starts no nmap at
    all (nmap is off the PATH), merges the stored scripts' output and commits each pass-2
    chunk to the inventory with the first pass's data."""
    addresses = sorted({h.address for h in parse_nmap_xml(XML).hosts if h.address})
    plan = plan_scan(build_scope(addresses))
    chunk = plan.chunks[0]
    first = FilesystemChunkStore(tmp_path / "nmap")
    first.begin(plan)
    first.save(
        ChunkRecord(1, chunk.targets, chunk.address_count, chunk.command_line, "7.93", "", "",
                    len(addresses), sha256(XML)),
        XML,
    )  # fmt: skip
    hosts = [h for h in parse_nmap_xml(XML).hosts if h.address and h.has_data]
    book = load_profiles()
    rules = rules_of(book)
    decisions = decide(classed(Identifier().identify_all(hosts)), rules)
    second, _ = plan_second_pass(
        decisions, book.get(plan.profile), book, False, plan.chunk_size, rules.parallel
    )
    assert second.chunks  # the lab's Windows hosts get something
    store = pass2_store(tmp_path)
    store.begin(second)
    for part in second.chunks:
        xml = _pass2_xml(part.targets)
        store.save(
            ChunkRecord(part.index, part.targets, part.address_count, part.command_line,
                        "7.93", "", "", len(part.targets), sha256(xml)),
            xml,
        )  # fmt: skip
    monkeypatch.setenv("PATH", str(tmp_path / "no-nmap-here"))
    meta = ScanMeta(as_of=dt.date(2026, 11, 23), started="", finished="", targets=plan.targets)
    db = tmp_path / "inventory.sqlite"
    silent = SnmpOptions(port=9, credentials=(community("public"),), timeout=0.2, retries=0)

    def resume() -> tuple[int, Collection]:
        with Inventory.open(db) as inventory:
            recorder = InventoryRecorder.start(inventory, meta)
            collection = collect_live(
                plan, tmp_path, resume=True, recorder=recorder, snmp_options=silent,
                second_pass=SecondPassOptions(as_root=False),
            )  # fmt: skip
            return recorder.scan_id, collection

    with ThreadPoolExecutor(1) as worker:
        scan_id, collection = worker.submit(resume).result()
    sent = {a for part in second.chunks for a in part.targets}
    by_address = {h.address: h for h in collection.hosts}
    for address in sent:
        host = by_address[address]
        rdp = next(s for s in host.services if s.port == 3389)
        assert ("rdp-ntlm-info", "Product_Version: 6.1.7601") in rdp.scripts
        assert rdp.product == "Microsoft Terminal Services"  # pass 1's detection kept
    assert {d.address for d in collection.second_pass if d.scripts} == sent
    assert len(collection.command_lines) == 1 + len(second.chunks)
    with Inventory.open(db) as inventory:
        pieces = {f"nmap-pass2:{part.index}" for part in second.chunks}
        assert pieces <= set(inventory.finished_chunks(scan_id))
        latest = {h.address: h for h in inventory.hosts(scan_id)}
        for address in sent:  # merged, not the bare pass-2 host
            rdp = next(s for s in latest[address].services if s.port == 3389)
            assert rdp.product == "Microsoft Terminal Services" and rdp.scripts
