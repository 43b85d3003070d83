"""Which SNMP columns legacyscan reads, grouped into the tables a poll walks.

One list serves both directions: the live poller walks exactly these columns (pysnmp is
CPU bound, so we never walk a whole subtree for three useful columns) and the decoder in
``mib_decode`` files the values of the same columns into typed records, whether they
came from an agent or from a consultant's walk file.  OIDs are the standard ones (RFC
3418 system, RFC 6933 ENTITY-MIB, RFC 2790 HOST-RESOURCES-MIB, RFC 2863 IF-MIB, RFC 4293
IP-MIB, RFC 4188 BRIDGE-MIB, RFC 4363 Q-BRIDGE-MIB, IEEE 802.1AB LLDP-MIB, Cisco's
CISCO-CDP-MIB, RFC 4022 TCP-MIB).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The system group (SNMPv2-MIB, RFC 3418), instance 0.
SYSTEM_OIDS: dict[str, str] = {
    "descr": "1.3.6.1.2.1.1.1.0",
    "object_id": "1.3.6.1.2.1.1.2.0",
    "uptime": "1.3.6.1.2.1.1.3.0",
    "contact": "1.3.6.1.2.1.1.4.0",
    "name": "1.3.6.1.2.1.1.5.0",
    "location": "1.3.6.1.2.1.1.6.0",
}

ENT_PHYSICAL = "1.3.6.1.2.1.47.1.1.1.1"
HR_SW_INSTALLED = "1.3.6.1.2.1.25.6.3.1"
HR_DEVICE = "1.3.6.1.2.1.25.3.2.1"
IF_ENTRY = "1.3.6.1.2.1.2.2.1"
IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1"
IP_ADDR = "1.3.6.1.2.1.4.20.1"
IP_ADDRESS = "1.3.6.1.2.1.4.34.1"
IP_NET_TO_MEDIA = "1.3.6.1.2.1.4.22.1"
IP_NET_TO_PHYSICAL = "1.3.6.1.2.1.4.35.1"
DOT1D_BASE_PORT = "1.3.6.1.2.1.17.1.4.1"
DOT1D_TP_FDB = "1.3.6.1.2.1.17.4.3.1"
DOT1Q_TP_FDB = "1.3.6.1.2.1.17.7.1.2.2.1"
DOT1Q_VLAN_CURRENT = "1.3.6.1.2.1.17.7.1.4.2.1"
DOT1Q_VLAN_STATIC = "1.3.6.1.2.1.17.7.1.4.3.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
LLDP_REM_MAN_ADDR = "1.0.8802.1.1.2.1.4.2.1"
CDP_CACHE = "1.3.6.1.4.1.9.9.23.1.2.1.1"
TCP_CONN = "1.3.6.1.2.1.6.13.1"
TCP_CONNECTION = "1.3.6.1.2.1.6.19.1"


@dataclass(frozen=True)
class Table:
    """One table as the poller walks it: the columns it needs, all walked side by side."""

    name: str  # as named in SnmpTables.incomplete, e.g. "entPhysicalTable"
    group: str  # the user-facing group it belongs to (--tables), e.g. "entity"
    columns: tuple[str, ...]  # column OIDs, without instance


def _cols(entry: str, *numbers: int) -> tuple[str, ...]:
    return tuple(f"{entry}.{n}" for n in numbers)


TABLES: tuple[Table, ...] = (
    # ENTITY-MIB: descr, class, name, hw/fw/sw revisions, serial, manufacturer, model
    Table("entPhysicalTable", "entity", _cols(ENT_PHYSICAL, 2, 5, 7, 8, 9, 10, 11, 12, 13)),
    # HOST-RESOURCES-MIB: installed software (name, date), device descriptions
    Table("hrSWInstalledTable", "software", _cols(HR_SW_INSTALLED, 2, 5)),
    Table("hrDeviceTable", "software", _cols(HR_DEVICE, 3)),
    # IF-MIB: descr, speed, MAC, oper status; ifName, ifHighSpeed, ifAlias
    Table("ifTable", "interfaces", _cols(IF_ENTRY, 2, 5, 6, 8)),
    Table("ifXTable", "interfaces", _cols(IFX_ENTRY, 1, 15, 18)),
    # IP-MIB addresses: ipAdEntIfIndex, ipAdEntNetMask; ipAddressIfIndex, ipAddressPrefix
    Table("ipAddrTable", "interfaces", _cols(IP_ADDR, 2, 3)),
    Table("ipAddressTable", "interfaces", _cols(IP_ADDRESS, 3, 5)),
    # IP-MIB ARP: physical address and type (invalid rows are skipped)
    Table("ipNetToMediaTable", "arp", _cols(IP_NET_TO_MEDIA, 2, 4)),
    Table("ipNetToPhysicalTable", "arp", _cols(IP_NET_TO_PHYSICAL, 4, 6)),
    # BRIDGE-MIB: bridge port -> ifIndex, learnt MACs; Q-BRIDGE: per-VLAN MACs, VLANs
    Table("dot1dBasePortTable", "bridge", _cols(DOT1D_BASE_PORT, 2)),
    Table("dot1dTpFdbTable", "bridge", _cols(DOT1D_TP_FDB, 2, 3)),
    Table("dot1qTpFdbTable", "bridge", _cols(DOT1Q_TP_FDB, 2, 3)),
    Table("dot1qVlanCurrentTable", "bridge", _cols(DOT1Q_VLAN_CURRENT, 3)),
    Table("dot1qVlanStaticTable", "bridge", _cols(DOT1Q_VLAN_STATIC, 1, 2)),
    # LLDP-MIB: local port names, remote systems, their management addresses
    Table("lldpLocPortTable", "neighbours", _cols(LLDP_LOC_PORT, 3, 4)),
    Table("lldpRemTable", "neighbours", _cols(LLDP_REM, 4, 5, 6, 7, 9, 10)),
    Table("lldpRemManAddrTable", "neighbours", _cols(LLDP_REM_MAN_ADDR, 3)),
    # CISCO-CDP-MIB: address type, address, version, device id, port, platform
    Table("cdpCacheTable", "neighbours", _cols(CDP_CACHE, 3, 4, 5, 6, 7, 8)),
    # TCP-MIB: the state is enough, the index holds both ends
    Table("tcpConnTable", "connections", _cols(TCP_CONN, 1)),
    Table("tcpConnectionTable", "connections", _cols(TCP_CONNECTION, 7)),
)

#: The user-facing groups, in the order they are walked.
GROUPS: tuple[str, ...] = (
    "entity",
    "software",
    "interfaces",
    "arp",
    "bridge",
    "neighbours",
    "connections",
)


def tables_for(groups: tuple[str, ...] | frozenset[str]) -> tuple[Table, ...]:
    """The tables of the given groups, in walking order."""
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown table group(s): {', '.join(sorted(unknown))}")
    return tuple(t for t in TABLES if t.group in groups)


#: TCP-MIB tcpConnState (RFC 4022): the states a connection table reports.
TCP_STATES: dict[int, str] = {
    1: "closed",
    2: "listen",
    3: "synSent",
    4: "synReceived",
    5: "established",
    6: "finWait1",
    7: "finWait2",
    8: "closeWait",
    9: "lastAck",
    10: "closing",
    11: "timeWait",
    12: "deleteTCB",
}
