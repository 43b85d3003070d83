"""OID -> value pairs to typed records: the one decoder for live polls and walk files.

``decode_tables`` reads the columns listed in ``mib_tables`` out of a flat mapping of
OID strings to plain values (see ``mib_values.Value``) and builds ``SnmpTables``; the
live poller and the walk-file readers both end here, so a consultant's ``snmpwalk -On``
of an agent gives the same records as polling that agent.  Rows that are malformed are
skipped one by one; a table the agent lacks stays empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from legacyscan.collect.snmp import mib_tables as t
from legacyscan.collect.snmp.identity_objects import identity_values
from legacyscan.collect.snmp.mib_values import (
    Value,
    address_from_octets,
    date_and_time,
    inet_from_index,
    integer,
    ipv4,
    mac,
    mac_from_arcs,
    port_list,
    prefix_length,
    printable_or_hex,
    text,
)
from legacyscan.model import (
    ArpEntry,
    EntityPhysical,
    ForwardingEntry,
    InstalledSoftware,
    Interface,
    InterfaceAddress,
    Neighbour,
    SnmpSystem,
    SnmpTables,
    TcpConnection,
    Vlan,
)

Index = tuple[int, ...]
Columns = dict[str, dict[Index, Value]]

_COLUMNS = frozenset(c for table in t.TABLES for c in table.columns)
_DEPTHS = sorted({c.count(".") + 1 for c in _COLUMNS})


def normalise_oid(text_oid: str) -> str:
    """'.1.3.6...' and 'iso.3.6...' -> '1.3.6...'."""
    text_oid = text_oid.strip()
    if text_oid.startswith("iso."):
        text_oid = "1." + text_oid[4:]
    return text_oid.lstrip(".")


def system_from_values(values: Mapping[str, Value]) -> SnmpSystem | None:
    """The system group out of OID -> value pairs; None if the agent gave nothing."""

    def field(key: str) -> str | None:
        value = values.get(t.SYSTEM_OIDS[key])
        return (text(value) or None) if isinstance(value, bytes | str) else None

    object_id = values.get(t.SYSTEM_OIDS["object_id"])
    system = SnmpSystem(
        descr=field("descr"),
        object_id=normalise_oid(object_id) if isinstance(object_id, str) and object_id else None,
        uptime=integer(values.get(t.SYSTEM_OIDS["uptime"])),
        contact=field("contact"),
        name=field("name"),
        location=field("location"),
    )
    return None if system == SnmpSystem() else system


def split_columns(values: Mapping[str, Value]) -> Columns:
    """Values of the columns we know, by column OID then by index (as integer arcs)."""
    columns: Columns = {}
    for oid, value in values.items():
        arcs = oid.split(".")
        for depth in _DEPTHS:
            if len(arcs) <= depth:
                break
            column = ".".join(arcs[:depth])
            if column in _COLUMNS:
                try:
                    index = tuple(int(a) for a in arcs[depth:])
                except ValueError:
                    break
                columns.setdefault(column, {})[index] = value
                break
    return columns


def _rows(columns: Columns, entry: str, *numbers: int) -> list[Index]:
    indexes: set[Index] = set()
    for n in numbers:
        indexes.update(columns.get(f"{entry}.{n}", {}))
    return sorted(indexes)


def _cell(columns: Columns, entry: str, number: int, index: Index) -> Value:
    return columns.get(f"{entry}.{number}", {}).get(index)


def decode_tables(values: Mapping[str, Value]) -> SnmpTables:
    """Every table we know, decoded from one agent's values (the ``incomplete`` list empty)."""
    columns = split_columns(values)
    interfaces = _interfaces(columns)
    names = {i.index: i.name or i.descr for i in interfaces}
    base_ports = {
        index[0]: value
        for index, value in columns.get(f"{t.DOT1D_BASE_PORT}.2", {}).items()
        if len(index) == 1 and isinstance(value, int)
    }
    return SnmpTables(
        entities=_entities(columns),
        installed_software=_software(columns),
        device_descriptions=_unique(
            text(v) or "" for _, v in sorted(columns.get(f"{t.HR_DEVICE}.3", {}).items())
        ),
        interfaces=interfaces,
        interface_addresses=_interface_addresses(columns),
        arp=_arp(columns),
        forwarding=_forwarding(columns, base_ports),
        vlans=_vlans(columns, base_ports),
        neighbours=_lldp(columns) + _cdp(columns, names),
        connections=_connections(columns),
        identity=identity_values(values),
    )


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _entities(columns: Columns) -> tuple[EntityPhysical, ...]:
    e = t.ENT_PHYSICAL
    rows = []
    for index in _rows(columns, e, 2, 5, 7, 8, 9, 10, 11, 12, 13):
        if len(index) != 1:
            continue

        def s(number: int, index: Index = index) -> str:
            return text(_cell(columns, e, number, index)) or ""

        rows.append(
            EntityPhysical(
                index=index[0],
                descr=s(2),
                physical_class=integer(_cell(columns, e, 5, index)),
                name=s(7),
                hardware_rev=s(8),
                firmware_rev=s(9),
                software_rev=s(10),
                serial=s(11),
                mfg_name=s(12),
                model_name=s(13),
            )
        )
    return tuple(rows)


def _software(columns: Columns) -> tuple[InstalledSoftware, ...]:
    e = t.HR_SW_INSTALLED
    rows = []
    for index in _rows(columns, e, 2):
        name = text(_cell(columns, e, 2, index))
        if name:
            rows.append(InstalledSoftware(name, date_and_time(_cell(columns, e, 5, index))))
    return tuple(rows)


def _interfaces(columns: Columns) -> tuple[Interface, ...]:
    rows = []
    for index in sorted(
        set(_rows(columns, t.IF_ENTRY, 2, 5, 6, 8) + _rows(columns, t.IFX_ENTRY, 1, 15, 18))
    ):
        if len(index) != 1:
            continue
        status = integer(_cell(columns, t.IF_ENTRY, 8, index))
        high = integer(_cell(columns, t.IFX_ENTRY, 15, index))
        speed = integer(_cell(columns, t.IF_ENTRY, 5, index))
        rows.append(
            Interface(
                index=index[0],
                descr=text(_cell(columns, t.IF_ENTRY, 2, index)) or "",
                name=text(_cell(columns, t.IFX_ENTRY, 1, index)) or "",
                alias=text(_cell(columns, t.IFX_ENTRY, 18, index)) or "",
                mac=mac(_cell(columns, t.IF_ENTRY, 6, index)),
                oper_up=None if status is None else status == 1,
                speed_mbps=high if high is not None else (speed // 1_000_000 if speed else speed),
            )
        )
    return tuple(rows)


def _interface_addresses(columns: Columns) -> tuple[InterfaceAddress, ...]:
    found: dict[str, InterfaceAddress] = {}
    for index in _rows(columns, t.IP_ADDR, 2, 3):
        if len(index) != 4 or any(not 0 <= a <= 255 for a in index):
            continue
        dotted = ".".join(map(str, index))
        found[dotted] = InterfaceAddress(
            dotted,
            prefix_length(_cell(columns, t.IP_ADDR, 3, index)),
            integer(_cell(columns, t.IP_ADDR, 2, index)),
        )
    for index in _rows(columns, t.IP_ADDRESS, 3, 5):
        try:
            address, end = inet_from_index(index, 0)
        except ValueError:
            continue
        if address is None or end != len(index) or address in found:
            continue
        pointer = _cell(columns, t.IP_ADDRESS, 5, index)
        # ipAddressPrefix points at a row of ipAddressPrefixTable whose last arc is the length
        # (an agent may send anything there: "x.", "1.999")
        last = pointer.rsplit(".", 1)[-1] if isinstance(pointer, str) and "." in pointer else ""
        length = int(last) if last.isdigit() and len(last) <= 3 and int(last) <= 128 else None
        found[address] = InterfaceAddress(
            address,
            length if pointer != "0.0" else None,
            integer(_cell(columns, t.IP_ADDRESS, 3, index)),
        )
    return tuple(found.values())


def _arp(columns: Columns) -> tuple[ArpEntry, ...]:
    found: dict[tuple[str, str, int], ArpEntry] = {}
    for index in _rows(columns, t.IP_NET_TO_MEDIA, 2):
        if len(index) != 5 or _cell(columns, t.IP_NET_TO_MEDIA, 4, index) == 2:  # invalid
            continue
        address = ipv4(bytes(index[1:])) if all(0 <= a <= 255 for a in index[1:]) else None
        hw = mac(_cell(columns, t.IP_NET_TO_MEDIA, 2, index))
        if address and hw:
            found.setdefault(
                (address, hw, index[0]), ArpEntry(address, hw, index[0], "ipNetToMedia")
            )
    for index in _rows(columns, t.IP_NET_TO_PHYSICAL, 4):
        if not index or _cell(columns, t.IP_NET_TO_PHYSICAL, 6, index) == 2:
            continue
        try:
            address, end = inet_from_index(index, 1)
        except ValueError:
            continue
        hw = mac(_cell(columns, t.IP_NET_TO_PHYSICAL, 4, index))
        if address and hw and end == len(index):
            found.setdefault(
                (address, hw, index[0]), ArpEntry(address, hw, index[0], "ipNetToPhysical")
            )
    return tuple(found.values())


def _forwarding(columns: Columns, base_ports: dict[int, int]) -> tuple[ForwardingEntry, ...]:
    vlan_of_fdb = {
        value: index[-1]
        for index, value in columns.get(f"{t.DOT1Q_VLAN_CURRENT}.3", {}).items()
        if len(index) == 2 and isinstance(value, int)
    }
    found: dict[tuple[str, int | None], ForwardingEntry] = {}
    # Q-BRIDGE first: it knows the VLAN; the plain BRIDGE-MIB rows then only add what is new.
    for index in _rows(columns, t.DOT1Q_TP_FDB, 2):
        status = _cell(columns, t.DOT1Q_TP_FDB, 3, index)
        hw = mac_from_arcs(index[1:]) if len(index) == 7 else None
        if hw is None or status in (2, 4):  # invalid, self
            continue
        port = integer(_cell(columns, t.DOT1Q_TP_FDB, 2, index)) or None
        # An FDB id is the VLAN id on most switches; dot1qVlanFdbId says so when present.
        vlan = vlan_of_fdb.get(index[0], index[0])
        found.setdefault((hw, port), ForwardingEntry(hw, port, base_ports.get(port or 0), vlan))
    for index in _rows(columns, t.DOT1D_TP_FDB, 2):
        status = _cell(columns, t.DOT1D_TP_FDB, 3, index)
        hw = mac_from_arcs(index)
        if hw is None or status in (2, 4):
            continue
        port = integer(_cell(columns, t.DOT1D_TP_FDB, 2, index)) or None
        found.setdefault((hw, port), ForwardingEntry(hw, port, base_ports.get(port or 0)))
    return tuple(found.values())


def _vlans(columns: Columns, base_ports: dict[int, int]) -> tuple[Vlan, ...]:
    rows = []
    for index in _rows(columns, t.DOT1Q_VLAN_STATIC, 1, 2):
        if len(index) != 1:
            continue
        ports = port_list(_cell(columns, t.DOT1Q_VLAN_STATIC, 2, index))
        rows.append(
            Vlan(
                vlan_id=index[0],
                name=text(_cell(columns, t.DOT1Q_VLAN_STATIC, 1, index)) or "",
                # only ports the bridge maps to an interface: a bridge port is not an ifIndex
                if_indexes=tuple(sorted({base_ports[p] for p in ports if p in base_ports})),
            )
        )
    return tuple(rows)


def _lldp_id(subtype: Value, value: Value, mac_subtype: int, address_subtype: int) -> str:
    if subtype == mac_subtype:
        return mac(value) or printable_or_hex(value)
    if subtype == address_subtype and isinstance(value, bytes) and len(value) > 1:
        # IANA address family octet first: 1 IPv4, 2 IPv6
        return address_from_octets(value[1:], value[0]) or printable_or_hex(value)
    return printable_or_hex(value)


def _lldp(columns: Columns) -> tuple[Neighbour, ...]:
    r, loc = t.LLDP_REM, t.LLDP_LOC_PORT
    addresses: dict[tuple[int, int], str] = {}
    for index in _rows(columns, t.LLDP_REM_MAN_ADDR, 3):
        if len(index) < 5:
            continue
        try:
            address, end = inet_from_index(index, 3)
        except ValueError:
            continue
        key = (index[1], index[2])
        if address and end == len(index) and (key not in addresses or ":" in addresses[key]):
            addresses[key] = address  # IPv4 preferred over IPv6
    rows = []
    for index in _rows(columns, r, 4, 5, 6, 7, 9, 10):
        if len(index) != 3:
            continue
        local = (index[1],)
        local_name = (
            text(_cell(columns, loc, 4, local))
            or printable_or_hex(_cell(columns, loc, 3, local))
            or str(index[1])
        )
        rows.append(
            Neighbour(
                protocol="lldp",
                local_port=local_name,
                chassis_id=_lldp_id(_cell(columns, r, 4, index), _cell(columns, r, 5, index), 4, 5),
                port_id=_lldp_id(_cell(columns, r, 6, index), _cell(columns, r, 7, index), 3, 4),
                system_name=text(_cell(columns, r, 9, index)) or "",
                system_descr=text(_cell(columns, r, 10, index)) or "",
                address=addresses.get((index[1], index[2])),
            )
        )
    return tuple(rows)


def _cdp(columns: Columns, if_names: dict[int, str]) -> tuple[Neighbour, ...]:
    c = t.CDP_CACHE
    rows = []
    for index in _rows(columns, c, 4, 5, 6, 7, 8):
        if len(index) != 2:
            continue
        raw = _cell(columns, c, 4, index)
        address = None
        if _cell(columns, c, 3, index) in (1, None) and isinstance(raw, bytes) and len(raw) == 4:
            address = address_from_octets(raw, 1)  # CiscoNetworkProtocol ip(1)
        rows.append(
            Neighbour(
                protocol="cdp",
                local_port=if_names.get(index[0]) or str(index[0]),
                port_id=text(_cell(columns, c, 7, index)) or "",
                system_name=text(_cell(columns, c, 6, index)) or "",
                system_descr=text(_cell(columns, c, 5, index)) or "",
                platform=text(_cell(columns, c, 8, index)) or "",
                address=address,
            )
        )
    return tuple(rows)


def _connections(columns: Columns) -> tuple[TcpConnection, ...]:
    found: dict[tuple[str, int, str, int], TcpConnection] = {}
    for index, state in sorted(columns.get(f"{t.TCP_CONNECTION}.7", {}).items()):
        try:
            local, pos = inet_from_index(index, 0)
            local_port = index[pos]
            remote, pos = inet_from_index(index, pos + 1)
            remote_port = index[pos]
        except (ValueError, IndexError):
            continue
        if local is None or remote is None or pos + 1 != len(index):
            continue
        key = (local, local_port, remote, remote_port)
        found.setdefault(key, TcpConnection(*key, t.TCP_STATES.get(integer(state) or 0, "")))
    for index, state in sorted(columns.get(f"{t.TCP_CONN}.1", {}).items()):
        if len(index) != 10 or any(not 0 <= a <= 255 for a in index[:4] + index[5:9]):
            continue
        key = (
            ".".join(map(str, index[:4])),
            index[4],
            ".".join(map(str, index[5:9])),
            index[9],
        )
        found.setdefault(key, TcpConnection(*key, t.TCP_STATES.get(integer(state) or 0, "")))
    return tuple(found.values())
