"""nmap XML holding what no nmap writes: a port or an address that cannot be is refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legacyscan.collect.nmap.parse import NmapXmlError, parse_nmap_xml
from legacyscan.model import Host, Service


def _xml(*hosts: tuple[str, str]) -> str:
    body = "".join(
        f'<host><status state="up"/><address addr="{address}" addrtype="ipv4"/>'
        f'<ports><port protocol="tcp" portid="{port}"><state state="open"/>'
        f'<service name="http"/></port></ports></host>'
        for address, port in hosts
    )
    head = '<?xml version="1.0"?><nmaprun scanner="nmap" args="nmap" version="7.94">'
    return f"{head}{body}</nmaprun>"


@pytest.mark.parametrize(
    ("address", "port", "message"),
    [
        ("127.42.1.2", "-5", "port -5 is not a port number (1-65535)"),
        ("127.42.1.2", "99999999999999999999", "port 99999999999999999999 is not a port number"),
        ("127.42.1.2", "0", "port 0 is not a port number"),
        ("127.42.1.2", "65536", "port 65536 is not"),
        ("not-an-ip", "80", "address 'not-an-ip' is not an IP address"),
        ("999.1.1.1", "80", "address '999.1.1.1' is not an IP address"),
        ("127.99.0.12/24", "80", "address '127.99.0.12/24' is not an IP address"),
    ],
)
def test_a_host_with_an_impossible_value_is_refused_and_those_before_kept(
    address: str, port: str, message: str
) -> None:
    with pytest.raises(NmapXmlError, match="host 2 refused: ") as caught:
        parse_nmap_xml(_xml(("127.42.1.1", "80"), (address, port)), "x.xml")
    assert message in str(caught.value)
    assert caught.value.partial is not None
    assert [h.address for h in caught.value.partial.hosts] == ["127.42.1.1"]


def test_the_edges_of_the_port_range_and_ipv6_are_kept() -> None:
    run = parse_nmap_xml(_xml(("127.42.1.1", "1"), ("127.42.1.2", "65535"), ("::1", "443")))
    assert [(h.address, h.services[0].port) for h in run.hosts] == [
        ("127.42.1.1", 1), ("127.42.1.2", 65535), ("::1", 443),
    ]  # fmt: skip


@pytest.mark.parametrize("address", ["not-an-ip", "999.1.1.1", "127.99.0.12/24", "", " 10.0.0.1"])
def test_no_record_holds_an_address_that_is_not_one(address: str) -> None:
    # the records check themselves: scan.json, a backup or an import cannot bring one in
    with pytest.raises(ValueError, match="is not an IP address"):
        Host(address=address)


@pytest.mark.parametrize("port", [-5, 0, 65536, 10**20, True])
def test_no_record_holds_a_port_that_is_not_one(port: int) -> None:
    with pytest.raises(ValueError, match="is not a port number"):
        Service(port=port, protocol="tcp", state="open")


_ADDRESS = st.one_of(
    st.ip_addresses().map(str),
    st.text(alphabet="0123456789./:abcdef-x ", max_size=20),
)
_PORT = st.one_of(st.integers(-10, 70000).map(str), st.text(alphabet="0123456789-+ e", max_size=22))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_ADDRESS, _PORT), max_size=4))
def test_any_address_and_port_give_hosts_or_one_error_line(hosts: list[tuple[str, str]]) -> None:
    cleaned = [(a.replace("<", "").replace('"', "").replace("&", ""), p) for a, p in hosts]
    try:
        run = parse_nmap_xml(_xml(*cleaned), "f.xml")
    except NmapXmlError as exc:
        assert "\n" not in str(exc)
        return
    for host in run.hosts:
        assert all(1 <= s.port <= 65535 for s in host.services)


_NAMES = st.sampled_from(
    ["host", "status", "address", "hostnames", "hostname", "ports", "port", "state", "service",
     "cpe", "script", "os", "osmatch", "osclass", "hostscript", "runstats", "elem", "table"]
)  # fmt: skip
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        ["state", "addr", "addrtype", "vendor", "name", "portid", "protocol", "product",
         "version", "accuracy", "osfamily", "osgen", "type", "id", "output", "tunnel"]
    ),
    st.one_of(
        st.sampled_from(["up", "down", "ipv4", "ipv6", "mac", "open", "tcp", "80", "-1", "x"]),
        st.ip_addresses().map(str),
        st.text(alphabet="abc019.:-/ ", max_size=12),
    ),
    max_size=4,
)  # fmt: skip


def _element(name: str, attributes: dict[str, str], children: list[str], text: str) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in attributes.items())
    return f"<{name}{attrs}>{text}{''.join(children)}</{name}>"


_ELEMENT = st.recursive(
    st.builds(_element, _NAMES, _ATTRIBUTES, st.just([]), st.sampled_from(["", "cpe:/o:x:y"])),
    lambda inner: st.builds(
        _element, _NAMES, _ATTRIBUTES, st.lists(inner, max_size=4), st.just("")
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ELEMENT, max_size=4), st.booleans())
def test_any_nmap_shaped_xml_gives_hosts_or_one_error_line(
    elements: list[str], truncate: bool
) -> None:
    document = f'<?xml version="1.0"?><nmaprun args="nmap">{"".join(elements)}</nmaprun>'
    if truncate:
        document = document[: len(document) // 2]
    try:
        run = parse_nmap_xml(document, "f.xml")
    except NmapXmlError as exc:
        assert str(exc).isprintable()
        return
    for host in run.hosts:
        assert host.address is None or ":" in host.address or host.address.count(".") == 3
