"""Witnesses for the safety tests: TCP listeners that count connections and bytes, and a
packet counter on the loopback interface that sees even the SYNs a listener never accepts.

Only for addresses the tests themselves use (127.51.0.0/16); everything is stopped by
the context managers, even when a test fails.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Listener:
    """A TCP port that says ``banner`` and counts who came and what they sent."""

    address: str
    port: int
    banner: bytes = b""
    connections: int = 0
    received: int = 0
    _sock: socket.socket = field(init=False, repr=False)
    _open: list[socket.socket] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.address, self.port))
        self._sock.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed by stop()
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.banner:
                    conn.sendall(self.banner)
                conn.settimeout(3)
                while data := conn.recv(4096):
                    with self._lock:
                        self.received += len(data)
            except OSError:
                pass

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self._sock.close()
        with self._lock:
            for conn in self._open:  # an open connection would keep the port busy
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def listening(*listeners: Listener) -> Iterator[tuple[Listener, ...]]:
    started: list[Listener] = []
    try:
        for listener in listeners:
            listener.start()
            started.append(listener)
        yield listeners
    finally:
        for listener in started:
            listener.stop()


class PacketCounter:
    """Counts IPv4 packets on ``lo`` sent to the watched prefix, by (address, proto, port).

    Uses an AF_PACKET socket (root only).  Loopback shows each packet twice (out and in);
    the tests only compare counts with zero.
    """

    def __init__(self, prefix: str = "127.51.") -> None:
        self.prefix = bytes(int(p) for p in prefix.strip(".").split("."))
        self.counts: Counter[tuple[str, int, int]] = Counter()
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self._sock.bind(("lo", 0))
        self._sock.settimeout(0.2)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                frame = self._sock.recv(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            if len(frame) < 34 or frame[12:14] != b"\x08\x00":
                continue
            ip = frame[14:]
            destination = ip[16:20]
            if not destination.startswith(self.prefix):
                continue
            proto, header = ip[9], (ip[0] & 0x0F) * 4
            port = struct.unpack("!H", ip[header + 2 : header + 4])[0] if proto in (6, 17) else 0
            self.counts[(socket.inet_ntoa(destination), proto, port)] += 1

    def to(self, address: str, port: int | None = None) -> int:
        """Packets seen to ``address`` (and ``port``, TCP or UDP, if given)."""
        return sum(n for (a, _, p), n in self.counts.items() if a == address and port in (None, p))

    def __enter__(self) -> PacketCounter:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()
