"""Counting AI connections in logs, streaming: each line costs a split and a dictionary
look-up unless its host is an AI service; only those lines have their time, source and
user read.

Counts are kept per (day, evidence, service, host, source, scan position, user), so
memory grows with the devices, services and days seen -- never with the number of lines.
The caches of hosts and sources are bounded (cleared when full) for the same reason.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from legacyscan.aiusage.catalogue import INVALID, NO_MATCH, Catalogue, normal_host
from legacyscan.collect.logs import LineCounts, LogError, LogReader, Record
from legacyscan.collect.logs.fields import host_of_url
from legacyscan.collect.logs.source import iter_blocks, open_log
from legacyscan.model.aiusage import InputSummary

#: Cache bounds: far above the distinct hosts and sources of a hospital's month of logs.
MAX_HOSTS = 200_000
MAX_SOURCES = 100_000
DAY = 86400

#: (day number, evidence, service index, host, source address, scan position, user)
Key = tuple[int, str, int, str, str, tuple[int, int], str]


class Pseudonyms:
    """User names as keyed hashes (HMAC-SHA256): the same user gives the same pseudonym
    with the same key, and the name cannot be found again without the key, which is
    never written anywhere."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._cache: dict[object, str] = {}

    def of(self, user: object) -> str:
        found = self._cache.get(user)
        if found is None:
            raw = user if isinstance(user, bytes) else str(user).encode("utf-8", "replace")
            name = raw.strip().lower()
            if not name or name == b"-":
                found = ""
            else:
                found = "u-" + hmac.new(self.key, name, hashlib.sha256).hexdigest()[:16]
            if len(self._cache) > MAX_SOURCES:
                self._cache.clear()
            self._cache[user] = found
        return found


@dataclass
class Tally:
    """Everything counted so far, over every file."""

    counts: dict[Key, list[int]] = field(default_factory=dict)  # [connections, bytes, sized]
    inputs: list[InputSummary] = field(default_factory=list)


def _source(raw: object) -> str | None:
    try:
        text = raw.decode("ascii") if isinstance(raw, bytes) else str(raw)
        return str(ipaddress.ip_address(text.strip()))
    except (UnicodeDecodeError, ValueError):
        return None


def _size(raw: object) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bytes | str) and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


class Counter:
    """Reads logs into a :class:`Tally`; ``position`` places a time among the scans."""

    def __init__(
        self,
        catalogue: Catalogue,
        position: Callable[[float], tuple[int, int]],
        users: Pseudonyms | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.position = position
        self.users = users
        self.progress = progress
        self.tally = Tally()
        self._hosts: dict[bytes, tuple[int, str]] = {}
        self._urls: dict[bytes, tuple[int, str]] = {}
        self._sources: dict[object, str | None] = {}
        self._ticked: dict[Path, int] = {}
        #: The readers' fast paths (Squid's); off only to check they agree with the loop.
        self.fast = True

    def _host(self, raw: bytes) -> tuple[int, str]:
        try:
            host = normal_host(raw.decode("ascii"))
        except UnicodeDecodeError:
            return (NO_MATCH, "")
        found = (self.catalogue.match(host), host)
        if len(self._hosts) >= MAX_HOSTS:
            self._hosts.clear()
        self._hosts[raw] = found
        return found

    def read(self, path: Path, reader: LogReader) -> InputSummary:
        """Count one file; a file cut short (truncated gzip) keeps what was read, noted."""
        counts = LineCounts()
        note = self._read(path, reader, counts)
        summary = InputSummary(
            name=path.name, format=reader.name, evidence=reader.evidence,
            lines=counts.lines, matched=counts.matched, malformed=counts.malformed,
            first_malformed=tuple(counts.first_malformed), skipped=counts.skipped, note=note,
        )  # fmt: skip
        self.tally.inputs.append(summary)
        return summary

    def _read(self, path: Path, reader: LogReader, counts: LineCounts) -> str:
        """Every line of ``path``; a file cut short keeps what was read and says so."""
        number, note = [0], ""
        handle = open_log(path)
        try:
            if hasattr(reader, "urls") and self.fast:
                self._by_urls(path, reader, counts, handle, number)
            else:
                self._by_lines(path, reader, counts, handle, number)
        except LogError as exc:  # what was read is kept; the other files are still read
            note = str(exc).removeprefix(f"{path}: ")
        finally:
            handle.close()
            counts.lines = number[0]
        return note

    def _by_lines(
        self, path: Path, reader: LogReader, counts: LineCounts, handle: BinaryIO, at: list[int]
    ) -> None:
        """The general loop: each line parsed by the reader, kept in one function (locals
        are fast)."""
        parse, hosts, host_of, count = reader.parse, self._hosts, self._host, self._count
        started = time.monotonic()
        for lines in iter_blocks(handle, path):
            base = at[0]
            at[0] += len(lines)
            self._tick(path, at[0], started)
            for offset, line in enumerate(lines, base + 1):
                if line is None:
                    counts.bad(offset)
                    continue
                record = parse(line)
                if not record:
                    if record is None:
                        counts.bad(offset)
                    else:
                        counts.skipped += 1
                    continue
                found = hosts.get(record[2])
                if found is None:
                    found = host_of(record[2])
                if found[0] != NO_MATCH:
                    count(reader, record, found, offset, counts)

    def _by_urls(
        self, path: Path, reader: LogReader, counts: LineCounts, handle: BinaryIO, at: list[int]
    ) -> None:
        """Squid's fast path: a block's URL fields cut at once, CONNECT targets looked up
        in a cache; only the lines not known to be elsewhere go through ``parse``."""
        urls_of = reader.urls  # type: ignore[attr-defined]
        known, hosts, host_of, count = self._urls, self._hosts, self._host, self._count
        started = time.monotonic()
        for lines in iter_blocks(handle, path):
            base = at[0]
            at[0] += len(lines)
            self._tick(path, at[0], started)
            urls = urls_of(lines)
            marks = [known.get(u) for u in urls]
            for index in [i for i, m in enumerate(marks) if m is None or m[0] != NO_MATCH]:
                url = urls[index]
                if url is None:
                    counts.bad(base + index + 1)
                    continue
                if not url:
                    counts.skipped += 1
                    continue
                found = marks[index]
                if found is None:
                    host = host_of_url(url)
                    if not host:
                        counts.bad(base + index + 1)
                        continue
                    found = hosts.get(host) or host_of(host)
                    if b"/" not in url:  # a CONNECT target: it comes back all day
                        if len(known) >= MAX_HOSTS:
                            known.clear()
                        known[url] = found
                if found[0] != NO_MATCH:
                    record = reader.parse(lines[index])  # type: ignore[arg-type]
                    assert record  # the same split found its URL
                    count(reader, record, found, base + index + 1, counts)

    def _count(
        self, reader: LogReader, record: Record, found: tuple[int, str], number: int,
        counts: LineCounts,
    ) -> None:  # fmt: skip
        """One line to an AI service: its time, source, user and size, counted."""
        service = found[0]
        seconds = reader.timestamp(record[0])
        sources = self._sources
        source = sources.get(record[1], "")
        if source == "":
            source = _source(record[1])
            if len(sources) >= MAX_SOURCES:
                sources.clear()
            sources[record[1]] = source
        if service == INVALID or seconds is None or source is None:
            counts.bad(number)
            return
        counts.matched += 1
        users = self.users
        user = users.of(record[4]) if users is not None and record[4] else ""
        key = (int(seconds // DAY), reader.evidence, service, found[1], source,
               self.position(seconds), user)  # fmt: skip
        size = _size(record[3])
        slot = self.tally.counts.get(key)
        if slot is None:
            self.tally.counts[key] = slot = [0, 0, 0]
        slot[0] += 1
        if size is not None:
            slot[1] += size
            slot[2] = 1

    def _tick(self, path: Path, number: int, started: float) -> None:
        """A progress line about every million lines (checked once a block)."""
        if number // 1_000_000 == self._ticked.get(path, 0):
            return
        self._ticked[path] = number // 1_000_000
        if self.progress is not None:
            rate = number / max(time.monotonic() - started, 1e-9)
            self.progress(f"{path.name}: {number:,} lines ({rate:,.0f} lines/s)")
