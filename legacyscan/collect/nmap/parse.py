"""Decode nmap's XML output into Host records, from nmap 5 to 7.9x.

Live scans (collect/nmap_runner.py) and files a client hands over go through this one
decoder, so that both give the same answers.  It keeps what python-nmap drops: every
CPE of a service, every osmatch and osclass with its accuracy, port and host script
outputs, the MAC address and the vendor nmap named for it.  Older layouts are read
too: no ``<cpe>`` (before nmap 5.61), ``<osclass>`` beside the ``<osmatch>`` elements
instead of inside them (before nmap 6), missing attributes.

The XML is parsed incrementally with defusedxml (no entity expansion, no external
entities), one ``<host>`` at a time, so a 20,000-host file needs little memory, and a
truncated file still yields the hosts before the break (``NmapXmlError.partial``).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # only for types and ParseError; parsing uses defusedxml
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from legacyscan.collect.nmap import servicefp
from legacyscan.errors import UserError
from legacyscan.files import read_input
from legacyscan.model import Host, OsClass, OsMatch, Service
from legacyscan.model.collect import PORTS, is_ip_address


@dataclass(frozen=True)
class NmapRun:
    hosts: tuple[Host, ...]
    command_line: str
    nmap_version: str


class NmapXmlError(UserError, ValueError):
    """An nmap XML file we cannot read; the message names the file and, if known, the line.

    ``partial`` holds the hosts read completely before the error, when there were any.
    """

    def __init__(self, message: str, partial: NmapRun | None = None) -> None:
        super().__init__(message)
        self.partial = partial


class _BadHost(ValueError):
    """A <host> holding what no nmap writes (an address or a port that cannot be)."""


R = TypeVar("R")


class _Same:
    """One record for equal observations: a fleet's hosts report the same services and
    OS guesses, and the later stages (scan.json, the report) convert a record they meet
    again -- the same object -- once.  Bounded: what does not recur would only fill it."""

    def __init__(self) -> None:
        self.known: dict[Any, Any] = {}

    def __call__(self, record: R) -> R:
        found: R | None = self.known.get(record)
        if found is None:
            if len(self.known) >= 50_000:
                self.known.clear()
            found = self.known[record] = record
        return found


def _int(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


def _cpes(node: ET.Element) -> tuple[str, ...]:
    return tuple(c.text.strip() for c in node.findall("cpe") if c.text and c.text.strip())


def _scripts(node: ET.Element) -> tuple[tuple[str, str], ...]:
    return tuple((s.get("id", ""), s.get("output", "")) for s in node.findall("script"))


def _service(port: ET.Element, number: int) -> Service:
    state = port.find("state")
    svc = port.find("service")
    attr = svc.attrib if svc is not None else {}
    return Service(
        port=number,
        protocol=port.get("protocol", "tcp"),
        state=state.get("state", "") if state is not None else "",
        name=attr.get("name", ""),
        product=attr.get("product", ""),
        version=attr.get("version", ""),
        extrainfo=attr.get("extrainfo", ""),
        tunnel=attr.get("tunnel", ""),
        cpes=_cpes(svc) if svc is not None else (),
        scripts=_scripts(port),
        answers=servicefp.answers(attr.get("servicefp")) if not attr.get("product") else (),
    )


def _osclass(node: ET.Element) -> OsClass:
    return OsClass(
        vendor=node.get("vendor", ""),
        family=node.get("osfamily", ""),
        generation=node.get("osgen", ""),
        device_type=node.get("type", ""),
        accuracy=_int(node.get("accuracy")) or 0,
        cpes=_cpes(node),
    )


def _os_matches(os_node: ET.Element | None, same: _Same) -> tuple[OsMatch, ...]:
    if os_node is None:
        return ()
    matches = []
    for match in os_node.findall("osmatch"):
        classes = tuple(same(_osclass(c)) for c in match.findall("osclass"))
        matches.append(
            OsMatch(
                name=match.get("name", ""),
                accuracy=_int(match.get("accuracy")) or 0,
                cpes=tuple(cpe for c in classes for cpe in c.cpes),
                classes=classes,
            )
        )
    # nmap < 6: the classes sit beside the matches and describe the whole guess.
    loose = tuple(_osclass(c) for c in os_node.findall("osclass"))
    if loose and matches:
        best = matches[0]
        matches[0] = OsMatch(best.name, best.accuracy, best.cpes, best.classes + loose)
    elif loose:
        for cls in loose:  # classes only: name each guess after its class
            name = " ".join(p for p in (cls.vendor, cls.family, cls.generation) if p)
            matches.append(OsMatch(name=name, accuracy=cls.accuracy, cpes=cls.cpes, classes=(cls,)))
    return same(tuple(same(m) for m in matches))


def _address_type(addr: ET.Element) -> str:
    kind = addr.get("addrtype")
    if kind:
        return kind
    text = addr.get("addr", "")  # very old files: guess from the form
    if text.count(":") == 5 and len(text) == 17:
        return "mac"
    return "ipv6" if ":" in text else "ipv4"


def _host(node: ET.Element, source: str, same: _Same) -> Host | None:
    status = node.find("status")
    if status is not None and status.get("state", "up") != "up":
        return None
    address = mac = mac_vendor = None
    for addr in node.findall("address"):
        kind = _address_type(addr)
        if kind in ("ipv4", "ipv6") and address is None:
            address = addr.get("addr")
            if address is not None and not is_ip_address(address):
                raise _BadHost(f"address {address[:60]!r} is not an IP address")
        elif kind == "mac" and addr.get("addr"):
            mac = addr.get("addr", "").upper()
            mac_vendor = addr.get("vendor") or None
    hostnames = tuple(
        h.get("name", "") for h in node.findall("hostnames/hostname") if h.get("name")
    )
    services = []
    for port in node.findall("ports/port"):
        number = _int(port.get("portid"))
        if number is None:
            continue  # a port without a number says nothing we can use
        if number not in PORTS:
            raise _BadHost(f"{address or 'a host'}: port {number} is not a port number (1-65535)")
        service = _service(port, number)
        # Closed and filtered ports say nothing about what the device is; keep the rest.
        if service.state.startswith("open"):
            services.append(same(service))
    host_scripts = tuple(s for hs in node.findall("hostscript") for s in _scripts(hs))
    return Host(
        address=address,
        mac=mac,
        hostnames=hostnames,
        services=same(tuple(services)),
        os_matches=_os_matches(node.find("os"), same),
        mac_vendor=mac_vendor,
        host_scripts=same(host_scripts),
        sources=same((source,)),
    )


def _hosts(
    stream: BinaryIO, name: str, source: str, header: dict[str, str]
) -> Iterator[Host | None]:
    """Each <host> decoded as soon as it ends; ``header`` receives <nmaprun>'s attributes."""
    root: ET.Element | None = None
    depth = 0
    same = _Same()
    for event, element in SafeET.iterparse(stream, events=("start", "end")):
        if event == "start":
            depth += 1
            if root is None:
                if element.tag != "nmaprun":
                    raise NmapXmlError(
                        f"{name}: not an nmap XML file (root element <{element.tag}>)"
                    )
                root = element
                header.update(element.attrib)
            continue
        depth -= 1
        if depth == 1 and root is not None:  # a child of <nmaprun> is complete
            if element.tag == "host":
                yield _host(element, source, same)
            root.clear()  # forget what was read: memory stays flat on huge files


def parse_nmap_xml(
    data: bytes | str | BinaryIO, name: str = "<nmap output>", source: str = "nmap"
) -> NmapRun:
    """Parse one nmap XML document; raise NmapXmlError naming ``name`` on bad input."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    header: dict[str, str] = {}
    hosts: list[Host] = []

    def run() -> NmapRun:
        return NmapRun(
            hosts=tuple(hosts),
            command_line=header.get("args", ""),
            nmap_version=header.get("version", ""),
        )

    try:
        for host in _hosts(stream, name, source, header):
            if host is not None:
                hosts.append(host)
    except _BadHost as exc:
        raise NmapXmlError(
            f"{name}: host {len(hosts) + 1} refused: {exc}", partial=run() if hosts else None
        ) from None
    except DefusedXmlException as exc:
        raise NmapXmlError(f"{name}: refused unsafe XML ({type(exc).__name__})") from exc
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        where = f"{name}, line {line}" if line else name
        message = str(getattr(exc, "msg", exc)).split(":")[0]
        raise NmapXmlError(
            f"{where}: not valid XML ({message})", partial=run() if hosts else None
        ) from exc
    if not header:
        raise NmapXmlError(f"{name}: empty file")
    return run()


#: The largest nmap XML read, once decompressed (a 20,000-host -sV scan is ~200 MB).
MAX_NMAP_XML_BYTES = 1 << 30


def read_nmap_xml_bytes(path: Path) -> bytes:
    """A file's nmap XML: a regular file only (a FIFO would block), gunzipped if gzip
    (``OUT/nmap/*.xml.gz``, told by its magic bytes), at most ``MAX_NMAP_XML_BYTES``."""
    return read_input(path, MAX_NMAP_XML_BYTES, NmapXmlError)


def read_nmap_xml(path: Path, source: str = "nmap") -> NmapRun:
    return parse_nmap_xml(read_nmap_xml_bytes(path), str(path), source)
