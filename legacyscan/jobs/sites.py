"""The sites of one inventory side by side: what ``report --site`` / ``--all-sites`` show.

For each site, its latest finished scan: the stored totals and per-device results (as
that scan judged them) for the group page, and the scan's raw hosts judged again with
the installed knowledge for the site's full report (``assessment``; its method section
names the knowledge the scan was first judged with).  Jobs are counted per state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from legacyscan.assess import assess
from legacyscan.errors import UserError
from legacyscan.inventory import Inventory
from legacyscan.jobs.store import JobStore
from legacyscan.model import Assessment
from legacyscan.report.group import SiteColumn, TopDevice

TOP_DEVICES = 5


class SiteError(UserError, ValueError):
    """No such site, or nothing finished to show for it."""


@dataclass(frozen=True)
class SiteReport:
    column: SiteColumn
    scan_id: int

    def assessment(self, inventory: Inventory) -> Assessment:
        record = inventory.scan(self.scan_id)
        return assess(
            inventory.hosts(self.scan_id),
            inventory.meta(self.scan_id),
            rejudged_from=record.data_version or "unknown",
        )


def site_names(inventory: Inventory) -> tuple[str, ...]:
    return tuple(sorted({s.site for s in inventory.scans(status="finished")}))


def site_reports(inventory: Inventory, sites: tuple[str, ...] | None = None) -> list[SiteReport]:
    """One column per site (all sites with a finished scan when ``sites`` is None)."""
    known = site_names(inventory)
    wanted = known if sites is None else sites
    missing = [s for s in wanted if s not in known]
    if missing:
        shown = ", ".join(repr(s) for s in known) or "none yet"
        raise SiteError(
            f"no finished scan of site {', '.join(missing)} in {inventory.location} "
            f"(sites: {shown})"
        )
    if not wanted:
        raise SiteError(f"no finished scan in {inventory.location} yet")
    states = Counter((j.site, j.state) for j in JobStore(inventory.backend).jobs())
    found = []
    for site in wanted:
        scans = inventory.scans(site=site, status="finished")
        latest = scans[-1]
        summary = latest.summary
        results = sorted(inventory.results(latest.id), key=lambda r: -r[1].risk)
        top = tuple(
            TopDevice(
                address=r.address or "",
                name=r.name,
                device_class=r.device_class,
                product=r.identities[0].label if r.identities else "",
                status=r.worst_status,
                risk=r.risk,
            )
            for _, r in results[:TOP_DEVICES]
        )
        column = SiteColumn(
            site=site,
            scan_id=latest.id,
            vantage=latest.vantage,
            finished=latest.finished or "",
            as_of=latest.as_of,
            devices=summary.devices if summary else 0,
            legacy=summary.legacy if summary else 0,
            clinical=summary.clinical if summary else 0,
            exposures=len(summary.exposures) if summary else 0,
            risk_total=summary.risk_total if summary else 0.0,
            scans=len(scans),
            jobs_done=states[(site, "done")],
            jobs_failed=states[(site, "failed")],
            jobs_open=states[(site, "queued")] + states[(site, "running")],
            top=top,
        )
        found.append(SiteReport(column, latest.id))
    return found
