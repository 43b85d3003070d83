"""Targets and the guards around them: what may be scanned, decided before any packet.

Targets are single addresses, CIDR blocks or ranges ("10.1.2.10-10.1.2.40"), given on
the command line or in a file.  Exclusions are removed before anything else happens, so
the scope's CIDR blocks cover exactly the addresses that may receive a packet.  Public
(globally routable) addresses are refused unless the user says ``--allow-public``, and
a scope larger than ``max_hosts`` addresses is refused outright: a typo must never turn
into a scan of somebody else's network.  :func:`split` cuts a scope into chunks of
whole addresses for parallel nmap processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netaddr import AddrFormatError, IPAddress, IPNetwork, IPRange, IPSet, iprange_to_cidrs

from legacyscan.errors import UserError

DEFAULT_MAX_HOSTS = 65_536


class ScopeError(UserError, ValueError):
    """A target we refuse, with the reason in one line."""


@dataclass(frozen=True)
class Scope:
    targets: tuple[str, ...]  # CIDR blocks covering exactly the addresses to scan
    address_count: int
    excluded: tuple[str, ...] = ()  # what the user excluded (CIDR blocks), for the record


def _parse(target: str) -> IPSet:
    text = target.strip()
    try:
        if "-" in text:
            first, last = (part.strip() for part in text.split("-", 1))
            return IPSet(IPRange(IPAddress(first), IPAddress(last)))
        if "/" in text:
            return IPSet([IPNetwork(text, flags=0)])  # strict parse; host bits allowed
        return IPSet([IPAddress(text)])
    except (AddrFormatError, ValueError, TypeError) as exc:
        raise ScopeError(
            f"not an address, CIDR block or range: {target!r} (host names are not accepted)"
        ) from exc


def target_set(targets: tuple[str, ...]) -> tuple[IPSet, frozenset[str]]:
    """The addresses ``targets`` cover, and the targets that are no address (host names,
    anything a stored scan holds that we do not parse), for comparing and counting scopes."""
    covered = IPSet()
    others = set()
    for target in targets:
        try:
            covered |= _parse(target)
        except ScopeError:
            others.add(target.strip().lower())
    return covered, frozenset(others)


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


def _is_public(ipset: IPSet) -> bool:
    return not ipset.issubset(NON_PUBLIC)


def read_target_file(path: Path) -> tuple[str, ...]:
    """Targets from a file: one or more per line (spaces or commas), ``#`` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScopeError(f"{path}: cannot read the target file ({exc})") from exc
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
    total = IPSet()
    for target in targets:
        parsed = _parse(target)
        if not allow_public and _is_public(parsed):
            raise ScopeError(
                f"{target} contains public (globally routable) addresses; "
                "pass --allow-public only if you are authorised to scan them"
            )
        total |= parsed
    excluded = IPSet()
    for item in exclude:
        excluded |= _parse(item)
    total -= excluded
    count = total.size
    if count == 0:
        raise ScopeError("nothing left to scan once the exclusions are removed")
    if count > max_hosts:
        raise ScopeError(
            f"{count} addresses is more than the limit of {max_hosts}; "
            "check the targets, or raise the limit with --max-hosts"
        )
    return Scope(
        targets=tuple(str(c) for c in total.iter_cidrs()),
        address_count=count,
        excluded=tuple(str(c) for c in excluded.iter_cidrs()),
    )


@dataclass(frozen=True)
class Chunk:
    """Consecutive addresses of one family scanned by one nmap process."""

    targets: tuple[str, ...]  # CIDR blocks: exactly the chunk's addresses, nothing else
    address_count: int
    ipv6: bool


def split(scope: Scope, chunk_size: int) -> tuple[Chunk, ...]:
    """Cut the scope into chunks of at most ``chunk_size`` addresses, in address order.

    Works on integer intervals, never on lists of addresses, so a /16 costs nothing;
    IPv4 and IPv6 never share a chunk (nmap needs -6 for the latter).
    """
    if chunk_size < 1:
        raise ScopeError("the chunk size must be at least 1")
    intervals: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
    for cidr in (IPNetwork(t) for t in scope.targets):
        intervals[cidr.version].append((cidr.first, cidr.last))
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
        if pieces:
            chunks.append(_chunk(pieces, version))
    return tuple(chunks)


def _chunk(pieces: list[tuple[int, int]], version: int) -> Chunk:
    cidrs = [
        str(c)
        for first, last in pieces
        for c in iprange_to_cidrs(IPAddress(first, version), IPAddress(last, version))
    ]
    return Chunk(
        targets=tuple(cidrs),
        address_count=sum(last - first + 1 for first, last in pieces),
        ipv6=version == 6,
    )
