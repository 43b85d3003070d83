"""Read SNMP walk files: net-snmp ``snmpwalk -On`` text and snmpsim ``.snmprec`` files.

A consultant's walk files are brought to the same plain values as a live poll (see
``mib_values.Value``: octets, OID/IP text, integers) and then through the same decoder
(``mib_decode``) into ``SnmpSystem`` and ``SnmpTables``, so that a file and a live poll
of the same agent give the same records.  Files are read as Latin-1, a byte-for-byte
mapping, so that the octets of a string come back exactly as the agent sent them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from legacyscan.collect.snmp import mib_decode
from legacyscan.collect.snmp.mib_tables import SYSTEM_OIDS
from legacyscan.collect.snmp.mib_values import Value
from legacyscan.errors import UserError
from legacyscan.files import read_input
from legacyscan.model import Host, SnmpTables

__all__ = ["SYSTEM_OIDS", "Value", "WalkFileError", "parse_snmprec", "parse_snmpwalk", "read_walk"]

system_from_values = mib_decode.system_from_values

_SYMBOLIC = {
    "SNMPv2-MIB::sysDescr.0": SYSTEM_OIDS["descr"],
    "SNMPv2-MIB::sysObjectID.0": SYSTEM_OIDS["object_id"],
    "DISMAN-EVENT-MIB::sysUpTimeInstance": SYSTEM_OIDS["uptime"],
    "SNMPv2-MIB::sysUpTime.0": SYSTEM_OIDS["uptime"],
    "SNMPv2-MIB::sysContact.0": SYSTEM_OIDS["contact"],
    "SNMPv2-MIB::sysName.0": SYSTEM_OIDS["name"],
    "SNMPv2-MIB::sysLocation.0": SYSTEM_OIDS["location"],
}
_IP_AD_ENT_ADDR = "1.3.6.1.2.1.4.20.1.1."


class WalkFileError(UserError, ValueError):
    """A walk file we cannot read; the message names the file and the line."""


def normalise_oid(text: str) -> str:
    """'.1.3.6...', 'iso.3.6...' and known symbolic names -> '1.3.6...'."""
    text = text.strip()
    return _SYMBOLIC.get(text) or mib_decode.normalise_oid(text)


def _hex_to_octets(hex_text: str) -> bytes:
    return bytes.fromhex(re.sub(r"[^0-9A-Fa-f]", "", hex_text))


def _hex_to_ip(hex_text: str) -> str:
    raw = bytes.fromhex(hex_text)
    if len(raw) != 4:
        raise ValueError(f"an IPv4 address has 4 bytes, not {len(raw)}")
    return ".".join(str(b) for b in raw)


# --- snmpwalk -On ------------------------------------------------------------------------

_RECORD = re.compile(
    r"^(?P<oid>\.?\d+(?:\.\d+)+|iso(?:\.\d+)+|[A-Za-z][\w-]*::[\w.]+) = (?P<rest>.*)$"
)
_HEX = re.compile(r"^\s*(?:[0-9A-Fa-f]{2}\s*)+$")
_TYPED = re.compile(r"^(?P<type>[A-Za-z][\w-]*(?: [A-Za-z]+)?): ?(?P<value>.*)$", re.DOTALL)


def _decode_walk_value(rest: str) -> Value:
    if rest == '""':
        return b""
    typed = _TYPED.match(rest)
    if typed is None:
        return None  # "No Such Object available ...", "No more variables left ..."
    kind, value = typed.group("type").upper(), typed.group("value")
    if kind == "STRING":
        if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
            value = value[1:-1].replace('\\"', '"')
        return value.encode("latin-1", errors="replace")
    if kind == "HEX-STRING":
        return _hex_to_octets(value)
    if kind == "OID":
        return normalise_oid(value)
    if kind in ("INTEGER", "COUNTER32", "GAUGE32", "COUNTER64", "UNSIGNED32"):
        number = re.search(r"-?\d+", value)
        return int(number.group()) if number else None
    if kind == "TIMETICKS":
        ticks = re.match(r"\((\d+)\)", value)
        return int(ticks.group(1)) if ticks else None
    if kind in ("IPADDRESS", "NETWORK ADDRESS"):
        return value.strip()
    if kind in ("BITS", "OPAQUE"):
        return _hex_to_octets(value.split(" ", 1)[0] if kind == "BITS" else value)
    return value.encode("latin-1", errors="replace")


def parse_snmpwalk(lines: Iterable[str], name: str = "<walk>") -> dict[str, Value]:
    values: dict[str, Value] = {}
    current_oid: str | None = None
    current: list[str] = []
    open_quote = False

    def flush() -> None:
        if current_oid is not None:
            # each part carries the line ending that followed it: CR LF inside a value stays
            value = _decode_walk_value("".join(current).rstrip("\r\n"))
            # snmpwalk ends with "No more variables left in this MIB View" under the last
            # OID it read: that marker must not erase the value printed just before it
            if value is not None or current_oid not in values:
                values[current_oid] = value

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        ending = raw[len(line) :] or "\n"
        record = None if open_quote else _RECORD.match(line)
        if record is not None:
            flush()
            current_oid = normalise_oid(record.group("oid"))
            current = [record.group("rest") + ending]
            rest = record.group("rest")
            quoted = rest.split(": ", 1)[1] if ": " in rest else ""
            open_quote = quoted.startswith('"') and not _closes(quoted[1:])
        elif open_quote:
            current.append(line + ending)
            open_quote = not _closes(line)
        elif current_oid is not None and current[0].startswith("Hex-STRING:") and _HEX.match(line):
            current.append(line + ending)  # net-snmp wraps long Hex-STRINGs, 16 bytes a line
        elif line.strip():
            raise WalkFileError(f"{name}, line {number}: not snmpwalk output: {line[:60]!r}")
    flush()
    return values


def _closes(text: str) -> bool:
    """True if ``text`` ends a quoted string (a final quote not escaped)."""
    stripped = text.rstrip()
    return stripped.endswith('"') and not stripped.endswith('\\"')


# --- snmpsim .snmprec --------------------------------------------------------------------


def parse_snmprec(lines: Iterable[str], name: str = "<snmprec>") -> dict[str, Value]:
    values: dict[str, Value] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("|", 2)
        if len(parts) != 3:
            raise WalkFileError(f"{name}, line {number}: expected OID|TYPE|VALUE")
        oid, tag, value = parts
        tag, _, module = tag.partition(":")
        if module:
            # a variation module ("4:delay|value=x,wait=500"): keep its static value if any
            given = re.search(r"(?:^|,)value=([^,]*)", value)
            value = given.group(1) if given else value
        hexed = tag.endswith("x")
        tag = tag.rstrip("x")
        try:
            if tag in ("4", "68"):  # OctetString, Opaque
                values[normalise_oid(oid)] = (
                    _hex_to_octets(value) if hexed else value.encode("latin-1", errors="replace")
                )
            elif tag == "6":
                values[normalise_oid(oid)] = normalise_oid(value)
            elif tag in ("2", "65", "66", "67", "70"):
                values[normalise_oid(oid)] = int(value)
            elif tag == "64":
                # IpAddress: snmpsim records it hex-encoded ("64x|c0a80109")
                values[normalise_oid(oid)] = _hex_to_ip(value) if hexed else value
        except ValueError as exc:
            raise WalkFileError(f"{name}, line {number}: bad value for type {tag}: {exc}") from exc
    return values


MAX_WALK_BYTES = 256 << 20  # a full walk of a large switch is a few megabytes


def read_walk(path: Path) -> Host:
    """One device from one walk file, in either format (told apart by their lines)."""
    # A regular file only (a FIFO would block), gunzipped if gzip, bounded; latin-1 and
    # no newline translation: CR LF stays.
    text = read_input(path, MAX_WALK_BYTES, WalkFileError).decode("latin-1")
    # split on LF only: str.splitlines() would also cut at CR, NEL (0x85) and friends
    lines = re.split(r"(?<=\n)", text)
    first = next((line for line in lines if line.strip() and not line.startswith("#")), "")
    if re.match(r"^\.?\d+(?:\.\d+)+\|", first):
        values = parse_snmprec(lines, str(path))
    else:
        values = parse_snmpwalk(lines, str(path))
    system = system_from_values(values)
    if system is None:
        raise WalkFileError(f"{path}: no SNMP system group (sysDescr, sysObjectID) found")
    tables = mib_decode.decode_tables(values)
    return Host(
        address=_own_address(values),
        snmp=system,
        snmp_tables=None if tables == SnmpTables() else tables,
        sources=(f"snmpwalk:{path.name}",),
    )


def _own_address(values: Mapping[str, Value]) -> str | None:
    """The agent's first non-loopback interface address, if the walk has the IP table."""
    for oid, value in values.items():
        if oid.startswith(_IP_AD_ENT_ADDR) and isinstance(value, str):
            if not value.startswith("127.") and value != "0.0.0.0":
                return value
    return None
