"""Benchmark: the default scan of the hospital lab with and without its second pass.

Run under the lab lock (it starts the lab, scans it twice, stops it):
    LEGACYSCAN_LAB_DIR=/tmp/lab-bench flock /tmp/legacyscan-lab.lock \\
        .venv/bin/python bench/two_pass_scan.py [ROUNDS]

Both scans are the real command line (``legacyscan scan`` of the lab's addresses, the
default profile clinical-safe, community ``public`` only, no credentials file), one with
``--no-second-pass`` (the baseline: the scan as it was before the second pass) and one
as a user runs it; the order alternates over ROUNDS rounds (default 1) so that a warm
cache favours neither.  Prints each scan's wall time, the second pass's share (from its
chunks' journal), what it reached, and the ratio with / without.  Target (issue 17):
the scan with its second pass takes at most 1.5x the baseline.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from legacyscan.lab import runner


def scan(state: runner.LabState, out: Path, second_pass: bool) -> tuple[float, float, int]:
    """Wall seconds of one scan, seconds of its second pass, hosts the second pass reached."""
    argv = [sys.executable, "-m", "legacyscan", "scan", *state.targets,
            "--snmp-port", str(state.snmp_port), "--out", str(out), "--no-db",
            "--as-of", "2026-12-03"]  # fmt: skip
    if not second_pass:
        argv.append("--no-second-pass")
    started = time.monotonic()
    result = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"scan failed: {result.stderr.strip().splitlines()[-1]}")
    stamps = []
    for entry in (out / "nmap").glob("pass2-0*.json"):
        record = json.loads(entry.read_text())
        stamps += [dt.datetime.fromisoformat(record[k]).timestamp()
                   for k in ("started", "finished")]  # fmt: skip
    decisions = json.loads((out / "scan.json").read_text())["scan"]["second_pass"]
    reached = sum(1 for d in decisions if d["scripts"])
    return seconds, (max(stamps) - min(stamps)) if stamps else 0.0, reached


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    state = runner.up("hospital")
    timings: dict[bool, list[float]] = {False: [], True: []}
    try:
        print(f"hospital lab: {len(state.targets)} addresses scanned, {len(state.devices)} devices")
        with tempfile.TemporaryDirectory() as folder:
            for number in range(rounds):
                order = (False, True) if number % 2 == 0 else (True, False)
                for second_pass in order:
                    out = Path(folder) / f"scan-{number}-{int(second_pass)}"
                    seconds, pass2, reached = scan(state, out, second_pass)
                    timings[second_pass].append(seconds)
                    label = "with pass 2   " if second_pass else "without pass 2"
                    extra = f" (pass 2: {pass2:.0f} s, {reached} hosts)" if second_pass else ""
                    print(f"round {number + 1} {label}: {seconds:6.1f} s{extra}")
    finally:
        runner.down()
    without = sum(timings[False]) / len(timings[False])
    with_pass2 = sum(timings[True]) / len(timings[True])
    ratio = with_pass2 / without
    print(
        f"mean: without {without:.1f} s, with {with_pass2:.1f} s; "
        f"ratio {ratio:.2f}x (target <= 1.5x): {'ok' if ratio <= 1.5 else 'OVER'}"
    )


if __name__ == "__main__":
    main()
