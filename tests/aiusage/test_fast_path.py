"""The counter's Squid fast path (a block's URLs cut at once) gives exactly what the
general line-by-line loop gives: same counts, same malformed lines, same skips."""

from __future__ import annotations

from pathlib import Path

import pytest
from testpaths import FIXTURES

from legacyscan.aiusage.catalogue import load_catalogue
from legacyscan.aiusage.count import Counter
from legacyscan.collect.logs import reader_for
from legacyscan.collect.logs.source import MAX_LINE


def both(path: Path) -> list[tuple[object, ...]]:
    out = []
    for fast in (True, False):
        counter = Counter(load_catalogue(), lambda seconds: (0, 0))
        counter.fast = fast
        summary = counter.read(path, reader_for(path, "squid"))
        out.append((summary, sorted(counter.tally.counts.items())))
    return out


def test_fixture_agrees() -> None:
    fast, slow = both(FIXTURES / "logs" / "squid-access.log")
    assert fast == slow
    assert fast[0].matched == 5 and fast[0].first_malformed == (6,)


@pytest.mark.parametrize("crlf", [False, True])
def test_hostile_lines_agree(tmp_path: Path, crlf: bool) -> None:
    good = b"1793697121.000 1 10.0.0.1 TCP_TUNNEL/200 5 CONNECT chatgpt.com:443 u HIER/x -"
    lines = [
        good, b"", b"\x1b[2J only escapes", b"x" * (MAX_LINE + 10),
        good.replace(b"chatgpt", b"\xff"),
        b"1793697122.000 1 10.0.0.2 TCP_MISS/200 9 GET http://<b>x.openai.com/p?q - -/- -",
        b"1793697123.000 1 10.0.0.3 TCP_MISS/200 9 GET /no/host - -/- -",
        b"1793697124.000 1 not-an-ip TCP_TUNNEL/200 5 CONNECT claude.ai:443 - HIER/x -",
        good,
    ]  # fmt: skip
    log = tmp_path / "access.log"
    log.write_bytes((b"\r\n" if crlf else b"\n").join(lines * 3000) + b"\n")
    fast, slow = both(log)
    assert fast == slow
    summary = fast[0]
    assert summary.lines == len(lines) * 3000
    assert summary.matched == 2 * 3000
    assert summary.first_malformed == (3, 4, 6, 7, 8)
