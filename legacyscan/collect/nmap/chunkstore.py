"""Where finished nmap chunks are kept the moment they finish: the evidence and the resume point.

:class:`ChunkStore` is the small interface the runner needs; :class:`FilesystemChunkStore`
implements it in the scan's output folder (``OUT/nmap/``)::

    plan.json                 the plan: profile, targets, every chunk's command line
    chunk-000001.xml.gz       nmap's XML, gzip-compressed, exactly as nmap wrote it
    chunk-000001.json         its journal entry: command line, nmap version, times, sha256

Every file is written atomically (temporary file, fsync, rename) and the journal entry
is written last, so a chunk counts as finished only when both are complete on disk: a
scan killed at any instant resumes from the chunks that really finished.  The SQLite
inventory can implement the same protocol to make chunks durable there instead.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from legacyscan.codec import from_data, to_data
from legacyscan.collect.nmap.plan import ScanPlan
from legacyscan.errors import UserError
from legacyscan.files import atomic_write


class ChunkStoreError(UserError, RuntimeError):
    """The output folder holds another scan, or its files cannot be read or written."""


@dataclass(frozen=True)
class ChunkRecord:
    """The journal entry of one finished nmap run (a chunk of a scan, or an imported file)."""

    index: int
    targets: tuple[str, ...]
    address_count: int
    command_line: str
    nmap_version: str
    started: str
    finished: str
    hosts_up: int
    xml_sha256: str
    source: str = "nmap"  # "nmap" for a live chunk, the file name for an import


class ChunkStore(Protocol):
    def load_plan(self) -> ScanPlan | None:
        """The plan of the scan stored here, if any."""

    def begin(self, plan: ScanPlan) -> None:
        """Record the plan; refuse when a different scan is already stored."""

    def finished(self) -> dict[int, ChunkRecord]:
        """The chunks stored completely, by index."""

    def save(self, record: ChunkRecord, xml: bytes) -> None:
        """Store one finished chunk's XML and journal entry, atomically."""

    def xml(self, index: int) -> bytes:
        """The XML of a stored chunk, uncompressed."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FilesystemChunkStore:
    """:class:`ChunkStore` in a folder; see the module docstring for the layout."""

    def __init__(self, folder: Path, prefix: str = "chunk") -> None:
        self.folder = folder
        self.prefix = prefix  # "import" keeps imported files apart from a scan's chunks

    def _plan_path(self) -> Path:
        return self.folder / "plan.json"

    def _name(self, index: int) -> str:
        return f"{self.prefix}-{index:06d}"

    def load_plan(self) -> ScanPlan | None:
        path = self._plan_path()
        if not path.is_file():
            return None
        try:
            return from_data(ScanPlan, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ChunkStoreError(f"{path}: cannot read the stored scan plan ({exc})") from exc

    def begin(self, plan: ScanPlan) -> None:
        stored = self.load_plan()
        if stored is not None and stored.fingerprint != plan.fingerprint:
            raise ChunkStoreError(
                f"{self.folder} holds another scan (profile {stored.profile}, "
                f"{stored.address_count} addresses); choose another --out folder"
            )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for leftover in self.folder.glob(".*.tmp"):  # a write cut short by a kill
                leftover.unlink()
            if stored is None:
                text = json.dumps(to_data(plan), indent=1)
                atomic_write(self._plan_path(), text.encode(), error=ChunkStoreError, durable=True)
        except OSError as exc:
            raise ChunkStoreError(f"{self.folder}: cannot write ({exc.strerror})") from exc

    def finished(self) -> dict[int, ChunkRecord]:
        done: dict[int, ChunkRecord] = {}
        for entry in sorted(self.folder.glob(f"{self.prefix}-*.json")):
            try:
                record = from_data(ChunkRecord, json.loads(entry.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError, KeyError):
                continue  # not a journal entry of ours: that chunk runs again
            if (self.folder / f"{entry.stem}.xml.gz").is_file():
                done[record.index] = record
        return done

    def save(self, record: ChunkRecord, xml: bytes) -> None:
        name = self._name(record.index)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(
                self.folder / f"{name}.xml.gz",
                gzip.compress(xml, mtime=0),
                error=ChunkStoreError,
                durable=True,
            )
            atomic_write(
                self.folder / f"{name}.json",
                json.dumps(to_data(record)).encode(),
                error=ChunkStoreError,
                durable=True,
            )
        except OSError as exc:
            raise ChunkStoreError(f"{self.folder}: cannot write ({exc.strerror})") from exc

    def xml(self, index: int) -> bytes:
        path = self.folder / f"{self._name(index)}.xml.gz"
        try:
            return gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as exc:
            raise ChunkStoreError(f"{path}: cannot read the stored nmap XML ({exc})") from exc
