"""``legacyscan identify`` and ``legacyscan report``: work from files, send nothing."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from legacyscan import __version__
from legacyscan.assess import assess, reopen, replan
from legacyscan.cli.common import (
    as_of_date,
    as_of_option,
    budget_option,
    costs_option,
    format_option,
    identifier_for,
    progress,
    recog_option,
    segments_context,
    segments_option,
    today,
)
from legacyscan.cli.inventory import DB_HELP
from legacyscan.cli.terminal import echo, field
from legacyscan.clock import now
from legacyscan.collect.nmap.parse import NmapXmlError, read_nmap_xml
from legacyscan.collect.sightings import with_devices_seen_by_others
from legacyscan.collect.snmp.walkfile import WalkFileError, read_walk
from legacyscan.messages import plain
from legacyscan.model import Assessment, Host, ScanMeta
from legacyscan.plan import CostModel
from legacyscan.report.config import load_report_config
from legacyscan.report.formats import DEFAULT_NAMES, FORMATS, write_report
from legacyscan.report.i18n import LANGUAGES
from legacyscan.report.pdf import find_browser
from legacyscan.report.view import Cover
from legacyscan.scanfile import assessment_to_dict
from legacyscan.topology import kind_of


@click.command("identify")
@click.option(
    "--snmpwalk",
    "walks",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A walk of one device: net-snmp 'snmpwalk -On' output or an snmpsim .snmprec file. "
    "Repeatable.",
)
@click.option(
    "--nmap-xml",
    "xmls",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="An nmap XML file (nmap -oX), ideally from a scan with -sV. Repeatable.",
)
@format_option
@as_of_option
@segments_option
@recog_option
def identify_command(
    walks: tuple[Path, ...],
    xmls: tuple[Path, ...],
    fmt: str,
    as_of: dt.datetime | None,
    segments_file: Path | None,
    recog_dirs: tuple[Path, ...],
) -> None:
    """Identify devices offline, from files a client handed over; nothing is sent on the network.

    Prints each device's class, identities (vendor, product, version) and their lifecycle
    verdict with its source.  A file that cannot be read is reported and the others are
    still identified.
    """
    if not walks and not xmls:
        raise click.UsageError("give at least one --snmpwalk FILE or --nmap-xml FILE")
    context = segments_context(segments_file)
    hosts: list[Host] = []
    failures = 0
    for path in walks:
        try:
            hosts.append(read_walk(path, warn=_warn))
        except WalkFileError as exc:
            echo(f"error: {exc}", err=True)
            failures += 1
    commands: list[str] = []
    for path in xmls:
        try:
            run = read_nmap_xml(path)
        except NmapXmlError as exc:
            failures += 1
            if exc.partial is None:
                echo(f"error: {exc}", err=True)
                continue
            # As `import` does: the hosts complete before the break are identified.
            run = exc.partial
            echo(
                f"error: {exc}; the {len(run.hosts)} complete host(s) before it are shown",
                err=True,
            )
        hosts.extend(h for h in run.hosts if h.has_data)
        commands.append(run.command_line)
    meta = ScanMeta(
        as_of=as_of_date(as_of),
        started=now(),
        finished=now(),
        targets=(),
        command_lines=tuple(c for c in commands if c),
        legacyscan_version=__version__,
    )
    # A walk of a switch or router names the devices in its ARP and forwarding tables.
    seen = with_devices_seen_by_others(hosts)
    assessment = assess(seen, meta, identifier_for(recog_dirs), context=context)
    if fmt == "json":
        data = assessment_to_dict(assessment)
        echo(
            json.dumps(
                {"as_of": data["as_of"], "devices": data["devices"]}, indent=2, ensure_ascii=False
            )
        )
    else:
        _print_text(assessment)
    if failures:
        sys.exit(1)


def _warn(message: str) -> None:
    echo(f"warning: {message}", err=True)


def _print_text(assessment: Assessment) -> None:
    echo(f"as of {assessment.meta.as_of.isoformat()}")
    for device in assessment.devices:
        ident = device.device
        name = field(device.address or ", ".join(ident.host.sources))
        kind = kind_of(device)
        # a device's lines in one write: 100,000 devices are 600,000 lines
        lines = [f"\n{name}: {kind} (confidence {ident.class_confidence:.2f})"]
        if not device.identities:
            lines.append("  not identified")
        for item in device.identities:
            i, life = item.identity, item.lifecycle
            what = field(f"{i.vendor} {i.product} {i.version or ''}".rstrip())
            lines.append(f"  {i.kind:<11} {what}")
            lines.append(f"              {life.status.upper()}: {field(plain(life.reason))}")
            if life.source:
                lines.append(f"              source: {life.source} (checked {life.checked})")
            if life.known_exploited:
                cves = ", ".join(life.known_exploited[:5])
                more = " ..." if len(life.known_exploited) > 5 else ""
                lines.append(f"              known exploited (CISA KEV): {cves}{more}")
        echo("\n".join(lines))


@click.command("report")
@click.argument("scan_json", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="html",
    show_default=True,
    help="html: the deliverable (one file, opens offline); pdf: that report printed by "
    "headless Chromium, in one language (--lang), with contents and page numbers; json: the "
    "data with its schema (docs/report-exports.md); csv: a folder of tables (devices, "
    "findings, plan, segments, exposures); graphml: the network for Gephi or yEd; xlsx: a "
    "workbook for managers.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the report: fr or en (default: the config file's, else en).  The HTML "
    "report holds both and opens in this one; its header switches.",
)
@click.option("--client", default=None, help="Client named on the cover, e.g. 'CHU de Nantes'.")
@click.option(
    "--site",
    default=None,
    help="Site named on the cover (default: the scan's).  Without SCAN_JSON: render the "
    "latest finished scan of this site from the inventory (--db).",
)
@click.option(
    "--all-sites",
    is_flag=True,
    help="Without SCAN_JSON: every site of the inventory side by side (a group page, -o, "
    "default group-report.html) and each site's full report beside it.",
)
@click.option("--db", "db", default=None, metavar="PATH|URL", help=DB_HELP)
@click.option("--author", default=None, help="Author named on the cover.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A YAML file with client, site, author, scope and lang; options win over it.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write (a folder for csv).  Default: report.html, report.json, "
    "report-csv/, report.graphml, report.xlsx or report.pdf beside SCAN_JSON.",
)
@click.option(
    "--browser",
    default=None,
    metavar="PATH",
    help="The Chromium that prints --format pdf (default: chromium, chromium-browser or "
    "google-chrome on PATH).",
)
@as_of_option
@segments_option
@click.option(
    "--reassess",
    is_flag=True,
    help="Judge the stored observations again with the installed knowledge (rules, EOL "
    "records, weights) instead of showing the verdicts the scan was made with; the "
    "report's method section then names both knowledge versions.",
)
@click.option(
    "--show-empty-segments",
    is_flag=True,
    help="Also list the segments no device sits in (a router's interface in a subnet where "
    "nothing else answered); by default they are left out and counted in a note.",
)
@budget_option(required=False)
@costs_option
@click.option(
    "--ai-usage",
    "ai_usage_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file 'legacyscan ai-usage -o FILE' wrote: adds the connections to outside AI "
    "services (section 'Shadow AI') to the html, pdf, json and csv reports.",
)
def report_command(
    scan_json: Path,
    fmt: str,
    lang: str | None,
    client: str | None,
    site: str | None,
    all_sites: bool,
    db: str | None,
    author: str | None,
    config_path: Path | None,
    output: Path | None,
    browser: str | None,
    as_of: dt.datetime | None,
    segments_file: Path | None,
    reassess: bool,
    show_empty_segments: bool,
    budget: float | None,
    costs_file: Path | None,
    ai_usage_file: Path | None,
) -> None:
    """Render a stored scan (its scan.json, or the inventory's) as a report or an export.

    The report shows the verdicts the scan was made with, and the knowledge, weights and
    costs that made them (method section), whatever is installed today.  --reassess, or
    another --as-of, judges the stored observations again with the installed knowledge
    and says so.  --budget (with --costs) adds the budget plan.

    \b
    Examples:
      legacyscan report scans/ward-b/scan.json --lang fr --client "CHU Exemple" -o rapport.html
      legacyscan report scan.json --format xlsx --lang fr -o inventaire.xlsx
      legacyscan report scan.json --format csv -o tables/
      legacyscan report scan.json --format pdf --lang fr --client "CHU Exemple"
      legacyscan report --site chu-nord --db postgresql://legacyscan@db/inventory
      legacyscan report --all-sites -o group.html     # every site side by side
    """
    config = load_report_config(config_path) if config_path else {}
    lang = lang or config.get("lang") or "en"
    if lang not in LANGUAGES:
        raise click.BadParameter(
            f"{lang!r} is not one of {', '.join(LANGUAGES)}", param_hint="lang"
        )
    cover = Cover(
        client=client if client is not None else config.get("client", ""),
        site=site if site is not None else config.get("site", ""),
        author=author if author is not None else config.get("author", ""),
        scope=config.get("scope", ""),
        generated=today(),
    )
    if fmt == "pdf":
        find_browser(browser)  # no Chromium: say so before reading the scan
    if scan_json is None:
        if not site and not all_sites:
            raise click.UsageError("give SCAN_JSON, or --site SITE or --all-sites (inventory)")
        from legacyscan.cli.sitereport import report_from_inventory

        report_from_inventory(
            db, site, all_sites, fmt, output, lang, cover, show_empty_segments, browser
        )
        return
    if all_sites:
        raise click.UsageError("--all-sites renders from the inventory: give no SCAN_JSON")
    costs = CostModel.load(costs_file) if costs_file or budget is not None else None
    ai_usage = None
    if ai_usage_file is not None:
        from legacyscan.aiusage.usagefile import read_usage

        ai_usage = read_usage(ai_usage_file)  # a bad file fails before the scan is read
        if fmt in ("xlsx", "graphml"):
            progress(f"note: the {fmt} format has no AI-usage section; use html, pdf, json or csv")
    opened = reopen(scan_json, segments_file, as_of.date() if as_of else None, reassess)
    assessment = opened.assessment
    made = assessment.provenance
    if made is not None and made.rejudged_from:
        progress(
            f"judged {len(assessment.devices)} device(s) again with the installed knowledge "
            f"({made.knowledge}; the scan was judged with {made.rejudged_from})"
        )
    else:
        progress(f"{len(assessment.devices)} device(s) as judged by the scan")
    if budget is not None:
        assessment, _ = replan(assessment, opened.context, budget, costs)
    output = output or scan_json.with_name(DEFAULT_NAMES[fmt])
    if fmt != "csv" and output.is_dir():
        raise click.BadParameter(f"{output} is a folder; give a file name", param_hint="-o")
    progress(f"writing the {fmt} report")
    written = write_report(
        assessment, fmt, output, lang, cover, show_empty_segments, browser, ai_usage
    )
    for path in written:
        echo(f"report: {path}")
