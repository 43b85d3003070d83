"""An Assessment boiled down to what the inventory compares across scans.

Each assessed device becomes a :class:`DeviceResult` (class, identities with their
versions and lifecycle verdicts, risk, whether the scanner stood on its subnet) and the
scan a :class:`ScanSummary` (totals, legacy -> clinical pairs).  Diffs read these
instead of re-assessing old scans, so a diff shows what each scan concluded at the time.
"""

from __future__ import annotations

from legacyscan.inventory.records import DeviceResult, IdentitySummary, ScanSummary
from legacyscan.model import AssessedDevice, Assessment, DeviceRisk, Host


def normalise_mac(mac: str | None) -> str | None:
    """aa:bb:cc:dd:ee:ff, lower case; None for nothing or all zeros."""
    if not mac:
        return None
    digits = "".join(c for c in mac.lower() if c in "0123456789abcdef")
    if len(digits) != 12 or digits == "0" * 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def host_name(host: Host) -> str:
    if host.snmp is not None and host.snmp.name:
        return host.snmp.name.strip()
    return host.hostnames[0].strip() if host.hostnames else ""


def device_result(device: AssessedDevice, risk: DeviceRisk | None) -> DeviceResult:
    host = device.device.host
    identities = tuple(
        IdentitySummary(
            kind=a.identity.kind,
            vendor=a.identity.vendor,
            product=a.identity.product,
            version=a.identity.version,
            status=a.lifecycle.status,
            cycle=a.lifecycle.cycle,
            eol_date=a.lifecycle.eol_date.isoformat() if a.lifecycle.eol_date else None,
            sources=tuple(sorted({e.source for e in a.identity.evidence})),
        )
        for a in device.identities
    )
    mac = normalise_mac(host.mac)
    return DeviceResult(
        address=host.address,
        mac=mac,
        name=host_name(host),
        device_class=device.device.device_class,
        device_type=device.device.device_type,
        worst_status=device.worst_status,
        legacy=device.is_legacy,
        clinical=device.is_clinical,
        identities=identities,
        risk=risk.score if risk else 0.0,
        risk_level=risk.level if risk else "",
        local=mac is not None,
        sources=host.sources,
    )


def summarise(assessment: Assessment) -> tuple[tuple[DeviceResult, ...], ScanSummary]:
    results = tuple(device_result(d, assessment.risk_of(d.address)) for d in assessment.devices)
    summary = ScanSummary(
        devices=len(results),
        legacy=sum(1 for r in results if r.legacy),
        clinical=sum(1 for r in results if r.clinical),
        risk_total=round(sum(r.risk for r in results), 2),
        exposures=tuple(sorted({(e.legacy, e.clinical) for e in assessment.topology.exposures})),
    )
    return results, summary
