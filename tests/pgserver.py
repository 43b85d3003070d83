"""A throw-away PostgreSQL server for tests: Debian's binaries, a temporary folder, loopback.

``initdb`` into a temporary folder, owned by an unprivileged user when the tests run as
root (PostgreSQL refuses to run as root), listening on 127.0.0.1 at a free port and on a
socket in that folder; stopped and removed when the ``with`` block ends, also when a
test fails.  Used by the inventory tests (``tests/inventory/conftest.py``) and the jobs
integration test.  ``pg_skip_reason()`` says why there can be none here.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_skip_reason() -> str | None:
    if pg_bin() is None:
        return "PostgreSQL binaries not found (apt-get install postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg not installed (pip install 'legacyscan[postgres]')"
    return None


class PostgresServer:
    def __init__(self, url: str) -> None:
        self.url = url
        self._names = itertools.count(1)

    def new_schema_url(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return f"{self.url}?options=-csearch_path%3D{name}"


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = pg_bin()
    assert bin_dir is not None, pg_skip_reason()
    root = Path(tempfile.mkdtemp(prefix="legacyscan-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: hand the folder to nobody
        shutil.chown(root, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    data, log, port = root / "data", root / "server.log", free_port()
    pg_ctl = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data)]
    started = False
    try:
        subprocess.run(
            [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "legacyscan",
             "--auth=trust", "--no-sync", "-E", "UTF8"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} "
            "-c fsync=off -c full_page_writes=off"
        )
        started = True
        subprocess.run(
            [*pg_ctl, "-o", options, "-l", str(log), "-w", "-t", "60", "start"],
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip
        yield PostgresServer(f"postgresql://legacyscan@127.0.0.1:{port}/postgres")
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
