"""The end-of-life horizon: which devices fall out of support in the next 12, 24, 36 months.

A device falls out of support on the earliest end of security support of its
currently supported identities (or, for one already on a paid extension, the end of
that extension).  The windows are cumulative: "within 24 months" includes the first 12.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from legacyscan.model import AssessedDevice, HorizonEntry

HORIZON_MONTHS = (12, 24, 36)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: day 28 exists in every month


def support_ends(device: AssessedDevice, as_of: dt.date) -> dt.date | None:
    """The next date after ``as_of`` on which this device loses (paid) security support."""
    ends = []
    for item in device.identities:
        life = item.lifecycle
        if life.status in ("supported", "unknown") and life.eol_date and life.eol_date > as_of:
            ends.append(life.eol_date)
        elif life.status == "extended" and life.extended_end and life.extended_end > as_of:
            ends.append(life.extended_end)
    return min(ends) if ends else None


def eol_horizon(
    devices: Sequence[AssessedDevice], as_of: dt.date, months: Sequence[int] = HORIZON_MONTHS
) -> tuple[HorizonEntry, ...]:
    ends = [(d.address, support_ends(d, as_of)) for d in devices if d.address]
    entries = []
    for window in months:
        limit = add_months(as_of, window)
        found = sorted(
            ((end, address) for address, end in ends if end is not None and end <= limit),
        )
        entries.append(HorizonEntry(window, tuple(address for _, address in found if address)))
    return tuple(entries)
