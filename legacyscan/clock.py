"""The one wall clock of the package: ISO timestamps for scans, chunks and inventory rows.

Durations and throttles use ``time.monotonic`` where they are measured; this is only for
the timestamps a user reads, in UTC to the second.
"""

from __future__ import annotations

import datetime as dt


def now() -> str:
    """The current time in UTC, ISO 8601 to the second (``2026-12-03T12:00:00+00:00``)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
