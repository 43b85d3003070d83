"""The filesystem chunk store: atomic, resumable, and it refuses to mix two scans."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from legacyscan.collect.nmap.chunkstore import (
    ChunkRecord,
    ChunkStoreError,
    FilesystemChunkStore,
    sha256,
)
from legacyscan.collect.nmap.plan import ChunkPlan, ScanPlan


def _plan(profile: str = "clinical-safe", command: str = "nmap -sV") -> ScanPlan:
    chunks = tuple(
        ChunkPlan(i, (f"10.0.0.{i}/32",), 1, (*command.split(), f"10.0.0.{i}/32"))
        for i in (1, 2, 3)
    )
    return ScanPlan(profile, ("10.0.0.1/32",), (), 3, 1, 2, chunks, ("a note",))


def _record(index: int, xml: bytes) -> ChunkRecord:
    return ChunkRecord(
        index, (f"10.0.0.{index}/32",), 1, "nmap", "7.93", "t0", "t1", 1, sha256(xml)
    )


def test_plan_round_trips_and_chunks_are_kept(tmp_path: Path) -> None:
    store = FilesystemChunkStore(tmp_path / "nmap")
    assert store.load_plan() is None and store.finished() == {}
    store.begin(_plan())
    assert store.load_plan() == _plan()
    xml = b"<?xml version='1.0'?><nmaprun/>"
    store.save(_record(2, xml), xml)
    assert list(store.finished()) == [2]
    assert store.xml(2) == xml
    assert gzip.decompress((tmp_path / "nmap" / "chunk-000002.xml.gz").read_bytes()) == xml
    entry = json.loads((tmp_path / "nmap" / "chunk-000002.json").read_text())
    assert entry["nmap_version"] == "7.93" and entry["command_line"] == "nmap"
    store.begin(_plan())  # the same scan again: accepted (resume)
    assert list(store.finished()) == [2]


def test_another_scan_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    store = FilesystemChunkStore(tmp_path)
    store.begin(_plan())
    with pytest.raises(ChunkStoreError, match="holds another scan"):
        store.begin(_plan(command="nmap -sV -O"))


def test_a_chunk_without_its_journal_entry_is_not_finished(tmp_path: Path) -> None:
    store = FilesystemChunkStore(tmp_path)
    store.begin(_plan())
    xml = b"<nmaprun/>"
    store.save(_record(1, xml), xml)
    store.save(_record(3, xml), xml)
    (tmp_path / "chunk-000003.json").unlink()  # killed between the two writes
    (tmp_path / "chunk-000001.xml.gz").unlink()
    (tmp_path / ".chunk-000002.json.tmp").write_text("{half")  # killed mid-write
    assert store.finished() == {}
    store.begin(_plan())
    assert not list(tmp_path.glob(".*.tmp"))  # leftovers cleaned on resume


def test_import_prefix_keeps_imports_apart(tmp_path: Path) -> None:
    scan, imports = FilesystemChunkStore(tmp_path), FilesystemChunkStore(tmp_path, "import")
    xml = b"<nmaprun/>"
    imports.save(_record(1, xml), xml)
    assert scan.finished() == {} and list(imports.finished()) == [1]
