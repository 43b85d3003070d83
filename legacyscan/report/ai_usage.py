"""The report's view of generative-AI use seen in the logs (``report --ai-usage FILE``),
and its tables for the CSV exports (``ai-usage --csv DIR``).

Proxy requests, TLS handshakes and DNS queries see the same use from three places and
are never added together: every figure counts one kind of evidence, the first the logs
hold of proxy, TLS, DNS (a proxy request is the closest to a connection), and the others'
totals are shown beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from legacyscan.model.aiusage import ATTRIBUTIONS, EVIDENCE, AiService, UsageData, UsageRow
from legacyscan.report.csv_format import write_tables
from legacyscan.report.tables import Table, Value

TOP = 15  # segments, devices classes, sites shown in the report (all are in the CSV)


@dataclass(frozen=True)
class Count:
    """One line of a breakdown: a name, its connections, those to unapproved services."""

    name: str
    connections: int
    unapproved: int
    bytes: int | None = None

    @property
    def unapproved_share(self) -> float:
        return self.unapproved / self.connections if self.connections else 0.0


def _group(
    rows: Iterable[UsageRow], key: Callable[[UsageRow], str], approved: set[str]
) -> list[Count]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        slot = totals[key(row)]
        slot[0] += row.connections
        if row.service not in approved:
            slot[1] += row.connections
        if row.bytes is not None:
            slot[2] += row.bytes
            slot[3] = 1
    counts = [Count(k, v[0], v[1], v[2] if v[3] else None) for k, v in totals.items()]
    return sorted(counts, key=lambda c: (-c.connections, c.name))


@dataclass(frozen=True)
class AiUsageView:
    data: UsageData

    @cached_property
    def services(self) -> dict[str, AiService]:
        return {s.id: s for s in self.data.services}

    @cached_property
    def approved(self) -> set[str]:
        return {s.id for s in self.data.services if s.approved}

    @cached_property
    def evidence(self) -> str:
        """The evidence every figure counts: proxy, else TLS, else DNS."""
        present = {r.evidence for r in self.data.rows}
        return next((e for e in EVIDENCE if e in present), "proxy")

    @cached_property
    def rows(self) -> list[UsageRow]:
        return [r for r in self.data.rows if r.evidence == self.evidence]

    @cached_property
    def total(self) -> int:
        return sum(r.connections for r in self.rows)

    @cached_property
    def unapproved(self) -> int:
        return sum(r.connections for r in self.rows if r.service not in self.approved)

    @property
    def unapproved_share(self) -> float:
        return self.unapproved / self.total if self.total else 0.0

    @cached_property
    def other_evidence(self) -> list[tuple[str, int]]:
        totals: dict[str, int] = defaultdict(int)
        for row in self.data.rows:
            if row.evidence != self.evidence:
                totals[row.evidence] += row.connections
        return [(e, totals[e]) for e in EVIDENCE if e in totals]

    def by(self, key: Callable[[UsageRow], str]) -> list[Count]:
        return _group(self.rows, key, self.approved)

    @cached_property
    def by_service(self) -> list[Count]:
        return self.by(lambda r: r.service)

    @cached_property
    def by_segment(self) -> list[Count]:
        return self.by(lambda r: r.segment or "-")

    @cached_property
    def top_segments(self) -> list[Count]:
        """The segments sending most to unapproved services."""
        ranked = sorted(self.by_segment, key=lambda c: (-c.unapproved, c.name))
        return [c for c in ranked if c.unapproved][:TOP]

    @cached_property
    def by_class(self) -> list[Count]:
        return self.by(lambda r: r.device_class or "unknown")

    @cached_property
    def by_site(self) -> list[Count]:
        return self.by(lambda r: r.site or "-")

    @cached_property
    def by_month(self) -> list[Count]:
        return sorted(self.by(lambda r: r.day[:7]), key=lambda c: c.name)

    @cached_property
    def by_day(self) -> list[Count]:
        return sorted(self.by(lambda r: r.day), key=lambda c: c.name)

    @cached_property
    def by_attribution(self) -> list[tuple[str, int]]:
        totals = {c.name: c.connections for c in self.by(lambda r: r.attribution)}
        return [(a, totals.get(a, 0)) for a in ATTRIBUTIONS]

    @cached_property
    def months(self) -> list[str]:
        return [c.name for c in self.by_month]

    @cached_property
    def trend(self) -> list[tuple[str, list[int]]]:
        """Each service's connections month by month (the report's trend table)."""
        cells: dict[tuple[str, str], int] = defaultdict(int)
        for row in self.rows:
            cells[(row.service, row.day[:7])] += row.connections
        return [(c.name, [cells[(c.name, m)] for m in self.months]) for c in self.by_service]

    @cached_property
    def segment_service(self) -> dict[tuple[str, str], int]:
        cells: dict[tuple[str, str], int] = defaultdict(int)
        for row in self.rows:
            cells[(row.segment or "-", row.service)] += row.connections
        return dict(cells)

    @cached_property
    def first_day(self) -> str:
        return min((r.day for r in self.rows), default="")

    @cached_property
    def last_day(self) -> str:
        return max((r.day for r in self.rows), default="")

    @cached_property
    def devices(self) -> int:
        """Distinct sources: inventory devices, and addresses no scan saw."""
        return len({r.device_id if r.device_id is not None else r.address for r in self.rows})

    @cached_property
    def malformed(self) -> int:
        return sum(i.malformed for i in self.data.inputs)

    @cached_property
    def lines(self) -> int:
        return sum(i.lines for i in self.data.inputs)


def _count_table(name: str, first: str, counts: list[Count]) -> Table:
    rows: list[tuple[Value, ...]] = [
        (c.name, c.connections, c.unapproved, round(c.unapproved_share, 4), c.bytes) for c in counts
    ]
    return Table(name, (first, "connections", "unapproved", "unapproved_share", "bytes"), rows)


def usage_tables(data: UsageData) -> tuple[Table, ...]:
    """Every table of the CSV export: the rows as kept, then each breakdown (every
    evidence kind in the rows table; the breakdowns count the report's evidence)."""
    view = AiUsageView(data)
    rows: list[tuple[Value, ...]] = [
        (r.day, r.evidence, r.service, r.host, r.address, r.device_id, r.device, r.device_class,
         r.segment, r.site, r.attribution, r.user, r.connections, r.bytes)
        for r in data.rows
    ]  # fmt: skip
    columns = ("day", "evidence", "service", "host", "address", "device_id", "device",
               "device_class", "segment", "site", "attribution", "user", "connections",
               "bytes")  # fmt: skip
    services: list[tuple[Value, ...]] = [
        (s.id, s.name, s.provider, s.kind, s.country, s.approved, s.origin, s.source)
        for s in data.services
    ]
    inputs: list[tuple[Value, ...]] = [
        (i.name, i.format, i.evidence, i.lines, i.matched, i.malformed,
         " ".join(map(str, i.first_malformed)), i.skipped, i.note)
        for i in data.inputs
    ]  # fmt: skip
    return (
        Table("ai-usage-rows", columns, rows),
        _count_table("ai-usage-by-service", "service", view.by_service),
        _count_table("ai-usage-by-segment", "segment", view.by_segment),
        _count_table("ai-usage-by-class", "device_class", view.by_class),
        _count_table("ai-usage-by-site", "site", view.by_site),
        _count_table("ai-usage-by-month", "month", view.by_month),
        _count_table("ai-usage-by-day", "day", view.by_day),
        Table(
            "ai-usage-services",
            ("id", "name", "provider", "kind", "country", "approved", "origin", "source"),
            services,
        ),  # fmt: skip
        Table(
            "ai-usage-inputs",
            (
                "file",
                "format",
                "evidence",
                "lines",
                "matched",
                "malformed",
                "first_malformed",
                "skipped",
                "note",
            ),
            inputs,
        ),  # fmt: skip
    )


def write_usage_csv(data: UsageData, folder: Path) -> list[Path]:
    """One CSV per table into ``folder`` (created, its parent must exist)."""
    return write_tables(usage_tables(data), folder)
