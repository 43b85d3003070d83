"""Run nmap service detection through python-nmap and keep its raw XML as evidence.

python-nmap starts nmap and hands back the XML; the XML is then decoded by
``nmap_xml`` (the same decoder as for imported files), so python-nmap's own
dictionaries never leave this module.  The port list is chosen for hospitals and
never includes printer ports (9100-9107, 515, 631): a JetDirect port prints
whatever it receives.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import nmap

from legacyscan.collect.nmap_xml import NmapRun, parse_nmap_xml
from legacyscan.errors import UserError

#: TCP ports worth a look in a hospital: remote access, file sharing, web administration,
#: DICOM (104, 11112), HL7 over MLLP (2575), RTSP cameras (554), SIP (5060), VNC (5900),
#: Modbus (502), databases.  Printer ports are deliberately absent.
HOSPITAL_TCP_PORTS: tuple[int, ...] = (
    21, 22, 23, 25, 80, 104, 135, 139, 443, 445, 502, 554, 1433, 2575, 3389,
    5060, 5900, 8080, 8443, 11112,
)  # fmt: skip
PRINTER_PORTS = frozenset({*range(9100, 9108), 515, 631})

#: Gentle by default: version detection at light intensity, no NSE scripts, a packet-rate
#: ceiling and a per-host time limit, no DNS resolution.
DEFAULT_ARGUMENTS = "-sV --version-light -n -T3 --max-retries 2 --max-rate 300 --host-timeout 300s"


class NmapError(UserError, RuntimeError):
    """nmap is missing or failed; the message says which, in one line."""


@dataclass(frozen=True)
class NmapScan:
    run: NmapRun
    xml: bytes


def _port_spec(ports: tuple[int, ...]) -> str:
    unsafe = sorted(set(ports) & PRINTER_PORTS)
    if unsafe:
        raise NmapError(f"refusing to probe printer ports {unsafe}: they print what they receive")
    return ",".join(str(p) for p in sorted(set(ports)))


def nmap_command(targets: tuple[str, ...], ports: tuple[int, ...], arguments: str) -> str:
    """The exact command line python-nmap runs, for the report and dry runs."""
    return shlex.join(
        ["nmap", "-oX", "-", *targets, "-p", _port_spec(ports), *shlex.split(arguments)]
    )


def run_nmap(
    targets: tuple[str, ...],
    ports: tuple[int, ...] = HOSPITAL_TCP_PORTS,
    arguments: str = DEFAULT_ARGUMENTS,
    xml_out: Path | None = None,
) -> NmapScan:
    """Scan ``targets`` (already checked by scope.py) and return the decoded result."""
    try:
        scanner = nmap.PortScanner()
    except nmap.PortScannerError as exc:
        raise NmapError(f"nmap not found: install it (apt-get install nmap) ({exc})") from exc
    try:
        scanner.scan(hosts=" ".join(targets), ports=_port_spec(ports), arguments=arguments)
    except nmap.PortScannerError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
        raise NmapError(f"nmap failed: {message}") from exc
    xml: bytes = scanner.get_nmap_last_output()
    if xml_out is not None:
        xml_out.write_bytes(xml)
    return NmapScan(run=parse_nmap_xml(xml, "nmap output"), xml=xml)
