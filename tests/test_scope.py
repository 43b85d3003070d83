"""Scope guards: what may be scanned is decided before any packet."""

from __future__ import annotations

import pytest
from netaddr import IPNetwork

from legacyscan.scope import DEFAULT_MAX_HOSTS, ScopeError, build_scope


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
