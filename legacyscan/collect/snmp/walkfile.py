"""Read SNMP walk files: net-snmp ``snmpwalk -On`` text and snmpsim ``.snmprec`` files.

A consultant's walk files are brought to the same plain values as a live poll (see
``mib_values.Value``: octets, OID/IP text, integers) and then through the same decoder
(``mib_decode``) into ``SnmpSystem`` and ``SnmpTables``, so that a file and a live poll
of the same agent give the same records.  Files are read as Latin-1, a byte-for-byte
mapping, so that the octets of a string come back exactly as the agent sent them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from legacyscan.collect.snmp import mib_decode
from legacyscan.collect.snmp.mib_tables import SYSTEM_OIDS
from legacyscan.collect.snmp.mib_values import Value
from legacyscan.errors import UserError
from legacyscan.files import read_input
from legacyscan.model import Host, SnmpTables
from legacyscan.model.collect import is_ip_address

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


class _BadValue(ValueError):
    """One value that cannot be decoded: the record is skipped with a warning."""


Warn = Callable[[str], None]


def _ignore(_message: str) -> None:
    pass


_HEX_PAIRS = re.compile(r"^(?:[0-9A-Fa-f]{2})*$")


def _hex_to_octets(hex_text: str) -> bytes:
    """Hex digits, in pairs, spaces allowed between the pairs ("4D 52", "4d52")."""
    compact = "".join(hex_text.split())
    if not _HEX_PAIRS.match(compact):
        shown = hex_text.strip()[:40]
        if re.fullmatch(r"[0-9A-Fa-f]*", compact):
            raise _BadValue(f"odd number of hex digits ({len(compact)}) in {shown!r}")
        raise _BadValue(f"not hex digits: {shown!r}")
    return bytes.fromhex(compact)


def _hex_to_ip(hex_text: str) -> str:
    raw = _hex_to_octets(hex_text)
    if len(raw) != 4:
        raise _BadValue(f"an IPv4 address has 4 bytes, not {len(raw)}")
    return ".".join(str(b) for b in raw)


def _ip(text: str) -> str:
    try:
        return str(ipaddress.IPv4Address(text.strip()))
    except ValueError:
        raise _BadValue(f"not an IPv4 address: {text.strip()[:40]!r}") from None


def _oid(text: str) -> str:
    oid = normalise_oid(text)
    if not _NUMERIC_OID.match(oid):
        raise _BadValue(f"not an OID: {text.strip()[:40]!r}")
    return oid


def _integer(text: str) -> int:
    # 40 digits hold every SNMP integer (Counter64 has 20); Python refuses to convert
    # more than 4,300 digits at all, so a hostile value is a warning, not a crash
    if not re.fullmatch(r"\s*[-+]?\d{1,40}\s*", text):
        raise _BadValue(f"not an integer: {text.strip()[:40]!r}")
    return int(text)


_NUMERIC_OID = re.compile(r"^\d+(?:\.\d+)*$")


# --- snmpwalk -On ------------------------------------------------------------------------

_RECORD = re.compile(
    r"^(?P<oid>\.?\d+(?:\.\d+)+|iso(?:\.\d+)+|[A-Za-z][\w-]*::[\w.]+) = (?P<rest>.*)$"
)
_HEX = re.compile(r"^\s*(?:[0-9A-Fa-f]{2}\s*)+$")
_TYPED = re.compile(r"^(?P<type>[A-Za-z][\w-]*(?: [A-Za-z]+)?): ?(?P<value>.*)$", re.DOTALL)
_QUOTED_STRING = re.compile(r"^STRING: \"")


#: the body of a quoted string up to its closing quote: anything but a quote or a
#: backslash, or a backslash and the character it escapes (or a lone backslash)
_QUOTED_BODY = re.compile(r'(?:[^"\\]+|\\["\\]?)*')


def _unquote(text: str, out: list[str]) -> int | None:
    """Decode net-snmp's quoting of ``text`` into ``out`` up to the closing quote.

    net-snmp (snmplib/mib.c, ``sprint_realloc_asciistring``) prints a quoted string with
    every backslash and every double quote preceded by a backslash, and nothing else
    escaped: ``"C:\\\\"`` is ``C:\\``, and its last quote closes the string.  Returns the
    index just after the closing quote, or None if ``text`` does not close it (the value
    goes on on the next line).
    """
    body = _QUOTED_BODY.match(text)
    end = body.end() if body is not None else 0
    out.append(re.sub(r'\\(["\\])', r"\1", text[:end]))
    return end + 1 if end < len(text) else None


def _decode_walk_value(rest: str) -> Value:
    if rest == '""':
        return b""
    typed = _TYPED.match(rest)
    if typed is None:
        return None  # "No Such Object available ...", "No more variables left ..."
    kind, value = typed.group("type").upper(), typed.group("value")
    if kind == "STRING":
        # quoted strings are decoded by the caller; this is a MIB-hinted one, printed raw
        return value.encode("latin-1", errors="replace")
    if kind == "HEX-STRING":
        return _hex_to_octets(value)
    if kind == "OID":
        # a walk without -On names the enterprise subtree: keep the number, not the name
        value = re.sub(r"^\s*SNMPv2-SMI::enterprises\.", "1.3.6.1.4.1.", value)
        return normalise_oid(value)
    if kind in ("INTEGER", "COUNTER32", "GAUGE32", "COUNTER64", "UNSIGNED32"):
        number = re.search(r"-?\d+", value)
        return _integer(number.group()) if number else None
    if kind == "TIMETICKS":
        ticks = re.match(r"\((\d+)\)", value)
        return _integer(ticks.group(1)) if ticks else None
    if kind in ("IPADDRESS", "NETWORK ADDRESS"):
        return _ip(value)
    if kind in ("BITS", "OPAQUE"):
        return _hex_to_octets(value.split(" ", 1)[0] if kind == "BITS" else value)
    return value.encode("latin-1", errors="replace")


def parse_snmpwalk(
    lines: Iterable[str], name: str = "<walk>", warn: Warn = _ignore
) -> dict[str, Value]:
    """OID -> value of ``snmpwalk -On`` output (numeric, ``iso.`` or a few symbolic OIDs).

    A value that cannot be decoded (an odd-length Hex-STRING) is skipped with a warning
    naming the line; a line that is no snmpwalk output at all refuses the file.  A quoted
    string that is still open at the end of the file (a truncated walk) is read as one
    line, and the records after it are read again.
    """
    lines = list(lines)
    values: dict[str, Value] = {}

    def store(oid: str, value: Value) -> None:
        # snmpwalk ends with "No more variables left in this MIB View" under the last
        # OID it read: that marker must not erase the value printed just before it
        if value is not None or oid not in values:
            values[oid] = value

    index = 0
    # once a quote stays open to the end of the file, every later one does too (its
    # opening quote would have closed the first): they are not looked for again
    open_to_the_end: int | None = None
    while index < len(lines):
        number = index + 1
        raw = lines[index]
        line = raw.rstrip("\r\n")
        index += 1
        record = _RECORD.match(line)
        if record is None:
            if line.strip() and not line.startswith("#"):  # a comment: a file's source
                raise WalkFileError(f"{name}, line {number}: not snmpwalk output: {line[:60]!r}")
            continue
        oid = normalise_oid(record.group("oid"))
        rest = record.group("rest")
        if _QUOTED_STRING.match(rest):
            body = rest[len('STRING: "') :]
            decoded: list[str] = []
            closed = _unquote(body, decoded)
            if closed is not None and body[closed:].strip():
                # text after the closing quote: a MIB-hinted string printed raw
                store(oid, _decode_walk_value(rest))
                continue
            if closed is None and (open_to_the_end is None or number < open_to_the_end):
                # each part carries the line ending that followed it: CR LF inside stays
                ending = raw[len(line) :] or "\n"
                following = index
                while closed is None and following < len(lines):
                    decoded.append(ending)
                    part = lines[following].rstrip("\r\n")
                    ending = lines[following][len(part) :] or "\n"
                    closed = _unquote(part, decoded)
                    following += 1
                    if closed is not None and part[closed:].strip():
                        break  # net-snmp ends the line at the closing quote: this is not it
                if closed is None or lines[following - 1].rstrip("\r\n")[closed:].strip():
                    warn(f"{name}, line {number}: quoted value never closed; read as one line")
                    if closed is None:
                        open_to_the_end = number
                    store(oid, decoded[0].encode("latin-1", errors="replace"))
                    continue
                index = following
            store(oid, "".join(decoded).encode("latin-1", errors="replace"))
            continue
        parts = [rest]
        if rest.startswith("Hex-STRING:"):
            # net-snmp wraps long Hex-STRINGs, 16 bytes a line
            while index < len(lines) and _HEX.match(lines[index].rstrip("\r\n")):
                parts.append(lines[index].rstrip("\r\n"))
                index += 1
        try:
            store(oid, _decode_walk_value(" ".join(parts)))
        except _BadValue as exc:
            warn(f"{name}, line {number}: {oid} skipped: {exc}")
    return values


# --- snmpsim .snmprec --------------------------------------------------------------------

#: snmpsim's type tags (snmpsim/grammar/snmprec.py): the ones a device record holds
_INTEGER_TAGS = ("2", "65", "66", "67", "70")  # Integer32, Counter32, Gauge32, TimeTicks, Counter64
_OCTET_TAGS = ("4", "68")  # OctetString, Opaque
_EMPTY_TAGS = ("5", "128", "129", "130")  # Null, noSuchObject, noSuchInstance, endOfMibView


#: a variation module's options without a value ("rate=100,initial=123999999")
_MODULE_OPTIONS = re.compile(r"^\w+=[^,]*(?:,\w+=[^,]*)*$")


def _snmprec_value(tag: str, hexed: bool, value: str) -> Value:
    if tag in _OCTET_TAGS:
        return _hex_to_octets(value) if hexed else value.encode("latin-1", errors="replace")
    if tag == "6":
        return _oid(value)
    if tag in _INTEGER_TAGS:
        return _integer(value)
    if tag == "64":
        # IpAddress: snmpsim records it hex-encoded ("64x|c0a80109")
        return _hex_to_ip(value) if hexed else _ip(value)
    if tag in _EMPTY_TAGS:
        return None
    raise _BadValue(f"unknown type {tag!r}")


def parse_snmprec(
    lines: Iterable[str], name: str = "<snmprec>", warn: Warn = _ignore
) -> dict[str, Value]:
    """OID -> value of an snmpsim recording (``OID|TAG|VALUE``, one a line).

    Recordings in the wild use snmpsim's variation modules (``2:numeric|min=1,max=9``,
    ``4:writecache|value=x``): a module's static ``value=`` is kept, a generated value is
    not a recorded one.  Such a line, a line of an unknown type or with a value that its
    type cannot hold is skipped with a warning naming the line; the rest is still read.
    """
    values: dict[str, Value] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("|", 2)
        if len(parts) != 3:
            warn(f"{name}, line {number}: skipped: expected OID|TYPE|VALUE")
            continue
        oid, tag, value = parts
        tag, _, module = tag.partition(":")
        if module:
            # a variation module ("4:delay|value=x,wait=500"): keep its static value if any
            given = re.search(r"(?:^|,)value=([^,]*)", value)
            if given is not None:
                value = given.group(1)
            elif _MODULE_OPTIONS.match(value):
                warn(
                    f"{name}, line {number}: skipped: snmpsim variation module "
                    f"{module[:30]!r} generates the value, none is recorded"
                )
                continue
        hexed = tag.endswith("x")
        try:
            oid = _oid(oid)
            values[oid] = _snmprec_value(tag[:-1] if hexed else tag, hexed, value)
        except _BadValue as exc:
            shown = tag if re.fullmatch(r"[\w:]{1,12}", tag) else repr(tag[:12])  # no raw bytes
            warn(f"{name}, line {number}: skipped: type {shown}: {exc}")
    return values


MAX_WALK_BYTES = 256 << 20  # a full walk of a large switch is a few megabytes


def read_walk(path: Path, warn: Warn = _ignore) -> Host:
    """One device from one walk file, in either format (told apart by their lines).

    Raises only ``WalkFileError``; a record that cannot be read is skipped and ``warn``
    is told, with the file and the line.
    """
    # A regular file only (a FIFO would block), gunzipped if gzip, bounded; latin-1 and
    # no newline translation: CR LF stays.
    text = read_input(path, MAX_WALK_BYTES, WalkFileError).decode("latin-1")
    # split on LF only: str.splitlines() would also cut at CR, NEL (0x85) and friends
    lines = re.split(r"(?<=\n)", text)
    first = next((line for line in lines if line.strip() and not line.startswith("#")), "")
    if re.match(r"^\.?\d+(?:\.\d+)+\|", first):
        values = parse_snmprec(lines, str(path), warn)
    else:
        values = parse_snmpwalk(lines, str(path), warn)
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
        # a file's value may be anything ("", "not an address"): only an address is one
        if oid.startswith(_IP_AD_ENT_ADDR) and isinstance(value, str) and is_ip_address(value):
            if not value.startswith("127.") and value != "0.0.0.0":
                return value
    return None
