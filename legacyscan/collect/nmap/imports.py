"""Import nmap XML files made elsewhere: decode them, keep them as evidence, merge the hosts.

A consultant often receives the client's own nmap output.  Each file is decoded by
``nmap_xml`` (nmap 5 to 7.9x), kept gzip-compressed with its journal entry (nmap
version, command line, sha256) in the output folder like a scan's chunks, and its
hosts are merged by address with those of the other files.  A file that cannot be
read becomes a ``CollectError`` value; the hosts of a truncated file that were
complete before the break are kept, and the error says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from legacyscan.clock import now
from legacyscan.collect.nmap.chunkstore import ChunkRecord, ChunkStore, sha256
from legacyscan.collect.nmap.parse import (
    NmapRun,
    NmapXmlError,
    parse_nmap_xml,
    read_nmap_xml_bytes,
)
from legacyscan.model import CollectError, Host, Service

T = TypeVar("T")


@dataclass(frozen=True)
class ImportResult:
    hosts: tuple[Host, ...]  # merged by address, in first-seen order
    records: tuple[ChunkRecord, ...]  # one per file read (completely or partly)
    errors: tuple[CollectError, ...]


def _merge_services(first: tuple[Service, ...], second: tuple[Service, ...]) -> tuple[Service, ...]:
    by_port: dict[tuple[str, int], Service] = {}
    for service in first + second:
        key = (service.protocol, service.port)
        known = by_port.get(key)
        # The more informative observation wins: a named product beats a bare open port.
        if known is None or (not known.product and service.product):
            by_port[key] = service
    return tuple(by_port.values())


def _union(first: tuple[T, ...], second: tuple[T, ...]) -> tuple[T, ...]:
    return first + tuple(x for x in second if x not in first)


def merge(host: Host, other: Host) -> Host:
    """One address seen in two files: everything either file says, without duplicates."""
    return replace(
        host,
        mac=host.mac or other.mac,
        mac_vendor=host.mac_vendor or other.mac_vendor,
        hostnames=_union(host.hostnames, other.hostnames),
        services=_merge_services(host.services, other.services),
        os_matches=_union(host.os_matches, other.os_matches),
        host_scripts=_union(host.host_scripts, other.host_scripts),
        sources=_union(host.sources, other.sources),
    )


def import_files(
    paths: Sequence[Path],
    store: ChunkStore | None = None,
    on_file: Callable[[Path, NmapRun | None, str | None], None] | None = None,
) -> ImportResult:
    """Read every file; ``on_file(path, run, error)`` is called after each one."""
    hosts: dict[str, Host] = {}
    anonymous: list[Host] = []  # hosts without an IP address (MAC only): kept as they are
    records: list[ChunkRecord] = []
    errors: list[CollectError] = []
    for number, path in enumerate(paths, 1):
        started = now()
        source = f"nmap-xml:{path.name}"
        run: NmapRun | None
        error: str | None = None
        try:
            data = read_nmap_xml_bytes(path)
        except NmapXmlError as exc:
            run, error = None, str(exc)
        else:
            try:
                run = parse_nmap_xml(data, str(path), source)
            except NmapXmlError as exc:
                run, error = exc.partial, str(exc)
                if run is not None:
                    error += f"; the {len(run.hosts)} complete host(s) before it were kept"
            if run is not None and store is not None:
                record = ChunkRecord(
                    index=number,
                    targets=(),
                    address_count=0,
                    command_line=run.command_line,
                    nmap_version=run.nmap_version,
                    started=started,
                    finished=now(),
                    hosts_up=len(run.hosts),
                    xml_sha256=sha256(data),
                    source=str(path),
                )
                store.save(record, data)
                records.append(record)
        if error is not None:
            errors.append(CollectError(source="nmap-xml", target=str(path), message=error))
        for host in run.hosts if run is not None else ():
            if host.address is None:
                anonymous.append(host)
            elif host.address in hosts:
                hosts[host.address] = merge(hosts[host.address], host)
            else:
                hosts[host.address] = host
        if on_file is not None:
            on_file(path, run, error)
    return ImportResult(tuple(hosts.values()) + tuple(anonymous), tuple(records), tuple(errors))
