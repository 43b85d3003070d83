"""The small pieces every log reader shares: the record a reader hands on, the host of a
URL, and timestamps in the formats the logs write.

A reader turns one line into a :data:`Record` -- ``(time, client, host, bytes, user)``,
each still the bytes (or JSON value) the line held -- or ``None`` (malformed) or
:data:`SKIP` (a line of the format that is not a connection: a comment, a DNS reply).
Times, clients and hosts are decoded only for the lines whose host is an AI service, so
that the millions of other lines cost a split and a dictionary look-up.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

#: (time, client address, destination host, bytes or None, user or None)
Record = tuple[Any, Any, bytes, Any, Any]
#: A line that belongs to the format but records no connection.
SKIP: tuple[()] = ()

#: Times before 2000 or after 2100 are a misread field, not a log line of this century.
_EARLIEST, _LATEST = 946684800.0, 4102444800.0
_MONTHS = {m.encode(): n for n, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}  # fmt: skip
_BIND_TIME = re.compile(
    rb"^(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$"
)
_SYSLOG_TIME = re.compile(rb"^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})$")


def host_of_url(url: bytes) -> bytes:
    """The host of ``http://user@host:port/path?query``, of ``host:443`` (a CONNECT) or of
    a bare ``host/path``; empty when there is none (a path only, an IPv6 literal)."""
    hostport = (url.split(b"://", 1)[1] if b"://" in url else url).split(b"/", 1)[0]
    if b"@" in hostport or b"?" in hostport or b"#" in hostport or b"[" in hostport:
        hostport = re.split(rb"[?#]", hostport, maxsplit=1)[0].rsplit(b"@", 1)[-1]
        if hostport.startswith(b"["):
            return b""
    return hostport.split(b":", 1)[0]


def _checked(seconds: float) -> float | None:
    if not math.isfinite(seconds) or not _EARLIEST <= seconds < _LATEST:
        return None
    return seconds


def epoch(raw: Any) -> float | None:
    """Seconds since 1970 written as a number (Squid, Zeek): ``1764583200.123``."""
    try:
        return _checked(float(raw))
    except (TypeError, ValueError, OverflowError):
        return None


#: Where a time written without a zone was written (BIND's print-time, syslog stamps):
#: UTC unless the user says (``ai-usage --timezone Europe/Paris``).
Zone = dt.tzinfo


def iso8601(raw: Any, zone: Zone = dt.UTC) -> float | None:
    """``2026-11-03T09:12:01.342Z`` or with an offset; without a zone, in ``zone``."""
    try:
        text = raw.decode("ascii") if isinstance(raw, bytes) else str(raw)
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (UnicodeDecodeError, ValueError, TypeError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return _checked(when.timestamp())


def epoch_or_iso(raw: Any, zone: Zone = dt.UTC) -> float | None:
    """Zeek writes either, depending on ``LogAscii::json_timestamps``; CSV exports too."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _checked(float(raw))
    seconds = epoch(raw)
    return seconds if seconds is not None else iso8601(raw, zone)


def _at(
    zone: Zone, year: int, month: int, day: int, h: int, m: int, s: int, micro: int = 0
) -> float | None:
    try:
        return _checked(dt.datetime(year, month, day, h, m, s, micro, tzinfo=zone).timestamp())
    except ValueError:  # 31 February
        return None


def bind_time(raw: bytes, zone: Zone = dt.UTC) -> float | None:
    """BIND's ``print-time yes``: ``07-Dec-2026 09:12:01.342`` (read as UTC), or ISO 8601
    (``print-time iso8601`` / ``iso8601-utc``)."""
    found = _BIND_TIME.match(raw)
    if found is None:
        return iso8601(raw, zone)
    day, month, year, h, m, s, frac = found.groups()
    if month not in _MONTHS:
        return None
    micro = int((frac or b"0").ljust(6, b"0"))
    return _at(zone, int(year), _MONTHS[month], int(day), int(h), int(m), int(s), micro)


def syslog_time(raw: bytes, year: int, zone: Zone = dt.UTC) -> float | None:
    """A syslog stamp ``Dec  7 09:12:01`` (no year: the caller's), or RFC 3339."""
    found = _SYSLOG_TIME.match(raw)
    if found is None:
        return iso8601(raw, zone)
    month, day, h, m, s = found.groups()
    if month not in _MONTHS:
        return None
    return _at(zone, year, _MONTHS[month], int(day), int(h), int(m), int(s))
