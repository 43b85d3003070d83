"""``legacyscan report --site SITE`` / ``--all-sites``: reports rendered from the inventory.

A site's report is its latest finished scan, its stored observations judged again with
the installed knowledge (the method section says so).  The group page puts every site
side by side (``report/group.py``) and links each site's full report, written beside it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import click

from legacyscan.cli.common import progress, today
from legacyscan.cli.terminal import echo
from legacyscan.report.view import Cover


def _file_name(site: str) -> str:
    return "report-" + re.sub(r"[^a-z0-9._-]", "_", site.lower()) + ".html"


def report_from_inventory(
    db: str | None,
    site: str | None,
    all_sites: bool,
    fmt: str,
    output: Path | None,
    lang: str,
    cover: Cover,
    show_empty_segments: bool,
    browser: str | None,
) -> None:
    from legacyscan.inventory import Inventory
    from legacyscan.jobs.sites import site_reports
    from legacyscan.report.formats import DEFAULT_NAMES, write_report
    from legacyscan.report.group import write_group

    if all_sites and fmt != "html":
        raise click.UsageError("--all-sites writes HTML (a group page and one report per site)")
    with Inventory.open(db, create=False) as inventory:
        if not all_sites:
            assert site is not None
            (found,) = site_reports(inventory, (site,))
            assessment = found.assessment(inventory)
            progress(
                f"site {site}: scan {found.scan_id}, {len(assessment.devices)} device(s) "
                "judged again with the installed knowledge"
            )
            default = Path(_file_name(site)) if fmt == "html" else Path(DEFAULT_NAMES[fmt])
            for path in write_report(
                assessment, fmt, output or default, lang, cover, show_empty_segments, browser
            ):
                echo(f"report: {path}")
            return
        reports = site_reports(inventory)
        page = output or Path("group-report.html")
        if page.is_dir():
            raise click.BadParameter(f"{page} is a folder; give a file name", param_hint="-o")
        page.parent.mkdir(parents=True, exist_ok=True)
        columns = []
        for found in reports:
            name = _file_name(found.column.site)
            progress(f"site {found.column.site}: scan {found.scan_id} -> {page.parent / name}")
            site_cover = replace(cover, site=found.column.site)
            write_report(
                found.assessment(inventory), "html", page.parent / name, lang, site_cover,
                show_empty_segments,
            )  # fmt: skip
            columns.append(replace(found.column, report_file=name))
        location = inventory.location
    write_group(columns, page, lang, location, today().isoformat())
    echo(f"report: {page} ({len(columns)} site(s) side by side)")
