"""Which segment each device sits in, and how we know.

Four sources, the first that answers wins for an address:

1. a user mapping file (``--segments FILE``: CIDR -> segment name, site, zone type);
2. SNMP VLANs: the device's MAC learnt on a switch port of a VLAN (bridge / Q-bridge
   forwarding tables, the MAC coming from the host itself or from any agent's ARP table);
3. SNMP interface subnets: a subnet configured on an agent's interface (router, switch SVI);
4. the scanned CIDR holding the address, when it is subnet-sized (/22–/30, IPv6 /64–/126);

and, failing all of them, the /24 (IPv6 /64) around the address, marked as assumed.
A device whose own SNMP agent lists addresses in other subnets is a member of those too.

A VLAN and the subnet it carries are one network, so one segment: a subnet is carried by
the VLAN of an SVI configured in it (an interface named ``Vlan10``) or, failing that, by the
VLAN most of its addresses were learnt in; an address placed by its subnet then joins that
VLAN's segment.  A VLAN segment is named as the switch publishes the VLAN (Q-BRIDGE
``dot1qVlanStaticName``), else by the subnet(s) it carries, else ``vlan-N``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from netaddr import AddrFormatError, IPAddress, IPNetwork

from legacyscan.model import AssessedDevice, Host, Segment, SnmpTables
from legacyscan.topology.mapping import SegmentMap

ASSUMED_PREFIX = {4: 24, 6: 64}
#: A scanned CIDR is taken as a segment only when it has the size of a subnet.
SCANNED_PREFIXES = {4: range(22, 31), 6: range(64, 127)}
#: Interface names that are not a subnet a device sits in.
_NOT_A_SUBNET = ("lo", "loopback", "null")
#: The host's own loopback (the lab lives in 127.42.0.0/16, so only these are skipped).
_HOST_LOOPBACK = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class Placement:
    """One address of a device placed in a segment, with the sentence that says why."""

    address: str
    segment: Segment  # members filled later
    evidence: str


@dataclass
class _SegmentFacts:
    """What the SNMP agents told us, indexed once for every device."""

    mac_of_ip: dict[str, str]
    vlan_of_mac: dict[str, tuple[int, str]]  # mac -> (vlan, "port X of switch Y")
    port_of_mac: dict[str, tuple[str, str, int | None]]  # mac -> (switch, port name, vlan)
    subnets: list[tuple[IPNetwork, str]]  # (subnet, agent that has it), most specific first
    vlan_of_subnet: dict[IPNetwork, int] = field(default_factory=dict)
    vlan_names: dict[int, str] = field(default_factory=dict)  # as the switches publish them


def _ip(text: str | None) -> IPAddress | None:
    if not text:
        return None
    try:
        return IPAddress(text.split("%")[0])
    except (AddrFormatError, ValueError):
        return None


_MAC = re.compile(r"[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}")
#: An SVI's interface name: ``Vlan10``, ``Vl10``, ``vlan 10``, ``vlan.10``.
_SVI = re.compile(r"vl(?:an)?[\s._-]*(\d{1,4})", re.IGNORECASE)


def normal_mac(mac: str | None) -> str | None:
    """``aa:bb:cc:dd:ee:ff`` from any usual spelling, or None."""
    if not mac:
        return None
    if _MAC.fullmatch(mac):  # colon-separated (nmap writes it in capitals): kept cheap
        return mac.lower()
    digits = "".join(c for c in mac.lower() if c in "0123456789abcdef")
    if len(digits) != 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def port_name(tables: SnmpTables, if_index: int | None, bridge_port: int | None) -> str:
    for interface in tables.interfaces:
        if if_index is not None and interface.index == if_index:
            return interface.name or interface.descr or f"ifIndex {if_index}"
    if if_index is not None:
        return f"ifIndex {if_index}"
    return f"bridge port {bridge_port}" if bridge_port is not None else "an unknown port"


def port_vlan(tables: SnmpTables, if_index: int | None) -> int | None:
    if if_index is None:
        return None
    for vlan in tables.vlans:
        if if_index in vlan.if_indexes:
            return vlan.vlan_id
    return None


def own_addresses(host: Host) -> tuple[str, ...]:
    """The host's scanned address, then the other addresses its own agent reports."""
    seen = [host.address] if host.address else []
    tables = host.snmp_tables
    if tables is None:
        return tuple(seen)
    names = {i.index: (i.name or i.descr).lower() for i in tables.interfaces}
    for entry in tables.interface_addresses:
        ip = _ip(entry.address)
        if ip is None or str(ip) in _HOST_LOOPBACK:
            continue
        if names.get(entry.if_index or -1, "").startswith(_NOT_A_SUBNET):
            continue
        if str(ip) not in seen:
            seen.append(str(ip))
    return tuple(seen)


def _facts(hosts: Iterable[Host]) -> _SegmentFacts:
    mac_of_ip: dict[str, str] = {}
    learnt: dict[str, list[tuple[int, int, str, str, int | None]]] = {}
    subnets: list[tuple[IPNetwork, str]] = []
    svi_votes: dict[IPNetwork, Counter[int]] = {}
    names: dict[int, Counter[str]] = {}
    own_macs: dict[str, str] = {}
    for host in hosts:
        if host.address and (mac := normal_mac(host.mac)):
            own_macs[host.address] = mac
        tables = host.snmp_tables
        if tables is None:
            continue
        agent = host.address or (host.snmp.name if host.snmp else "") or "an agent"
        for published in tables.vlans:
            if published.name.strip():
                names.setdefault(published.vlan_id, Counter())[published.name.strip()] += 1
        interface_names = {i.index: i.name or i.descr for i in tables.interfaces}
        for arp in tables.arp:
            mac = normal_mac(arp.mac)
            if mac and arp.address:
                mac_of_ip.setdefault(arp.address, mac)
        per_port = Counter(e.if_index or e.bridge_port for e in tables.forwarding)
        uplinks = {n.local_port for n in tables.neighbours}
        for entry in tables.forwarding:
            mac = normal_mac(entry.mac)
            vlan = entry.vlan if entry.vlan is not None else port_vlan(tables, entry.if_index)
            if mac is None:
                continue
            name = port_name(tables, entry.if_index, entry.bridge_port)
            is_uplink = int(name in uplinks or str(entry.if_index) in uplinks)
            count = per_port[entry.if_index or entry.bridge_port]
            learnt.setdefault(mac, []).append((is_uplink, count, agent, name, vlan))
        for configured in tables.interface_addresses:
            ip = _ip(configured.address)
            prefix = configured.prefix_length
            if ip is None or prefix is None or str(ip) in _HOST_LOOPBACK:
                continue
            if prefix >= (32 if ip.version == 4 else 128) - 1 or prefix < 8:
                continue  # a host route or an absurd mask: no subnet to learn
            subnet = IPNetwork(f"{ip}/{prefix}").cidr
            subnets.append((subnet, agent))
            svi = _SVI.fullmatch(interface_names.get(configured.if_index or -1, "").strip())
            if svi:
                svi_votes.setdefault(subnet, Counter())[int(svi.group(1))] += 1
    # A MAC seen on several ports sits behind the access port: not an uplink, fewest MACs.
    port_of_mac = {
        mac: (agent, name, vlan)
        for mac, seen in learnt.items()
        for _, _, agent, name, vlan in [min(seen, key=lambda s: (s[0], s[1]))]
    }
    vlan_of_mac = {
        mac: (vlan, f"port {name} of switch {agent}")
        for mac, (agent, name, vlan) in port_of_mac.items()
        if vlan is not None
    }
    subnets.sort(key=lambda item: -item[0].prefixlen)
    return _SegmentFacts(
        mac_of_ip,
        vlan_of_mac,
        port_of_mac,
        subnets,
        _vlan_of_subnet(subnets, svi_votes, {**own_macs, **mac_of_ip}, vlan_of_mac),
        # the name most switches publish; ties go to the alphabetically first, for stability
        {v: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for v, c in names.items()},
    )


def _vlan_of_subnet(
    subnets: list[tuple[IPNetwork, str]],
    svi_votes: dict[IPNetwork, Counter[int]],
    macs: dict[str, str],
    vlan_of_mac: dict[str, tuple[int, str]],
) -> dict[IPNetwork, int]:
    """The VLAN that carries each configured subnet: its SVI's, else its addresses' VLAN."""
    learnt: dict[IPNetwork, Counter[int]] = {}
    for address, mac in macs.items():
        found = vlan_of_mac.get(mac)
        ip = _ip(address)
        if found is None or ip is None:
            continue
        for network, _ in subnets:  # most specific first
            if network.version == ip.version and ip in network:
                learnt.setdefault(network, Counter())[found[0]] += 1
                break
    carried = {}
    for network in {n for n, _ in subnets}:
        votes = svi_votes.get(network) or learnt.get(network)
        if votes:
            carried[network] = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return carried


def _scanned(targets: Sequence[str]) -> list[IPNetwork]:
    networks = []
    for target in targets:
        if "/" not in target:
            continue
        try:
            network = IPNetwork(target)
        except (AddrFormatError, ValueError):
            continue
        if network.prefixlen in SCANNED_PREFIXES[network.version]:
            networks.append(network.cidr)
    return sorted(networks, key=lambda n: -n.prefixlen)


class SegmentResolver:
    """Places addresses in segments from the best source available (see the module doc)."""

    def __init__(
        self,
        hosts: Iterable[Host],
        targets: Sequence[str] = (),
        mapping: SegmentMap | None = None,
    ) -> None:
        self.mapping = mapping
        self.facts = _facts(hosts)
        self.scanned = _scanned(targets)
        self._vlan_segments: dict[int, Segment] = {}

    def place(self, address: str, mac: str | None = None, primary: bool = True) -> Placement | None:
        ip = _ip(address)
        if ip is None:
            return None
        mapped = self.mapping.find(ip) if self.mapping else None
        if mapped is not None:
            segment = Segment(
                mapped.name, mapped.cidr, (), "mapping-file", mapped.site, mapped.zone
            )
            source = self.mapping.source if self.mapping else ""
            return Placement(
                address,
                segment,
                f"{address} is in {mapped.cidr}, mapped to segment {mapped.name} by {source}",
            )
        mac = normal_mac(mac) or self.facts.mac_of_ip.get(address)
        if primary and mac and mac in self.facts.vlan_of_mac:
            vlan, where = self.facts.vlan_of_mac[mac]
            return Placement(
                address,
                self.vlan_segment(vlan),
                f"MAC {mac} of {address} learnt in VLAN {vlan} on {where}",
            )
        subnet = self._subnet(ip)
        if subnet is not None and subnet[0] in self.facts.vlan_of_subnet:
            cidr, vlan = str(subnet[0]), self.facts.vlan_of_subnet[subnet[0]]
            return Placement(
                address,
                self.vlan_segment(vlan),
                f"{address} is in {cidr}, a subnet configured on {subnet[1]} "
                f"and carried by VLAN {vlan}",
            )
        if subnet is not None:
            cidr = str(subnet[0])
            return Placement(
                address,
                Segment(cidr, cidr, (), "snmp-interface"),
                f"{address} is in {cidr}, a subnet configured on {subnet[1]}",
            )
        for network in self.scanned:
            if network.version == ip.version and ip in network:
                cidr = str(network)
                return Placement(
                    address,
                    Segment(cidr, cidr, (), "scanned-subnet"),
                    f"{address} is in the scanned subnet {cidr}",
                )
        assumed = IPNetwork(f"{ip}/{ASSUMED_PREFIX[ip.version]}").cidr
        cidr = str(assumed)
        return Placement(
            address,
            Segment(cidr, cidr, (), "assumed-subnet"),
            f"{address} is in {cidr} (a /{assumed.prefixlen} assumed: no VLAN, "
            "interface subnet or mapping says otherwise)",
        )

    def vlan_segment(self, vlan: int) -> Segment:
        """VLAN ``vlan`` as a segment: its published name, else its subnets, else ``vlan-N``."""
        found = self._vlan_segments.get(vlan)
        if found is None:
            carried = sorted(
                (n for n, v in self.facts.vlan_of_subnet.items() if v == vlan),
                key=lambda n: (n.version, n.value),
            )
            cidr = ", ".join(str(n) for n in carried)
            name = self.facts.vlan_names.get(vlan) or cidr or f"vlan-{vlan}"
            if any(
                other != vlan and self.facts.vlan_names.get(other) == name
                for other in self.facts.vlan_names
            ):
                name = f"{name} (VLAN {vlan})"  # two VLANs published under one name
            found = self._vlan_segments[vlan] = Segment(name, cidr, (), "snmp-vlan", vlan=vlan)
        return found

    def _subnet(self, ip: IPAddress) -> tuple[IPNetwork, str] | None:
        for network, agent in self.facts.subnets:
            if network.version == ip.version and ip in network:
                return network, agent
        return None

    def placements(self, device: AssessedDevice) -> list[Placement]:
        host = device.device.host
        found: list[Placement] = []
        for number, address in enumerate(own_addresses(host)):
            placement = self.place(address, host.mac if number == 0 else None, number == 0)
            if placement and all(p.segment.name != placement.segment.name for p in found):
                found.append(placement)
        return found
