"""Log readers: web proxies (Squid native, CSV), DNS (BIND, dnsmasq), Zeek dns.log and
ssl.log (TSV or JSON), gzip or not, read line by line with flat memory.

``reader_for(path, fmt, ...)`` picks the reader (``fmt="auto"`` tells the format from the
first lines and refuses, in one line, a file that is no log it reads); ``records(path,
reader, counts)`` streams its :data:`Record` s, counting malformed lines into ``counts``
(never fatal).  Nothing here decides what is kept: the caller matches hosts first and
reads the other fields of the matching lines only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from legacyscan.collect.logs.dns import BindReader, DnsmasqReader
from legacyscan.collect.logs.fields import SKIP, Record, epoch
from legacyscan.collect.logs.proxy import CsvColumns, CsvReader, SquidReader
from legacyscan.collect.logs.source import LineCounts, LogError, head, iter_lines, open_log
from legacyscan.collect.logs.zeek import ZeekReader

__all__ = [
    "FORMATS",
    "CsvColumns",
    "LineCounts",
    "LogError",
    "LogReader",
    "Record",
    "reader_for",
    "records",
]

FORMATS = ("auto", "squid", "csv", "bind", "dnsmasq", "zeek-dns", "zeek-ssl")
KNOWN = "Squid native access.log, CSV with a header, BIND query log, dnsmasq, Zeek dns.log/ssl.log"


class LogReader(Protocol):
    name: str
    evidence: str  # "proxy" | "dns" | "tls"

    def parse(self, line: bytes) -> Record | tuple[()] | None: ...
    def timestamp(self, raw: Any) -> float | None: ...


def _zeek_kind(lines: list[bytes]) -> str | None:
    for line in lines:
        if line.startswith(b"#path"):
            kind = line.split()[-1] if len(line.split()) > 1 else b""
            if kind in (b"dns", b"ssl"):
                return kind.decode()
        if line.startswith(b"#fields"):
            if b"\tquery\t" in line + b"\t":
                return "dns"
            if b"\tserver_name" in line:
                return "ssl"
        if line.startswith(b"{"):
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and "id.orig_h" in data:
                if "query" in data or "qtype_name" in data:
                    return "dns"
                if "server_name" in data or "cipher" in data or "ssl_history" in data:
                    return "ssl"
    return None


def _squid_like(fields: list[bytes]) -> bool:
    return len(fields) >= 10 and epoch(fields[0]) is not None and b"/" in fields[3]


def sniff(lines: list[bytes]) -> str | None:
    """The format the first lines of a file are written in, or None."""
    if not lines:
        return None
    if lines[0].startswith((b"#separator", b"#fields", b"#path", b"{")):
        kind = _zeek_kind(lines)
        return f"zeek-{kind}" if kind else None
    if any(b" query: " in line and b"client " in line for line in lines):
        return "bind"
    if any(b"dnsmasq[" in line for line in lines):
        return "dnsmasq"
    squid = sum(1 for line in lines if _squid_like(line.split()))
    if squid * 2 >= len(lines):  # most first lines: a damaged first line is no verdict
        return "squid"
    header = lines[0].lower()
    if b"," in header and any(name in header for name in (b"host", b"url", b"domain")):
        return "csv"
    return None


def reader_for(
    path: Path,
    fmt: str = "auto",
    columns: CsvColumns | None = None,
    year: int = 2026,
    zone: dt.tzinfo = dt.UTC,
) -> LogReader:
    """The reader for ``path`` (``fmt`` one of :data:`FORMATS`); ``year`` and ``zone``
    complete the times written without them (syslog stamps, BIND's print-time)."""
    first = head(path)  # unreadable, not a file, not gzip after all: said before any work
    if fmt == "auto":
        if not first:
            fmt = "squid"  # an empty file (a rotated log): nothing to read, no error
        else:
            found = sniff(first)
            if found is None:
                raise LogError(f"{path}: not a log legacyscan reads ({KNOWN}); see --format")
            fmt = found
    if fmt == "squid":
        return SquidReader()
    if fmt == "csv":
        return CsvReader(columns or CsvColumns(), str(path), zone)
    if fmt == "bind":
        return BindReader(year, zone)
    if fmt == "dnsmasq":
        return DnsmasqReader(year, zone)
    if fmt in ("zeek-dns", "zeek-ssl"):
        return ZeekReader(fmt.split("-", 1)[1])
    raise LogError(f"unknown log format {fmt!r} (one of {', '.join(FORMATS)})")


def records(path: Path, reader: LogReader, counts: LineCounts) -> Iterator[Record]:
    """The connection records of ``path``; malformed lines counted, never raised."""
    parse = reader.parse
    number = counts.lines
    with open_log(path) as handle:
        for line in iter_lines(handle, path):
            number += 1
            if line is None:
                counts.bad(number)
                continue
            record = parse(line)
            if record is None:
                counts.bad(number)
            elif record is SKIP or not record:
                counts.skipped += 1
            else:
                counts.lines = number
                yield record
            counts.lines = number
    counts.lines = number
