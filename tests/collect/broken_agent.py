"""A deliberately broken SNMP agent for the robustness tests (loopback only).

Run as ``python broken_agent.py ADDRESS:PORT=BEHAVIOUR ...``: one process answers real
SNMP v1/v2c (community ``public``; pysnmp's protocol API and pyasn1's BER codec) on
each address, misbehaving the way its behaviour says:

good        a small, correct agent: system group and a 3-row ifTable
loop        GETNEXT/GETBULK hand back the OID they were asked for (never increasing)
endless     ifTable never ends: row N+1 follows row N for ever
toobig      GETBULK asking for more than one repetition gets tooBig
toobig-all  every GETNEXT/GETBULK gets tooBig
malformed   values of the wrong types and sizes (integer descr, 3-byte MAC...)
stall       answers GET, then never answers a walk
nosuch      noSuchObject for every GET, endOfMibView for every walk
generr      GETBULK gets genErr
"""

from __future__ import annotations

import asyncio
import bisect
import ipaddress
import sys

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api

v2c = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
IF = (1, 3, 6, 1, 2, 1, 2, 2, 1)


def _mib(behaviour: str) -> dict[tuple[int, ...], object]:
    mod = v2c
    mib: dict[tuple[int, ...], object] = {
        (1, 3, 6, 1, 2, 1, 1, 1, 0): mod.OctetString(f"broken agent ({behaviour})"),
        (1, 3, 6, 1, 2, 1, 1, 2, 0): mod.ObjectIdentifier((1, 3, 6, 1, 4, 1, 8072, 3, 2, 10)),
        (1, 3, 6, 1, 2, 1, 1, 3, 0): mod.TimeTicks(4242),
        (1, 3, 6, 1, 2, 1, 1, 5, 0): mod.OctetString(behaviour),
    }
    for row in (1, 2, 3):
        mib[IF + (2, row)] = mod.OctetString(f"eth{row}")
        mib[IF + (5, row)] = mod.Gauge32(100_000_000)
        mib[IF + (6, row)] = mod.OctetString(bytes([0, 0x11, 0x22, 0x33, 0x44, row]))
        mib[IF + (8, row)] = mod.Integer(1)
    if behaviour == "malformed":
        mib[(1, 3, 6, 1, 2, 1, 1, 2, 0)] = mod.OctetString("not an oid")
        mib[(1, 3, 6, 1, 2, 1, 1, 3, 0)] = mod.OctetString("soon")
        mib[IF + (2, 1)] = mod.Integer(42)
        mib[IF + (6, 1)] = mod.OctetString(b"\x00\x11\x22")
        mib[IF + (8, 1)] = mod.OctetString("up")
        mib[IF + (5, 2)] = mod.IpAddress("10.0.0.1")
    return mib


class Agent(asyncio.DatagramProtocol):
    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.mib = _mib(behaviour)
        self.oids = sorted(self.mib)
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def _next(self, oid: tuple[int, ...]) -> tuple[tuple[int, ...], object]:
        if self.behaviour == "loop" and len(oid) > len(IF) + 1:
            return oid, self.mib.get(oid, v2c.OctetString("again"))
        if self.behaviour == "endless" and oid[: len(IF)] == IF and len(oid) == len(IF) + 2:
            column, row = oid[len(IF)], oid[len(IF) + 1]
            return IF + (column, row + 1), v2c.OctetString(f"port {row + 1}")
        position = bisect.bisect_right(self.oids, oid)
        if position >= len(self.oids):
            return oid, v2c.EndOfMibView()
        found = self.oids[position]
        return found, self.mib[found]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        try:
            self._answer(data, addr)
        except Exception as exc:  # a broken request must not kill the test agent
            print(f"broken_agent: {type(exc).__name__}: {exc}", file=sys.stderr)

    def _answer(self, data: bytes, addr: tuple[str, int]) -> None:
        version = int(api.decodeMessageVersion(data))
        mod = api.PROTOCOL_MODULES[version]
        message, _ = decoder.decode(data, asn1Spec=mod.Message())
        if bytes(mod.apiMessage.get_community(message)) != b"public":
            return  # like a real agent: a wrong community gets no answer
        request = mod.apiMessage.get_pdu(message)
        response_message = mod.apiMessage.get_response(message)
        response = mod.apiMessage.get_pdu(response_message)
        asked = [tuple(oid) for oid, _ in mod.apiPDU.get_varbinds(request)]
        is_get = request.isSameTypeWith(mod.GetRequestPDU())
        is_bulk = version == 1 and request.isSameTypeWith(v2c.GetBulkRequestPDU())
        b = self.behaviour
        if not is_get and b == "stall":
            return
        if (not is_get and b == "toobig-all") or (
            is_bulk and b == "toobig" and v2c.apiBulkPDU.get_max_repetitions(request) > 1
        ):
            mod.apiPDU.set_error_status(response, 1)
            mod.apiPDU.set_varbinds(response, [(o, v2c.Null()) for o in asked])
        elif is_bulk and b == "generr":
            mod.apiPDU.set_error_status(response, 5)
            mod.apiPDU.set_error_index(response, 1)
            mod.apiPDU.set_varbinds(response, [(o, v2c.Null()) for o in asked])
        elif is_get:
            varbinds = []
            for oid in asked:
                value = None if b == "nosuch" else self.mib.get(oid)
                varbinds.append((oid, value if value is not None else v2c.NoSuchObject()))
            mod.apiPDU.set_varbinds(response, varbinds)
        elif b == "nosuch":
            mod.apiPDU.set_varbinds(response, [(o, v2c.EndOfMibView()) for o in asked])
        else:
            repetitions = v2c.apiBulkPDU.get_max_repetitions(request) if is_bulk else 1
            varbinds, cursors = [], list(asked)
            for _ in range(max(1, int(repetitions))):
                for position, oid in enumerate(cursors):
                    cursors[position], value = self._next(oid)
                    varbinds.append((cursors[position], value))
            mod.apiPDU.set_varbinds(response, varbinds)
        assert self.transport is not None
        self.transport.sendto(encoder.encode(response_message), addr)


async def main(specs: list[str]) -> None:
    loop = asyncio.get_running_loop()
    for spec in specs:
        endpoint, behaviour = spec.split("=", 1)
        address, port = endpoint.rsplit(":", 1)
        if not ipaddress.ip_address(address).is_loopback:
            raise SystemExit(f"{address}: loopback only")
        await loop.create_datagram_endpoint(
            lambda b=behaviour: Agent(b), local_addr=(address, int(port))
        )
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
