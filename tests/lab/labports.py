"""Ports for the listener tests: free, distinct, and outside the kernel's ephemeral range.

A port the kernel handed out with ``bind(0)`` comes from the ephemeral range, where any
client socket on the machine (an SNMP poll bound to 0.0.0.0, nmap, a browser) can take it
again before the listener binds it: CI once failed on exactly that. Ports below the range
are only ever taken by an explicit bind, so a port found free here stays free.
"""

from __future__ import annotations

import random
import socket

# Linux's default ip_local_port_range starts at 32768; stay well below it and above
# the well-known services.
LOW, HIGH = 20000, 32000


def _bindable(address: str, port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as probe:
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def unused_ports(address: str, count: int, kind: int = socket.SOCK_STREAM) -> list[int]:
    """count distinct ports that can be bound on address right now."""
    chosen: list[int] = []
    for port in random.sample(range(LOW, HIGH), k=min(HIGH - LOW, count * 20)):
        if _bindable(address, port, kind):
            chosen.append(port)
            if len(chosen) == count:
                return chosen
    raise RuntimeError(f"no {count} free ports on {address} in {LOW}-{HIGH}")


def unused_port(address: str, kind: int = socket.SOCK_STREAM) -> int:
    return unused_ports(address, 1, kind)[0]
