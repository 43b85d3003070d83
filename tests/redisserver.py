"""A throw-away ``redis-server`` for tests: a free loopback port, nothing saved to disk.

``redis_server(folder)`` starts Debian's ``redis-server`` (``--save ''``, ``--appendonly
no``), waits for its PING and stops it when the ``with`` block ends, also on failure.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pgserver import free_port


def redis_skip_reason() -> str | None:
    if shutil.which("redis-server") is None:
        return "redis-server not installed (apt-get install redis-server)"
    try:
        import celery  # noqa: F401
    except ImportError:
        return "celery not installed (pip install 'legacyscan[jobs]')"
    return None


def _ping(port: int) -> bool:
    try:  # Redis's own protocol: PING answers +PONG, or -NOAUTH with a password, once up
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def command(port: int, *args: str, password: str = "") -> bytes:
    """One Redis command's raw answer (RESP), e.g. ``command(port, "LRANGE", key, "0", "-1")``."""
    request = f"*{len(args)}\r\n".encode() + b"".join(
        f"${len(a.encode())}\r\n".encode() + a.encode() + b"\r\n" for a in args
    )
    if password:
        request = f"*2\r\n$4\r\nAUTH\r\n${len(password)}\r\n{password}\r\n".encode() + request
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        time.sleep(0.2)
        chunks = []
        connection.settimeout(0.5)
        try:
            while data := connection.recv(65536):
                chunks.append(data)
        except TimeoutError:
            pass
    return b"".join(chunks)


@contextmanager
def redis_server(folder: Path, password: str = "") -> Iterator[int]:
    """A running Redis on 127.0.0.1 (with ``password``: AUTH required); yields its port."""
    port = free_port()
    with (folder / "redis.log").open("wb") as log:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder),
             *(["--requirepass", password] if password else [])],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not _ping(port):
            assert server.poll() is None, (folder / "redis.log").read_text()
            assert time.monotonic() < deadline, "redis-server did not answer PING"
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
