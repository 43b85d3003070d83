"""The records that flow between the pipeline stages.

collect -> identify -> lifecycle -> topology -> risk -> report.  Every stage
receives and returns these frozen dataclasses, never a library's own types
(python-nmap and pysnmp objects stop inside their collector).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

DeviceClass = Literal[
    "medical",
    "iot",
    "telehealth",
    "network",
    "server",
    "workstation",
    "printer",
    "power",
    "unknown",
]
DEVICE_CLASSES: tuple[DeviceClass, ...] = (
    "medical",
    "iot",
    "telehealth",
    "network",
    "server",
    "workstation",
    "printer",
    "power",
    "unknown",
)
#: Classes whose devices we protect: the question is which legacy systems can reach them.
CLINICAL_CLASSES: frozenset[str] = frozenset({"medical", "iot", "telehealth"})

IdentityKind = Literal["os", "firmware", "application", "hardware"]
IDENTITY_KINDS: tuple[IdentityKind, ...] = ("os", "firmware", "application", "hardware")

LifecycleStatus = Literal["supported", "extended", "eol", "unknown"]
#: Statuses that make a device "legacy" (obsolete) for topology and risk.
LEGACY_STATUSES: frozenset[str] = frozenset({"eol", "extended"})


# --- words ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arg:
    """One named value of a :class:`Message`; exactly one of its value fields is set.

    ``text`` is shown as given (a product name, an address, a CVE id: never translated);
    ``term`` is a value from a closed list (a lifecycle status) that the catalogue names
    in each language; ``messages`` are sentences of their own, joined by the renderer.
    """

    name: str
    text: str | None = None
    number: float | None = None
    date: dt.date | None = None
    term: str | None = None
    messages: tuple[Message, ...] | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence in no language: a key of the ``msg`` catalogues and its values.

    The catalogues (``reports/i18n/{en,fr}.yaml``) hold the words; ``legacyscan.messages``
    renders a message in plain English for the CLI and scan.json, and the report in the
    reader's language with its own number and date formats.
    """

    key: str
    args: tuple[Arg, ...] = ()


# --- collect ---------------------------------------------------------------------------


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
    sources: tuple[str, ...] = ()  # "nmap", "snmp", "snmpwalk:FILE", "nmap-xml:FILE"

    @property
    def open_ports(self) -> frozenset[int]:
        return frozenset(s.port for s in self.services if s.state == "open")


@dataclass(frozen=True)
class CollectError:
    """A problem met while collecting, kept as a value so that nothing else is lost."""

    source: str
    target: str
    message: str


@dataclass(frozen=True)
class Collection:
    """What the collect stage hands over: hosts, the evidence trail and what went wrong."""

    hosts: tuple[Host, ...]
    command_lines: tuple[str, ...] = ()
    tool_versions: tuple[tuple[str, str], ...] = ()  # ("nmap", "7.93")
    errors: tuple[CollectError, ...] = ()
    silent_addresses: int = 0  # up but nothing open and no SNMP: not reported as devices


# --- identify ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """One observed value of one field, e.g. snmp.sysDescr = "Cisco IOS ..."."""

    source: str  # "snmp", "nmap"
    field: str  # "snmp.sysDescr", "nmap.service", "nmap.cpe", ...
    value: str
    port: int | None = None


@dataclass(frozen=True)
class Evidence:
    """Why we believe something: the observation and the rule that read it."""

    source: str
    field: str
    value: str
    rule: str
    port: int | None = None


@dataclass(frozen=True)
class Alternative:
    """Another product the same observation may equally be (a rebuild, a sibling edition).

    A Red Hat ``.el8`` kernel runs RHEL 8, CentOS Linux 8 or CentOS Stream 8; their
    lifecycles differ, so the lifecycle stage judges every candidate and answers only
    what they all agree on.
    """

    vendor: str
    product: str
    version: str | None


@dataclass(frozen=True)
class Identity:
    """What runs on (or what is) a device, named from the controlled vocabulary.

    ``alternatives`` are the other products the evidence cannot rule out: the identity
    names the most likely one, and no lifecycle verdict may hold for it alone.
    """

    kind: IdentityKind
    vendor: str
    product: str
    version: str | None
    cpe: str | None
    confidence: float
    evidence: tuple[Evidence, ...]
    alternatives: tuple[Alternative, ...] = ()

    @property
    def vendor_only(self) -> bool:
        """Only the maker is known (an SNMP enterprise number): no product, so no record
        of the end-of-life database can match it and its lifecycle stays ``unknown``."""
        return not self.product


@dataclass(frozen=True)
class ClassSignal:
    """One signal for the device class, with its weight; all of them are kept for the report."""

    device_class: DeviceClass
    device_type: str | None
    weight: float
    reason: str  # rule id or signal id
    detail: str  # the observed value that fired it


@dataclass(frozen=True)
class IdentifiedDevice:
    host: Host
    identities: tuple[Identity, ...]
    device_class: DeviceClass
    device_type: str | None
    class_confidence: float
    class_signals: tuple[ClassSignal, ...] = ()
    #: Other classes with strong signals: shown to the reader as a disagreement.
    class_conflicts: tuple[DeviceClass, ...] = ()

    @property
    def deciding_signals(self) -> tuple[ClassSignal, ...]:
        """The signals of the winning class, heaviest first: the evidence for the class."""
        won = (s for s in self.class_signals if s.device_class == self.device_class)
        return tuple(sorted(won, key=lambda s: -s.weight))


# --- lifecycle -------------------------------------------------------------------------


@dataclass(frozen=True)
class EolRecord:
    """One product cycle in the end-of-life database, with its source."""

    vendor: str
    product: str
    cycle: str
    versions: str | None  # regex over Identity.version; None: every version
    released: dt.date | None
    support_end: dt.date | None
    security_end: dt.date | None
    extended_end: dt.date | None
    source: str
    checked: dt.date
    security_end_latest: dt.date | None = None  # editions differ: unknown between the two
    no_end_announced: bool = False
    note: str = ""
    #: Distributions backport fixes into this upstream version, so past the upstream end the
    #: version alone cannot tell: "unknown" (unless a paid extension is on sale).
    backports: bool = False
    #: Version strings that must map to this record; the test suite runs them.
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lifecycle:
    status: LifecycleStatus
    cycle: str | None = None
    eol_date: dt.date | None = None
    extended_end: dt.date | None = None
    source: str | None = None
    checked: dt.date | None = None
    reason: str = ""  # one sentence saying why this status, in plain English
    #: The same sentence as a message, for the report's languages (None: only ``reason``).
    reason_message: Message | None = None
    #: CVE ids of this product listed in CISA's Known Exploited Vulnerabilities catalog,
    #: when the user gave one (``--kev FILE``); empty when unknown or none.
    known_exploited: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssessedIdentity:
    identity: Identity
    lifecycle: Lifecycle


@dataclass(frozen=True)
class AssessedDevice:
    device: IdentifiedDevice
    identities: tuple[AssessedIdentity, ...]

    @property
    def address(self) -> str | None:
        return self.device.host.address

    @property
    def is_legacy(self) -> bool:
        return any(a.lifecycle.status in LEGACY_STATUSES for a in self.identities)

    @property
    def is_clinical(self) -> bool:
        return self.device.device_class in CLINICAL_CLASSES

    @property
    def worst_status(self) -> LifecycleStatus:
        order: tuple[LifecycleStatus, ...] = ("eol", "extended", "unknown", "supported")
        statuses = {a.lifecycle.status for a in self.identities}
        for status in order:
            if status in statuses:
                return status
        return "unknown"


# --- topology ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    name: str
    cidr: str
    members: tuple[str, ...]  # device addresses
    origin: str  # how we know: "scanned-subnet", "snmp-vlan", "snmp-interface", "mapping-file"
    site: str = ""
    zone: str = ""  # zone type from a mapping file, e.g. "biomedical", "guest"


@dataclass(frozen=True)
class Exposure:
    """A legacy device that can reach a clinical device, and why we think so."""

    legacy: str  # address
    clinical: str  # address
    path: tuple[str, ...]  # graph nodes from legacy to clinical
    evidence: str  # e.g. "same segment 127.42.10.0/24 (no filtering observed)"
    evidence_message: Message | None = None  # the same, for the report's languages


@dataclass(frozen=True)
class Reach:
    """The clinical devices one legacy device can reach, counted exactly by kind.

    ``kind`` is ``class/type`` (``medical/infusion-pump``) or the class alone when the
    type is unknown; counts stay exact even when only some exposures are listed.
    """

    address: str
    counts: tuple[tuple[str, int], ...]  # (kind, number of reachable devices), sorted by kind

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class Bridge:
    """A legacy device that links segments (several addresses, or flows into other segments)."""

    address: str
    segments: tuple[str, ...]
    centrality: float  # betweenness in the graph of segments and bridging devices, 0..1
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Topology:
    segments: tuple[Segment, ...]
    exposures: tuple[Exposure, ...]
    mixed_segments: tuple[str, ...]  # segments holding legacy IT and clinical devices
    #: Every legacy -> clinical pair; ``exposures`` may list only the first of them (big
    #: segments hold millions of pairs).  None: ``exposures`` is complete.
    exposure_count: int | None = None
    reach: tuple[Reach, ...] = ()  # one entry per legacy device that reaches a clinical one
    bridges: tuple[Bridge, ...] = ()
    notes: tuple[str, ...] = ()  # assumptions the reader must know, e.g. the scan vantage

    @property
    def total_exposures(self) -> int:
        return len(self.exposures) if self.exposure_count is None else self.exposure_count


# --- risk --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskFactor:
    name: str  # "lifecycle", "exposure", "blast-radius"
    points: float
    explanation: str  # in words a manager understands, in plain English
    message: Message | None = None  # the same sentence, for the report's languages


@dataclass(frozen=True)
class DeviceRisk:
    address: str | None
    score: float
    level: str  # "critical" | "high" | "medium" | "low"
    factors: tuple[RiskFactor, ...]


@dataclass(frozen=True)
class SegmentRisk:
    """A segment's score: mostly its mix of legacy systems and clinical devices."""

    segment: str
    score: float
    level: str
    legacy_count: int
    clinical_count: int
    factors: tuple[RiskFactor, ...]


@dataclass(frozen=True)
class PlanAction:
    """One step of a budget plan: what to do to which device or segment, and what it buys."""

    action: str  # "replace" | "upgrade" | "isolate" | "decommission" | ...
    target: str  # device address or segment name
    cost: float  # euros
    risk_reduction: float  # points of risk removed
    explanation: str  # plain English
    message: Message | None = None  # the same sentence, for the report's languages


@dataclass(frozen=True)
class Plan:
    """The actions chosen within a budget, and the risk left afterwards."""

    budget: float
    actions: tuple[PlanAction, ...]
    total_cost: float
    risk_before: float
    risk_after: float
    method: str  # how it was chosen, e.g. "exact" or "greedy (within 50% of optimal)"
    method_message: Message | None = None  # the same sentence, for the report's languages


@dataclass(frozen=True)
class HorizonEntry:
    """What falls out of support within a number of months after the as-of date."""

    months: int
    addresses: tuple[str, ...]


# --- the whole result --------------------------------------------------------------------


@dataclass(frozen=True)
class ScanMeta:
    as_of: dt.date
    started: str  # ISO timestamp
    finished: str
    targets: tuple[str, ...]
    command_lines: tuple[str, ...] = ()
    tool_versions: tuple[tuple[str, str], ...] = ()
    legacyscan_version: str = ""
    silent_addresses: int = 0
    errors: tuple[CollectError, ...] = ()
    profile: str = ""  # scan profile name, e.g. "clinical-safe"
    site: str = ""
    vantage: str = ""  # where the scanner stood, e.g. "datacentre-vlan-5"


@dataclass(frozen=True)
class Trend:
    """Change since the previous scan of the same site, from the inventory's diff.

    The report's "since the previous scan" box and the line ``legacyscan scan`` prints.
    """

    previous_scan: int
    previous_started: str
    current_scan: int
    devices_before: int
    devices_now: int
    new_devices: int
    gone_devices: int
    version_changes: int
    newly_eol: int
    new_exposures: int
    risk_before: float
    risk_after: float

    @property
    def risk_delta(self) -> float:
        return round(self.risk_after - self.risk_before, 2)


@dataclass(frozen=True)
class Assessment:
    """Everything a report needs: devices with their verdicts, topology and scores."""

    meta: ScanMeta
    devices: tuple[AssessedDevice, ...]
    topology: Topology
    risks: tuple[DeviceRisk, ...] = field(default=())
    segment_risks: tuple[SegmentRisk, ...] = ()
    network_score: float | None = None  # the whole network's segmentation score
    network_factors: tuple[RiskFactor, ...] = ()  # its parts; they add up to network_score
    plan: Plan | None = None
    horizon: tuple[HorizonEntry, ...] = ()
    trend: Trend | None = None  # set when the scan was recorded after an earlier one

    @cached_property
    def _risk_by_address(self) -> dict[str | None, DeviceRisk]:
        return {risk.address: risk for risk in self.risks}

    def risk_of(self, address: str | None) -> DeviceRisk | None:
        # Called once per device by the renderers: a dict, not a scan of every risk.
        return self._risk_by_address.get(address)
