"""Progress while a chunk runs: read from nmap's growing XML, before the chunk ends.

The real-nmap test scans 127.51.7.0/27 (these tests' own loopback addresses; every
loopback address answers, with closed ports) in host groups of 4, slowly enough that
the one chunk lasts several seconds.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from legacyscan.collect.nmap.chunkstore import FilesystemChunkStore
from legacyscan.collect.nmap.plan import STATS_EVERY, ChunkPlan, ScanPlan
from legacyscan.collect.nmap.runner import ChunkWatch, ScanProgress, run_plan

CHUNK = ChunkPlan(1, ("127.51.7.0/28", "127.51.7.16/28"), 32, ("nmap",))
HOST = (
    '<host starttime="1" endtime="2"><status state="up" reason="localhost-response"/>\n'
    '<address addr="{addr}" addrtype="ipv4"/><ports></ports></host>\n'
)


def test_the_furthest_finished_host_says_how_far_the_chunk_is() -> None:
    watch = ChunkWatch(CHUNK)
    assert watch.position("127.51.7.0") == 1 and watch.position("127.51.7.17") == 18
    assert watch.position("127.51.8.1") == 0
    xml = (
        '<?xml version="1.0"?><nmaprun><taskprogress task="SYN Stealth Scan" time="1" '
        'percent="12.50" remaining="30" etc="2"/>'
        + HOST.format(addr="127.51.7.2")
        + HOST.format(addr="127.51.7.18")
    ).encode()
    cut = xml.index(b"127.51.7.18") - 10  # the second host arrives in two reads
    watch.feed(xml[:cut])
    assert (watch.addresses_done, watch.hosts_up) == (3, 1)  # .0 and .1 were done too
    assert (watch.phase, watch.percent) == ("SYN Stealth Scan", 12.5)
    watch.feed(xml[cut:])
    assert (watch.addresses_done, watch.hosts_up) == (19, 2)


@pytest.mark.lab
@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap is not installed")
def test_progress_moves_before_the_chunk_ends(tmp_path: Path) -> None:
    targets = ("127.51.7.0/27",)
    argv = ("nmap", "-n", "-Pn", "-sT", "-p", "1-60", "--max-rate", "150", "--max-hostgroup",
            "4", "--max-retries", "0", "--stats-every", "1s", "-oX", "-", *targets)  # fmt: skip
    plan = ScanPlan("test", targets, (), 32, 32, 1, (ChunkPlan(1, targets, 32, argv),))
    seen: list[tuple[float, ScanProgress]] = []
    run_plan(
        plan,
        FilesystemChunkStore(tmp_path / "nmap"),
        tmp_path / "work",
        lambda state: seen.append((time.monotonic(), state)),
    )
    during = [s for _, s in seen if s.chunks_done == 0]
    assert seen[-1][1].addresses_done == 32 and seen[-1][1].hosts_up == 32
    moving = [s for s in during if 0 < s.addresses_done < 32]
    assert moving, [s.addresses_done for s in during]  # progress before the chunk ended
    assert len({s.addresses_done for s in moving}) >= 2  # and it kept moving
    assert any(s.eta_s is not None for s in moving)
    assert any(s.phase == "Connect Scan" and s.phase_percent is not None for s in during)


def test_every_planned_chunk_asks_nmap_for_its_progress() -> None:
    from legacyscan.collect.nmap.plan import NmapOptions, plan_scan
    from legacyscan.collect.scope import build_scope

    plan = plan_scan(build_scope(("127.51.7.0/24",)), NmapOptions(chunk_size=64))
    for chunk in plan.chunks:
        at = chunk.argv.index("--stats-every")
        assert chunk.argv[at + 1] == STATS_EVERY and chunk.argv.index("-oX") > at
