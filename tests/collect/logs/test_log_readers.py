"""The log readers on samples written from each format's documentation
(tests/fixtures/logs/README.md), and on hostile input: escapes, huge lines, invalid
UTF-8, gzip (whole, truncated), files that are no log."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from testpaths import FIXTURES

from legacyscan.collect.logs import LineCounts, LogError, reader_for, records
from legacyscan.collect.logs.fields import host_of_url
from legacyscan.collect.logs.source import MAX_LINE, iter_lines, open_log

LOGS = FIXTURES / "logs"
T0 = dt.datetime(2026, 11, 3, 9, 12, 1, tzinfo=dt.UTC).timestamp()


def read(path: Path, fmt: str = "auto") -> tuple[str, list[tuple[float, str, str]], LineCounts]:
    reader = reader_for(path, fmt, year=2026)
    counts = LineCounts()
    out = []
    for record in records(path, reader, counts):
        seconds = reader.timestamp(record[0])
        assert seconds is not None, record
        out.append((round(seconds - T0, 3), record[1].decode(), record[2].decode()))
    return reader.name, out, counts


def test_squid_native() -> None:
    name, found, counts = read(LOGS / "squid-access.log")
    assert name == "squid"
    assert found == [
        (0.0, "10.42.30.11", "chatgpt.com"),
        (1.0, "10.42.30.12", "www.example.org"),
        (2.0, "10.42.40.11", "api.openai.com"),
        (3.0, "10.42.40.12", "claude.ai"),
        (4.0, "10.42.40.12", "chat.mistral.ai"),
        (5.0, "10.42.30.11", "CHATGPT.COM."),  # normalised by the matcher, not here
    ]
    assert (counts.lines, counts.malformed, counts.first_malformed) == (7, 1, [6])


def test_squid_record_has_bytes_and_user() -> None:
    reader = reader_for(LOGS / "squid-access.log")
    line = (LOGS / "squid-access.log").read_bytes().splitlines()[2]
    record = reader.parse(line)
    assert record and record[3] == b"3021" and record[4] == b"jdupont"


def test_csv_with_named_columns() -> None:
    name, found, counts = read(LOGS / "proxy.csv")
    assert name == "csv"
    assert [f[2] for f in found] == ["chatgpt.com", "www.example.org", "api.openai.com"]
    assert (counts.malformed, counts.first_malformed) == (1, [5])


def test_csv_columns_named_by_the_user(tmp_path: Path) -> None:
    from legacyscan.collect.logs import CsvColumns

    log = tmp_path / "bluecoat.csv"
    log.write_text("stamp,src,dst,len\n1793697121,10.1.2.3,claude.ai,10\n")
    columns = CsvColumns.parse("time=stamp,client=src,host=dst,bytes=len")
    reader = reader_for(log, "csv", columns)
    counts = LineCounts()
    assert list(records(log, reader, counts)) == [
        ("1793697121", b"10.1.2.3", b"claude.ai", "10", None)
    ]
    with pytest.raises(LogError, match="no column 'nope'"):
        list(records(log, reader_for(log, "csv", CsvColumns.parse("host=nope")), LineCounts()))
    with pytest.raises(LogError, match="FIELD=COLUMN"):
        CsvColumns.parse("colour=blue")


def test_bind_query_log() -> None:
    name, found, counts = read(LOGS / "bind-query.log")
    assert name == "bind"
    assert found == [
        (0.342, "10.42.30.11", "chatgpt.com"),
        (1.118, "10.42.30.12", "www.example.org"),
        (2.907, "10.42.40.11", "copilot.microsoft.com"),  # no @0x client object
        (4.25, "10.42.40.12", "api.deepseek.com"),
    ]
    assert (counts.skipped, counts.malformed) == (1, 0)  # the "general" line


def test_dnsmasq_log_queries() -> None:
    name, found, counts = read(LOGS / "dnsmasq.log")
    assert name == "dnsmasq"
    assert found == [
        (0.0, "10.42.30.11", "chatgpt.com"),
        (1.0, "10.42.40.11", "perplexity.ai"),  # a host name after the stamp
        (3.0, "10.42.40.12", "character.ai"),  # log-queries=extra
    ]
    assert (counts.skipped, counts.malformed, counts.first_malformed) == (3, 1, [7])


@pytest.mark.parametrize("name", ["zeek-dns.log", "zeek-dns.json"])
def test_zeek_dns(name: str) -> None:
    fmt, found, counts = read(LOGS / name)
    assert fmt == "zeek-dns"
    hosts = [f[2] for f in found]
    assert hosts[:3] == ["chatgpt.com", "www.example.org", "gemini.google.com"]
    assert found[0][:2] == (0.0, "10.42.30.11")
    assert counts.malformed == 0
    if name.endswith(".json"):
        assert found[3] == (3.0, "10.42.40.12", "claude.ai")  # an ISO 8601 ts


@pytest.mark.parametrize("name", ["zeek-ssl.log", "zeek-ssl.json"])
def test_zeek_ssl_sni(name: str) -> None:
    fmt, found, counts = read(LOGS / name)
    assert fmt == "zeek-ssl"
    assert [f[2] for f in found] == ["chatgpt.com", "api.anthropic.com"]  # no SNI: skipped
    assert counts.malformed == 0


def test_gzip_is_told_by_its_bytes(tmp_path: Path) -> None:
    packed = tmp_path / "access.log.1"  # no .gz in the name
    packed.write_bytes(gzip.compress((LOGS / "squid-access.log").read_bytes()))
    assert read(packed)[1] == read(LOGS / "squid-access.log")[1]


def test_truncated_gzip_is_one_line(tmp_path: Path) -> None:
    packed = tmp_path / "cut.gz"
    packed.write_bytes(gzip.compress((LOGS / "squid-access.log").read_bytes() * 3000)[:-30])
    reader = reader_for(packed)
    counts = LineCounts()
    with pytest.raises(LogError, match="truncated|corrupt"):
        for _ in records(packed, reader, counts):
            pass
    assert counts.lines > 0  # what was read before the cut was handed on


def test_not_a_log(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("Dear colleague,\nplease find attached the minutes.\n")
    with pytest.raises(LogError, match="not a log legacyscan reads"):
        reader_for(other)
    with pytest.raises(LogError, match="not a regular file"):
        reader_for(tmp_path)


def test_hostile_lines_are_counted_not_fatal(tmp_path: Path) -> None:
    good = (LOGS / "squid-access.log").read_bytes().splitlines()[0]
    hostile = [
        good,
        b"\x1b]0;owned\x07 \x1b[2J" * 3,  # terminal escapes
        b"1793697121.000 1 10.0.0.1 TCP_MISS/200 1 GET http://\xff\xfe.openai.com/ - -/- -",
        b"x" * (MAX_LINE * 3),  # a line far too long, across read blocks
        b"\x00" * 100,
        good,
    ]
    log = tmp_path / "access.log"
    log.write_bytes(b"\n".join(hostile) + b"\n")
    counts = LineCounts()
    found = list(records(log, reader_for(log, "squid"), counts))
    assert len(found) == 3  # the two good lines, and the invalid UTF-8 host (bytes)
    assert found[1][2] == b"\xff\xfe.openai.com"
    assert counts.lines == 6
    assert counts.first_malformed == [2, 4, 5]


def test_huge_line_memory_is_one_block(tmp_path: Path) -> None:
    log = tmp_path / "one-line.log"
    with log.open("wb") as out:
        for _ in range(64):
            out.write(b"y" * (1 << 20))  # 64 MiB without a line break
        out.write(b"\nlast\n")
    with open_log(log) as handle:
        lines = list(iter_lines(handle, log))
    assert lines == [None, b"last"]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        (b"http://user:pw@chatgpt.com:8080/a/b?c=d", b"chatgpt.com"),
        (b"chatgpt.com:443", b"chatgpt.com"),
        (b"https://claude.ai?x=1", b"claude.ai"),
        (b"claude.ai/new", b"claude.ai"),
        (b"http://[2001:db8::1]/x", b""),
        (b"/just/a/path", b""),
    ],
)
def test_host_of_url(url: bytes, host: bytes) -> None:
    assert host_of_url(url) == host


def test_a_damaged_first_line_does_not_hide_the_format(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(b"\x00\x00garbage\n" + (LOGS / "squid-access.log").read_bytes())
    assert reader_for(log).name == "squid"


def test_bind_older_and_syslog_forms() -> None:
    reader = reader_for(LOGS / "bind-query.log")
    # BIND 9.9 and before: no (name) after the client; through syslog: no year
    old = b"03-Nov-2026 09:12:01.000 client 10.42.30.11#51234: query: claude.ai IN A + (10.0.0.1)"
    syslog = b"Nov  3 09:12:01 ns1 named[901]: client 10.42.30.11#5: query: claude.ai IN A +"
    for line in (old, syslog):
        record = reader.parse(line)
        assert record and record[1:3] == (b"10.42.30.11", b"claude.ai"), line
        assert reader.timestamp(record[0]) == T0, line


def test_local_times_in_the_given_zone() -> None:
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")  # UTC+1 in November
    bind = reader_for(LOGS / "bind-query.log", zone=paris)
    record = bind.parse((LOGS / "bind-query.log").read_bytes().splitlines()[0])
    assert record and bind.timestamp(record[0]) == T0 + 0.342 - 3600
    dnsmasq = reader_for(LOGS / "dnsmasq.log", year=2026, zone=paris)
    record = dnsmasq.parse((LOGS / "dnsmasq.log").read_bytes().splitlines()[0])
    assert record and dnsmasq.timestamp(record[0]) == T0 - 3600
    squid = reader_for(LOGS / "squid-access.log", zone=paris)  # seconds since 1970: no zone
    record = squid.parse((LOGS / "squid-access.log").read_bytes().splitlines()[0])
    assert record and squid.timestamp(record[0]) == T0
