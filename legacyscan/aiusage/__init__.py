"""Generative-AI use seen in the hospital's own logs: which devices and departments send
what to which outside AI service (``legacyscan ai-usage``; docs/architecture.md).

``measure`` chains the pieces: the log readers (``collect/logs``), the catalogue and the
policy (``catalogue``), the inventory's scans around each connection (``attribution``),
the streaming count (``count``) and the aggregate file (``usagefile``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from legacyscan.aiusage.attribution import Timeline
from legacyscan.aiusage.catalogue import Catalogue
from legacyscan.aiusage.count import Counter, Pseudonyms
from legacyscan.aiusage.usagefile import build
from legacyscan.clock import now
from legacyscan.collect.logs import LogReader
from legacyscan.inventory import Inventory
from legacyscan.model.aiusage import InputSummary, UsageData
from legacyscan.topology.mapping import SegmentMap


def measure(
    logs: Sequence[tuple[Path, LogReader]],
    catalogue: Catalogue,
    inventory: Inventory | None,
    *,
    site: str | None = None,
    segments: SegmentMap | None = None,
    segments_name: str = "",
    policy_name: str = "",
    users: Pseudonyms | None = None,
    progress: Callable[[str], None] | None = None,
    on_file: Callable[[Path, InputSummary], None] | None = None,
    generated: str | None = None,
) -> UsageData:
    """Read every log, attribute and count its AI connections: the aggregate file's data."""
    timeline = Timeline(inventory, site, segments)
    if progress is not None:
        progress(
            f"{len(catalogue.entries)} AI service(s) in the catalogue; "
            f"{len(timeline.scans)} inventory scan(s) to attribute connections"
        )
    counter = Counter(catalogue, timeline.position, users, progress)
    for path, reader in logs:
        summary = counter.read(path, reader)
        if on_file is not None:
            on_file(path, summary)
    return build(
        counter.tally, catalogue, timeline,
        inventory=Path(inventory.location).name if inventory else "", site=site or "",
        segments=segments_name, policy=policy_name, keep_users=users is not None,
        generated=generated or now(),
    )  # fmt: skip
