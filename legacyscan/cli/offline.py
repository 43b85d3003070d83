"""``legacyscan identify`` and ``legacyscan report``: work from files, send nothing."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from legacyscan import __version__
from legacyscan.cli.common import as_of_date, as_of_option, segments_context, segments_option
from legacyscan.collect.nmap_xml import NmapXmlError, read_nmap_xml
from legacyscan.collect.snmpwalk import WalkFileError, read_walk
from legacyscan.model import Assessment, Host, ScanMeta
from legacyscan.pipeline import assess, has_data, now
from legacyscan.report.html import write_html
from legacyscan.report.json_format import assessment_to_dict, load_scan_json, stored_context


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
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@as_of_option
@segments_option
def identify_command(
    walks: tuple[Path, ...],
    xmls: tuple[Path, ...],
    fmt: str,
    as_of: dt.datetime | None,
    segments_file: Path | None,
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
            hosts.append(read_walk(path))
        except WalkFileError as exc:
            click.echo(f"error: {exc}", err=True)
            failures += 1
    commands: list[str] = []
    for path in xmls:
        try:
            run = read_nmap_xml(path)
        except NmapXmlError as exc:
            click.echo(f"error: {exc}", err=True)
            failures += 1
            continue
        hosts.extend(h for h in run.hosts if has_data(h))
        commands.append(run.command_line)
    meta = ScanMeta(
        as_of=as_of_date(as_of),
        started=now(),
        finished=now(),
        targets=(),
        command_lines=tuple(c for c in commands if c),
        legacyscan_version=__version__,
    )
    assessment = assess(hosts, meta, context=context)
    if fmt == "json":
        data = assessment_to_dict(assessment)
        click.echo(
            json.dumps(
                {"as_of": data["as_of"], "devices": data["devices"]}, indent=2, ensure_ascii=False
            )
        )
    else:
        _print_text(assessment)
    if failures:
        sys.exit(1)


def _print_text(assessment: Assessment) -> None:
    click.echo(f"as of {assessment.meta.as_of.isoformat()}")
    for device in assessment.devices:
        ident = device.device
        name = device.address or ", ".join(ident.host.sources)
        kind = ident.device_class + (f" / {ident.device_type}" if ident.device_type else "")
        click.echo(f"\n{name}: {kind} (confidence {ident.class_confidence:.2f})")
        if not device.identities:
            click.echo("  not identified")
        for item in device.identities:
            i, life = item.identity, item.lifecycle
            click.echo(f"  {i.kind:<11} {i.vendor} {i.product} {i.version or ''}".rstrip())
            click.echo(f"              {life.status.upper()}: {life.reason}")
            if life.source:
                click.echo(f"              source: {life.source} (checked {life.checked})")
            if life.known_exploited:
                cves = ", ".join(life.known_exploited[:5])
                more = " ..." if len(life.known_exploited) > 5 else ""
                click.echo(f"              known exploited (CISA KEV): {cves}{more}")


@click.command("report")
@click.argument("scan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML file to write (default: report.html beside SCAN_JSON).",
)
@as_of_option
@segments_option
def report_command(
    scan_json: Path, output: Path | None, as_of: dt.datetime | None, segments_file: Path | None
) -> None:
    """Render the HTML report of a stored scan (its scan.json) again.

    The stored observations are identified again with the installed knowledge, so a
    report made after an update of the fingerprints shows the newer verdicts.  The
    as-of date stays the scan's own unless --as-of gives another.
    """
    meta, hosts = load_scan_json(scan_json)
    if as_of:
        meta = replace(meta, as_of=as_of.date())
    context = segments_context(segments_file) or stored_context(scan_json)
    assessment = assess(hosts, meta, context=context)
    output = output or scan_json.with_name("report.html")
    write_html(assessment, output)
    click.echo(f"report: {output}")
