"""The end-of-life horizon: what ends in the next 12, 24, 36 months, for a budget.

A device falls out of support on the earliest of these dates still to come among its
verdicts that are not already ``eol``: the end of security support (of a ``supported`` or
``unknown`` verdict), the end of a paid extension (ESU) it can still buy, and its
hardware's last date of support.  Each window also lists every dated milestone in it,
end of sale and end of mainstream support included: the last day to buy spares and the
day the vendor stops fixing anything but security are dates a budget plans for too.
The windows are cumulative: "within 24 months" includes the first 12.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from legacyscan.model import AssessedDevice, AssessedIdentity, HorizonEntry, HorizonEvent

HORIZON_MONTHS = (12, 24, 36)
#: Milestones after which the device gets no more (paid) security fixes.
_LOSES_SUPPORT = ("security_end", "extended_end", "last_support")


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: day 28 exists in every month


def _name(item: AssessedIdentity) -> str:
    identity = item.identity
    full = (
        identity.product
        if identity.product.startswith(identity.vendor)
        else f"{identity.vendor} {identity.product}"
    )
    return f"{full} {identity.version or ''}".strip()


def _ends_support(item: AssessedIdentity, milestone: str) -> bool:
    """Whether this milestone of this verdict is the day its support ends."""
    status = item.lifecycle.status
    if milestone == "security_end":
        # an extended verdict has lost it already; its extension's end is what counts
        return status in ("supported", "unknown")
    if milestone == "extended_end":
        return status == "extended"
    return status != "eol"  # last_support


def upcoming(device: AssessedDevice, as_of: dt.date) -> tuple[HorizonEvent, ...]:
    """Every milestone of this device after ``as_of``, in date order."""
    events = []
    address = device.address or ""
    for item in device.identities:
        life = item.lifecycle
        for milestone, day in life.milestones():
            if day > as_of:
                events.append(HorizonEvent(address, day, milestone, _name(item), life.status))
    return tuple(sorted(events, key=lambda e: (e.date, e.address, e.milestone, e.product)))


def support_ends(device: AssessedDevice, as_of: dt.date) -> dt.date | None:
    """The next date after ``as_of`` on which this device loses (paid) security support."""
    ends = [
        day
        for item in device.identities
        for milestone, day in item.lifecycle.milestones()
        if day > as_of and milestone in _LOSES_SUPPORT and _ends_support(item, milestone)
    ]
    return min(ends) if ends else None


def eol_horizon(
    devices: Sequence[AssessedDevice], as_of: dt.date, months: Sequence[int] = HORIZON_MONTHS
) -> tuple[HorizonEntry, ...]:
    ends = [(d.address, support_ends(d, as_of)) for d in devices if d.address]
    events = sorted(
        (e for d in devices if d.address for e in upcoming(d, as_of)),
        key=lambda e: (e.date, e.address, e.milestone, e.product),
    )
    entries = []
    for window in months:
        limit = add_months(as_of, window)
        found = sorted(
            ((end, address) for address, end in ends if end is not None and end <= limit),
        )
        entries.append(
            HorizonEntry(
                window,
                tuple(address for _, address in found if address),
                tuple(e for e in events if e.date <= limit),
            )
        )
    return tuple(entries)
