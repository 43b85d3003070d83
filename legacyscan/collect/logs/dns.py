"""DNS query logs: BIND's query log and dnsmasq's ``log-queries`` lines.

BIND 9 (category ``queries``; the ARM, https://bind9.readthedocs.io/en/stable/reference.html,
``logging`` / ``querylog``) writes, after the optional time, category and severity::

    07-Dec-2026 09:12:01.342 queries: info: client @0x7f3c5c0a2b48 10.42.30.11#51234
        (chatgpt.com): query: chatgpt.com IN A +E(0)K (10.42.50.53)

(one line, cut here)
Older releases leave out the ``@0x...`` client object.  The time is BIND's ``print-time``
(the server's local time: ``--timezone``, UTC by default) or ISO 8601.

dnsmasq (``log-queries``; dnsmasq(8), https://thekelleys.org.uk/dnsmasq/docs/dnsmasq-man.html)
logs through syslog::

    Dec  7 09:12:01 dnsmasq[812]: query[A] chatgpt.com from 10.42.30.11

(a host name may follow the stamp; ``log-queries=extra`` puts a serial number and the
client's address/port before ``query[``).  Its ``forwarded``, ``reply`` and ``cached``
lines describe the same query and are skipped.  Syslog stamps carry no year: the reader
is given one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from legacyscan.collect.logs.fields import SKIP, Record, Zone, bind_time, syslog_time


class BindReader:
    name = "bind"
    evidence = "dns"

    def __init__(self, year: int, zone: Zone = dt.UTC) -> None:
        self.year = year  # for lines that reached a file through syslog
        self.zone = zone

    def parse(self, line: bytes) -> Record | tuple[()] | None:
        at = line.find(b" query: ")
        if at < 0:
            return SKIP  # another category's line, or an empty one
        start = line.find(b"client ")
        if start < 0 or start > at:
            return None
        words = line[start + 7 : at].split()
        if words and words[0].startswith(b"@0x"):
            words = words[1:]
        if not words or b"#" not in words[0]:
            return None
        client = words[0].rsplit(b"#", 1)[0]
        name = line[at + 8 :].split(None, 1)
        if not name:
            return None
        head = line[:start].split()
        # "07-Dec-2026 09:12:01.342" is two words, "Dec  7 09:12:01" (syslog) three, an
        # ISO 8601 stamp one
        if head and head[0][2:3] == b"-":
            stamp = b" ".join(head[:2])
        elif head and head[0][:1].isalpha() and len(head) >= 3 and head[1].isdigit():
            stamp = b" ".join(head[:3])
        else:
            stamp = head[0] if head else b""
        return (stamp, client, name[0].rstrip(b"."), None, None)

    def timestamp(self, raw: Any) -> float | None:
        seconds = bind_time(raw, self.zone)
        return seconds if seconds is not None else syslog_time(raw, self.year, self.zone)


class DnsmasqReader:
    name = "dnsmasq"
    evidence = "dns"

    def __init__(self, year: int, zone: Zone = dt.UTC) -> None:
        self.year, self.zone = year, zone

    def parse(self, line: bytes) -> Record | tuple[()] | None:
        tag = line.find(b"dnsmasq[")
        if tag < 0:
            return SKIP if not line.strip() else None
        at = line.find(b" query[", tag)
        if at < 0:
            return SKIP  # forwarded, reply, cached, config...: not a new query
        words = line[at + 1 :].split()
        if len(words) < 4 or words[2] != b"from":
            return None
        head = line[:tag].split()
        if head and head[0][:1].isalpha():  # "Dec  7 09:12:01 [host]"
            stamp = b" ".join(head[:3])
        else:  # RFC 3339 from rsyslog: "2026-12-07T09:12:01+01:00 [host]"
            stamp = head[0] if head else b""
        return (stamp, words[3], words[1].rstrip(b"."), None, None)

    def timestamp(self, raw: Any) -> float | None:
        return syslog_time(raw, self.year, self.zone)
