"""Fake TCP services of hospital devices, for testing legacyscan against a lab.

A real hospital network cannot be scanned from CI, so the lab puts simulated
devices on loopback addresses (``127.42.x.y``) and points nmap at them.  Each
listener answers just enough of its protocol for ``nmap -sV --version-light``
(and the ``dicom-ping`` script) to name the product: SSH/FTP banners, a Cisco
telnet prompt, HTTP, SIP, an RDP connection confirm, a DICOM association, an
HL7 MLLP acknowledgement, or a silent port.  No clinical data is ever handled:
DICOM stops after the association and HL7 only acknowledges.

Only 127.0.0.0/8 is bound, every read is bounded in size and time and idle
clients are dropped, so a misbehaving scanner cannot make us buffer without
limit.  Run ``python -m legacyscan.lab.services CONFIG.json [--ready-file
PATH]``, the config being ``{"listeners": [{"address", "port", "kind",
"params"}]}``.  Params by kind (* = required):

* banner, telnet: banner*
* http: server*, title*, log_file (every request's method, path and User-Agent appended)
* ai-http: api* (ollama, vllm, open-webui), version*, models (comma-separated), auth,
  log_file -- a self-hosted AI server's read-only API (``ai_http.py``)
* sip: user_agent*, user_agent_separator (": ", or ":" for the user agents
  whose real devices omit the space, which nmap's fingerprints rely on)
* rdp: protocol: legacy (XP/2003, no negotiation; default), rdp, ssl, hybrid;
  ntlm_version ("6.1.7601"), netbios_name, domain, dns_domain: with ssl or hybrid, TLS
  then CredSSP's NTLM CHALLENGE naming that build (``ntlm.py``), as Windows answers
* smb: native_os*, native_lanman*, netbios_name, domain -- SMB1 as Windows XP-7 answers an
  anonymous client (``smb.py``): negotiate, null session, logoff; SMB2 is hung up on
* dicom: implementation_class_uid*, implementation_version*
* hl7: app (default LAB), facility
* silent: close_on_data ("1": hang up at the first bytes received, as SMB/RPC servers do
  with a foreign protocol)
* rtsp: public* (the methods listed in the Public header), server
* printer: count_file* -- a JetDirect port: never answers, writes the number of bytes it
  received to count_file (the lab's trap for scanners that probe printer ports)
* bacnet (UDP): vendor_id*, device_instance* -- answers a BACnet/IP Who-Is with I-Am

Every TCP kind also takes ``delay`` (seconds before the first byte) and ``drop_every``
(hang up at once on every n-th connection): the lab's flaky device.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import re
import secrets
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from types import MappingProxyType
from typing import Any

from legacyscan.lab import ai_http, ntlm, request_log, smb

PROG = "python -m legacyscan.lab.services"
IDLE_TIMEOUT = 10.0  # seconds without a byte before we hang up
LINGER = 2.0  # seconds to drain input after our last answer
MAX_LIFETIME = 60.0  # caps a client that trickles a byte every few seconds
MAX_CONNECTIONS = 256  # per listener; beyond this we close at once
CHUNK = 4096
MAX_HEAD = 8 * 1024  # HTTP/SIP request head
MAX_FRAME = 64 * 1024  # DICOM PDU and HL7 message
_LOOPBACK = ipaddress.ip_network("127.0.0.0/8")

# Values that end up inside one header line; CR/LF there would split it.
_ONE_LINE = ("server", "user_agent", "user_agent_separator", "app", "facility", "public")
_RDP_MODES = ("legacy", "rdp", "ssl", "hybrid")
_UID = re.compile(r"[0-9]+(?:\.[0-9]+)*")


def _frozen(params: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(params))


@dataclass(frozen=True)
class ListenerSpec:
    """One simulated TCP service: where it listens and what it pretends to be."""

    address: str
    port: int
    kind: str
    # A read-only copy; left out of the hash because a mapping is not hashable.
    params: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        try:
            ip = ipaddress.ip_address(self.address)
        except ValueError:
            raise ValueError(f"address {self.address!r} is not an IP address") from None
        # The lab must never touch a real network, whatever the config says.
        if ip.version != 4 or ip not in _LOOPBACK:
            raise ValueError(f"address {self.address} is not loopback (127.0.0.0/8)")
        if isinstance(self.port, bool) or not 1 <= self.port <= 65535:
            raise ValueError(f"port {self.port!r} is not in 1-65535")
        if self.kind not in _KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of {', '.join(_KINDS)}")
        object.__setattr__(self, "params", _frozen(self.params))
        missing = [name for name in _KINDS[self.kind][1] if name not in self.params]
        if missing:
            raise ValueError(f"kind {self.kind} needs params {', '.join(missing)}")
        for name in _ONE_LINE:
            if any(c in self.params.get(name, "") for c in "\r\n"):
                raise ValueError(f"param {name} must be one line")
        if self.params.get("protocol", "legacy") not in _RDP_MODES:
            raise ValueError(f"param protocol must be one of {', '.join(_RDP_MODES)}")
        if self.kind == "ai-http" and self.params["api"] not in ai_http.APIS:
            raise ValueError(f"param api must be one of {', '.join(ai_http.APIS)}")
        if self.kind == "dicom":
            # The lengths are the DICOM limits (PS3.7 D.3.3.2/D.3.3.4).
            if not _UID.fullmatch(self.params["implementation_class_uid"]) or (
                len(self.params["implementation_class_uid"]) > 64
            ):
                raise ValueError("param implementation_class_uid is not a UID")
            if not 1 <= len(self.params["implementation_version"]) <= 16:
                raise ValueError("param implementation_version must be 1-16 chars")


class LabConfigError(ValueError):
    """A lab config that does not follow the format; the message says where."""


def load_specs(path: Path) -> list[ListenerSpec]:
    """Read ``{"listeners": [...]}`` from a JSON file; LabConfigError names the bad entry."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("listeners"), list):
        raise LabConfigError("expected an object with a 'listeners' list")
    specs = []
    for index, item in enumerate(data["listeners"]):
        if not isinstance(item, dict):
            raise LabConfigError(f"listener {index}: expected an object")
        address, port, kind = item.get("address"), item.get("port"), item.get("kind")
        params = item.get("params", {})
        if not (
            isinstance(address, str)
            and isinstance(port, int)
            and isinstance(kind, str)
            and isinstance(params, dict)
            and all(isinstance(v, str) for v in params.values())
        ):
            raise LabConfigError(
                f"listener {index}: needs address (string), port (integer), "
                "kind (string) and params (object of strings)"
            )
        try:
            specs.append(ListenerSpec(address, port, kind, params))
        except ValueError as exc:
            raise LabConfigError(f"listener {index}: {exc}") from None
    return specs


class ListenerBindError(OSError):
    """A listener's address:port could not be bound; the message names it."""

    def __init__(self, spec: ListenerSpec, cause: OSError) -> None:
        super().__init__(
            # asyncio's own message repeats the address; the errno text is enough.
            f"cannot bind {spec.address}:{spec.port}: "
            f"{os.strerror(cause.errno) if cause.errno else cause}"
        )
        self.spec = spec


class _Drop(Exception):
    """The client sent something we do not speak: hang up without an answer."""


Reader = asyncio.StreamReader
Writer = asyncio.StreamWriter
Params = Mapping[str, str]
Handler = Callable[[Reader, Writer, Params], Awaitable[None]]
# Kind -> (handler, params it cannot work without).  The params are checked when
# a spec is built, so a bad lab config fails at load time, not when nmap connects.
_KINDS: dict[str, tuple[Handler, tuple[str, ...]]] = {}


def _kind(name: str, *required: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _KINDS[name] = (handler, required)
        return handler

    return register


async def _read(reader: Reader, size: int = CHUNK) -> bytes:
    return await asyncio.wait_for(reader.read(size), IDLE_TIMEOUT)


async def _read_exactly(reader: Reader, size: int) -> bytes:
    return await asyncio.wait_for(reader.readexactly(size), IDLE_TIMEOUT)


async def _send(writer: Writer, data: bytes) -> None:
    writer.write(data)
    # A client that never reads would otherwise block us on a full buffer.
    await asyncio.wait_for(writer.drain(), IDLE_TIMEOUT)


async def _discard(reader: Reader) -> None:
    while await _read(reader):
        pass


async def _read_head(reader: Reader, buf: bytearray) -> tuple[bytes, bool]:
    """Take bytes up to a blank line from buf/reader: (head, True), or what came and False."""
    while True:
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            head = bytes(buf[: end + 4])
            del buf[: end + 4]
            return head, True
        chunk = await _read(reader) if len(buf) <= MAX_HEAD else b""
        if not chunk:
            return bytes(buf[:MAX_HEAD]), False
        buf += chunk


async def _finish(reader: Reader, writer: Writer) -> None:
    """Half-close, then drain briefly before the full close, like Apache does.

    Closing with unread input makes the kernel send a RST, which can destroy
    the answer we just sent before the client reads it.
    """
    if writer.can_write_eof():
        writer.write_eof()
    with suppress(TimeoutError):
        async with asyncio.timeout(LINGER):
            for _ in range(MAX_FRAME // CHUNK):
                if not await reader.read(CHUNK):
                    break


async def _skip_body(reader: Reader, buf: bytearray, head: bytes) -> None:
    # Pipelined SIP requests follow the body, so it has to be skipped exactly.
    found = re.search(rb"\r\n(?:content-length|l)[ \t]*:[ \t]*(\d{1,6})", head, re.IGNORECASE)
    todo = min(int(found.group(1)), MAX_FRAME) if found else 0
    taken = min(todo, len(buf))
    del buf[:taken]
    if todo > taken:
        await _read_exactly(reader, todo - taken)


@_kind("banner", "banner")
async def _banner(reader: Reader, writer: Writer, params: Params) -> None:
    banner = params["banner"]
    await _send(writer, (banner if banner.endswith("\r\n") else banner + "\r\n").encode())
    await _discard(reader)


# WILL ECHO, WILL SUPPRESS-GO-AHEAD, DO TERMINAL-TYPE, DO NAWS: what Cisco IOS
# opens with, and what nmap's "Cisco IOS telnetd" match expects first.
_CISCO_IAC = b"\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f"


@_kind("telnet", "banner")
async def _telnet(reader: Reader, writer: Writer, params: Params) -> None:
    # One write, so nmap sees negotiation and prompt in the same read.
    await _send(writer, _CISCO_IAC + params["banner"].encode())
    await _discard(reader)


@_kind("http", "server", "title")
async def _http(reader: Reader, writer: Writer, params: Params) -> None:
    buf = bytearray()
    head, complete = await _read_head(reader, buf)
    if not head:
        return
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    method = parts[0] if len(parts) == 3 and parts[2].startswith("HTTP/1.") else ""
    request_log.log_request(params, *request_log.request_of(head))
    if complete and method in ("GET", "HEAD", "POST", "OPTIONS"):
        status, title = "200 OK", params["title"]  # config text, used as-is
    else:
        status, title = "400 Bad Request", "400 Bad Request"
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body>"
    body = f"{html}</html>\n".encode()
    lines = [
        f"HTTP/1.1 {status}",
        f"Date: {formatdate(usegmt=True)}",
        f"Server: {params['server']}",
        f"Content-Length: {len(body)}",
        "Connection: close",
        "Content-Type: text/html; charset=UTF-8",
    ]
    response = ("\r\n".join(lines) + "\r\n\r\n").encode()
    await _send(writer, response if method == "HEAD" else response + body)
    await _finish(reader, writer)


@_kind("ai-http", "api", "version")
async def _ai_http(reader: Reader, writer: Writer, params: Params) -> None:
    buf = bytearray()
    head, complete = await _read_head(reader, buf)
    if head:
        await _send(writer, ai_http.respond(head, complete, params))
        await _finish(reader, writer)


_SIP_COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id"}
_SIP_ECHO = ("Via", "From", "To", "Call-ID", "CSeq")
# User agents whose real devices write "User-Agent:" with no space; nmap's
# fingerprints for them (e.g. Polycom RealPresence Group) depend on it.
_UA_NO_SPACE = ("PolycomRealPresenceGroup",)


@_kind("sip", "user_agent")
async def _sip(reader: Reader, writer: Writer, params: Params) -> None:
    user_agent = params["user_agent"]
    default_sep = ":" if user_agent.startswith(_UA_NO_SPACE) else ": "
    ua_line = f"User-Agent{params.get('user_agent_separator', default_sep)}{user_agent}"
    local = writer.get_extra_info("sockname")
    tag = secrets.token_hex(4)
    buf = bytearray()
    while True:
        head, complete = await _read_head(reader, buf)
        if not complete:
            return
        lines = head.decode("utf-8", "replace").strip("\r\n").split("\r\n")
        if lines == [""]:
            continue  # CRLF keep-alive between requests (RFC 5626)
        request = lines[0].split(" ")
        if len(request) != 3 or request[2] != "SIP/2.0":
            raise _Drop  # a SIP phone ignores HTTP probes and garbage
        await _skip_body(reader, buf, head)
        if request[0] == "ACK":
            continue  # ACK never gets a response
        received: dict[str, list[str]] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            received.setdefault(_SIP_COMPACT.get(name, name), []).append(value.strip())
        status = "486 Busy Here" if request[0] == "INVITE" else "200 OK"
        out = [f"SIP/2.0 {status}"]
        for name in _SIP_ECHO:
            for value in received.get(name.lower(), []):
                if name == "To" and ";tag=" not in value:
                    value += f";tag={tag}"
                out.append(f"{name}: {value}")
        out += [
            f"Contact: <sip:{local[0]}:{local[1]}>",
            ua_line,
            "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY",
            "Accept: application/sdp",
            "Content-Length: 0",
        ]
        await _send(writer, ("\r\n".join(out) + "\r\n\r\n").encode())


@_kind("rdp")
async def _rdp(reader: Reader, writer: Writer, params: Params) -> None:
    tpkt = await _read_exactly(reader, 4)
    length = int.from_bytes(tpkt[2:4], "big")
    if tpkt[:2] != b"\x03\x00" or not 11 <= length <= 1024:
        raise _Drop
    x224 = await _read_exactly(reader, length - 4)
    if x224[1] & 0xF0 != 0xE0:  # not an X.224 Connection Request
        raise _Drop
    requested = None  # RDP_NEG_REQ (MS-RDPBCGR 2.2.1.1.1) ends the request
    if len(x224) >= 15 and x224[-8] == 0x01 and x224[-6:-4] == b"\x08\x00":
        requested = int.from_bytes(x224[-4:], "little")
    mode = params.get("protocol", "legacy")
    # dst-ref 0, src-ref 0x1234, class 0: what Windows sends and nmap matches.
    confirm = b"\xd0\x00\x00\x12\x34\x00"
    if mode != "legacy" and requested is not None:
        # Fall back like Windows when the client does not offer our choice.
        selected, flags = 0, 0x01  # PROTOCOL_RDP
        if mode == "hybrid" and requested & 2:
            selected, flags = 2, 0x1F  # PROTOCOL_HYBRID, flags as Windows 10
        elif mode in ("hybrid", "ssl") and requested & 1:
            selected = 1  # PROTOCOL_SSL
        confirm += bytes((0x02, flags, 0x08, 0x00)) + selected.to_bytes(4, "little")
    # "legacy" is XP/2003: no negotiation response at all.
    pdu = bytes((len(confirm),)) + confirm
    identity = ntlm.WindowsIdentity.from_params(params)
    tls = identity is not None and mode in ("ssl", "hybrid") and bool(requested and requested & 3)
    if tls:
        # The client's TLS hello follows our confirm at once: left in the socket until
        # start_tls reads it (read now, it would land in the plain reader and be lost).
        writer.transport.pause_reading()  # type: ignore[attr-defined]
    await _send(writer, b"\x03\x00" + (len(pdu) + 4).to_bytes(2, "big") + pdu)
    if tls and identity is not None:
        # What Windows does next: TLS, then CredSSP, whose first answer to an NTLM
        # NEGOTIATE is the CHALLENGE naming the build (rdp-ntlm-info reads it).
        await asyncio.wait_for(writer.start_tls(ntlm.tls_context()), IDLE_TIMEOUT)
        request = await _read(reader)
        if not ntlm.is_negotiate(request):
            raise _Drop
        await _send(writer, ntlm.ts_request(ntlm.challenge(identity)))
    await _discard(reader)


@_kind("smb", "native_os", "native_lanman")
async def _smb(reader: Reader, writer: Writer, params: Params) -> None:
    host = smb.SmbHost(
        native_os=params["native_os"],
        native_lanman=params["native_lanman"],
        netbios_name=params.get("netbios_name", "WORKSTATION"),
        domain=params.get("domain", "WORKGROUP"),
    )
    while True:
        head = await asyncio.wait_for(reader.read(4), IDLE_TIMEOUT)
        if len(head) < 4:
            head += await _read_exactly(reader, 4 - len(head)) if head else b""
        if not head:
            return
        length = int.from_bytes(head[1:4], "big")
        if length > MAX_FRAME:
            raise _Drop
        body = await _read_exactly(reader, length)
        if head[0] == 0x81:  # NetBIOS session request (port 139): positive response
            await _send(writer, b"\x82\x00\x00\x00")
            continue
        request = smb.parse(body) if head[0] == 0 else None
        reply = smb.answer(request, host) if request is not None else None
        if reply is None:
            raise _Drop  # SMB2 or garbage: an SMB1-only host hangs up
        await _send(writer, reply)


def _pdu(pdu_type: int, body: bytes) -> bytes:
    return bytes((pdu_type, 0)) + len(body).to_bytes(4, "big") + body


def _item(item_type: int, value: bytes) -> bytes:
    return bytes((item_type, 0)) + len(value).to_bytes(2, "big") + value


def _items(data: bytes) -> list[tuple[int, bytes]]:
    """Split DICOM variable items; _Drop if one runs past the end."""
    found, pos = [], 0
    while pos < len(data):
        if pos + 4 > len(data):
            raise _Drop
        size = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if pos + 4 + size > len(data):
            raise _Drop
        found.append((data[pos], data[pos + 4 : pos + 4 + size]))
        pos += 4 + size
    return found


def _associate_ac(rq: bytes, params: Params) -> bytes:
    """Build the A-ASSOCIATE-AC body for an A-ASSOCIATE-RQ body; _Drop if malformed."""
    if len(rq) < 68 or not rq[1] & 1:  # fixed fields; protocol version 1
        raise _Drop
    items = _items(rq[68:])
    contexts = [v for t, v in items if t == 0x20]
    app_context = [v for t, v in items if t == 0x10]
    if not app_context or not contexts or len(contexts) > 128:
        raise _Drop
    out = [_item(0x10, app_context[0])]
    for index, context in enumerate(contexts):
        syntaxes = [v for t, v in _items(context[4:]) if t == 0x40] if len(context) >= 4 else []
        if not syntaxes:
            raise _Drop
        # Accept only the first context; 3 = abstract syntax not supported.
        result = 0 if index == 0 else 3
        out.append(_item(0x21, bytes((context[0], 0, result, 0)) + _item(0x40, syntaxes[0])))
    user = (
        _item(0x51, (16384).to_bytes(4, "big"))
        + _item(0x52, params["implementation_class_uid"].encode("ascii"))
        + _item(0x55, params["implementation_version"].encode("ascii"))
    )
    out.append(_item(0x50, user))
    # Called/calling AE titles are echoed back, as PS3.8 9.3.3 asks.
    return b"\x00\x01\x00\x00" + rq[4:36] + bytes(32) + b"".join(out)


# Result 1 = rejected-permanent, source 2 = ACSE provider, reason 1 = none given.
_ASSOCIATE_RJ = _pdu(0x03, b"\x00\x01\x02\x01")
_RELEASE_RP = _pdu(0x06, bytes(4))
_ABORT = _pdu(0x07, b"\x00\x00\x02\x00")  # source 2 = service provider


@_kind("dicom", "implementation_class_uid", "implementation_version")
async def _dicom(reader: Reader, writer: Writer, params: Params) -> None:
    associated = False
    while True:
        header = await _read_exactly(reader, 6)
        pdu_type, length = header[0], int.from_bytes(header[2:6], "big")
        if pdu_type == 0x07:  # A-ABORT
            return
        if pdu_type == 0x05:
            answer = _RELEASE_RP
        elif associated:
            # No DIMSE services here, ever: a P-DATA (C-FIND, C-STORE...) ends it.
            answer = _ABORT
        elif pdu_type != 0x01 or length > MAX_FRAME:
            answer = _ASSOCIATE_RJ
        else:
            try:
                rq = await _read_exactly(reader, length)
                await _send(writer, _pdu(0x02, _associate_ac(rq, params)))
                associated = True
                continue
            except _Drop:
                answer = _ASSOCIATE_RJ
        await _send(writer, answer)
        await _finish(reader, writer)
        return


@_kind("hl7")
async def _hl7(reader: Reader, writer: Writer, params: Params) -> None:
    buf = bytearray()
    while True:
        if buf and buf[0] != 0x0B:
            raise _Drop  # not MLLP: a real interface engine hangs up too
        end = buf.find(b"\x1c\x0d")
        if end < 0:
            if len(buf) > MAX_FRAME:
                raise _Drop
            chunk = await _read(reader)
            if not chunk:
                return
            buf += chunk
            continue
        message = bytes(buf[1:end]).decode("latin-1")
        del buf[: end + 2]
        await _send(writer, b"\x0b" + _hl7_ack(message, params).encode("latin-1") + b"\x1c\x0d")


def _hl7_ack(message: str, params: Params) -> str:
    segments = message.replace("\n", "\r").split("\r")
    msh = next((s for s in segments if s.startswith("MSH") and len(s) > 3), "")
    fields = msh.split(msh[3]) if msh else []
    # split() makes fields[n] MSH-(n+1), MSH-1 being the separator itself.
    msh_field = dict(enumerate(fields, start=1))
    trigger = msh_field.get(9, "").split("^")[1:2]
    ack = [
        "MSH",
        "^~\\&",
        params.get("app", "LAB"),
        params.get("facility", ""),
        msh_field.get(3, ""),
        msh_field.get(4, ""),
        time.strftime("%Y%m%d%H%M%S"),
        "",
        "^".join(["ACK", *trigger]),
        "ACK" + secrets.token_hex(6).upper(),
        msh_field.get(11, "P"),
        msh_field.get(12, "2.3"),
    ]
    code = "AA" if msh else "AR"  # AR: application reject, no MSH to answer
    return "|".join(ack) + f"\rMSA|{code}|{msh_field.get(10, '')}\r"


@_kind("rtsp", "public")
async def _rtsp(reader: Reader, writer: Writer, params: Params) -> None:
    buf = bytearray()
    while True:
        head, complete = await _read_head(reader, buf)
        if not complete:
            return
        request = head.split(b"\r\n", 1)[0].split(b" ")
        if len(request) != 3 or not request[2].startswith(b"RTSP/1."):
            raise _Drop  # a camera's RTSP server ignores other protocols
        # The format of AXIS and Hikvision firmware: status, optional Server, Public.
        server = f"Server: {params['server']}\r\n" if params.get("server") else ""
        answer = f"RTSP/1.0 200 OK\r\n{server}Public: {params['public']}\r\n\r\n"
        await _send(writer, answer.encode())


_printed: dict[str, int] = {}


@_kind("printer", "count_file")
async def _printer(reader: Reader, writer: Writer, params: Params) -> None:
    path = params["count_file"]
    while chunk := await _read(reader):
        # A real JetDirect port would print this: count it where a test can see it.
        _printed[path] = _printed.get(path, 0) + len(chunk)
        _write_count(Path(path), _printed[path])


def _write_count(path: Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{count}\n", encoding="utf-8")
    os.replace(tmp, path)


def _bacnet_i_am(params: Params) -> bytes:
    """BVLC original-unicast + NPDU + unconfirmed I-Am (ASHRAE 135, clauses 16.10, J.2)."""
    instance = int(params["device_instance"]) & 0x3FFFFF
    vendor = int(params["vendor_id"]) & 0xFFFF
    apdu = (
        b"\x10\x00"  # unconfirmed request, I-Am
        + b"\xc4"
        + ((8 << 22) | instance).to_bytes(4, "big")  # object id: device
        + b"\x22\x05\xc4"  # max APDU length accepted: 1476
        + b"\x91\x03"  # segmentation: none
        + b"\x22"
        + vendor.to_bytes(2, "big")  # vendor identifier
    )
    npdu = b"\x01\x00"
    return b"\x81\x0a" + (4 + len(npdu) + len(apdu)).to_bytes(2, "big") + npdu + apdu


class _Bacnet(asyncio.DatagramProtocol):
    def __init__(self, params: Params) -> None:
        self.params = params
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # asyncio's selector transport does not subclass DatagramTransport: duck-typed.
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        # Who-Is: BVLC type 0x81, an NPDU, then APDU "unconfirmed request, service 8".
        if len(data) >= 8 and data[0] == 0x81 and b"\x10\x08" in data[4:]:
            if self.transport is not None:
                self.transport.sendto(_bacnet_i_am(self.params), addr)


@_kind("bacnet", "vendor_id", "device_instance")
async def _bacnet_stream(reader: Reader, writer: Writer, params: Params) -> None:
    raise _Drop  # never called: serve() gives bacnet a UDP endpoint, not a TCP server


@_kind("silent")
async def _silent(reader: Reader, writer: Writer, params: Params) -> None:
    if params.get("close_on_data"):
        # Like an SMB or RPC server given a foreign protocol: hang up on the first bytes,
        # which spares a scanner its full wait for every probe.
        await _read(reader)
        return
    await _discard(reader)


def _on_connect(
    spec: ListenerSpec, active: set[asyncio.Task[Any]]
) -> Callable[[Reader, Writer], Awaitable[None]]:
    handler = _KINDS[spec.kind][0]
    delay = float(spec.params.get("delay", "0"))
    drop_every = int(spec.params.get("drop_every", "0"))
    accepted = 0

    async def connected(reader: Reader, writer: Writer) -> None:
        nonlocal accepted
        task = asyncio.current_task()
        accepted += 1
        if (
            task is None
            or len(active) >= MAX_CONNECTIONS
            or (drop_every and accepted % drop_every == 0)
        ):
            writer.close()
            return
        active.add(task)
        try:
            if delay:
                await asyncio.sleep(delay)  # a slow device: nothing before the delay
            await asyncio.wait_for(handler(reader, writer, spec.params), MAX_LIFETIME)
        except (TimeoutError, ConnectionError, EOFError, _Drop):
            pass  # the client left, stalled or spoke nonsense: just hang up
        except asyncio.CancelledError:
            # Only serve() cancels us, when the lab stops.  Ending normally is
            # what it wants, and on 3.11 a cancelled callback task makes
            # asyncio's StreamReaderProtocol log a spurious traceback.
            pass
        finally:
            active.discard(task)
            writer.close()

    return connected


async def serve(specs: Sequence[ListenerSpec], ready: asyncio.Event | None = None) -> None:
    """Bind every listener, set ``ready``, then serve until cancelled.

    Raises ListenerBindError (after closing what was bound) if one cannot bind.
    """
    active: set[asyncio.Task[Any]] = set()
    servers: list[asyncio.Server] = []
    datagrams: list[asyncio.DatagramTransport] = []
    loop = asyncio.get_running_loop()
    try:
        for spec in specs:
            try:
                if spec.kind == "bacnet":
                    endpoint, _ = await loop.create_datagram_endpoint(
                        lambda spec=spec: _Bacnet(spec.params),  # type: ignore[misc]
                        local_addr=(spec.address, spec.port),
                    )
                    datagrams.append(endpoint)
                    continue
                server = await asyncio.start_server(
                    _on_connect(spec, active), spec.address, spec.port
                )
            except OSError as exc:
                raise ListenerBindError(spec, exc) from exc
            servers.append(server)
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()
    finally:
        for endpoint in datagrams:
            endpoint.close()
        for server in servers:
            server.close()
        # Cancel open connections too, so stopping the lab leaves nothing running.
        pending = list(active)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for server in servers:
            await server.wait_closed()


def _write_ready(path: Path) -> None:
    # Write then rename, so a parent polling for the file never reads half of it.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{os.getpid()}\n", encoding="utf-8")
    os.replace(tmp, path)


async def _run(specs: Sequence[ListenerSpec], ready_file: Path | None) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    ready = asyncio.Event()
    server = asyncio.create_task(serve(specs, ready))
    waiters = [asyncio.create_task(ready.wait()), asyncio.create_task(stop.wait())]
    try:
        await asyncio.wait([server, waiters[0]], return_when=asyncio.FIRST_COMPLETED)
        if server.done():
            server.result()  # re-raises the ListenerBindError
        if ready_file is not None:
            _write_ready(ready_file)
        await asyncio.wait([server, waiters[1]], return_when=asyncio.FIRST_COMPLETED)
        if server.done():
            server.result()
    finally:
        for waiter in waiters:
            waiter.cancel()
        if not server.done():
            server.cancel()
            with suppress(asyncio.CancelledError):
                await server


def _raise_open_files_limit(listeners: int) -> None:
    """Thousands of listeners need thousands of descriptors: take what the hard limit allows."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = listeners + MAX_CONNECTIONS + 64
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


def main(argv: list[str] | None = None) -> int:
    """Command line: serve the listeners of a JSON config until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Serve fake hospital TCP services on loopback."
    )
    parser.add_argument("config", type=Path, help="JSON file with a 'listeners' list")
    parser.add_argument("--ready-file", type=Path, help="written once every listener is bound")
    args = parser.parse_args(argv)
    try:
        specs = load_specs(args.config)
    except (OSError, ValueError) as exc:
        print(f"{PROG}: {args.config}: {exc}", file=sys.stderr)
        return 2
    _raise_open_files_limit(len(specs))
    try:
        asyncio.run(_run(specs, args.ready_file))
    except ListenerBindError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
