"""How each finished piece of a scan reaches the inventory as it completes.

A ``ScanRecorder`` (``legacyscan.inventory.InventoryRecorder``) is told of every nmap
chunk and every SNMP agent that answered the moment it is done, and hands back, on
``--resume``, what an interrupted run already committed; ``RecordingChunkStore`` commits
each nmap chunk right after the scan folder stores it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Protocol

from legacyscan.codec import to_data
from legacyscan.collect.nmap.chunkstore import (
    ChunkRecord,
    ChunkStore,
)
from legacyscan.collect.nmap.parse import NmapRun, parse_nmap_xml
from legacyscan.collect.nmap.plan import ScanPlan
from legacyscan.collect.nmap.second_pass import (
    merge_second_pass,
)
from legacyscan.model import (
    Assessment,
    Host,
    Trend,
)


class ScanRecorder(Protocol):
    """Where the finished pieces of a scan go (``legacyscan.inventory.InventoryRecorder``).

    Pieces are named ``nmap:N`` (chunk N's hosts, with its XML as evidence),
    ``snmp:ADDRESS`` (the host with everything its agent answered), ``nmap-pass2:N`` (the
    second pass's chunk N) and ``seen-by-others`` (the devices only switch tables show).
    """

    def done(self, key: str) -> tuple[tuple[Host, ...], Mapping[str, bytes]] | None:
        """The hosts and evidence of a piece committed by an earlier, interrupted run."""
        ...

    def committed(self, key: str) -> bool:
        """Whether a piece is committed (by this run or an earlier one); cheap."""
        ...

    def chunk(
        self, key: str, hosts: Sequence[Host], evidence: Mapping[str, bytes] | None = None
    ) -> None:
        """Commit one finished piece, all or nothing."""

    def finished(self, assessment: Assessment) -> Trend | None:
        """Commit the verdicts, close the scan; the trend since the previous one, if any."""


class RecordingChunkStore:
    """A ``ChunkStore`` that also commits every chunk to a recorder the moment it is saved.

    The folder store stays the resume point and the evidence beside the report; the
    inventory gets the same chunk (hosts and XML) in one transaction right after.
    """

    def __init__(
        self,
        inner: ChunkStore,
        recorder: ScanRecorder,
        key: str = "nmap",
        first_pass: Mapping[str, Host] | None = None,
    ) -> None:
        self.inner = inner
        self.recorder = recorder
        self.key = key  # "nmap" for the first pass's pieces, "nmap-pass2" for the second
        self.first_pass = first_pass  # pass 2: its hosts are committed merged with these

    def load_plan(self) -> ScanPlan | None:
        return self.inner.load_plan()

    def begin(self, plan: ScanPlan) -> None:
        self.inner.begin(plan)

    def finished(self) -> dict[int, ChunkRecord]:
        return self.inner.finished()

    def xml(self, index: int) -> bytes:
        return self.inner.xml(index)

    def save(self, record: ChunkRecord, xml: bytes) -> None:
        self.inner.save(record, xml)
        run = parse_nmap_xml(xml, f"nmap output of chunk {record.index}")
        record_nmap_chunk(self.recorder, record, run, xml, self.key, self.first_pass)


def record_nmap_chunk(
    recorder: ScanRecorder,
    chunk: int | ChunkRecord,
    run: NmapRun,
    xml: bytes,
    key: str = "nmap",
    first_pass: Mapping[str, Host] | None = None,
) -> None:
    """Commit one chunk; a second-pass chunk's hosts go in whole (pass 1's data and the
    scripts' output), so that the inventory's latest sighting of a host loses nothing.

    Given its journal entry (``ChunkRecord``), the chunk's evidence holds it beside the
    XML (``nmap-000001.json``): another machine can then resume the scan from the
    inventory alone (``legacyscan.jobs.worker`` rebuilds the scan folder from them).
    """
    index = chunk if isinstance(chunk, int) else chunk.index
    hosts = [h for h in run.hosts if h.address]
    if first_pass is not None:
        known = [first_pass[h.address] for h in hosts if h.address and h.address in first_pass]
        hosts = merge_second_pass(known, hosts)
    evidence = {f"{key}-{index:06d}.xml": xml}
    if isinstance(chunk, ChunkRecord):
        evidence[f"{key}-{index:06d}.json"] = json.dumps(to_data(chunk), sort_keys=True).encode()
    recorder.chunk(f"{key}:{index}", hosts, evidence)
