"""The group page: the sites of one inventory side by side, one column each, in FR or EN.

Fed plain records (``SiteColumn``, filled by ``legacyscan.jobs.sites`` from the
inventory); rendered with the report's own jinja2 environment (autoescape on: a site
name or a device name is never markup) and message catalogues (``group.*`` keys).
The page is self-contained and links to each site's full report written beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from legacyscan import __version__
from legacyscan.files import atomic_write
from legacyscan.report.html import _environment
from legacyscan.report.i18n import Language


@dataclass(frozen=True)
class TopDevice:
    address: str
    name: str
    device_class: str
    product: str
    status: str
    risk: float


@dataclass(frozen=True)
class SiteColumn:
    site: str
    scan_id: int
    vantage: str
    finished: str
    as_of: str
    devices: int
    legacy: int
    clinical: int
    exposures: int
    risk_total: float
    scans: int
    jobs_done: int
    jobs_failed: int
    jobs_open: int
    top: tuple[TopDevice, ...] = ()
    report_file: str = ""  # the site's full report, beside the group page


def render_group(columns: list[SiteColumn], lang: str, inventory: str, generated: str) -> str:
    template = _environment().get_template("group.html.j2")
    return template.render(
        L=Language.load(lang),
        columns=columns,
        inventory=inventory,
        generated=generated,
        version=__version__,
        totals={
            "devices": sum(c.devices for c in columns),
            "legacy": sum(c.legacy for c in columns),
            "exposures": sum(c.exposures for c in columns),
            "risk": sum(c.risk_total for c in columns),
        },
    )


def write_group(
    columns: list[SiteColumn], path: Path, lang: str, inventory: str, generated: str
) -> Path:
    atomic_write(path, render_group(columns, lang, inventory, generated).encode("utf-8"))
    return path
