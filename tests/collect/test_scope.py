"""Scope guards: what may be scanned is decided before any packet."""

from __future__ import annotations

from pathlib import Path

import pytest
from netaddr import IPNetwork, IPSet

from legacyscan.collect.scope import (
    DEFAULT_MAX_HOSTS,
    ScopeError,
    build_scope,
    read_target_file,
    split,
)


def test_cidr() -> None:
    scope = build_scope(("10.20.30.0/24",))
    assert scope.targets == ("10.20.30.0/24",)
    assert scope.address_count == 256


def test_cidr_with_host_bits_is_accepted_as_its_network() -> None:
    scope = build_scope(("192.168.1.77/30",))
    (target,) = scope.targets
    assert str(IPNetwork(target).cidr) == "192.168.1.76/30"  # nmap reads it the same way
    assert scope.address_count == 4


def test_range() -> None:
    scope = build_scope(("10.1.2.10-10.1.2.40",))
    assert scope.address_count == 31
    assert scope.targets[0] == "10.1.2.10/31"


def test_range_with_spaces() -> None:
    assert build_scope(("10.1.2.10 - 10.1.2.13",)).address_count == 4


def test_single_address() -> None:
    scope = build_scope(("172.16.5.4",))
    assert scope.targets == ("172.16.5.4/32",)
    assert scope.address_count == 1


def test_duplicates_and_overlaps_are_merged() -> None:
    scope = build_scope(
        ("127.42.10.0/24", "127.42.10.20", "127.42.10.1-127.42.10.5", "127.42.11.0/24")
    )
    assert scope.address_count == 512
    assert scope.targets == ("127.42.10.0/23",)


@pytest.mark.parametrize("target", ["pacs01.example.org", "localhost", "my-host", "10", ""])
def test_host_names_and_junk_are_refused(target: str) -> None:
    with pytest.raises(ScopeError, match="host names are not accepted"):
        build_scope((target,))


def test_no_target() -> None:
    with pytest.raises(ScopeError, match="no target"):
        build_scope(())


@pytest.mark.parametrize(
    "target",
    ["8.8.8.8", "1.1.1.0/24", "9.9.9.0-9.9.9.20", "10.255.255.250-11.0.0.5", "2001:4860::8888"],
)
def test_public_addresses_are_refused(target: str) -> None:
    with pytest.raises(ScopeError, match="public"):
        build_scope((target,))


def test_one_public_target_among_private_ones_is_refused() -> None:
    with pytest.raises(ScopeError, match="8.8.8.8"):
        build_scope(("10.0.0.0/24", "8.8.8.8"))


@pytest.mark.parametrize("target", ["8.8.8.8", "1.1.1.0/24"])
def test_public_addresses_with_allow_public(target: str) -> None:
    assert build_scope((target,), allow_public=True).address_count >= 1


def test_public_addresses_inside_a_non_public_block_are_refused() -> None:
    with pytest.raises(ScopeError, match="public"):
        build_scope(("192.0.0.0/24",))


def test_too_many_addresses_are_refused() -> None:
    with pytest.raises(ScopeError, match=f"65792 addresses is more than the limit of {65536}"):
        build_scope(("10.0.0.0/16", "10.1.0.0/24"))
    assert DEFAULT_MAX_HOSTS == 65536
    assert build_scope(("10.0.0.0/16",)).address_count == 65536


def test_max_hosts_is_configurable() -> None:
    with pytest.raises(ScopeError, match="limit of 100"):
        build_scope(("10.0.0.0/24",), max_hosts=100)
    assert build_scope(("10.0.0.0/25",), max_hosts=128).address_count == 128


def test_the_whole_internet_is_refused_even_when_allowed() -> None:
    with pytest.raises(ScopeError, match="more than the limit"):
        build_scope(("0.0.0.0/0",), allow_public=True)


@pytest.mark.parametrize(
    "target",
    [
        "127.0.0.1",
        "127.42.0.0/16",
        "10.0.0.0/16",
        "172.16.0.0/24",
        "192.168.0.1-192.168.0.254",
        "::1",
        "fd00::1",
        "fe80::1",
    ],
)
def test_loopback_and_private_are_accepted(target: str) -> None:
    assert build_scope((target,)).address_count >= 1


def test_exclusions_are_removed_before_counting() -> None:
    scope = build_scope(("10.0.0.0/24",), exclude=("10.0.0.7", "10.0.0.128/25"))
    assert scope.address_count == 127
    assert scope.excluded == ("10.0.0.7/32", "10.0.0.128/25")
    assert "10.0.0.7/32" not in scope.targets
    assert sum(IPNetwork(t).size for t in scope.targets) == 127


def test_exclusions_can_bring_a_scope_under_the_limit() -> None:
    assert build_scope(("10.0.0.0/15",), exclude=("10.1.0.0/16",)).address_count == 65536


def test_everything_excluded_is_an_error() -> None:
    with pytest.raises(ScopeError, match="nothing left"):
        build_scope(("10.0.0.0/30",), exclude=("10.0.0.0/29",))


def test_bad_exclusion_is_refused() -> None:
    with pytest.raises(ScopeError, match="not an address"):
        build_scope(("10.0.0.0/30",), exclude=("printer.example.org",))


def test_too_many_addresses_points_at_max_hosts() -> None:
    with pytest.raises(ScopeError, match="--max-hosts"):
        build_scope(("10.0.0.0/8",))
    assert build_scope(("10.0.0.0/8",), max_hosts=2**24).address_count == 2**24


def test_target_file(tmp_path: Path) -> None:
    path = tmp_path / "targets.txt"
    path.write_text("# ward B\n10.2.0.0/24  10.2.1.5\n\n10.2.2.1-10.2.2.3, 10.2.3.1 # printers\n")
    assert read_target_file(path) == ("10.2.0.0/24", "10.2.1.5", "10.2.2.1-10.2.2.3", "10.2.3.1")
    path.write_text("10.2.0.0/24\nward-b-switch\n")
    with pytest.raises(ScopeError, match=r"targets.txt, line 2: not an address"):
        read_target_file(path)
    with pytest.raises(ScopeError, match="cannot read"):
        read_target_file(tmp_path / "missing.txt")


def test_split_covers_the_scope_exactly_in_chunks() -> None:
    scope = build_scope(("10.0.0.0/24", "10.0.1.0/29"), exclude=("10.0.0.7",))
    chunks = split(scope, 100)
    assert [c.address_count for c in chunks] == [100, 100, 63]
    seen = IPSet()
    for chunk in chunks:
        cidrs = IPSet(IPNetwork(t) for t in chunk.targets)
        assert cidrs.size == chunk.address_count
        assert not seen & cidrs
        seen |= cidrs
    assert seen == IPSet(IPNetwork(t) for t in scope.targets)


def test_split_a_slash_16_is_instant_and_exact() -> None:
    chunks = split(build_scope(("10.9.0.0/16",)), 256)
    assert len(chunks) == 256
    assert all(c.targets == (f"10.9.{i}.0/24",) for i, c in enumerate(chunks))


def test_split_keeps_ipv6_apart() -> None:
    chunks = split(build_scope(("10.0.0.0/31", "fd00::/127")), 10)
    assert [(c.ipv6, c.address_count) for c in chunks] == [(False, 2), (True, 2)]
