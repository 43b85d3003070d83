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

from legacyscan.aiusage.catalogue import INVALID, NO_MATCH, Catalogue, normal_host
from legacyscan.collect.logs import LineCounts, LogError, LogReader
from legacyscan.collect.logs.source import iter_lines, open_log
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
        self._sources: dict[object, str | None] = {}

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

    def _read(self, path: Path, reader: LogReader, counts: LineCounts) -> str:  # noqa: C901
        """The loop every line goes through, kept in one function: locals are fast."""
        parse, stamp, evidence = reader.parse, reader.timestamp, reader.evidence
        hosts, sources, tally = self._hosts, self._sources, self.tally.counts
        host_of, position, users = self._host, self.position, self.users
        number, every, started, note = 0, 1_000_000, time.monotonic(), ""
        handle = open_log(path)
        try:
            for line in iter_lines(handle, path):
                number += 1
                if number % every == 0:
                    self._tick(path, number, started)
                if line is None:
                    counts.bad(number)
                    continue
                record = parse(line)
                if not record:
                    if record is None:
                        counts.bad(number)
                    else:
                        counts.skipped += 1
                    continue
                found = hosts.get(record[2])
                if found is None:
                    found = host_of(record[2])
                service = found[0]
                if service == NO_MATCH:
                    continue
                seconds = stamp(record[0])
                source = sources.get(record[1], "")
                if source == "":
                    source = _source(record[1])
                    if len(sources) >= MAX_SOURCES:
                        sources.clear()
                    sources[record[1]] = source
                if service == INVALID or seconds is None or source is None:
                    counts.bad(number)
                    continue
                counts.matched += 1
                user = users.of(record[4]) if users is not None and record[4] else ""
                key = (int(seconds // DAY), evidence, service, found[1], source,
                       position(seconds), user)  # fmt: skip
                size = _size(record[3])
                slot = tally.get(key)
                if slot is None:
                    tally[key] = slot = [0, 0, 0]
                slot[0] += 1
                if size is not None:
                    slot[1] += size
                    slot[2] = 1
        except LogError as exc:
            if number == 0:
                raise
            note = str(exc).removeprefix(f"{path}: ")
        finally:
            handle.close()
            counts.lines = number
        return note

    def _tick(self, path: Path, number: int, started: float) -> None:
        if self.progress is not None:
            rate = number / max(time.monotonic() - started, 1e-9)
            self.progress(f"{path.name}: {number:,} lines ({rate:,.0f} lines/s)")
