"""Targets and the guards around them: what may be scanned, decided before any packet.

Targets are single addresses, CIDR blocks or ranges ("10.1.2.10-10.1.2.40").  Public
(globally routable) addresses are refused unless the user says ``--allow-public``, and
a scope larger than ``max_hosts`` addresses is refused outright: a typo must never turn
into a scan of somebody else's network.
"""

from __future__ import annotations

from dataclasses import dataclass

from netaddr import AddrFormatError, IPAddress, IPNetwork, IPRange, IPSet

from legacyscan.errors import UserError

DEFAULT_MAX_HOSTS = 65_536


class ScopeError(UserError, ValueError):
    """A target we refuse, with the reason in one line."""


@dataclass(frozen=True)
class Scope:
    targets: tuple[str, ...]  # as nmap understands them
    address_count: int


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


def build_scope(
    targets: tuple[str, ...], allow_public: bool = False, max_hosts: int = DEFAULT_MAX_HOSTS
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
    count = total.size
    if count > max_hosts:
        raise ScopeError(f"{count} addresses is more than the limit of {max_hosts}")
    return Scope(targets=tuple(str(c) for c in total.iter_cidrs()), address_count=count)
