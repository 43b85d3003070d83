"""What a Windows host tells a client before any login: its NTLM challenge, for the lab.

A real Windows answers an NTLM NEGOTIATE (inside CredSSP over TLS for RDP, inside SPNEGO
for SMB) with a CHALLENGE message whose Version field carries the Windows build and
whose target information carries its NetBIOS and DNS names (MS-NLMP 2.2.1.2, 2.2.2.1,
2.2.2.10).  nmap's ``rdp-ntlm-info`` and ``smb-os-discovery`` read exactly that.  This
module builds those messages, the CredSSP ``TSRequest`` that carries one (MS-CSSP 2.2.1)
and a throw-away self-signed certificate for the lab's TLS; no password is ever asked
or checked, and no session is ever established.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import ssl
import struct
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

# MS-NLMP 2.2.2.5 negotiate flags a Windows 7-11 server sets in its CHALLENGE.
_UNICODE = 0x00000001
_REQUEST_TARGET = 0x00000004
_NTLM = 0x00000200
_ALWAYS_SIGN = 0x00008000
_TARGET_TYPE_DOMAIN = 0x00010000
_EXTENDED_SESSION_SECURITY = 0x00080000
_TARGET_INFO = 0x00800000
_VERSION = 0x02000000
_128 = 0x20000000
_KEY_EXCH = 0x40000000
_56 = 0x80000000
FLAGS = (
    _UNICODE | _REQUEST_TARGET | _NTLM | _ALWAYS_SIGN | _TARGET_TYPE_DOMAIN
    | _EXTENDED_SESSION_SECURITY | _TARGET_INFO | _VERSION | _128 | _KEY_EXCH | _56
)  # fmt: skip
_NTLM_REVISION_W2K3 = 0x0F
_FILETIME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class WindowsIdentity:
    """What a Windows host says of itself to an anonymous client."""

    version: str  # "6.1.7601": NT major.minor.build
    netbios_name: str = "WORKSTATION"
    netbios_domain: str = "WORKGROUP"
    dns_domain: str = ""

    @property
    def build(self) -> tuple[int, int, int]:
        major, minor, build = (int(part) for part in self.version.split("."))
        return major, minor, build

    @classmethod
    def from_params(cls, params: Mapping[str, str], name: str = "") -> WindowsIdentity | None:
        """From a listener's params (``ntlm_version``, ``netbios_name``, ``domain``,
        ``dns_domain``); None when the listener gives no Windows version."""
        get = params.get
        version = get("ntlm_version", "")
        if not version:
            return None
        return cls(
            version=version,
            netbios_name=get("netbios_name", "") or name or "WORKSTATION",
            netbios_domain=get("domain", "WORKGROUP"),
            dns_domain=get("dns_domain", ""),
        )


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def filetime(when: dt.datetime | None = None) -> int:
    """100-nanosecond intervals since 1601-01-01 UTC, as Windows counts time."""
    when = when or dt.datetime.now(dt.UTC)
    return int((when - _FILETIME_EPOCH).total_seconds() * 10_000_000)


def target_info(identity: WindowsIdentity, when: dt.datetime | None = None) -> bytes:
    """The AV_PAIR list (MS-NLMP 2.2.2.1): names, then the timestamp, then MsvAvEOL."""
    fqdn = identity.netbios_name.lower() + (
        f".{identity.dns_domain}" if identity.dns_domain else ""
    )
    pairs = [
        (2, _utf16(identity.netbios_domain)),  # MsvAvNbDomainName
        (1, _utf16(identity.netbios_name)),  # MsvAvNbComputerName
        (4, _utf16(identity.dns_domain or identity.netbios_domain.lower())),  # DnsDomainName
        (3, _utf16(fqdn)),  # MsvAvDnsComputerName
    ]
    if identity.dns_domain:
        pairs.append((5, _utf16(identity.dns_domain)))  # MsvAvDnsTreeName (the forest)
    pairs.append((7, struct.pack("<Q", filetime(when))))  # MsvAvTimestamp
    out = b"".join(struct.pack("<HH", av_id, len(value)) + value for av_id, value in pairs)
    return out + struct.pack("<HH", 0, 0)  # MsvAvEOL


def challenge(identity: WindowsIdentity, when: dt.datetime | None = None) -> bytes:
    """An NTLM CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) with the Version field (2.2.2.10)."""
    major, minor, build = identity.build
    target = _utf16(identity.netbios_domain)
    info = target_info(identity, when)
    header = 56  # fixed part: signature .. version
    version = struct.pack("<BBH3xB", major, minor, build, _NTLM_REVISION_W2K3)
    return (
        b"NTLMSSP\x00"
        + struct.pack("<I", 2)
        + struct.pack("<HHI", len(target), len(target), header)
        + struct.pack("<I", FLAGS)
        + secrets.token_bytes(8)  # ServerChallenge
        + bytes(8)  # Reserved
        + struct.pack("<HHI", len(info), len(info), header + len(target))
        + version
        + target
        + info
    )


def is_negotiate(data: bytes) -> bool:
    """Whether ``data`` carries an NTLM NEGOTIATE_MESSAGE (type 1) anywhere."""
    return b"NTLMSSP\x00\x01\x00\x00\x00" in data


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        length = bytes((size,))
    else:
        raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
        length = bytes((0x80 | len(raw),)) + raw
    return bytes((tag,)) + length + content


def ts_request(token: bytes, version: int = 6) -> bytes:
    """CredSSP TSRequest (MS-CSSP 2.2.1) carrying one SPNEGO/NTLM token in negoTokens."""
    nego_data = _der(0x30, _der(0x30, _der(0xA0, _der(0x04, token))))
    return _der(0x30, _der(0xA0, _der(0x02, bytes((version,)))) + _der(0xA1, nego_data))


@cache
def tls_context() -> ssl.SSLContext:
    """A server context with a self-signed certificate made once per lab process."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "legacyscan-lab")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    with tempfile.TemporaryDirectory() as folder:  # load_cert_chain reads files only
        pem = os.path.join(folder, "lab.pem")
        with open(pem, "wb") as out:
            out.write(cert.public_bytes(serialization.Encoding.PEM))
            out.write(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        context.load_cert_chain(pem)
    return context
