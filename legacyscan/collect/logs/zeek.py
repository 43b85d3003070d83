"""Zeek's ``dns.log`` (queries) and ``ssl.log`` (the TLS server name, SNI), in both the
tab-separated format and JSON (https://docs.zeek.org/en/master/logs/dns.html,
https://docs.zeek.org/en/master/logs/ssl.html, and "Zeek Log Formats and Inspection",
https://docs.zeek.org/en/master/log-formats.html).

The TSV form starts with ``#separator \\x09``, ``#unset_field -``, ``#path dns`` and a
``#fields`` line naming the columns; the reader finds ``ts``, ``id.orig_h`` and ``query``
(or ``server_name``) by those names, so extra or reordered columns are fine.  A field
holding the separator is written ``\\x09``.  The JSON form is one object per line with
the same names; ``ts`` is seconds since 1970 or ISO 8601 (``LogAscii::json_timestamps``).
"""

from __future__ import annotations

import json
from typing import Any

from legacyscan.collect.logs.fields import SKIP, Record, epoch_or_iso

#: The column that holds the destination in each log.
TARGET = {"dns": "query", "ssl": "server_name"}
EVIDENCE = {"dns": "dns", "ssl": "tls"}


def _bytes(value: Any) -> bytes:
    return value.encode("utf-8", "replace") if isinstance(value, str) else b""


class ZeekReader:
    """One Zeek log, ``kind`` "dns" or "ssl"; TSV header lines update the columns."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = f"zeek-{kind}"
        self.evidence = EVIDENCE[kind]
        self.target = TARGET[kind]
        self.separator = b"\t"
        self.unset = b"-"
        self.columns: tuple[int, int, int] | None = None  # ts, id.orig_h, target

    def parse(self, line: bytes) -> Record | tuple[()] | None:
        if line[:1] == b"{":
            return self._json(line)
        if line[:1] == b"#":
            self._header(line)
            return SKIP
        if not line.strip():
            return SKIP
        if self.columns is None:
            return None  # data before any #fields line
        fields = line.split(self.separator)
        ts, client, target = self.columns
        try:
            host = fields[target]
            if host == self.unset or not host:
                return SKIP  # a TLS session without SNI, a query without a name
            return (fields[ts], fields[client], host, None, None)
        except IndexError:
            return None

    def _header(self, line: bytes) -> None:
        if line.startswith(b"#separator "):
            text = line[len(b"#separator ") :].strip()
            self.separator = text.decode("unicode_escape", "replace").encode("latin-1", "replace")
            return
        name, _, value = line.partition(self.separator)
        if name == b"#unset_field":
            self.unset = value
        elif name == b"#fields":
            names = value.split(self.separator)
            try:
                self.columns = (
                    names.index(b"ts"), names.index(b"id.orig_h"),
                    names.index(self.target.encode()),
                )  # fmt: skip
            except ValueError:
                self.columns = None

    def _json(self, line: bytes) -> Record | tuple[()] | None:
        try:
            data = json.loads(line)
        except ValueError:  # also invalid UTF-8
            return None
        if not isinstance(data, dict) or "ts" not in data or "id.orig_h" not in data:
            return None
        host = data.get(self.target)
        if host is None:
            return SKIP if self.kind == "ssl" else None  # a TLS session without SNI
        if not isinstance(host, str):
            return None
        return (data["ts"], _bytes(data["id.orig_h"]), _bytes(host), None, None)

    @staticmethod
    def timestamp(raw: Any) -> float | None:
        return epoch_or_iso(raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw)
