"""Records of the collect stage: what nmap, SNMP and imported files observed of each host."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from legacyscan.model.words import Message

#: TCP and UDP port numbers (RFC 793, RFC 768): 0 is reserved and never "open"
PORTS = range(1, 65536)


def is_ip_address(text: str) -> bool:
    """A single IPv4 or IPv6 address as nmap writes it: no prefix, no name, no range."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Service:
    """One port as a scanner saw it, with whatever the scanner could name."""

    port: int
    protocol: str  # "tcp" | "udp"
    state: str  # "open", "open|filtered", ...
    name: str = ""  # nmap's service name, e.g. "ssh"
    product: str = ""
    version: str = ""
    extrainfo: str = ""
    cpes: tuple[str, ...] = ()
    tunnel: str = ""  # "ssl" when nmap saw TLS
    scripts: tuple[tuple[str, str], ...] = ()  # (script id, output)
    #: what a service nmap could not name answered: (nmap probe, answer), from its service
    #: fingerprint (collect/nmap/servicefp.py)
    answers: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # every record of a port is checked where it is made: a file (nmap XML, scan.json,
        # a backup) cannot bring in port -5 or 99999999999999999999 as an open service
        if isinstance(self.port, bool) or not isinstance(self.port, int) or self.port not in PORTS:
            raise ValueError(f"port {str(self.port)[:24]!r} is not a port number (1-65535)")

    @property
    def label(self) -> str:
        """Product, version and extra info as one string, the way nmap prints it."""
        parts = [self.product, self.version]
        if self.extrainfo:
            parts.append(f"({self.extrainfo})")
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class SnmpSystem:
    """The SNMP system group (RFC 3418) of one agent."""

    descr: str | None = None
    object_id: str | None = None
    uptime: int | None = None  # hundredths of a second
    contact: str | None = None
    name: str | None = None
    location: str | None = None


# SNMP tables (ENTITY, HOST-RESOURCES, IF, IP, BRIDGE/Q-BRIDGE, LLDP/CDP, TCP MIBs): one
# record per row, decoded by the SNMP collector and the walk-file readers alike.


@dataclass(frozen=True)
class EntityPhysical:
    """ENTITY-MIB entPhysicalEntry: a chassis, module or port, with its revisions."""

    index: int
    descr: str = ""
    physical_class: int | None = None  # 3 chassis, 9 module, 10 port, ... (PhysicalClass TC)
    name: str = ""
    hardware_rev: str = ""
    firmware_rev: str = ""
    software_rev: str = ""
    serial: str = ""
    mfg_name: str = ""
    model_name: str = ""


@dataclass(frozen=True)
class InstalledSoftware:
    """HOST-RESOURCES hrSWInstalledEntry: one installed package or program."""

    name: str
    date: str | None = None  # hrSWInstalledDate as ISO text when the agent gives one


@dataclass(frozen=True)
class Interface:
    """IF-MIB ifEntry (+ ifXEntry): one interface of the agent."""

    index: int
    descr: str = ""
    name: str = ""  # ifName
    alias: str = ""  # ifAlias: what the operator wrote, often the room or the device
    mac: str | None = None  # ifPhysAddress, aa:bb:cc:dd:ee:ff
    oper_up: bool | None = None
    speed_mbps: int | None = None


@dataclass(frozen=True)
class InterfaceAddress:
    """IP-MIB ipAddrEntry / ipAddressEntry: an address configured on the agent."""

    address: str
    prefix_length: int | None = None
    if_index: int | None = None


@dataclass(frozen=True)
class ArpEntry:
    """IP-MIB ipNetToMediaEntry / ipNetToPhysicalEntry: an address the agent resolved."""

    address: str
    mac: str
    if_index: int | None = None
    table: str = ""  # "ipNetToMedia" | "ipNetToPhysical"


@dataclass(frozen=True)
class ForwardingEntry:
    """BRIDGE-MIB dot1dTpFdbEntry / Q-BRIDGE dot1qTpFdbEntry: a MAC learnt on a port."""

    mac: str
    bridge_port: int | None = None
    if_index: int | None = None
    vlan: int | None = None


@dataclass(frozen=True)
class Vlan:
    """Q-BRIDGE dot1qVlanStaticEntry (or a vendor table): a VLAN and its member ports."""

    vlan_id: int
    name: str = ""
    if_indexes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Neighbour:
    """LLDP-MIB lldpRemEntry or CISCO-CDP-MIB cdpCacheEntry: a directly attached device."""

    protocol: str  # "lldp" | "cdp"
    local_port: str = ""  # local interface name or number
    chassis_id: str = ""
    port_id: str = ""
    system_name: str = ""
    system_descr: str = ""  # LLDP system description / CDP version string
    platform: str = ""  # CDP platform
    address: str | None = None  # management address when given


@dataclass(frozen=True)
class TcpConnection:
    """TCP-MIB tcpConnEntry / tcpConnectionEntry: an observed flow of the agent."""

    local_address: str
    local_port: int
    remote_address: str
    remote_port: int
    state: str = ""  # "established", "listen", ...


@dataclass(frozen=True)
class IdentityValue:
    """A scalar of a standard or vendor MIB that names the device (UPS-MIB upsIdentModel,
    a NAS's firmware version...), under the observation field it is read as
    (``fingerprints/tables/snmp-identity-objects.yaml``)."""

    field: str  # "snmp.upsIdentModel"
    value: str


@dataclass(frozen=True)
class SnmpTables:
    """The SNMP tables read from one agent; a table the agent lacks stays empty."""

    entities: tuple[EntityPhysical, ...] = ()
    installed_software: tuple[InstalledSoftware, ...] = ()
    device_descriptions: tuple[str, ...] = ()  # hrDeviceDescr
    interfaces: tuple[Interface, ...] = ()
    interface_addresses: tuple[InterfaceAddress, ...] = ()
    arp: tuple[ArpEntry, ...] = ()
    forwarding: tuple[ForwardingEntry, ...] = ()
    vlans: tuple[Vlan, ...] = ()
    neighbours: tuple[Neighbour, ...] = ()
    connections: tuple[TcpConnection, ...] = ()
    identity: tuple[IdentityValue, ...] = ()
    #: Tables cut short (cap reached, loop, agent error), each as "table: why".
    incomplete: tuple[str, ...] = ()


@dataclass(frozen=True)
class OsClass:
    """One nmap OS class (vendor, family, generation, device type) with its accuracy."""

    vendor: str = ""
    family: str = ""  # nmap's osfamily, e.g. "Windows"
    generation: str = ""  # nmap's osgen, e.g. "XP"
    device_type: str = ""  # nmap's type, e.g. "general purpose"
    accuracy: int = 0
    cpes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OsMatch:
    """One nmap OS-detection guess."""

    name: str
    accuracy: int
    cpes: tuple[str, ...] = ()
    #: nmap >= 6 nests the classes in each match; nmap < 6 lists them once for the whole
    #: guess, and we attach them to the best match (see collect/nmap_xml.py).
    classes: tuple[OsClass, ...] = ()


#: Sources of a host that no packet of ours reached: only another device's table shows it.
SEEN_ONLY_SOURCES = frozenset({"arp", "forwarding"})


@dataclass(frozen=True)
class Sighting:
    """Where another device saw this one: an ARP entry, or a MAC learnt on a switch port."""

    table: str  # "arp" (IP-MIB ipNetToMedia/ipNetToPhysical) | "forwarding" (BRIDGE/Q-BRIDGE)
    agent: str  # the address (or sysName) of the router or switch whose table it is
    port: str = ""  # the interface of that agent: the ARP entry's, or the port it was learnt on
    vlan: int | None = None

    @property
    def evidence(self) -> str:
        """One sentence in English (the report has it in the reader's language)."""
        where = f" ({self.port}" + (f", VLAN {self.vlan})" if self.vlan is not None else ")")
        if self.table == "arp":
            return f"seen in the ARP table of {self.agent}" + (where if self.port else "")
        port = f"port {self.port}" if self.port else "a port"
        vlan = f" in VLAN {self.vlan}" if self.vlan is not None else ""
        return f"MAC learnt on {port}{vlan} of switch {self.agent}"


#: Longest body an HTTP answer keeps (characters): a model list, a version, a page title.
HTTP_BODY_LIMIT = 32 * 1024


@dataclass(frozen=True)
class HttpAnswer:
    """What one read-only GET of the AI-service probe got back (``collect/http/``).

    ``body`` is the start of the answer as text (at most ``HTTP_BODY_LIMIT`` characters,
    ``truncated`` when there was more); ``error`` says why there is no answer (refused,
    timeout, not HTTP).  Nothing here is trusted: it is what a device chose to say.
    """

    port: int
    path: str  # the request target, e.g. "/api/tags"
    status: int | None = None  # None: no HTTP answer (see error)
    content_type: str = ""
    server: str = ""  # the Server header
    body: str = ""
    truncated: bool = False
    error: str = ""
    tls: bool = False

    def __post_init__(self) -> None:
        # a tampered scan.json cannot bring in a port 0, a status 99999 or a 10 MB body
        if isinstance(self.port, bool) or not isinstance(self.port, int) or self.port not in PORTS:
            raise ValueError(f"port {str(self.port)[:24]!r} is not a port number (1-65535)")
        if self.status is not None and (
            isinstance(self.status, bool) or not isinstance(self.status, int)
            or not 100 <= self.status <= 599
        ):  # fmt: skip
            raise ValueError(f"HTTP status {str(self.status)[:12]!r} is not 100-599")
        if not isinstance(self.path, str) or not self.path.startswith("/") or len(self.path) > 256:
            raise ValueError(f"request path {str(self.path)[:40]!r} is not a path")
        if not isinstance(self.body, str) or len(self.body) > HTTP_BODY_LIMIT:
            raise ValueError(f"HTTP body longer than {HTTP_BODY_LIMIT} characters")


@dataclass(frozen=True)
class Host:
    """Everything the collectors learnt about one address."""

    address: str | None
    mac: str | None = None
    hostnames: tuple[str, ...] = ()
    services: tuple[Service, ...] = ()
    snmp: SnmpSystem | None = None
    snmp_tables: SnmpTables | None = None
    snmp_credential: str | None = None  # label of the credential that worked, never a secret
    os_matches: tuple[OsMatch, ...] = ()
    mac_vendor: str | None = None  # as the scanner named it (nmap's OUI table)
    host_scripts: tuple[tuple[str, str], ...] = ()  # nmap hostscript (id, output)
    sources: tuple[str, ...] = ()  # "nmap", "snmp", "snmpwalk:FILE", "nmap-xml:FILE", "arp"...
    #: Where other devices saw it (``collect/sightings.py``): ARP entries, switch ports.
    seen_by: tuple[Sighting, ...] = ()
    #: Answers to the AI-service probe's read-only GETs (``collect/http/``), in order sent.
    http_answers: tuple[HttpAnswer, ...] = ()

    @property
    def scanned(self) -> bool:
        """False for a device only other devices' tables show: it was never sent a packet."""
        return not self.sources or not set(self.sources) <= SEEN_ONLY_SOURCES

    def __post_init__(self) -> None:
        # "not-an-ip", "999.1.1.1" or "127.99.0.12/24" would become devices of the
        # inventory: an address is one IP address or nothing (a host known by its MAC)
        if self.address is not None and (
            not isinstance(self.address, str) or not is_ip_address(self.address)
        ):
            raise ValueError(f"{str(self.address)[:60]!r} is not an IP address")

    @property
    def open_ports(self) -> frozenset[int]:
        return frozenset(s.port for s in self.services if s.state == "open")

    @property
    def has_data(self) -> bool:
        """A host we can say something about (on loopback every address is 'up')."""
        return bool(self.open_ports or self.snmp or self.os_matches or self.mac)


@dataclass(frozen=True)
class CollectError:
    """A problem met while collecting, kept as a value so that nothing else is lost."""

    source: str
    target: str
    message: str


@dataclass(frozen=True)
class PassDecision:
    """What the second pass sent one host after the first (``collect/nmap/second_pass.py``).

    ``rule`` says why, in one sentence: the host's class and the rules behind it, and the
    allow-list entry that applied ("class workstation (0.95: snmp.windows...) allows ...").
    A host that got nothing more has empty ``scripts``.
    """

    address: str
    device_class: str
    rule: Message
    scripts: tuple[str, ...] = ()
    ports: tuple[str, ...] = ()  # "tcp/445", "udp/161": the only ports pass 2 touched
    chunk: int | None = None  # the pass-2 chunk that carried it


@dataclass(frozen=True)
class Collection:
    """What the collect stage hands over: hosts, the evidence trail and what went wrong."""

    hosts: tuple[Host, ...]
    command_lines: tuple[str, ...] = ()
    tool_versions: tuple[tuple[str, str], ...] = ()  # ("nmap", "7.93")
    errors: tuple[CollectError, ...] = ()
    silent_addresses: int = 0  # up but nothing open and no SNMP: not reported as devices
    second_pass: tuple[PassDecision, ...] = ()  # one per host of the first pass
    ai_probes: tuple[PassDecision, ...] = ()  # the AI-service GETs: who got them, and why
