"""Decode nmap's XML output into Host records.

Live scans (collect/nmap.py) and files a client hands over go through this one
decoder, so that both give the same answers.  It keeps what python-nmap drops:
every CPE of a service, every osmatch with its accuracy, and script outputs.  The
XML is parsed with defusedxml: no entity expansion, no external entities.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # only for the Element type; parsing goes through defusedxml
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from legacyscan.errors import UserError
from legacyscan.model import Host, OsMatch, Service


class NmapXmlError(UserError, ValueError):
    """An nmap XML file we cannot read; the message names the file and, if known, the line."""


@dataclass(frozen=True)
class NmapRun:
    hosts: tuple[Host, ...]
    command_line: str
    nmap_version: str


def _service(port: ET.Element) -> Service:
    state = port.find("state")
    svc = port.find("service")
    scripts = tuple((s.get("id", ""), s.get("output", "")) for s in port.findall("script"))
    return Service(
        port=int(port.get("portid", "0")),
        protocol=port.get("protocol", "tcp"),
        state=state.get("state", "") if state is not None else "",
        name=svc.get("name", "") if svc is not None else "",
        product=svc.get("product", "") if svc is not None else "",
        version=svc.get("version", "") if svc is not None else "",
        extrainfo=svc.get("extrainfo", "") if svc is not None else "",
        tunnel=svc.get("tunnel", "") if svc is not None else "",
        cpes=tuple(c.text.strip() for c in svc.findall("cpe") if c.text) if svc is not None else (),
        scripts=scripts,
    )


def _host(node: ET.Element) -> Host | None:
    status = node.find("status")
    if status is not None and status.get("state") != "up":
        return None
    address = mac = None
    for addr in node.findall("address"):
        if addr.get("addrtype") in ("ipv4", "ipv6") and address is None:
            address = addr.get("addr")
        elif addr.get("addrtype") == "mac":
            mac = (addr.get("addr") or "").upper() or None
    hostnames = tuple(
        h.get("name", "") for h in node.findall("hostnames/hostname") if h.get("name")
    )
    # Closed and filtered ports say nothing about what the device is; keep the rest.
    services = tuple(
        s for s in map(_service, node.findall("ports/port")) if s.state.startswith("open")
    )
    os_matches = tuple(
        OsMatch(
            name=m.get("name", ""),
            accuracy=int(m.get("accuracy", "0") or 0),
            cpes=tuple(c.text.strip() for c in m.findall("osclass/cpe") if c.text),
        )
        for m in node.findall("os/osmatch")
    )
    return Host(
        address=address,
        mac=mac,
        hostnames=hostnames,
        services=services,
        os_matches=os_matches,
        sources=("nmap",),
    )


def parse_nmap_xml(data: bytes | str, name: str = "<nmap output>") -> NmapRun:
    """Parse one nmap XML document; raise NmapXmlError naming ``name`` on bad input."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise NmapXmlError(f"{name}: refused unsafe XML ({type(exc).__name__})") from exc
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        where = f"{name}, line {line}" if line else name
        raise NmapXmlError(
            f"{where}: not valid XML ({exc.msg if hasattr(exc, 'msg') else exc})"
        ) from exc
    if root.tag != "nmaprun":
        raise NmapXmlError(f"{name}: not an nmap XML file (root element <{root.tag}>)")
    hosts = (_host(node) for node in root.findall("host"))
    return NmapRun(
        hosts=tuple(h for h in hosts if h is not None),
        command_line=root.get("args", ""),
        nmap_version=root.get("version", ""),
    )


def read_nmap_xml(path: Path) -> NmapRun:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NmapXmlError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_nmap_xml(data, str(path))
