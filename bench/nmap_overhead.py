"""legacyscan's nmap stage versus the identical nmap command run directly, on the lab.

Starts the minimal lab, plans the default (clinical-safe) scan of its devices, then
alternates, ``--rounds`` times:

* direct: every chunk's exact nmap command line, run with the same parallelism,
  output to a file — the baseline;
* legacyscan: the same plan through ``nmap_runner.run_plan`` — process management,
  gzip evidence and journal written atomically, every XML decoded into Host records.

Prints the median of each and the overhead (target: <= 10 %), then one whole
``legacyscan scan`` for context (it also polls SNMP, identifies and writes reports).
Run it under the lab lock, with your own lab state folder::

    export LEGACYSCAN_LAB_DIR=/tmp/lab-$USER
    flock /tmp/legacyscan-lab.lock python bench/nmap_overhead.py
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from legacyscan.collect.nmap.chunkstore import FilesystemChunkStore
from legacyscan.collect.nmap.plan import ScanPlan, plan_scan
from legacyscan.collect.nmap.runner import run_plan
from legacyscan.collect.scope import build_scope
from legacyscan.lab import runner


def direct(plan: ScanPlan, work: Path) -> float:
    """Run the plan's command lines as they are, ``plan.parallel`` at a time."""
    start = time.perf_counter()
    pending = list(plan.chunks)
    running: list[subprocess.Popen[bytes]] = []
    while pending or running:
        while pending and len(running) < plan.parallel:
            chunk = pending.pop(0)
            with open(work / f"direct-{chunk.index}.xml", "wb") as out:
                running.append(subprocess.Popen(chunk.argv, stdout=out, stdin=subprocess.DEVNULL))
        for process in list(running):
            if process.poll() is not None:
                assert process.returncode == 0, "nmap failed"
                running.remove(process)
        time.sleep(0.01)
    return time.perf_counter() - start


def through_legacyscan(plan: ScanPlan, work: Path) -> float:
    start = time.perf_counter()
    result = run_plan(plan, FilesystemChunkStore(work), work, poll_interval=0.01)
    elapsed = time.perf_counter() - start
    assert sum(len(run.hosts) for run in result.runs) >= 7
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs of each (default 5)")
    options = parser.parse_args()
    state = runner.up()
    try:
        plan = plan_scan(build_scope(state.targets))
        print(f"lab: {len(state.devices)} devices; profile {plan.profile}, "
              f"{len(plan.chunks)} chunk(s)")  # fmt: skip
        for chunk in plan.chunks:
            print(f"  {chunk.command_line}")
        ours: list[float] = []
        theirs: list[float] = []
        with tempfile.TemporaryDirectory(prefix="bench-nmap-") as tmp:
            for number in range(options.rounds):
                base = Path(tmp) / str(number)
                (base / "direct").mkdir(parents=True)
                theirs.append(direct(plan, base / "direct"))
                ours.append(through_legacyscan(plan, base / "legacyscan"))
                print(f"  round {number + 1}: direct {theirs[-1]:.2f} s, "
                      f"legacyscan {ours[-1]:.2f} s", flush=True)  # fmt: skip
            mine, baseline = statistics.median(ours), statistics.median(theirs)
            print(f"median: direct nmap {baseline:.2f} s, through legacyscan {mine:.2f} s")
            print(f"overhead: {100 * (mine / baseline - 1):+.1f} % (ratio {mine / baseline:.3f}; "
                  f"target <= +10 %)")  # fmt: skip
            start = time.perf_counter()
            whole = subprocess.run(
                [sys.executable, "-m", "legacyscan", "scan", *state.targets,
                 "--snmp-port", str(state.snmp_port), "--out", str(Path(tmp) / "whole"),
                 "--as-of", "2026-11-23"],
                capture_output=True, text=True,
            )  # fmt: skip
            assert whole.returncode == 0, whole.stderr
            print(f"whole 'legacyscan scan' (nmap + SNMP + identify + reports, new "
                  f"interpreter): {time.perf_counter() - start:.2f} s")  # fmt: skip
    finally:
        runner.down()


if __name__ == "__main__":
    main()
