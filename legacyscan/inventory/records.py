"""The frozen records the inventory hands out: stored scans, per-device results, diffs.

They are stored as codec JSON (``legacyscan.codec``), so a field added here round-trips
through the database and through ``db export``/``db import`` without a converter.
The report reads :class:`Trend` (``inventory.previous_scan_summary``) to show what
changed since the previous scan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from legacyscan.model.collect import is_ip_address

# --- what one scan concluded about one device ------------------------------------------


@dataclass(frozen=True)
class IdentitySummary:
    """One identity of a device as a scan judged it (version and lifecycle verdict)."""

    kind: str  # "os" | "firmware" | "application" | "hardware"
    vendor: str
    product: str
    version: str | None = None
    status: str = "unknown"  # lifecycle status on the scan's as-of date
    cycle: str | None = None
    eol_date: str | None = None
    sources: tuple[str, ...] = ()  # evidence sources: "snmp", "nmap"...

    @property
    def product_key(self) -> tuple[str, str, str]:
        return (self.kind, self.vendor, self.product)

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.vendor, self.product, self.version or "") if p)


@dataclass(frozen=True)
class DeviceResult:
    """What one scan concluded about one device: enough for a diff without re-assessing."""

    address: str | None
    mac: str | None = None
    name: str = ""  # sysName, else the first host name
    device_class: str = "unknown"
    device_type: str | None = None
    worst_status: str = "unknown"
    legacy: bool = False
    clinical: bool = False
    identities: tuple[IdentitySummary, ...] = ()
    risk: float = 0.0
    risk_level: str = ""
    #: The scanner saw the device's MAC address, so it stood on the device's own subnet.
    local: bool = False
    sources: tuple[str, ...] = ()  # Host.sources: "nmap", "snmp", "nmap-xml:FILE"...

    def __post_init__(self) -> None:
        # a backup is a file: what it brings in is checked like a scan's own records
        if self.address is not None and not (
            isinstance(self.address, str) and is_ip_address(self.address)
        ):
            raise ValueError(f"{str(self.address)[:60]!r} is not an IP address")
        if not isinstance(self.risk, int | float) or not math.isfinite(self.risk):
            raise ValueError(f"risk {str(self.risk)[:20]!r} is not a finite number")

    @property
    def main_identity(self) -> IdentitySummary | None:
        """The OS or firmware identity when there is one, else the first one."""
        for kind in ("firmware", "os", "hardware", "application"):
            for identity in self.identities:
                if identity.kind == kind:
                    return identity
        return None


@dataclass(frozen=True)
class ScanSummary:
    """Totals of a finished scan, and its legacy -> clinical pairs by address."""

    devices: int = 0
    legacy: int = 0
    clinical: int = 0
    risk_total: float = 0.0
    exposures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ScanRecord:
    """One stored scan or import, as ``legacyscan history`` lists it."""

    id: int
    kind: str  # "scan" | "import"
    status: str  # "running" (or killed before it finished) | "finished"
    started: str
    finished: str | None
    as_of: str
    site: str
    vantage: str
    profile: str
    targets: tuple[str, ...]
    legacyscan_version: str
    data_version: str
    command_lines: tuple[str, ...] = ()
    tool_versions: tuple[tuple[str, str], ...] = ()
    chunks: int = 0
    hosts: int = 0  # hosts observed so far (distinct addresses)
    summary: ScanSummary | None = None

    @property
    def where(self) -> str:
        """Site and vantage as one label, for tables."""
        return "/".join(p for p in (self.site, self.vantage) if p) or "-"


# --- change over time ------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceRef:
    """A device as a diff names it: its inventory id and how it looked in a scan."""

    device_id: int
    address: str | None
    name: str = ""
    label: str = ""  # class and main identity, e.g. "medical: Microsoft Windows XP 5.1"


@dataclass(frozen=True)
class VersionChange:
    device: DeviceRef
    kind: str
    vendor: str
    product: str  # the new product (may differ from the old one on a re-install)
    old: str  # old "product version"
    new: str
    #: Set when the two values come from different kinds of evidence or vantage points:
    #: it may be a disagreement between sources rather than a change of the device.
    note: str = ""


@dataclass(frozen=True)
class StatusChange:
    """A device that fell out of support (or whose verdict moved) between two scans."""

    device: DeviceRef
    product: str
    old_status: str
    new_status: str


@dataclass(frozen=True)
class Readdressed:
    device: DeviceRef
    old_address: str | None
    new_address: str | None


@dataclass(frozen=True)
class ExposurePair:
    legacy: DeviceRef
    clinical: DeviceRef


@dataclass(frozen=True)
class ScanDiff:
    """What changed from scan ``old`` to scan ``new``, device by device."""

    old: ScanRecord
    new: ScanRecord
    new_devices: tuple[DeviceRef, ...]
    gone_devices: tuple[DeviceRef, ...]
    version_changes: tuple[VersionChange, ...]
    newly_eol: tuple[StatusChange, ...]
    new_exposures: tuple[ExposurePair, ...]
    gone_exposures: tuple[ExposurePair, ...]
    readdressed: tuple[Readdressed, ...]
    risk_before: float
    risk_after: float
    #: Why the comparison may mislead: different sites, vantages, scopes or knowledge.
    caveats: tuple[str, ...] = ()

    @property
    def risk_delta(self) -> float:
        return round(self.risk_after - self.risk_before, 2)
