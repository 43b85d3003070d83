"""One SNMP conversation with one agent through pysnmp 7 (asyncio): GET and table walks.

This is the only module that touches pysnmp's types.  A :class:`Session` sends requests
to one address with one credential, paces them, and hands back plain values
(``mib_values.Value``).  Communities (v1/v2c) go through pysnmp's light "v1arch"
dispatcher; only SNMPv3 users need the full "v3arch" engine, whose per-address set-up
costs about 10 ms of CPU (MIB table writes), too much for a sweep of thousands.

``walk`` reads a table's columns side by side with GETBULK
(GETNEXT for v1) and defends itself against broken agents: OIDs that do not increase
(loops), tables longer than a cap, tooBig answers (fewer repetitions, then give up),
endOfMibView/noSuch* markers, and agents that stop answering half-way.  What was read
before a problem is kept; the problem comes back as a one-line reason.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyasn1.type import univ
from pysnmp.hlapi.v1arch import asyncio as v1
from pysnmp.hlapi.v1arch.asyncio import auth as v1auth
from pysnmp.hlapi.v3arch.asyncio import (
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    get_cmd,
    next_cmd,
)
from pysnmp.hlapi.v3arch.asyncio import auth as usm
from pysnmp.hlapi.varbinds import CommandGeneratorVarBinds
from pysnmp.proto import errind, rfc1902

from legacyscan.collect.snmp.credentials import Credential
from legacyscan.collect.snmp.mib_tables import Table
from legacyscan.collect.snmp.mib_values import Value

AUTH = {
    "none": usm.USM_AUTH_NONE,
    "md5": usm.USM_AUTH_HMAC96_MD5,
    "sha": usm.USM_AUTH_HMAC96_SHA,
    "sha224": usm.USM_AUTH_HMAC128_SHA224,
    "sha256": usm.USM_AUTH_HMAC192_SHA256,
    "sha384": usm.USM_AUTH_HMAC256_SHA384,
    "sha512": usm.USM_AUTH_HMAC384_SHA512,
}
PRIV = {
    "none": usm.USM_PRIV_NONE,
    "des": usm.USM_PRIV_CBC56_DES,
    "3des": usm.USM_PRIV_CBC168_3DES,
    "aes128": usm.USM_PRIV_CFB128_AES,
    # net-snmp's "AES-192"/"AES-256" use the Blumenthal key extension; "-C" is Cisco's
    "aes192": usm.USM_PRIV_CFB192_AES_BLUMENTHAL,
    "aes256": usm.USM_PRIV_CFB256_AES_BLUMENTHAL,
    "aes192c": usm.USM_PRIV_CFB192_AES,
    "aes256c": usm.USM_PRIV_CFB256_AES,
}

#: Error indications that mean "the agent is there but refused these v3 credentials".
_AUTH_ERRORS: tuple[type[errind.ErrorIndication], ...] = (
    errind.UnknownUserName,
    errind.WrongDigest,
    errind.UnknownSecurityName,
    errind.UnsupportedSecurityLevel,
    errind.AuthenticationFailure,
    errind.AuthenticationError,
    errind.DecryptionError,
    errind.NotInTimeWindow,
    errind.UnknownEngineID,
    errind.UnsupportedAuthProtocol,
    errind.UnsupportedPrivProtocol,
)
_ERROR_STATUS = {1: "tooBig", 2: "noSuchName", 3: "badValue", 4: "readOnly", 5: "genErr"}


class SnmpFailure(Exception):
    """A request that got no usable answer: ``kind`` is timeout, auth or error."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Response:
    """An answer: its error status (0, or 1 tooBig, 2 noSuchName...) and plain varbinds."""

    status: int
    error_index: int
    varbinds: tuple[tuple[tuple[int, ...], Value, bool], ...]  # (oid, value, end-of-column)


def plain(value: Any) -> tuple[Value, bool]:
    """A pysnmp value as a plain value, and whether it is an end/noSuch marker."""
    # Null first: pyasn1's Null (hence noSuchObject, endOfMibView...) is an OctetString.
    if isinstance(value, univ.Null):
        return None, True
    if isinstance(value, rfc1902.IpAddress):
        raw = bytes(value.asOctets())
        return (".".join(map(str, raw)) if len(raw) == 4 else raw), False
    if isinstance(value, univ.ObjectIdentifier):
        return ".".join(map(str, value.asTuple())), False
    if isinstance(value, univ.OctetString):
        return bytes(value.asOctets()), False
    if isinstance(value, univ.Integer):
        return int(value), False
    return None, False


def new_engine() -> SnmpEngine:
    """An SNMP engine with its MIB modules loaded.

    pysnmp loads them on the first request (1-2 s of CPU here); doing it up front keeps
    that cost out of every per-address clock and timeout.
    """
    engine = SnmpEngine()
    controller = CommandGeneratorVarBinds().get_mib_view_controller(engine.cache)
    ObjectType(ObjectIdentity("1.3.6.1.2.1.1.1.0")).resolve_with_mib(controller)
    return engine


class _Community(v1auth.CommunityData):  # type: ignore[misc]
    """pysnmp's v1arch community, whose own repr would show the community."""

    def __repr__(self) -> str:
        return f"CommunityData(<hidden>, mpModel={self.mpModel})"


class Engines:
    """pysnmp's v1/v2c dispatcher, and the v3 engine only when a v3 user is listed."""

    def __init__(self, with_v3: bool) -> None:
        self.dispatcher = v1.SnmpDispatcher()
        self.engine = new_engine() if with_v3 else None

    def close(self) -> None:
        self.dispatcher.transport_dispatcher.close_dispatcher()
        if self.engine is not None:
            self.engine.close_dispatcher()


def auth_data(credential: Credential) -> _Community | UsmUserData:
    """pysnmp's credential object."""
    if credential.version in ("1", "2c"):
        assert credential.community is not None
        return _Community(
            credential.community.reveal(), mpModel=0 if credential.version == "1" else 1
        )
    return UsmUserData(
        credential.user,
        authKey=credential.auth_key.reveal() if credential.auth_key else None,
        privKey=credential.priv_key.reveal() if credential.priv_key else None,
        authProtocol=AUTH[credential.auth],
        privProtocol=PRIV[credential.priv],
    )


class Session:
    """Requests to one agent with one credential, at most one every ``pace`` seconds."""

    def __init__(
        self,
        engines: Engines,
        target: Any,
        credential: Credential,
        pace: float = 0.0,
        max_repetitions: int = 25,
    ) -> None:
        self.engines = engines
        self.target = target
        self.credential = credential
        self.auth = auth_data(credential)
        self.context = ContextData(contextName=credential.context or "")
        self.pace = pace
        self.max_repetitions = max_repetitions
        self.requests = 0
        self._last = 0.0

    @classmethod
    async def open(
        cls,
        engines: Engines,
        address: str,
        port: int,
        credential: Credential,
        timeout: float,
        retries: int,
        **options: Any,
    ) -> Session:
        kind = UdpTransportTarget if credential.version == "3" else v1.UdpTransportTarget
        target = await kind.create((address, port), timeout=timeout, retries=retries)
        return cls(engines, target, credential, **options)

    async def _request(self, kind: str, oids: Sequence[str], repetitions: int = 0) -> Response:
        wait = self._last + self.pace - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last = time.monotonic()
        self.requests += 1
        if self.engines.engine is None or self.credential.version != "3":
            result = await self._v1arch(kind, oids, repetitions)
        else:
            objects = [ObjectType(ObjectIdentity(oid)) for oid in oids]
            args = (self.engines.engine, self.auth, self.target, self.context)
            if kind == "get":
                result = await get_cmd(*args, *objects, lookupMib=False)
            elif kind == "next":
                result = await next_cmd(*args, *objects, lookupMib=False)
            else:
                result = await bulk_cmd(*args, 0, repetitions, *objects, lookupMib=False)
        indication, status, index, varbinds = result
        if indication:
            if isinstance(indication, errind.RequestTimedOut):
                raise SnmpFailure("timeout", "no response (timeout)")
            if isinstance(indication, _AUTH_ERRORS):
                raise SnmpFailure("auth", f"v3 authentication refused: {indication}")
            raise SnmpFailure("error", str(indication))
        decoded = []
        for name, value in varbinds:
            plain_value, end = plain(value)
            decoded.append((tuple(name.asTuple()), plain_value, end))
        return Response(int(status or 0), int(index or 0), tuple(decoded))

    async def _v1arch(self, kind: str, oids: Sequence[str], repetitions: int) -> Any:
        # plain (OID, Null) pairs: no MIB look-up at all on this path
        pairs = [(oid, univ.Null("")) for oid in oids]
        args = (self.engines.dispatcher, self.auth, self.target)
        if kind == "get":
            return await v1.get_cmd(*args, *pairs, lookupMib=False)
        if kind == "next":
            return await v1.next_cmd(*args, *pairs, lookupMib=False)
        return await v1.bulk_cmd(*args, 0, repetitions, *pairs, lookupMib=False)

    async def get(self, oids: Sequence[str]) -> dict[str, Value]:
        """GET of scalars; a v1 noSuchName drops the missing OID and asks again."""
        pending = list(oids)
        while pending:
            response = await self._request("get", pending)
            if response.status == 2 and 0 < response.error_index <= len(pending):
                del pending[response.error_index - 1]  # v1 has no noSuchObject marker
                continue
            if response.status:
                name = _ERROR_STATUS.get(response.status, str(response.status))
                raise SnmpFailure("error", f"agent error {name} on GET")
            return {
                ".".join(map(str, oid)): value for oid, value, end in response.varbinds if not end
            }
        return {}

    async def walk(self, table: Table, values: MutableMapping[str, Value], max_rows: int) -> str:
        """Walk ``table``'s columns into ``values``; '' when complete, else the reason."""
        prefixes = {c: tuple(int(a) for a in c.split(".")) for c in table.columns}
        cursors = dict(prefixes)  # column -> last OID read
        rows = dict.fromkeys(table.columns, 0)
        per_request = max(1, self.max_repetitions // len(table.columns))
        bulk = self.credential.version != "1"
        while cursors:
            columns = list(cursors)
            oids = [".".join(map(str, cursors[c])) for c in columns]
            try:
                if bulk:
                    response = await self._request("bulk", oids, per_request)
                else:
                    response = await self._request("next", oids)
            except SnmpFailure as failure:
                if failure.kind == "timeout" and bulk and per_request > 1:
                    per_request = 1  # a big answer may have been dropped on the way: ask less
                    continue
                raise
            if response.status == 1:  # tooBig
                if bulk and per_request > 1:
                    per_request = max(1, per_request // 4)
                    continue
                return f"{table.name}: agent answers tooBig even for one row"
            if response.status == 2 and not bulk and 0 < response.error_index <= len(columns):
                del cursors[columns[response.error_index - 1]]  # v1: this column ended
                continue
            if response.status:
                name = _ERROR_STATUS.get(response.status, str(response.status))
                return f"{table.name}: agent error {name}"
            if not response.varbinds:
                return f"{table.name}: agent sent an empty answer"
            for position, (oid, value, end) in enumerate(response.varbinds):
                column = columns[position % len(columns)]
                if column not in cursors:
                    continue  # ended earlier in this answer; later repetitions are past it
                prefix = prefixes[column]
                if end or oid[: len(prefix)] != prefix or len(oid) == len(prefix):
                    del cursors[column]
                    continue
                if oid <= cursors[column]:
                    return f"{table.name}: agent returned non-increasing OIDs (loop), stopped"
                if rows[column] >= max_rows:
                    return f"{table.name}: more than {max_rows} rows, stopped at the cap"
                cursors[column] = oid
                values[".".join(map(str, oid))] = value
                rows[column] += 1
        return ""
