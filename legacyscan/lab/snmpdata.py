"""Generate each lab agent's snmpsim data file (``.snmprec``) from the scenario.

Nothing here is written per device by hand: the system group comes from the device's
profile, and the tables are derived from the whole network so that they agree with each
other.  Standard MIB objects only, at their standard OIDs:

* every agent: system group, IF-MIB ifTable/ifXTable, IP-MIB ipAddrTable;
* hosts with ``software``: HOST-RESOURCES hrSWInstalledTable (and hrDeviceTable);
* hosts with ``flows`` (and the servers they reach): TCP-MIB tcpConnTable, plus the
  newer tcpConnectionTable on net-snmp (Linux) agents, as the real agents do;
* devices with ``entity``: ENTITY-MIB entPhysicalTable, firmware and software revisions;
* switches: BRIDGE-MIB dot1dBasePortTable and dot1dTpFdbTable, Q-BRIDGE dot1qVlanStaticTable,
  dot1qPvid and dot1qTpFdbTable, LLDP-MIB lldpLocPortTable and lldpRemTable; the core
  also routes every segment, so its IP-MIB ipNetToMediaTable *and* ipNetToPhysicalTable
  give the MAC of every lab device.

``.snmprec`` lines are ``OID|TYPE|VALUE`` (2 Integer, 4 OctetString, 4x hex OctetString,
6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks), sorted by OID.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from legacyscan.lab.scenario import LabDevice, LabSegment

Line = tuple[str, str, str]  # oid, type tag, value

SYSTEM = "1.3.6.1.2.1.1"
IF_TABLE = "1.3.6.1.2.1.2.2.1"
IFX_TABLE = "1.3.6.1.2.1.31.1.1.1"
IP_ADDR = "1.3.6.1.2.1.4.20.1"
NET_TO_MEDIA = "1.3.6.1.2.1.4.22.1"
NET_TO_PHYSICAL = "1.3.6.1.2.1.4.35.1"
TCP_CONN = "1.3.6.1.2.1.6.13.1"
TCP_CONNECTION = "1.3.6.1.2.1.6.19.1"
HR_DEVICE = "1.3.6.1.2.1.25.3.2.1"
HR_SW_INSTALLED = "1.3.6.1.2.1.25.6.3.1"
ENT_PHYSICAL = "1.3.6.1.2.1.47.1.1.1.1"
DOT1D_BASE_PORT = "1.3.6.1.2.1.17.1.4.1"
DOT1D_TP_FDB = "1.3.6.1.2.1.17.4.3.1"
DOT1Q_TP_FDB = "1.3.6.1.2.1.17.7.1.2.2.1"
DOT1Q_VLAN_STATIC = "1.3.6.1.2.1.17.7.1.4.3.1"
DOT1Q_PVID = "1.3.6.1.2.1.17.7.1.4.5.1.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
LLDP_REM_MAN_ADDR = "1.0.8802.1.1.2.1.4.2.1"

TCP_STATES = {"listen": 2, "established": 5}
UPLINK_BASE = 1000  # ifIndex of a switch's uplinks; SVIs are 2000 + VLAN


def _hex(text: str) -> str:
    return text.encode("utf-8").hex()


def _text(oid: str, value: str) -> Line:
    # Always hex: values may hold CR/LF, '|' or non-ASCII, which the plain form cannot.
    return (oid, "4x", _hex(value))


def _mac_octets(mac: str) -> str:
    return mac.replace(":", "").lower()


def _mac_index(mac: str) -> str:
    return ".".join(str(int(part, 16)) for part in mac.split(":"))


def _portlist(ports: Iterable[int], size: int) -> str:
    """A Q-BRIDGE PortList: one bit per bridge port, port 1 the high bit of octet 0."""
    octets = bytearray((size + 7) // 8)
    for port in ports:
        octets[(port - 1) // 8] |= 0x80 >> ((port - 1) % 8)
    return octets.hex()


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:4], "big")


@dataclass(frozen=True)
class Port:
    """A device plugged into a switch port."""

    switch: str  # switch address
    number: int  # bridge port = ifIndex on our switches
    device: LabDevice
    vlan: int


class Network:
    """Who is plugged where: the layer-2 picture every table is derived from."""

    def __init__(self, devices: Sequence[LabDevice], segments: Sequence[LabSegment]) -> None:
        self.devices = tuple(devices)
        self.vlan = {s.name: s.vlan for s in segments}
        self.segments = tuple(segments)
        switches = [d for d in devices if d.extra.get("switch")]
        self.core = next((d for d in switches if d.extra["switch"] == "core"), None)
        self.access = [d for d in switches if d.extra["switch"] == "access"]
        self.ports: dict[str, list[Port]] = defaultdict(list)
        self.uplink_of: dict[str, int] = {}  # access switch address -> core port
        self._place()
        self.incoming: dict[str, list[tuple[str, int, str, int]]] | None = None
        self.by_role: dict[str, list[LabDevice]] = defaultdict(list)
        for device in devices:
            role = device.extra.get("role")
            if role:
                self.by_role[str(role)].append(device)

    def _place(self) -> None:
        if self.core is None:
            return
        core_ports = self.ports[self.core.address]
        # Servers and network gear sit on the core; the rest on the access switches,
        # segment by segment, so that one access switch carries several VLANs.
        access = self.access or [self.core]
        for device in self.devices:
            if device.extra.get("switch"):
                continue
            on_core = device.segment in ("servers", "network") or not self.access
            switch = self.core if on_core else access[_seed(device.segment) % len(access)]
            ports = self.ports[switch.address]
            ports.append(
                Port(switch.address, len(ports) + 1, device, self.vlan.get(device.segment, 1))
            )
        for index, switch in enumerate(self.access):
            self.uplink_of[switch.address] = UPLINK_BASE + index + 1
            core_ports.append(
                Port(
                    self.core.address, UPLINK_BASE + index + 1, switch, self.vlan.get("network", 1)
                )
            )

    def behind(self, switch: LabDevice) -> list[Port]:
        return self.ports.get(switch.address, [])

    def peer(self, role: str, near: LabDevice) -> LabDevice | None:
        """The device playing ``role`` for ``near`` (spread over several, stable)."""
        candidates = self.by_role.get(role)
        if not candidates:
            return None
        return candidates[_seed(near.address, role) % len(candidates)]


def _ephemeral(local: LabDevice, remote: LabDevice, port: int) -> int:
    return 49152 + _seed(local.address, remote.address, str(port)) % 16000


def flows_of(device: LabDevice, network: Network) -> list[tuple[str, int, str, int]]:
    """(local address, local port, remote address, remote port) of established flows."""
    out = []
    for flow in device.extra.get("flows") or ():
        peer = network.peer(str(flow["role"]), device)
        if peer is not None:
            port = int(flow["port"])
            out.append((device.address, _ephemeral(device, peer, port), peer.address, port))
    return out


def _incoming(device: LabDevice, network: Network) -> list[tuple[str, int, str, int]]:
    """Flows other devices opened to this one, as this one's agent sees them."""
    if network.incoming is None:  # computed once: every device's flows, by target
        network.incoming = defaultdict(list)
        for other in network.devices:
            for local, lport, remote, rport in flows_of(other, network):
                network.incoming[remote].append((remote, rport, local, lport))
    return network.incoming.get(device.address, [])


def _system(device: LabDevice) -> Iterator[Line]:
    system = device.snmp or {}
    yield _text(f"{SYSTEM}.1.0", system.get("sysDescr", ""))
    yield (f"{SYSTEM}.2.0", "6", system.get("sysObjectID", "1.3.6.1.4.1.8072.3.2.10"))
    yield (f"{SYSTEM}.3.0", "67", str(100 * (86400 + _seed(device.address) % 8_000_000)))
    yield _text(f"{SYSTEM}.4.0", system.get("sysContact", ""))
    yield _text(f"{SYSTEM}.5.0", system.get("sysName", device.name))
    yield _text(f"{SYSTEM}.6.0", system.get("sysLocation", ""))
    yield (f"{SYSTEM}.7.0", "2", "6" if device.extra.get("switch") else "72")


def _interface(index: int, descr: str, name: str, mac: str, speed_mbps: int, alias: str = "",
               kind: int = 6) -> Iterator[Line]:  # fmt: skip
    yield (f"{IF_TABLE}.1.{index}", "2", str(index))
    yield _text(f"{IF_TABLE}.2.{index}", descr)
    yield (f"{IF_TABLE}.3.{index}", "2", str(kind))
    yield (f"{IF_TABLE}.4.{index}", "2", "1500")
    yield (f"{IF_TABLE}.5.{index}", "66", str(min(speed_mbps * 1_000_000, 4_294_967_295)))
    yield (f"{IF_TABLE}.6.{index}", "4x", _mac_octets(mac) if mac else "")
    yield (f"{IF_TABLE}.7.{index}", "2", "1")
    yield (f"{IF_TABLE}.8.{index}", "2", "1")
    yield _text(f"{IFX_TABLE}.1.{index}", name)
    yield (f"{IFX_TABLE}.15.{index}", "66", str(speed_mbps))
    yield _text(f"{IFX_TABLE}.18.{index}", alias)


def _ip_address(address: str, if_index: int, prefix: int = 24) -> Iterator[Line]:
    mask = str(ipaddress.ip_network(f"0.0.0.0/{prefix}").netmask)
    yield (f"{IP_ADDR}.1.{address}", "64", address)
    yield (f"{IP_ADDR}.2.{address}", "2", str(if_index))
    yield (f"{IP_ADDR}.3.{address}", "64", mask)
    yield (f"{IP_ADDR}.4.{address}", "2", "1")


def _host_interfaces(device: LabDevice) -> Iterator[Line]:
    windows = "Windows" in (device.snmp or {}).get("sysDescr", "")
    loopback = "MS TCP Loopback interface" if windows else "lo"
    yield from _interface(1, loopback, loopback, "", 10, kind=24)
    nic = str(device.extra.get("interface") or "eth0")
    yield from _interface(2, nic, nic, device.mac, 1000)
    yield from _ip_address(device.address, 2)


def _software(device: LabDevice) -> Iterator[Line]:
    for index, name in enumerate(device.extra.get("software") or (), start=1):
        yield (f"{HR_SW_INSTALLED}.1.{index}", "2", str(index))
        yield _text(f"{HR_SW_INSTALLED}.2.{index}", str(name))
        yield (f"{HR_SW_INSTALLED}.3.{index}", "6", "0.0")
        yield (f"{HR_SW_INSTALLED}.4.{index}", "2", "4")  # application
        # DateAndTime: 2019-03-12 10:00:00.0 (year in two octets)
        yield (f"{HR_SW_INSTALLED}.5.{index}", "4x", "07e3030c0a000000")
    if device.extra.get("software"):
        nic = str(device.extra.get("interface") or "eth0")
        for index, (kind, descr) in enumerate(
            (("1.3.6.1.2.1.25.3.1.3", "Intel(R) Core(TM) CPU"), ("1.3.6.1.2.1.25.3.1.4", nic)),
            start=1,
        ):
            yield (f"{HR_DEVICE}.1.{index}", "2", str(index))
            yield (f"{HR_DEVICE}.2.{index}", "6", kind)
            yield _text(f"{HR_DEVICE}.3.{index}", descr)
            yield (f"{HR_DEVICE}.5.{index}", "2", "2")  # running


def _connections(device: LabDevice, network: Network) -> Iterator[Line]:
    rows: list[tuple[str, int, str, int, str]] = []
    for service in device.services:
        if service.get("kind") not in ("bacnet",):
            rows.append((device.address, int(service["port"]), "0.0.0.0", 0, "listen"))
    flows = flows_of(device, network) + _incoming(device, network)
    rows += [(la, lp, ra, rp, "established") for la, lp, ra, rp in flows]
    if not flows and not device.extra.get("software"):
        return  # appliances: no connection table worth showing
    rows.sort(key=lambda r: (tuple(map(int, r[0].split("."))), r[1],
                             tuple(map(int, r[2].split("."))), r[3]))  # fmt: skip
    linux = "Linux" in (device.snmp or {}).get("sysDescr", "")
    for la, lp, ra, rp, state in rows:
        index = f"{la}.{lp}.{ra}.{rp}"
        yield (f"{TCP_CONN}.1.{index}", "2", str(TCP_STATES[state]))
        yield (f"{TCP_CONN}.2.{index}", "64", la)
        yield (f"{TCP_CONN}.3.{index}", "2", str(lp))
        yield (f"{TCP_CONN}.4.{index}", "64", ra)
        yield (f"{TCP_CONN}.5.{index}", "2", str(rp))
        if linux and state == "established":  # net-snmp also fills the RFC 4022 table
            new = f"1.4.{la}.{lp}.1.4.{ra}.{rp}"
            yield (f"{TCP_CONNECTION}.7.{new}", "2", str(TCP_STATES[state]))
            yield (f"{TCP_CONNECTION}.8.{new}", "66", str(1000 + _seed(la, str(lp)) % 30000))


def _entity(device: LabDevice) -> Iterator[Line]:
    entity = device.extra.get("entity")
    if not entity:
        return
    values = {2: entity.get("descr", ""), 7: entity.get("model", ""),
              8: entity.get("hardware", ""), 9: entity.get("firmware", ""),
              10: entity.get("software", ""), 11: entity.get("serial", ""),
              12: entity.get("mfg", ""), 13: entity.get("model", "")}  # fmt: skip
    for column, value in sorted(values.items()):
        if column == 7:
            yield (f"{ENT_PHYSICAL}.3.1", "6", "0.0")  # entPhysicalVendorType unknown
            yield (f"{ENT_PHYSICAL}.4.1", "2", "0")  # contained in nothing
            yield (f"{ENT_PHYSICAL}.5.1", "2", "3")  # chassis
            yield (f"{ENT_PHYSICAL}.6.1", "2", "-1")
        yield _text(f"{ENT_PHYSICAL}.{column}.1", str(value))


def _port_name(switch: LabDevice, number: int) -> str:
    descr = (switch.snmp or {}).get("sysDescr", "")
    if number >= 900:  # uplinks: 1001+ on the core, 901+ on an access switch
        index = number % 100
        if "CAT9K" in descr:
            return f"TenGigabitEthernet1/1/{index}"
        return f"GigabitEthernet0/{index}" if "IOS" in descr else f"Trk{index}"
    if "CAT9K" in descr:
        return f"GigabitEthernet{1 + (number - 1) // 48}/0/{(number - 1) % 48 + 1}"
    if "IOS" in descr:
        return f"FastEthernet{(number - 1) // 48}/{(number - 1) % 48 + 1}"
    return str(number)


def _switch(device: LabDevice, network: Network) -> Iterator[Line]:
    ports = network.behind(device)
    uplink = network.uplink_of.get(device.address)
    numbers = sorted(
        {p.number for p in ports} | ({uplink - UPLINK_BASE + 900} if uplink else set())
    )
    # Our own uplink to the core (access switches) is numbered 900+.
    local_uplink = uplink - UPLINK_BASE + 900 if uplink else None
    size = max(numbers + [48])
    for number in numbers:
        peer = next((p.device.name for p in ports if p.number == number), "uplink core")
        yield from _interface(number, _port_name(device, number), _port_name(device, number),
                              _switch_port_mac(device, number), 1000, alias=peer)  # fmt: skip
    vlans = sorted({network.vlan.get(s.name, 1) for s in network.segments})
    if device.extra.get("switch") == "core":
        for segment in network.segments:
            svi = 2000 + segment.vlan
            yield from _interface(svi, f"Vlan{segment.vlan}", f"Vl{segment.vlan}", device.mac,
                                  1000, alias=segment.name, kind=53)  # fmt: skip
            gateway = str(ipaddress.ip_network(segment.cidr).network_address + 254)
            yield from _ip_address(gateway, svi)
        yield from _arp(network)
    else:
        management = 2000 + network.vlan.get("network", 1)
        yield from _interface(management, f"Vlan{management - 2000}", f"Vl{management - 2000}",
                              device.mac, 1000, alias="management", kind=53)  # fmt: skip
        yield from _ip_address(device.address, management)
    # BRIDGE-MIB: bridge port n is ifIndex n here.
    for number in numbers:
        yield (f"{DOT1D_BASE_PORT}.1.{number}", "2", str(number))
        yield (f"{DOT1D_BASE_PORT}.2.{number}", "2", str(number))
    learnt = _learnt(device, network, local_uplink)
    for mac, port, _vlan in sorted(learnt, key=lambda r: _mac_index(r[0])):
        index = _mac_index(mac)
        yield (f"{DOT1D_TP_FDB}.1.{index}", "4x", _mac_octets(mac))
        yield (f"{DOT1D_TP_FDB}.2.{index}", "2", str(port))
        yield (f"{DOT1D_TP_FDB}.3.{index}", "2", "3")  # learned
    for mac, port, vlan in learnt:
        yield (f"{DOT1Q_TP_FDB}.2.{vlan}.{_mac_index(mac)}", "2", str(port))
        yield (f"{DOT1Q_TP_FDB}.3.{vlan}.{_mac_index(mac)}", "2", "3")
    trunk = {p.number for p in ports if p.number >= UPLINK_BASE} | (
        {local_uplink} if local_uplink else set()
    )
    for vlan in vlans:
        members = {p.number for p in ports if p.vlan == vlan} | trunk
        untagged = {p.number for p in ports if p.vlan == vlan and p.number < UPLINK_BASE}
        name = next(
            (s.vlan_name or s.name.upper() for s in network.segments if s.vlan == vlan),
            f"VLAN{vlan}",
        )
        yield _text(f"{DOT1Q_VLAN_STATIC}.1.{vlan}", name)
        yield (f"{DOT1Q_VLAN_STATIC}.2.{vlan}", "4x", _portlist(members, size))
        yield (f"{DOT1Q_VLAN_STATIC}.3.{vlan}", "4x", _portlist((), size))
        yield (f"{DOT1Q_VLAN_STATIC}.4.{vlan}", "4x", _portlist(untagged, size))
        yield (f"{DOT1Q_VLAN_STATIC}.5.{vlan}", "2", "1")  # active
    for plug in ports:
        if plug.number < UPLINK_BASE:
            yield (f"{DOT1Q_PVID}.{plug.number}", "66", str(plug.vlan))
    yield from _lldp(device, network, numbers, local_uplink)


def _switch_port_mac(switch: LabDevice, number: int) -> str:
    octets = switch.mac.split(":")
    low = (int("".join(octets[3:]), 16) + number) % (1 << 24)
    return ":".join(
        octets[:3] + [f"{low >> 16:02x}", f"{(low >> 8) & 255:02x}", f"{low & 255:02x}"]
    )


def _learnt(
    switch: LabDevice, network: Network, local_uplink: int | None
) -> list[tuple[str, int, int]]:
    """(MAC, bridge port, VLAN) of every address this switch has learnt."""
    learnt = [(p.device.mac, p.number, p.vlan) for p in network.behind(switch)]
    core = network.core
    if core is not None and switch is not core:
        # Behind the uplink: the core itself and everything plugged elsewhere.
        mine = {p.device.address for p in network.behind(switch)}
        for device in network.devices:
            if device.address not in mine and device.address != switch.address:
                learnt.append((device.mac, local_uplink or 1, network.vlan.get(device.segment, 1)))
    elif core is not None:
        for access in network.access:
            for port in network.behind(access):
                learnt.append((port.device.mac, network.uplink_of[access.address], port.vlan))
    return learnt


def _arp(network: Network) -> Iterator[Line]:
    """The core routes every VLAN: IP -> MAC for each device, in both IP-MIB tables."""
    media: list[Line] = []
    physical: list[Line] = []
    for device in network.devices:
        if device is network.core:
            continue
        svi = 2000 + network.vlan.get(device.segment, 1)
        index = f"{svi}.{device.address}"
        media += [
            (f"{NET_TO_MEDIA}.1.{index}", "2", str(svi)),
            (f"{NET_TO_MEDIA}.2.{index}", "4x", _mac_octets(device.mac)),
            (f"{NET_TO_MEDIA}.3.{index}", "64", device.address),
            (f"{NET_TO_MEDIA}.4.{index}", "2", "3"),  # dynamic
        ]
        new = f"{svi}.1.4.{device.address}"
        physical += [
            (f"{NET_TO_PHYSICAL}.4.{new}", "4x", _mac_octets(device.mac)),
            (f"{NET_TO_PHYSICAL}.6.{new}", "2", "3"),  # dynamic
            (f"{NET_TO_PHYSICAL}.7.{new}", "2", "1"),  # reachable
        ]
    yield from media
    yield from physical


def _lldp(
    switch: LabDevice, network: Network, numbers: list[int], uplink: int | None
) -> Iterator[Line]:
    for number in numbers:
        yield (f"{LLDP_LOC_PORT}.2.{number}", "2", "5")  # interfaceName
        yield _text(f"{LLDP_LOC_PORT}.3.{number}", _port_name(switch, number))
        yield _text(f"{LLDP_LOC_PORT}.4.{number}", _port_name(switch, number))
    neighbours: list[tuple[int, LabDevice, str]] = []
    core = network.core
    if uplink is not None and core is not None:
        number = network.uplink_of[switch.address]
        neighbours.append((uplink, core, _port_name(core, number)))
    for port in network.behind(switch):
        if port.device.extra.get("switch"):
            neighbours.append(
                (port.number, port.device, _port_name(port.device, port.number - UPLINK_BASE + 900))
            )
        elif port.device.extra.get("lldp"):
            neighbours.append((port.number, port.device, "eth0"))
    for index, (local, peer, peer_port) in enumerate(sorted(neighbours, key=lambda n: n[0]), 1):
        row = f"0.{local}.{index}"
        yield (f"{LLDP_REM}.4.{row}", "2", "4")  # chassis id is a MAC address
        yield (f"{LLDP_REM}.5.{row}", "4x", _mac_octets(peer.mac))
        yield (f"{LLDP_REM}.6.{row}", "2", "5")  # port id is an interface name
        yield _text(f"{LLDP_REM}.7.{row}", peer_port)
        yield _text(f"{LLDP_REM}.8.{row}", peer_port)
        yield _text(f"{LLDP_REM}.9.{row}", (peer.snmp or {}).get("sysName", peer.name))
        yield _text(f"{LLDP_REM}.10.{row}", (peer.snmp or {}).get("sysDescr", ""))
        caps = "2800" if peer.extra.get("switch") else "0080"  # bridge+router / station
        yield (f"{LLDP_REM}.11.{row}", "4x", caps)
        yield (f"{LLDP_REM}.12.{row}", "4x", caps)
        octets = ".".join(peer.address.split("."))
        yield (f"{LLDP_REM_MAN_ADDR}.3.{row}.1.4.{octets}", "2", "2")  # ifIndex
        yield (f"{LLDP_REM_MAN_ADDR}.4.{row}.1.4.{octets}", "2", "0")


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.split("."))


def snmprec(device: LabDevice, network: Network) -> str:
    """The complete data file of one agent, sorted by OID as snmpsim requires."""
    lines: list[Line] = list(_system(device))
    if device.extra.get("switch"):
        lines += _switch(device, network)
    else:
        lines += _host_interfaces(device)
        lines += _software(device)
        lines += _connections(device, network)
    lines += _entity(device)
    unique = {oid: (oid, tag, value) for oid, tag, value in lines}
    return "".join(
        f"{o}|{t}|{v}\n" for o, t, v in sorted(unique.values(), key=lambda x: _oid_key(x[0]))
    )
