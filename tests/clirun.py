"""Run the real ``legacyscan`` entry point in this process, as the shell would.

A new interpreter per call costs seconds on a loaded machine: ``run`` calls ``main()`` in
this process, with its output and exit status captured; ``run_process`` starts a real one.
Every test that runs the CLI uses one of these two.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from legacyscan.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    argv = sys.argv
    sys.argv = ["legacyscan", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    finally:
        sys.argv = argv
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def run_process(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``python -m legacyscan ARGS`` in a new process: for what only a real process shows
    (the exit status a shell sees, signals, the environment, the working folder)."""
    return subprocess.run(
        [sys.executable, "-m", "legacyscan", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
