"""Benchmark: start-up time and memory of the lab, default hospital vs --scale N.

Run under the lab lock (it starts the lab):
    LEGACYSCAN_LAB_DIR=/tmp/lab-bench flock /tmp/legacyscan-lab.lock \\
        .venv/bin/python bench/lab_scale.py 5000

Prints, for the default scenario (the baseline, measured in the same run) and the
scaled one: devices, processes, seconds to answer, and the summed RSS of every lab
process (each process group started by the lab), with the ratios scaled/baseline.
Targets (issue 3): default < 15 s; 5,000 devices < 1 GB.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from legacyscan.lab import runner


def _group_rss_mib(leaders: tuple[int, ...]) -> float:
    total_kib = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) not in leaders:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        except (OSError, ProcessLookupError):
            continue
    return total_kib / 1024


def measure(scale: int | None) -> tuple[int, int, float, float]:
    started = time.monotonic()
    state = runner.up("hospital", scale=scale)
    seconds = time.monotonic() - started
    try:
        rss = _group_rss_mib(state.pids)
    finally:
        runner.down()
    return len(state.devices), len(state.pids), seconds, rss


def main() -> None:
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    base = measure(None)
    big = measure(scale)
    for label, (devices, processes, seconds, rss) in (("hospital", base), (f"x{scale}", big)):
        print(f"{label:>10}: {devices:>6} devices, {processes:>3} processes, "
              f"up in {seconds:6.1f} s, RSS {rss:7.1f} MiB")  # fmt: skip
    print(f"ratio: devices x{big[0] / base[0]:.1f}, time x{big[2] / base[2]:.1f}, "
          f"memory x{big[3] / base[3]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
