"""``--every``: how often a dispatched job repeats, and when it is next due.

A period is a whole number and a unit: ``30m``, ``12h``, ``7d``, ``2w`` (minutes, hours,
days, weeks).  At least 15 minutes: a schedule is for the weekly scan of a site, not a
monitor, and a typo such as ``7`` (seconds?) is refused rather than guessed.
"""

from __future__ import annotations

import re

from legacyscan.errors import UserError

UNITS = {"m": 60, "h": 3600, "d": 86_400, "w": 604_800}
MIN_PERIOD_S = 15 * 60
MAX_PERIOD_S = 366 * 86_400
_PERIOD = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$")


class ScheduleError(UserError, ValueError):
    """A period that cannot be used; one line says why."""


def parse_period(text: str) -> int:
    """Seconds in ``text`` (``7d`` -> 604800)."""
    match = _PERIOD.match(text.lower())
    if not match:
        raise ScheduleError(
            f"bad period {text!r}: give a number and a unit, e.g. 30m, 12h, 7d or 2w"
        )
    seconds = int(match.group(1)) * UNITS[match.group(2)]
    if not MIN_PERIOD_S <= seconds <= MAX_PERIOD_S:
        raise ScheduleError(f"period {text!r} must be between 15m and 366d")
    return seconds


def describe(seconds: int) -> str:
    """The period as the user would write it (604800 -> ``7d``)."""
    for unit in ("w", "d", "h", "m"):
        if seconds % UNITS[unit] == 0:
            return f"{seconds // UNITS[unit]}{unit}"
    return f"{seconds}s"


def next_due(previous_due: float, every_s: int, now: float) -> float:
    """The next due time after ``now``, on the schedule's own rhythm.

    A scheduler that was down for three periods runs the job once, not three times.
    """
    if every_s <= 0:
        raise ScheduleError("a period must be positive")
    if previous_due > now:
        return previous_due
    missed = int((now - previous_due) // every_s) + 1
    return previous_due + missed * every_s
