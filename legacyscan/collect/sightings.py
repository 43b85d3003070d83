"""Devices that only other devices saw: ARP entries and MACs learnt on switch ports.

A patient monitor that talks only to its central station answers no scan, but the
router that carries its packets holds its address in its ARP table and the switch it is
plugged into has learnt its MAC on a port.  The SNMP collector reads those tables; this
step, run after collection (live scans and imports alike), turns every entry that no
collected host represents into a :class:`Host` of its own, ``sources=("arp",)`` and/or
``("forwarding",)``, with where it was seen in ``Host.seen_by``.  The identify stage then
classes it from what is known (its MAC's IEEE organisation), topology and risk count it,
and the report marks it "not scanned": no packet of ours ever reached it, and the second
pass never sends it one (``Host.scanned`` is False).  A collected host without a MAC gets
the one the ARP tables give for its address (:func:`with_macs_from_arp`).

An entry is *represented* when a collected host has its address or its MAC, when the MAC
is one of an agent's own interfaces (a switch's port or VLAN interface MAC), or when the
MAC is the one the ARP tables give for a represented address.  Broadcast, multicast and
all-zero MACs are never devices.  The step is idempotent: running it on its own output
adds nothing, so a stored scan judged again does not grow.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from legacyscan.model import Host, Sighting, SnmpTables

_HEX = re.compile(r"[0-9a-f]")


def normal_mac(mac: str | None) -> str | None:
    """``aa:bb:cc:dd:ee:ff`` from any usual spelling; None for a group (broadcast, multicast)
    or zero MAC."""
    if not mac:
        return None
    digits = "".join(_HEX.findall(mac.lower()))
    if len(digits) != 12 or int(digits, 16) == 0 or int(digits[:2], 16) & 1:
        return None  # the group bit: broadcast and multicast addresses are no device
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _port(tables: SnmpTables, if_index: int | None, bridge_port: int | None = None) -> str:
    for interface in tables.interfaces:
        if if_index is not None and interface.index == if_index:
            return interface.name or interface.descr or f"ifIndex {if_index}"
    if if_index is not None:
        return f"ifIndex {if_index}"
    return f"bridge port {bridge_port}" if bridge_port is not None else ""


def _port_vlan(tables: SnmpTables, if_index: int | None) -> int | None:
    for vlan in tables.vlans:
        if if_index is not None and if_index in vlan.if_indexes:
            return vlan.vlan_id
    return None


def _agent(host: Host) -> str:
    return host.address or (host.snmp.name if host.snmp and host.snmp.name else "") or "an agent"


def _represented(hosts: Sequence[Host]) -> tuple[set[str], set[str]]:
    """The addresses and MACs the collected hosts already stand for."""
    addresses: set[str] = set()
    macs: set[str] = set()
    for host in hosts:
        if host.address:
            addresses.add(host.address)
        if mac := normal_mac(host.mac):
            macs.add(mac)
        tables = host.snmp_tables
        if tables is None:
            continue
        addresses.update(a.address for a in tables.interface_addresses)
        macs.update(m for i in tables.interfaces if (m := normal_mac(i.mac)))
    return addresses, macs


@dataclass
class _Draft:
    mac: str
    address: str | None = None
    arp: list[Sighting] = field(default_factory=list)
    # (on an uplink, MACs learnt on that port, sighting): the access port sorts first
    learnt: list[tuple[int, int, Sighting]] = field(default_factory=list)

    def host(self) -> Host:
        sources = (("arp",) if self.arp else ()) + (("forwarding",) if self.learnt else ())
        learnt = [s for _, _, s in sorted(self.learnt, key=lambda item: item[:2])]
        if learnt:
            # The access port it is plugged into first, then where else it was learnt.
            best = min(self.learnt, key=lambda item: item[:2])[2]
            learnt = [best] + [s for s in learnt if s != best]
        return Host(
            address=self.address,
            mac=self.mac,
            sources=sources,
            seen_by=tuple(dict.fromkeys(self.arp + learnt)),
        )


def devices_seen_by_others(hosts: Sequence[Host]) -> tuple[Host, ...]:
    """A host for every ARP or forwarding entry that no host of ``hosts`` represents."""
    addresses, macs = _represented(hosts)
    agents = [h for h in hosts if h.snmp_tables is not None]
    mac_of_address: dict[str, str] = {}
    for host in agents:
        assert host.snmp_tables is not None
        for arp in host.snmp_tables.arp:
            mac = normal_mac(arp.mac)
            if mac and arp.address:
                mac_of_address.setdefault(arp.address, mac)
    macs |= {mac for address, mac in mac_of_address.items() if address in addresses}
    drafts: dict[str, _Draft] = {}
    for host in agents:
        tables = host.snmp_tables
        assert tables is not None
        agent = _agent(host)
        for arp in tables.arp:
            mac = normal_mac(arp.mac)
            if mac is None or mac in macs or not arp.address or arp.address in addresses:
                continue
            draft = drafts.setdefault(mac, _Draft(mac))
            draft.address = draft.address or arp.address
            draft.arp.append(Sighting("arp", agent, _port(tables, arp.if_index)))
        uplinks = {n.local_port for n in tables.neighbours}
        per_port = Counter(e.if_index or e.bridge_port for e in tables.forwarding)
        for entry in tables.forwarding:
            mac = normal_mac(entry.mac)
            if mac is None or mac in macs:
                continue
            port = _port(tables, entry.if_index, entry.bridge_port)
            vlan = entry.vlan if entry.vlan is not None else _port_vlan(tables, entry.if_index)
            on_uplink = int(port in uplinks or str(entry.if_index) in uplinks)
            count = per_port[entry.if_index or entry.bridge_port]
            sighting = Sighting("forwarding", agent, port, vlan)
            drafts.setdefault(mac, _Draft(mac)).learnt.append((on_uplink, count, sighting))
    return tuple(
        sorted(
            (draft.host() for draft in drafts.values()),
            key=lambda h: (h.address is None, _address_key(h.address), h.mac or ""),
        )
    )


def _address_key(address: str | None) -> tuple[int, ...]:
    if not address:
        return ()
    try:
        return tuple(int(part) for part in address.split("."))
    except ValueError:  # an IPv6 address: after the IPv4 ones, in text order
        return (1 << 16, *(ord(c) for c in address))


def with_macs_from_arp(hosts: Sequence[Host]) -> tuple[Host, ...]:
    """Each host without a MAC gets the one a router's ARP table gives for its address.

    nmap learns a MAC only on its own layer-2 segment; the router of every other segment
    knows it.  The MAC's organisation is evidence of its own (``mac.oui``: a GE Healthcare
    or Draeger block), and the ARP entry is kept in ``seen_by`` as where it came from.
    """
    arp: dict[str, list[tuple[str, Sighting]]] = {}
    for host in hosts:
        tables = host.snmp_tables
        if tables is None:
            continue
        for entry in tables.arp:
            mac = normal_mac(entry.mac)
            if mac and entry.address:
                sighting = Sighting("arp", _agent(host), _port(tables, entry.if_index))
                arp.setdefault(entry.address, []).append((mac, sighting))
    enriched = []
    for host in hosts:
        found = arp.get(host.address or "") if not host.mac else None
        if found:
            mac = found[0][0]  # two routers disagreeing: the first read, both sightings kept
            seen = tuple(dict.fromkeys(host.seen_by + tuple(s for _, s in found)))
            host = replace(host, mac=mac, seen_by=seen)
        enriched.append(host)
    return tuple(enriched)


def with_devices_seen_by_others(hosts: Iterable[Host]) -> tuple[Host, ...]:
    """``hosts`` (with their MACs from the ARP tables) followed by the devices only those
    tables show."""
    collected = with_macs_from_arp(tuple(hosts))
    return collected + devices_seen_by_others(collected)
