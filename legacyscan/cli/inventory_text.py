"""Plain-text output of the inventory commands (diff, devices), kept apart from option parsing."""

from __future__ import annotations

from collections.abc import Sequence

from legacyscan.cli.terminal import echo, field
from legacyscan.inventory.merge import MergedDevice
from legacyscan.inventory.records import DeviceRef, ScanDiff, ScanRecord
from legacyscan.model import Trend


def _scan(record: ScanRecord) -> str:
    return f"scan {record.id} ({record.started[:16]}, {record.where})"


def _device(ref: DeviceRef, label: bool = True) -> str:
    name = f" {field(ref.name)}" if ref.name else ""
    text = f"{field(ref.address or '-')}{name} [device {ref.device_id}]"
    return f"{text} {field(ref.label)}" if label else text


def _section(title: str, lines: Sequence[str]) -> None:
    if lines:
        echo(f"\n{title} ({len(lines)}):")
        for line in lines:
            echo(f"  {line}")


def print_diff(change: ScanDiff) -> None:
    echo(f"from {_scan(change.old)} to {_scan(change.new)}")
    for caveat in change.caveats:
        echo(f"  caveat: {caveat}")
    _section("new devices", [f"+ {_device(d)}" for d in change.new_devices])
    _section("gone devices", [f"- {_device(d)}" for d in change.gone_devices])
    _section(
        "moved (same device, new address)",
        [f"> {_device(m.device)}: {m.old_address} -> {m.new_address}" for m in change.readdressed],
    )
    _section(
        "changed versions",
        [
            f"~ {_device(v.device, label=False)}: {v.vendor} {v.old} -> {v.vendor} {v.new}"
            + (f"\n      ({v.note})" if v.note else "")
            for v in change.version_changes
        ],
    )
    _section(
        "newly end-of-life",
        [
            f"! {_device(s.device)}: {s.product} {s.old_status} -> {s.new_status}"
            for s in change.newly_eol
        ],
    )
    _section(
        "newly reachable legacy -> clinical pairs",
        [f"! {_device(p.legacy)}\n      -> {_device(p.clinical)}" for p in change.new_exposures],
    )
    _section(
        "pairs no longer reachable",
        [f"  {_device(p.legacy)}\n      -> {_device(p.clinical)}" for p in change.gone_exposures],
    )
    nothing = not any(
        (
            change.new_devices,
            change.gone_devices,
            change.readdressed,
            change.version_changes,
            change.newly_eol,
            change.new_exposures,
            change.gone_exposures,
        )
    )
    if nothing:
        echo("\nno change in devices, versions, verdicts or pairs")
    echo(f"\nrisk: {change.risk_before:.1f} -> {change.risk_after:.1f} ({change.risk_delta:+.1f})")


def trend_line(trend: Trend) -> str:
    return (
        f"since scan {trend.previous_scan} ({trend.previous_started[:10]}): "
        f"{trend.new_devices} new, {trend.gone_devices} gone, "
        f"{trend.version_changes} version change(s), {trend.newly_eol} newly end-of-life, "
        f"{trend.new_exposures} new legacy->clinical pair(s); risk "
        f"{trend.risk_before:.1f} -> {trend.risk_after:.1f} ({trend.risk_delta:+.1f})"
        + (
            "; same site and scope"
            if trend.same_scope
            else f"; same site, {trend.common_addresses} of {trend.scope_addresses} "
            "address(es) in both scopes"
        )
    )


def print_devices(location: str, devices: Sequence[MergedDevice]) -> None:
    echo(f"inventory: {location}: {len(devices)} device(s)")
    for device in devices:
        legacy = " LEGACY" if device.legacy else ""
        name = f" {field(device.name)}" if device.name else ""
        mac = f" {field(device.mac)}" if device.mac else ""
        echo(
            f"\n[device {device.device_id}] {field(device.site or '-')} "
            f"{field(device.address or '-')}"
            f"{name}{mac}: {device.device_class}{legacy} (last seen {device.last_seen[:10]},"
            f" {len(device.sightings)} source(s))"
        )
        for identity in device.identities:
            echo(f"  {identity.kind:<11} {field(identity.label)} [{identity.status}]")
        for d in device.disagreements:
            echo(
                f"  disagreement on {d.topic}: kept {d.chosen!r} from {d.chosen_from};"
                f" {d.other_from} says {d.other!r} ({d.rule})"
            )
