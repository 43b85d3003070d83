"""The first SMB1 exchanges of a Windows host, for the lab: what an anonymous client learns.

Before any login a Windows host with SMB1 enabled (XP to 7 and Server 2008 R2 by default)
answers a NEGOTIATE with its time, NetBIOS domain and server name, and an anonymous
SESSION_SETUP_ANDX with its native OS and LAN manager strings ("Windows 7 Professional
7601 Service Pack 1", "Windows 7 Professional 6.1") -- which is what nmap's
``smb-os-discovery`` prints.  Formats: MS-CIFS 2.2.3.1 (header), 2.2.4.52 (NEGOTIATE,
the NT LM 0.12 response without extended security), 2.2.4.53 (SESSION_SETUP_ANDX, the
response of 2.2.4.53.2), 2.2.4.54 (LOGOFF_ANDX).  No share, file or account exists: any
other command is refused with STATUS_NOT_SUPPORTED, and no password is ever checked.
SMB2 requests get no answer (the host then looks like an SMB1-only one).
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass

from legacyscan.lab.ntlm import filetime

NEGOTIATE = 0x72
SESSION_SETUP_ANDX = 0x73
LOGOFF_ANDX = 0x74
STATUS_NOT_SUPPORTED = 0xC00000BB
_HEADER = struct.Struct("<4sBIBHH8sHHHHH")  # MS-CIFS 2.2.3.1, 32 bytes
_REPLY = 0x80 | 0x08  # SMB_FLAGS_REPLY | SMB_FLAGS_CASE_INSENSITIVE
_NT_STATUS, _LONG_NAMES, _UNICODE = 0x4000, 0x0001, 0x8000
# CAP_UNICODE, LARGE_FILES, NT_SMBS, RPC_REMOTE_APIS, STATUS32, LEVEL_II_OPLOCKS,
# LOCK_AND_READ, NT_FIND, DFS, INFOLEVEL_PASSTHRU, LARGE_READX, LARGE_WRITEX, LWIO:
# what Windows 7 announces, without CAP_EXTENDED_SECURITY (nmap's basic negotiation).
_CAPABILITIES = 0x0001F3FC
_SESSION_UID = 2048


@dataclass(frozen=True)
class SmbHost:
    """The strings a Windows host gives an anonymous SMB1 client."""

    native_os: str  # "Windows 7 Professional 7601 Service Pack 1", "Windows 5.1" (XP)
    native_lanman: str  # "Windows 7 Professional 6.1", "Windows 2000 LAN Manager" (XP)
    netbios_name: str = "WORKSTATION"
    domain: str = "WORKGROUP"


@dataclass(frozen=True)
class Request:
    command: int
    flags2: int
    tid: int
    pid: int
    uid: int
    mid: int
    data: bytes  # the bytes after the parameter words


def parse(message: bytes) -> Request | None:
    """An SMB1 request (without its 4-byte session header), or None for anything else."""
    if len(message) < _HEADER.size + 3 or message[:4] != b"\xffSMB":
        return None
    fields = _HEADER.unpack_from(message)
    words = message[_HEADER.size]
    start = _HEADER.size + 1 + 2 * words
    if len(message) < start + 2:
        return None
    (count,) = struct.unpack_from("<H", message, start)
    data = message[start + 2 : start + 2 + count]
    _, command, _, _, flags2, _, _, _, tid, pid, uid, mid = fields
    return Request(command, flags2, tid, pid, uid, mid, data)


def dialects(request: Request) -> list[str]:
    """The dialect strings of a NEGOTIATE request (each 0x02, text, NUL)."""
    return [
        part[1:].decode("latin-1")
        for part in request.data.split(b"\x00")
        if part.startswith(b"\x02")
    ]


def _frame(request: Request, status: int, flags2: int, words: bytes, data: bytes,
           uid: int | None = None) -> bytes:  # fmt: skip
    header = _HEADER.pack(
        b"\xffSMB", request.command, status, _REPLY, flags2, 0, bytes(8), 0,
        request.tid, request.pid, request.uid if uid is None else uid, request.mid,
    )  # fmt: skip
    body = header + bytes((len(words) // 2,)) + words + struct.pack("<H", len(data)) + data
    return struct.pack(">I", len(body)) + body  # the direct-TCP session header (port 445)


def negotiate(request: Request, host: SmbHost, when: dt.datetime | None = None) -> bytes | None:
    """The NT LM 0.12 answer (no extended security), or None when it is not offered."""
    offered = dialects(request)
    if "NT LM 0.12" not in offered:
        return None
    words = struct.pack(
        "<HBHHIIIIQhB",
        offered.index("NT LM 0.12"),
        0x03,  # user-level security, challenge/response
        50,  # MaxMpxCount
        1,  # MaxNumberVcs
        16644,  # MaxBufferSize
        65536,  # MaxRawSize
        0,  # SessionKey
        _CAPABILITIES,
        filetime(when),
        0,  # ServerTimeZone: minutes from UTC
        8,  # ChallengeLength
    )
    data = bytes(8) + (host.domain + "\x00").encode("utf-16-le")
    data += (host.netbios_name + "\x00").encode("utf-16-le")
    return _frame(request, 0, _NT_STATUS | _LONG_NAMES | _UNICODE, words, data)


def session_setup(request: Request, host: SmbHost) -> bytes:
    """Anonymous login accepted (a null session): the native OS and LAN manager strings."""
    words = struct.pack("<BBHH", 0xFF, 0, 0, 0)  # no AndX command; Action 0
    # Unicode only when the client asked for it (nmap does not: it reads OEM strings).
    unicode = bool(request.flags2 & _UNICODE)
    strings = [host.native_os, host.native_lanman, host.domain]
    if unicode:
        data = b"\x00" + b"".join((s + "\x00").encode("utf-16-le") for s in strings)  # pad
    else:
        data = b"".join((s + "\x00").encode("latin-1", "replace") for s in strings)
    flags2 = _NT_STATUS | _LONG_NAMES | (_UNICODE if unicode else 0)
    return _frame(request, 0, flags2, words, data, uid=_SESSION_UID)


def logoff(request: Request) -> bytes:
    return _frame(request, 0, _NT_STATUS | _LONG_NAMES, struct.pack("<BBH", 0xFF, 0, 0), b"")


def refuse(request: Request) -> bytes:
    return _frame(request, STATUS_NOT_SUPPORTED, _NT_STATUS | _LONG_NAMES, b"", b"")


def answer(request: Request, host: SmbHost) -> bytes | None:
    """The answer to one request; None: hang up (nothing we would say)."""
    if request.command == NEGOTIATE:
        return negotiate(request, host)
    if request.command == SESSION_SETUP_ANDX:
        return session_setup(request, host)
    if request.command == LOGOFF_ANDX:
        return logoff(request)
    return refuse(request)
