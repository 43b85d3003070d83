"""Poll the SNMP system group of many hosts at once with pysnmp (asyncio).

Each host costs one request of six OIDs; silent addresses cost one timeout each, but
they wait in parallel (bounded by ``concurrency``), never in series.  pysnmp's types
are decoded here into ``SnmpSystem`` records and go no further.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pyasn1.type import univ
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
)
from pysnmp.proto import rfc1902
from pysnmp.smi.rfc1902 import ObjectIdentity as SmiObjectIdentity

from legacyscan.collect.snmpwalk import SYSTEM_OIDS, system_from_values
from legacyscan.model import CollectError, SnmpSystem


@dataclass(frozen=True)
class SnmpResult:
    address: str
    system: SnmpSystem | None
    error: CollectError | None  # None for a silent address: silence is normal


def decode(value: object) -> str | int | None:
    """A pysnmp value as plain Python: text, an OID string or an integer."""
    # pysnmp hands back pyasn1 base types as often as its own subclasses, and OID values
    # already wrapped in an ObjectIdentity: test the bases.
    if isinstance(value, (univ.ObjectIdentifier, SmiObjectIdentity)):
        return str(value)
    if isinstance(value, univ.OctetString):
        raw = bytes(value.asOctets())
        return raw.decode("utf-8", errors="replace")
    if isinstance(value, (univ.Integer, rfc1902.TimeTicks, rfc1902.Counter32, rfc1902.Gauge32)):
        return int(value)
    return None  # noSuchObject, noSuchInstance, endOfMibView, Null


async def _poll_one(
    engine: SnmpEngine,
    address: str,
    port: int,
    community: str,
    timeout: float,
    retries: int,
) -> SnmpResult:
    try:
        target = await UdpTransportTarget.create((address, port), timeout=timeout, retries=retries)
        error_indication, error_status, _, var_binds = await get_cmd(
            engine,
            CommunityData(community, mpModel=1),
            target,
            ContextData(),
            *(ObjectType(ObjectIdentity(oid)) for oid in SYSTEM_OIDS.values()),
        )
    except Exception as exc:  # pysnmp raises many types; one bad host must not stop the sweep
        return SnmpResult(
            address, None, CollectError("snmp", address, f"{type(exc).__name__}: {exc}")
        )
    if error_indication:
        text = str(error_indication)
        if "timeout" in text.lower() or "no snmp response" in text.lower():
            return SnmpResult(address, None, None)
        return SnmpResult(address, None, CollectError("snmp", address, text))
    if error_status:
        return SnmpResult(
            address,
            None,
            CollectError("snmp", address, f"agent error: {error_status.prettyPrint()}"),
        )
    values = {str(oid): decode(value) for oid, value in var_binds}
    system = system_from_values(values)
    return SnmpResult(address, system, None)


async def poll_system_group(
    addresses: Sequence[str],
    port: int = 161,
    community: str = "public",
    timeout: float = 2.0,
    retries: int = 1,
    concurrency: int = 64,
    on_result: Callable[[SnmpResult], None] | None = None,
) -> list[SnmpResult]:
    """The system group of every address, polled ``concurrency`` at a time.

    ``on_result`` is called with each result as soon as it is in (the inventory commits
    each host's answer then, so an interrupted sweep keeps what it already read).
    """
    engine = SnmpEngine()
    gate = asyncio.Semaphore(concurrency)

    async def bounded(address: str) -> SnmpResult:
        async with gate:
            result = await _poll_one(engine, address, port, community, timeout, retries)
        if on_result is not None:
            on_result(result)
        return result

    try:
        return list(await asyncio.gather(*(bounded(a) for a in addresses)))
    finally:
        engine.close_dispatcher()


def poll(addresses: Sequence[str], **options: object) -> list[SnmpResult]:
    """Synchronous wrapper for the CLI and the pipeline."""
    return asyncio.run(poll_system_group(addresses, **options))  # type: ignore[arg-type]
