"""Plain SNMP values and the conversions the MIB decoder needs.

Every source (a live pysnmp poll, net-snmp ``snmpwalk`` text, snmpsim ``.snmprec``)
is first brought to the same plain form, :data:`Value`:

* ``bytes`` for OCTET STRING (text, MACs, bitmaps and dates alike: only the column knows),
* ``str`` for an OBJECT IDENTIFIER (dotted, no leading dot) or an IpAddress (dotted quad),
* ``int`` for INTEGER, Counter, Gauge, TimeTicks, Unsigned,
* ``None`` for Null, noSuchObject, noSuchInstance, endOfMibView.

The helpers below read one column's meaning out of that form.  Agents are hostile or
broken as often as not, so each helper returns ``None`` for a value it cannot read
rather than raising: a malformed cell costs one field, never the table.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re

Value = bytes | str | int | None

_MAC_TEXT = re.compile(r"^\s*([0-9A-Fa-f]{1,2})(?:[:\-. ]([0-9A-Fa-f]{1,2})){5}\s*$")


def text(value: Value) -> str | None:
    """An OCTET STRING as text: UTF-8 when valid, else Windows-1252 (what Windows agents
    send), else Latin-1; NULs dropped."""
    if isinstance(value, bytes):
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                decoded = value.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        return decoded.replace("\x00", "").strip()
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    return None


def integer(value: Value) -> int | None:
    return value if isinstance(value, int) else None


def mac(value: Value) -> str | None:
    """A MAC as aa:bb:cc:dd:ee:ff from six raw octets or a printed form ("0:1b:2c:..")."""
    raw: bytes | None = None
    if isinstance(value, bytes) and len(value) == 6:
        raw = value
    elif isinstance(value, bytes | str):
        printed = value.decode("latin-1") if isinstance(value, bytes) else value
        if _MAC_TEXT.match(printed):
            raw = bytes(int(part, 16) for part in re.split(r"[:\-. ]", printed.strip()))
    if raw is None or raw == bytes(6):
        return None
    return ":".join(f"{b:02x}" for b in raw)


def mac_from_arcs(arcs: tuple[int, ...]) -> str | None:
    """A MAC written as six OID arcs (the index of the bridge forwarding tables)."""
    if len(arcs) != 6 or any(not 0 <= a <= 255 for a in arcs):
        return None
    return mac(bytes(arcs))


def ipv4(value: Value) -> str | None:
    """An IpAddress value (dotted text, or four raw octets from some walk tools)."""
    if isinstance(value, str):
        try:
            return str(ipaddress.IPv4Address(value.strip()))
        except ValueError:
            return None
    if isinstance(value, bytes) and len(value) == 4:
        return str(ipaddress.IPv4Address(value))
    return None


def address_from_octets(raw: bytes, family: int | None = None) -> str | None:
    """InetAddress octets (4 or 16, with a 4-byte zone for the *z types) as text."""
    if len(raw) == 4 and family in (None, 1):
        return str(ipaddress.IPv4Address(raw))
    if len(raw) == 16 and family in (None, 2):
        return str(ipaddress.IPv6Address(raw))
    if len(raw) == 8 and family in (None, 3):
        return f"{ipaddress.IPv4Address(raw[:4])}%{int.from_bytes(raw[4:], 'big')}"
    if len(raw) == 20 and family in (None, 4):
        return f"{ipaddress.IPv6Address(raw[:16])}%{int.from_bytes(raw[16:], 'big')}"
    return None


def inet_from_index(arcs: tuple[int, ...], pos: int) -> tuple[str | None, int]:
    """An InetAddressType + length-prefixed InetAddress read from an index at ``pos``.

    Returns the address (None for an unknown/empty one) and the position after it;
    raises ``ValueError`` when the index is too short for the length it announces.
    """
    if pos + 1 >= len(arcs):
        raise ValueError("index too short for an address")
    family, length = arcs[pos], arcs[pos + 1]
    end = pos + 2 + length
    if end > len(arcs) or any(not 0 <= a <= 255 for a in arcs[pos + 2 : end]):
        raise ValueError("address octets out of range")
    return address_from_octets(bytes(arcs[pos + 2 : end]), family), end


def prefix_length(mask: Value) -> int | None:
    """A netmask (IpAddress) as a prefix length; None for a mask that is not contiguous."""
    dotted = ipv4(mask)
    if dotted is None:
        return None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{dotted}").prefixlen
    except ValueError:
        return None


def date_and_time(value: Value) -> str | None:
    """SNMPv2-TC DateAndTime (8 or 11 octets, or net-snmp's printed form) as ISO text."""
    if not isinstance(value, bytes):
        return None
    printed = re.match(
        rb"^(\d{4})-(\d{1,2})-(\d{1,2}),(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d)?(?:,([+-])(\d{1,2}):(\d{1,2}))?$",
        value.strip(),
    )
    if printed:
        numbers = [int(g) for g in printed.groups()[:6]]
        sign = printed.group(7)
        zone = (sign.decode(), int(printed.group(8)), int(printed.group(9))) if sign else None
    elif len(value) in (8, 11):
        numbers = [value[0] * 256 + value[1], *value[2:7]]
        zone = (chr(value[8]), value[9], value[10]) if len(value) == 11 else None
    else:
        return None
    try:
        year, month, day, hour, minute, second = numbers
        stamp = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # all-zero dates are common: "unknown"
    iso = stamp.isoformat()
    if zone and zone[0] in "+-":
        iso += f"{zone[0]}{zone[1]:02d}:{zone[2]:02d}"
    return iso


def port_list(bitmap: Value) -> tuple[int, ...]:
    """Q-BRIDGE PortList: the first octet's high bit is port 1."""
    if not isinstance(bitmap, bytes):
        return ()
    return tuple(
        octet * 8 + bit + 1
        for octet, byte in enumerate(bitmap)
        for bit in range(8)
        if byte & (0x80 >> bit)
    )


def printable_or_hex(value: Value) -> str:
    """Free-form octets (LLDP ids of 'local' subtypes): text if printable, else hex."""
    if isinstance(value, bytes):
        try:
            decoded = value.decode("utf-8")
        except UnicodeDecodeError:
            decoded = ""
        if decoded and decoded.isprintable():
            return decoded.strip()
        return value.hex(":")
    return text(value) or ""
