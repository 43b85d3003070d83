"""Opening a log file a user gave and reading it line by line with flat memory.

A log may be gzip or not (told by its magic bytes, not its name), any size, and tampered
with: a FIFO or a device is refused before it is opened, lines are split out of fixed-size
blocks (a 2 GB line costs one block of memory, not 2 GB) and a line longer than
``MAX_LINE`` is handed on as ``None`` for the caller to count as malformed.  Lines stay
bytes: the readers cut out the few fields they need and never decode the rest, so that
invalid UTF-8 is just another byte.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from legacyscan.errors import UserError
from legacyscan.files import GZIP_MAGIC

#: Far above any real log line (Squid's longest URLs are a few KiB), far below memory.
MAX_LINE = 64 << 10
BLOCK = 1 << 20
#: Line numbers of the first malformed lines a summary keeps, for the user to look at.
FIRST_MALFORMED = 5


class LogError(UserError):
    """A log file we cannot read at all (not a file, not a log, unreadable)."""


@dataclass
class LineCounts:
    """What reading one file found, counted as it goes (mutable: one per file)."""

    lines: int = 0
    matched: int = 0
    malformed: int = 0
    skipped: int = 0  # lines of the format that are not a connection (comments, replies)
    first_malformed: list[int] = field(default_factory=list)

    def bad(self, number: int) -> None:
        self.malformed += 1
        if len(self.first_malformed) < FIRST_MALFORMED:
            self.first_malformed.append(number)


def open_log(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes, gunzipped on the fly when it is gzip."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise LogError(f"{path}: not a regular file (a pipe, a device or a folder)")
        # O_NONBLOCK: were it swapped for a FIFO since the check, open would not block.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        raw = io.BufferedReader(io.FileIO(descriptor, "rb"), buffer_size=BLOCK)
        zipped = raw.peek(2)[:2] == GZIP_MAGIC
    except OSError as exc:
        raise LogError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if zipped:
        # BufferedReader over GzipFile: block reads happen in C, not per line
        unzipped = gzip.GzipFile(fileobj=raw, mode="rb")
        return io.BufferedReader(unzipped, buffer_size=BLOCK)
    return raw


def head(path: Path, limit: int = 16) -> list[bytes]:
    """The first ``limit`` non-empty lines (for telling the format), each cut at MAX_LINE."""
    out: list[bytes] = []
    with open_log(path) as handle:
        for line in iter_lines(handle, path):
            if line is None:
                continue
            if line.strip():
                out.append(line)
            if len(out) >= limit:
                break
    return out


def _clean(parts: list[bytes], crlf: bool) -> list[bytes | None]:
    """The lines of one block: ``None`` for those too long, the CR of CRLF removed."""
    lines: list[bytes | None] = list(parts)
    if max(map(len, parts), default=0) > MAX_LINE:  # rare: only then look at each
        lines = [None if len(p) > MAX_LINE else p for p in parts]
    if crlf:
        lines = [p[:-1] if p is not None and p.endswith(b"\r") else p for p in lines]
    return lines


def iter_blocks(handle: BinaryIO, path: Path) -> Iterator[list[bytes | None]]:
    """The lines of ``handle``, a block's worth at a time, without their ends of line;
    ``None`` for a line too long (a line is never split between two lists).

    A truncated or corrupt gzip stream ends the file with a one-line error, after the
    lines read so far have been handed on (nothing collected is lost).
    """
    carry = b""
    dropping = False  # inside a line already reported as too long
    try:
        while True:
            block = handle.read(BLOCK)
            if not block:
                break
            parts = block.split(b"\n")
            carry += parts[0]
            if len(parts) == 1:  # no end of line in this block
                if len(carry) > MAX_LINE:
                    if not dropping:
                        yield [None]
                    dropping, carry = True, b""
                continue
            first: list[bytes | None] = []
            if dropping:
                dropping = False
            else:
                first = _clean([carry], carry.endswith(b"\r"))
            carry = parts.pop()
            lines = first + _clean(parts[1:], b"\r" in block)
            if len(carry) > MAX_LINE:
                lines.append(None)
                dropping, carry = True, b""
            yield lines
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise LogError(f"{path}: corrupt or truncated gzip data ({exc})") from None
    except OSError as exc:
        raise LogError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if carry and not dropping:
        yield _clean([carry], carry.endswith(b"\r"))


def iter_lines(handle: BinaryIO, path: Path) -> Iterator[bytes | None]:
    """Every line of ``handle`` (see ``iter_blocks``), one at a time."""
    for lines in iter_blocks(handle, path):
        yield from lines
