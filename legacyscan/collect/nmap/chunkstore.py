"""Where finished nmap chunks are kept the moment they finish: the evidence and the resume point.

:class:`ChunkStore` is the small interface the runner needs; :class:`FilesystemChunkStore`
implements it in the scan's output folder (``OUT/nmap/``)::

    plan.json                 the plan: its request, profile, targets, every command line
    chunk-000001.xml.gz       nmap's XML, gzip-compressed, exactly as nmap wrote it
    chunk-000001.json         its journal entry: command line, nmap version, times, sha256
    pass2-plan.json, pass2-000001.xml.gz, pass2-000001.json   the second pass, alike

Every file is written atomically (temporary file, fsync, rename) and the journal entry
is written last, so a chunk counts as finished only when both are complete on disk: a
scan killed at any instant resumes from the chunks that really finished.

A scan folder is user data that may have come from anywhere: ``load_request`` gives back
only the plan's *request*, which ``plan_request`` checks like a new scan's; the stored
command lines only serve to refuse a folder whose plan is not the one legacyscan makes.  The SQLite
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
from legacyscan.collect.nmap.plan import ScanPlan, ScanRequest
from legacyscan.errors import UserError
from legacyscan.files import atomic_write


class ChunkStoreError(UserError, RuntimeError):
    """The output folder holds another scan, or its files cannot be read or written."""


#: A plan.json is a few kilobytes per thousand chunks; anything much larger is not ours.
MAX_PLAN_BYTES = 64 * 1024 * 1024


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


def refuse_another_scan(stored: ScanPlan | None, plan: ScanPlan, folder: Path) -> None:
    """Refuse ``plan`` in a folder whose stored plan has other command lines."""
    if stored is not None and stored.fingerprint != plan.fingerprint:
        raise ChunkStoreError(
            f"{folder} holds another scan (profile {stored.profile!r}, "
            f"{stored.address_count} addresses), or its plan.json was edited: its nmap "
            "command lines are not the ones legacyscan makes for it; nothing was run, "
            "choose another --out folder"
        )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FilesystemChunkStore:
    """:class:`ChunkStore` in a folder; see the module docstring for the layout."""

    def __init__(self, folder: Path, prefix: str = "chunk") -> None:
        self.folder = folder
        self.prefix = prefix  # "import" keeps imported files apart from a scan's chunks

    def _plan_path(self) -> Path:
        # The first pass's plan is plan.json; another pass keeps its own (pass2-plan.json).
        name = "plan.json" if self.prefix == "chunk" else f"{self.prefix}-plan.json"
        return self.folder / name

    def _name(self, index: int) -> str:
        return f"{self.prefix}-{index:06d}"

    def _plan_data(self) -> object | None:
        path = self._plan_path()
        if not path.exists():
            return None
        if not path.is_file():
            raise ChunkStoreError(f"{path}: not a regular file")
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_PLAN_BYTES + 1)
            if len(raw) > MAX_PLAN_BYTES:
                raise ValueError(f"larger than {MAX_PLAN_BYTES} bytes")
            data: object = json.loads(raw.decode("utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            raise ChunkStoreError(f"{path}: cannot read the stored scan plan ({exc})") from None
        return data

    def load_plan(self) -> ScanPlan | None:
        data = self._plan_data()
        if data is None:
            return None
        try:
            return from_data(ScanPlan, data)
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            raise ChunkStoreError(
                f"{self._plan_path()}: not a scan plan of legacyscan ({exc})"
            ) from None

    def load_request(self) -> ScanRequest | None:
        """What the stored scan was asked to do, types checked; None when no scan is here.

        Only the request is read: ``plan_request`` checks it like a new scan's and makes
        the command lines again.
        """
        data = self._plan_data()
        if data is None:
            return None
        path = self._plan_path()
        if not isinstance(data, dict) or data.get("request") is None:
            raise ChunkStoreError(
                f"{path}: the stored plan holds no scan request (made by an older legacyscan); "
                "give the targets and options again with --resume"
            )
        try:
            return from_data(ScanRequest, data["request"])
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            raise ChunkStoreError(f"{path}: not a scan request of legacyscan ({exc})") from None

    def begin(self, plan: ScanPlan) -> None:
        stored = self.load_plan()
        refuse_another_scan(stored, plan, self.folder)
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
