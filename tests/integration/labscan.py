"""What the lab integration tests share: a lab that is always stopped, and a scan of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from legacyscan.lab import runner

AS_OF = "2026-11-23"


@contextmanager
def running_lab(scenario: str, state_dir: Path) -> Iterator[runner.LabState]:
    """The scenario's lab, its state in ``state_dir``; stopped even when a test fails."""
    previous = os.environ.get("LEGACYSCAN_LAB_DIR")
    os.environ["LEGACYSCAN_LAB_DIR"] = str(state_dir)
    try:
        state = runner.up(scenario)
        try:
            yield state
        finally:
            runner.down()
    finally:
        if previous is None:
            os.environ.pop("LEGACYSCAN_LAB_DIR", None)
        else:
            os.environ["LEGACYSCAN_LAB_DIR"] = previous


def scan_lab(
    state: runner.LabState, out: Path, timeout: float, targets: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``legacyscan scan`` of the lab (or of ``targets`` only) through the real CLI; its
    scan.json, with ``_out``."""
    result = subprocess.run(
        [sys.executable, "-m", "legacyscan", "scan", *(targets or state.targets),
         "--snmp-port", str(state.snmp_port), "--out", str(out), "--as-of", AS_OF],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads((out / "scan.json").read_text())
    data["_out"] = str(out)
    return data
