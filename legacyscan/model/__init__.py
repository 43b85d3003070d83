"""The records that flow between the pipeline stages, one module per stage.

collect -> identify -> lifecycle -> topology -> risk -> plan -> report.  Every stage
receives and returns these frozen dataclasses, never a library's own types (python-nmap
and pysnmp objects stop inside their collector).  ``from legacyscan.model import X``
works for every record.
"""

from legacyscan.model.assessment import Assessment, Provenance, ScanMeta, Trend
from legacyscan.model.collect import (
    ArpEntry,
    CollectError,
    Collection,
    EntityPhysical,
    ForwardingEntry,
    Host,
    InstalledSoftware,
    Interface,
    InterfaceAddress,
    Neighbour,
    OsClass,
    OsMatch,
    Service,
    SnmpSystem,
    SnmpTables,
    TcpConnection,
    Vlan,
)
from legacyscan.model.identify import (
    Alternative,
    ClassSignal,
    Evidence,
    IdentifiedDevice,
    Identity,
    Observation,
)
from legacyscan.model.lifecycle import (
    MILESTONES,
    AssessedDevice,
    AssessedIdentity,
    EolRecord,
    Lifecycle,
)
from legacyscan.model.plan import PLAN_ACTIONS, HorizonEntry, HorizonEvent, Plan, PlanAction
from legacyscan.model.risk import DeviceRisk, RiskFactor, SegmentRisk
from legacyscan.model.topology import Bridge, Exposure, Reach, Segment, Topology
from legacyscan.model.words import (
    CLINICAL_CLASSES,
    DEVICE_CLASSES,
    IDENTITY_KINDS,
    LEGACY_STATUSES,
    Arg,
    DeviceClass,
    IdentityKind,
    LifecycleStatus,
    Message,
)

__all__ = [
    "PLAN_ACTIONS",
    "Provenance",
    "Arg",
    "Message",
    "DeviceClass",
    "DEVICE_CLASSES",
    "CLINICAL_CLASSES",
    "IdentityKind",
    "IDENTITY_KINDS",
    "LifecycleStatus",
    "LEGACY_STATUSES",
    "Service",
    "SnmpSystem",
    "EntityPhysical",
    "InstalledSoftware",
    "Interface",
    "InterfaceAddress",
    "ArpEntry",
    "ForwardingEntry",
    "Vlan",
    "Neighbour",
    "TcpConnection",
    "SnmpTables",
    "OsClass",
    "OsMatch",
    "Host",
    "CollectError",
    "Collection",
    "Observation",
    "Evidence",
    "Alternative",
    "Identity",
    "ClassSignal",
    "IdentifiedDevice",
    "EolRecord",
    "Lifecycle",
    "MILESTONES",
    "AssessedIdentity",
    "AssessedDevice",
    "Segment",
    "Exposure",
    "Reach",
    "Bridge",
    "Topology",
    "RiskFactor",
    "DeviceRisk",
    "SegmentRisk",
    "PlanAction",
    "Plan",
    "HorizonEntry",
    "HorizonEvent",
    "ScanMeta",
    "Trend",
    "Assessment",
]
