"""The network the topology stage builds: devices, segments, indexes, and the policy.

``Network`` is what reach, risk and the plan read; ``Policy`` is the filtering a what-if
adds; ``kind_of`` is the one place a device's ``class/type`` string is made.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import networkx as nx
from netaddr import AddrFormatError, IPNetwork

from legacyscan.model import AssessedDevice, Message, Segment


def segment_of(address: str | None) -> str | None:
    """The /24 (IPv6 /64) that holds ``address``: the segment assumed when nothing says more."""
    if not address:
        return None
    parts = address.split(".")
    if len(parts) == 4 and all(p.isdigit() and str(int(p)) == p and int(p) < 256 for p in parts):
        # a plain dotted quad, the common case: netaddr's parse costs more than the scan's
        # whole identification of the host
        return f"{parts[0]}.{parts[1]}.{parts[2]}.0/24"
    try:
        network = IPNetwork(address)
    except (AddrFormatError, ValueError):
        return None
    network.prefixlen = 24 if network.version == 4 else 64
    return str(network.cidr)


@dataclass(frozen=True)
class Policy:
    """Filtering added by a what-if: ACLs between segments, isolated segments and devices."""

    blocked: frozenset[tuple[str, str]] = frozenset()  # (from segment, to segment)
    isolated_segments: frozenset[str] = frozenset()
    isolated_devices: frozenset[str] = frozenset()  # each moved to a segment of its own

    def allows(self, source: str, target: str) -> bool:
        """Can traffic go from segment ``source`` to segment ``target``?"""
        if source == target:
            return True
        if source in self.isolated_segments or target in self.isolated_segments:
            return False
        return (source, target) not in self.blocked


def kind_of(device: AssessedDevice) -> str:
    """``class/type`` (``medical/infusion-pump``), or the class when the type is unknown."""
    ident = device.device
    return f"{ident.device_class}/{ident.device_type}" if ident.device_type else ident.device_class


@dataclass
class Network:
    """The graph and the indexes that answer reachability questions without n² pairs."""

    graph: nx.Graph
    devices: dict[str, AssessedDevice]
    segments: dict[str, Segment]
    segments_of: dict[str, tuple[str, ...]]
    flows: dict[str, dict[str, Message]]  # client -> server -> evidence
    answered: dict[str, str]  # address -> what answered the scan ("tcp/445, snmp")
    vantage: str | None
    policy: Policy
    attachment: dict[str, str] = field(default_factory=dict)  # address -> switch node
    notes: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # indexes built on first use

    def is_legacy(self, address: str) -> bool:
        return self.devices[address].is_legacy

    def is_clinical(self, address: str) -> bool:
        return self.devices[address].is_clinical

    def kind(self, address: str) -> str:
        return kind_of(self.devices[address])

    def legacy(self) -> list[str]:
        return [a for a in self.devices if self.devices[a].is_legacy]


def mixed_segments(network: Network) -> Iterator[str]:
    """Segments where legacy IT (a legacy device that is not clinical) meets clinical devices."""
    for name, segment in network.segments.items():
        devices = [network.devices[a] for a in segment.members]
        if any(d.is_clinical for d in devices) and any(
            d.is_legacy and not d.is_clinical for d in devices
        ):
            yield name


@lru_cache(maxsize=1 << 17)
def sort_key(text: str) -> tuple[int, ...]:
    """Sort addresses and CIDRs numerically ('127.42.10.2' before '127.42.10.11')."""
    head = text.split("/")[0]
    try:
        address = ipaddress.ip_address(head.split("%")[0])  # stdlib: 10x faster to parse
    except ValueError:
        return (1 << 20, *(ord(c) for c in text))
    return (0, address.version, int(address))
