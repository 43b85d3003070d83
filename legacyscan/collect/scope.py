"""Targets and the guards around them: what may be scanned, decided before any packet.

Targets are single addresses, CIDR blocks or ranges ("10.1.2.10-10.1.2.40", or nmap's
"10.1.2.10-40"), given on
the command line or in a file.  Exclusions are removed before anything else happens, so
the scope's CIDR blocks cover exactly the addresses that may receive a packet.  Public
(globally routable) addresses are refused unless the user says ``--allow-public``, and
a scope larger than ``max_hosts`` addresses is refused outright: a typo must never turn
into a scan of somebody else's network.  :func:`split` cuts a scope into chunks of
whole addresses for parallel nmap processes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from netaddr import IPSet

from legacyscan.errors import UserError
from legacyscan.files import read_text

DEFAULT_MAX_HOSTS = 65_536
MAX_TARGET_FILE_BYTES = 4 << 20  # ~250,000 addresses, read and merged in seconds


class ScopeError(UserError, ValueError):
    """A target we refuse, with the reason in one line."""


@dataclass(frozen=True)
class Scope:
    targets: tuple[str, ...]  # CIDR blocks covering exactly the addresses to scan
    address_count: int
    excluded: tuple[str, ...] = ()  # what the user excluded (CIDR blocks), for the record


#: An interval of addresses: (IP version, first, last), as integers.
Interval = tuple[int, int, int]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text.strip())


def _parse(target: str) -> list[Interval]:
    """The addresses of one target as intervals (never as lists of addresses).

    An address, a CIDR block (host bits allowed), a range ``FIRST-LAST`` or nmap's
    last-octet range ``10.1.2.10-40``.
    """
    text = target.strip()
    try:
        if "-" in text:
            left, right = (part.strip() for part in text.split("-", 1))
            first = _address(left)
            if right.isdigit() and first.version == 4:  # nmap's 10.1.2.10-40
                if int(right) > 255:
                    raise ValueError("last octet above 255")
                last: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv4Address(
                    (int(first) & ~0xFF) | int(right)
                )
            else:
                last = _address(right)
            if last.version != first.version or int(last) < int(first):
                raise ValueError("the range ends before it starts")
            return [(first.version, int(first), int(last))]
        if "/" in text:
            network = ipaddress.ip_network(text, strict=False)
            return [(network.version, int(network.network_address), int(network.broadcast_address))]
        address = _address(text)
        return [(address.version, int(address), int(address))]
    except ValueError as exc:
        raise ScopeError(
            f"not an address, CIDR block or range: {target!r} (host names are not accepted)"
        ) from exc


def _merged(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with overlapping and adjacent intervals joined."""
    merged: list[Interval] = []
    for version, first, last in sorted(intervals):
        if merged and merged[-1][0] == version and first <= merged[-1][2] + 1:
            if last > merged[-1][2]:
                merged[-1] = (version, merged[-1][1], last)
        else:
            merged.append((version, first, last))
    return merged


def _minus(kept: list[Interval], removed: list[Interval]) -> list[Interval]:
    """``kept`` without the addresses of ``removed`` (both merged), in one pass."""
    result: list[Interval] = []
    j = 0
    for version, first, last in kept:
        while j < len(removed) and (removed[j][0], removed[j][2]) < (version, first):
            j += 1  # entirely before this interval
        start = first
        k = j
        while k < len(removed) and (removed[k][0], removed[k][1]) <= (version, last):
            if removed[k][1] > start:
                result.append((version, start, removed[k][1] - 1))
            start = max(start, removed[k][2] + 1)
            k += 1
        if start <= last:
            result.append((version, start, last))
    return result


def _blocks(first: int, last: int, bits: int) -> Iterator[tuple[int, int]]:
    """The CIDR blocks (start, prefix length) covering exactly ``first..last``."""
    while first <= last:
        aligned = (first & -first).bit_length() - 1 if first else bits
        fits = (last - first + 1).bit_length() - 1
        host_bits = min(aligned, fits)
        yield first, bits - host_bits
        first += 1 << host_bits


def _cidrs(intervals: list[Interval]) -> tuple[str, ...]:
    """Intervals as CIDR strings, computed on integers (netaddr's objects are slow)."""
    found: list[str] = []
    for version, first, last in intervals:
        bits = 32 if version == 4 else 128
        kind = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
        found += (f"{kind(start)}/{prefix}" for start, prefix in _blocks(first, last, bits))
    return tuple(found)


def target_set(targets: tuple[str, ...]) -> tuple[IPSet, frozenset[str]]:
    """The addresses ``targets`` cover, and the targets that are no address (host names,
    anything a stored scan holds that we do not parse), for comparing and counting scopes."""
    intervals: list[Interval] = []
    others = set()
    for target in targets:
        try:
            intervals += _parse(target)
        except ScopeError:
            others.add(target.strip().lower())
    return IPSet(_cidrs(_merged(intervals))), frozenset(others)


#: Blocks that are not routed on the Internet: loopback, RFC 1918, shared address space
#: (RFC 6598), link-local, IPv6 unique-local and link-local.  Anything outside them counts
#: as public: being strict here costs a flag, being lax costs a scan of someone else.
NON_PUBLIC = IPSet(
    [
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    ]
)


_NON_PUBLIC_INTERVALS = tuple((c.version, c.first, c.last) for c in NON_PUBLIC.iter_cidrs())


def _is_public(intervals: list[Interval]) -> bool:
    """Whether an interval reaches outside NON_PUBLIC (compared as integers)."""
    return any(
        not any(
            version == ours and first <= low and high <= last
            for version, first, last in _NON_PUBLIC_INTERVALS
        )
        for ours, low, high in intervals
    )


def address_set(targets: tuple[str, ...]) -> IPSet:
    """The addresses of targets (addresses, CIDR blocks, ranges); a bad one is refused."""
    intervals: list[Interval] = []
    for target in targets:
        intervals += _parse(target)
    return IPSet(_cidrs(_merged(intervals)))


def read_target_file(path: Path) -> tuple[str, ...]:
    """Targets from a file: one or more per line (spaces or commas), ``#`` starts a comment."""
    # A regular file of at most MAX_TARGET_FILE_BYTES: /dev/zero or a FIFO never ends.
    text = read_text(path, ScopeError, MAX_TARGET_FILE_BYTES)
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        for item in line.split("#", 1)[0].replace(",", " ").split():
            try:
                _parse(item)
            except ScopeError as exc:
                raise ScopeError(f"{path}, line {number}: {exc}") from None
            found.append(item)
    return tuple(found)


def build_scope(
    targets: tuple[str, ...],
    allow_public: bool = False,
    max_hosts: int = DEFAULT_MAX_HOSTS,
    exclude: tuple[str, ...] = (),
) -> Scope:
    if not targets:
        raise ScopeError("no target given")
    # Intervals of integers, merged once: adding 100,000 targets one by one to an IPSet
    # would take minutes.
    wanted: list[Interval] = []
    for target in targets:
        parsed = _parse(target)
        if not allow_public and _is_public(parsed):
            raise ScopeError(
                f"{target!r} contains public (globally routable) addresses; "
                "pass --allow-public only if you are authorised to scan them"
            )
        wanted += parsed
    excluded = _merged([interval for item in exclude for interval in _parse(item)])
    kept = _minus(_merged(wanted), excluded)
    count = sum(last - first + 1 for _, first, last in kept)
    if count == 0:
        raise ScopeError("nothing left to scan once the exclusions are removed")
    if count > max_hosts:
        raise ScopeError(
            f"{count} addresses is more than the limit of {max_hosts}; "
            "check the targets, or raise the limit with --max-hosts"
        )
    return Scope(targets=_cidrs(kept), address_count=count, excluded=_cidrs(excluded))


@dataclass(frozen=True)
class Chunk:
    """Consecutive addresses of one family scanned by one nmap process."""

    targets: tuple[str, ...]  # CIDR blocks: exactly the chunk's addresses, nothing else
    address_count: int
    ipv6: bool


def chunk_count(scope: Scope, chunk_size: int) -> int:
    """How many chunks :func:`split` makes, counted from the blocks' sizes (nothing listed)."""
    if chunk_size < 1:
        raise ScopeError("the chunk size must be at least 1")
    sizes = {4: 0, 6: 0}
    for version, first, last in _intervals(scope.targets):
        sizes[version] += last - first + 1
    return sum(-(-size // chunk_size) for size in sizes.values())


def split(scope: Scope, chunk_size: int, limit: int | None = None) -> tuple[Chunk, ...]:
    """Cut the scope into chunks of at most ``chunk_size`` addresses, in address order.

    Works on integer intervals, never on lists of addresses, so a /16 costs nothing;
    IPv4 and IPv6 never share a chunk (nmap needs -6 for the latter).  ``limit``: only
    the first chunks (a dry run's listing of a huge scope).
    """
    if chunk_size < 1:
        raise ScopeError("the chunk size must be at least 1")
    if limit is not None and limit < 1:
        return ()
    intervals: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
    for version, low, high in _intervals(scope.targets):
        intervals[version].append((low, high))
    chunks: list[Chunk] = []
    for version in (4, 6):
        pieces: list[tuple[int, int]] = []
        room = chunk_size
        for first, last in sorted(intervals[version]):
            while first <= last:
                end = min(last, first + room - 1)
                pieces.append((first, end))
                room -= end - first + 1
                first = end + 1
                if room == 0:
                    chunks.append(_chunk(pieces, version))
                    pieces, room = [], chunk_size
                    if limit is not None and len(chunks) >= limit:
                        return tuple(chunks)
        if pieces:
            chunks.append(_chunk(pieces, version))
            if limit is not None and len(chunks) >= limit:
                return tuple(chunks)
    return tuple(chunks)


def _intervals(cidrs: tuple[str, ...]) -> Iterator[Interval]:
    for text in cidrs:
        network = ipaddress.ip_network(text)
        yield network.version, int(network.network_address), int(network.broadcast_address)


def _chunk(pieces: list[tuple[int, int]], version: int) -> Chunk:
    return Chunk(
        targets=_cidrs([(version, first, last) for first, last in pieces]),
        address_count=sum(last - first + 1 for first, last in pieces),
        ipv6=version == 6,
    )
