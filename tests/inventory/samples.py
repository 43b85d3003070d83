"""Small, realistic scan results for the inventory tests (hosts as collectors return them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

from legacyscan.assess import assess as pipeline_assess
from legacyscan.identify import Identifier
from legacyscan.inventory import Inventory
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.model import Assessment, Host, ScanMeta, Service, SnmpSystem

AS_OF = dt.date(2026, 11, 23)


@cache
def _stages() -> tuple[Identifier, EolDatabase]:
    return Identifier(), EolDatabase.load()  # loaded once: the rules take a second to read


def assess(hosts: Sequence[Host], scan_meta: ScanMeta) -> Assessment:
    return pipeline_assess(hosts, scan_meta, *_stages())


def meta(
    site: str = "",
    vantage: str = "",
    started: str = "2026-11-23T10:00:00+00:00",
    targets: tuple[str, ...] = ("127.53.0.0/24",),
) -> ScanMeta:
    return ScanMeta(
        as_of=AS_OF,
        started=started,
        finished=started,
        targets=targets,
        command_lines=("nmap -oX - 127.53.0.0/24",),
        tool_versions=(("nmap", "7.93"),),
        legacyscan_version="test",
        profile="clinical-safe",
        site=site,
        vantage=vantage,
    )


def xp_console(
    address: str = "127.53.0.11", mac: str | None = None, name: str = "RAD-CT-1"
) -> Host:
    return Host(
        address=address,
        mac=mac,
        services=(
            Service(104, "tcp", "open", "dicom"),
            Service(3389, "tcp", "open", "ms-wbt-server"),
        ),
        snmp=SnmpSystem(
            descr="Hardware: x86 Family 6 Model 15 Stepping 13 AT/AT COMPATIBLE - Software: "
            "Windows 2000 Version 5.1 (Build 2600 Uniprocessor Free)",
            object_id="1.3.6.1.4.1.311.1.1.3.1.1",
            name=name,
        ),
        sources=("nmap", "snmp"),
    )


def switch(
    address: str = "127.53.0.1", version: str = "12.2(55)SE7", name: str = "SW-CORE"
) -> Host:
    return Host(
        address=address,
        services=(Service(23, "tcp", "open", "telnet"),),
        snmp=SnmpSystem(
            descr=f"Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version {version}, "
            "RELEASE SOFTWARE (fc1)",
            object_id="1.3.6.1.4.1.9.1.716",
            name=name,
        ),
        sources=("nmap", "snmp"),
    )


def ssh_server(address: str = "127.53.0.20", version: str = "4.3") -> Host:
    return Host(
        address=address,
        services=(Service(22, "tcp", "open", "ssh", "OpenSSH", version),),
        sources=("nmap",),
    )


def record(inventory: Inventory, hosts: list[Host], **meta_options: Any) -> tuple[int, Assessment]:
    """A whole scan in the inventory, the way `legacyscan scan --db` records it."""
    scan_meta = meta(**meta_options)
    scan_id = inventory.begin_scan(scan_meta)
    inventory.record_hosts(scan_id, "nmap", hosts, {"nmap.xml": b"<nmaprun/>"})
    assessment = assess(hosts, scan_meta)
    inventory.finish_scan(scan_id, assessment)
    return scan_id, assessment
