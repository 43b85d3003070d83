"""Run the real ``legacyscan`` entry point in this process, as the shell would.

A new interpreter per call costs seconds on a loaded machine; the tests of tests/cli/ that
need many calls run ``main()`` here, with its output and exit status captured.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys

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
