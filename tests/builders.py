"""Hand-built assessed devices for the topology, risk, plan and what-if tests, and an SNMP
agent's system group for the identify tests.

The rule engine and the EOL database have their own tests; here a device is exactly
what a test says it is (class, type, lifecycle, services, SNMP tables).  ``identify_agent``
is the other way round: what the bundled rules and tables make of a system group.
"""

from __future__ import annotations

import datetime as dt

from legacyscan.identify.engine import Identifier
from legacyscan.identify.rules import RuleSet
from legacyscan.model import (
    AssessedDevice,
    AssessedIdentity,
    DeviceClass,
    Evidence,
    Host,
    IdentifiedDevice,
    Identity,
    Lifecycle,
    LifecycleStatus,
    ScanMeta,
    Service,
    SnmpSystem,
    SnmpTables,
)

AS_OF = dt.date(2026, 11, 23)
RULES = RuleSet.load()


def identify_agent(object_id: str | None, descr: str | None = None) -> IdentifiedDevice:
    """A host whose SNMP agent answers this sysObjectID and sysDescr, through the whole
    identify stage with the bundled rules and tables."""
    host = Host(address="127.0.0.1", snmp=SnmpSystem(descr=descr, object_id=object_id))
    return Identifier(RULES).identify(host)


def seen(
    kind: str, vendor: str, product: str, version: str | None, value: str | None = None
) -> Identity:
    """An identity as a rule would give it, its one piece of evidence ``value`` (by default
    "product version")."""
    return Identity(
        kind=kind,  # type: ignore[arg-type]
        vendor=vendor,
        product=product,
        version=version,
        cpe=None,
        confidence=0.9,
        evidence=(Evidence("test", "test.field", value or f"{product} {version}", "test"),),
    )


def meta(targets: tuple[str, ...] = (), vantage: str = "") -> ScanMeta:
    return ScanMeta(
        as_of=AS_OF, started="2026-11-23T10:00:00+00:00", finished="x", targets=targets,
        vantage=vantage,
    )  # fmt: skip


def tcp(*ports: int, tunnel: str = "") -> tuple[Service, ...]:
    return tuple(Service(port=p, protocol="tcp", state="open", tunnel=tunnel) for p in ports)


def device(
    address: str,
    device_class: DeviceClass = "workstation",
    device_type: str | None = None,
    status: LifecycleStatus = "supported",
    eol: dt.date | None = None,
    ports: tuple[int, ...] = (),
    mac: str | None = None,
    tables: SnmpTables | None = None,
    sys_name: str | None = None,
    credential: str | None = None,
    kev: tuple[str, ...] = (),
    extended_end: dt.date | None = None,
) -> AssessedDevice:
    host = Host(
        address=address,
        mac=mac,
        services=tcp(*ports),
        snmp=SnmpSystem(name=sys_name) if sys_name or tables else None,
        snmp_tables=tables,
        snmp_credential=credential,
    )
    identity = Identity("os", "Test", f"OS of {address}", "1", None, 1.0, ())
    life = Lifecycle(status=status, eol_date=eol, extended_end=extended_end, known_exploited=kev)
    ident = IdentifiedDevice(host, (identity,), device_class, device_type, 1.0)
    return AssessedDevice(ident, (AssessedIdentity(identity, life),))


def legacy_pc(address: str, **kwargs: object) -> AssessedDevice:
    return device(address, "workstation", None, "eol", dt.date(2020, 1, 14), **kwargs)  # type: ignore[arg-type]


def pump(address: str, **kwargs: object) -> AssessedDevice:
    return device(address, "medical", "infusion-pump", **kwargs)  # type: ignore[arg-type]
