"""Web-proxy logs: Squid's native access.log and a CSV with named columns.

Squid's native format (https://wiki.squid-cache.org/Features/LogFormat, "Squid native
access.log format in detail") is ten fields separated by spaces::

    time elapsed remotehost code/status bytes method URL rfc931 peerstatus/peerhost type

``time`` is seconds since 1970 with milliseconds, ``bytes`` what was delivered to the
client, ``rfc931`` the user (ident or proxy authentication, ``-`` when none); a CONNECT
logs ``host:port`` as its URL.  Only the host is taken from the URL: its path and query
string are never read further.

Other proxies export CSV with a header line; :class:`CsvColumns` says which column is
which (defaults: the usual names, listed in ``DEFAULT_NAMES``).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from typing import Any

from legacyscan.collect.logs.fields import (
    SKIP,
    Record,
    Zone,
    epoch,
    epoch_or_iso,
    host_of_url,
)
from legacyscan.collect.logs.source import LogError


class SquidReader:
    name = "squid"
    evidence = "proxy"

    def __init__(self) -> None:
        #: CONNECT targets (``host:443``) repeat all day: their host is cut once
        self._connect: dict[bytes, bytes] = {}

    def parse(self, line: bytes) -> Record | tuple[()] | None:
        fields = line.split(None, 8)  # the ninth holds peerstatus/peerhost and type
        if len(fields) < 9:
            return None if fields else SKIP
        url = fields[6]
        host = self._connect.get(url)
        if host is None:
            host = host_of_url(url)
            if b"/" not in url and len(self._connect) < 100_000:
                self._connect[url] = host
        if not host:
            return None
        return (fields[0], fields[2], host, fields[4], fields[7])

    @staticmethod
    def timestamp(raw: Any) -> float | None:
        return epoch(raw)

    @staticmethod
    def urls(lines: list[bytes | None]) -> list[bytes | None]:
        """The URL field of every line at once (``None``: malformed, ``b""``: empty), for
        the counter's fast path: one comprehension instead of a call per line."""
        return [
            None if line is None
            else b"" if not (fields := line.split(None, 8))
            else fields[6] if len(fields) >= 9
            else None
            for line in lines
        ]  # fmt: skip


#: The column names tried for each field, in order, when the user names none.
DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "time": ("time", "timestamp", "datetime", "date_time", "ts", "date"),
    "client": ("client", "client_ip", "c-ip", "src", "src_ip", "source", "source_ip"),
    "host": ("host", "hostname", "cs-host", "dest_host", "destination", "domain", "url", "cs-uri"),
    "bytes": ("bytes", "sc-bytes", "bytes_out", "size", "bytes_sent"),
    "user": ("user", "username", "cs-username", "user_name"),
}
REQUIRED = ("time", "client", "host")


@dataclass(frozen=True)
class CsvColumns:
    """The user's ``field=column`` choices (``--csv-columns time=date,host=cs-host``)."""

    names: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> CsvColumns:
        if not text:
            return cls()
        pairs = []
        for item in text.split(","):
            field, sep, column = item.partition("=")
            field, column = field.strip(), column.strip()
            if not sep or field not in DEFAULT_NAMES or not column:
                raise LogError(
                    f"--csv-columns: {item.strip()[:40]!r} is not FIELD=COLUMN with FIELD one of "
                    f"{', '.join(DEFAULT_NAMES)}"
                )
            pairs.append((field, column))
        return cls(tuple(pairs))

    def indexes(self, header: list[str], where: str) -> dict[str, int]:
        """Which position holds each field, from the header; required ones must be there."""
        lowered = {name.strip().lower(): i for i, name in enumerate(header)}
        chosen = dict(self.names)
        found: dict[str, int] = {}
        for field, names in DEFAULT_NAMES.items():
            if field in chosen:
                if chosen[field].lower() not in lowered:
                    raise LogError(f"{where}: no column {chosen[field][:40]!r} in the CSV header")
                found[field] = lowered[chosen[field].lower()]
                continue
            for name in names:
                if name in lowered:
                    found[field] = lowered[name]
                    break
        missing = [f for f in REQUIRED if f not in found]
        if missing:
            raise LogError(
                f"{where}: the CSV header has no {' or '.join(missing)} column "
                "(name them with --csv-columns, e.g. time=date,client=c-ip,host=cs-host)"
            )
        return found


class CsvReader:
    """A CSV log with a header line; the header is the first non-empty line."""

    name = "csv"
    evidence = "proxy"

    def __init__(self, columns: CsvColumns, where: str, zone: Zone = dt.UTC) -> None:
        self.columns, self.where, self.zone = columns, where, zone
        self.index: dict[str, int] | None = None

    def parse(self, line: bytes) -> Record | tuple[()] | None:
        if not line.strip() or line.startswith(b"#"):
            return SKIP
        try:
            row = next(csv.reader((line.decode("utf-8", "replace"),)))
        except (csv.Error, StopIteration):
            return None
        if self.index is None:
            self.index = self.columns.indexes(row, self.where)
            return SKIP
        index = self.index
        try:
            host = host_of_url(row[index["host"]].strip().encode("utf-8", "replace"))
            client = row[index["client"]].strip().encode("ascii", "replace")
            moved = row[index["bytes"]].strip() if "bytes" in index else None
            user = row[index["user"]].strip() if "user" in index else None
            return (row[index["time"]], client, host, moved, user)
        except IndexError:
            return None

    def timestamp(self, raw: Any) -> float | None:
        return epoch_or_iso(raw, self.zone)
