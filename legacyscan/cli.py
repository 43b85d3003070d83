"""The command line: parse options, call the pipeline stages, print.  Nothing else lives here."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from legacyscan import __version__
from legacyscan.collect.nmap import NmapError
from legacyscan.collect.nmap_xml import NmapXmlError, read_nmap_xml
from legacyscan.collect.snmpwalk import WalkFileError, read_walk
from legacyscan.identify.rules import RuleError
from legacyscan.lab.runner import LabError
from legacyscan.lifecycle import EolDataError
from legacyscan.model import Assessment, Host, ScanMeta
from legacyscan.pipeline import assess, has_data, now, scan
from legacyscan.report.html import write_html
from legacyscan.report.json_format import (
    ScanJsonError,
    assessment_to_dict,
    load_scan_json,
    write_scan_json,
)
from legacyscan.scope import ScopeError, build_scope

#: Errors that carry a complete one-line message for the user.
USER_ERRORS = (
    ScopeError,
    NmapError,
    NmapXmlError,
    WalkFileError,
    ScanJsonError,
    RuleError,
    EolDataError,
    LabError,
)

F = TypeVar("F", bound=Callable[..., Any])


def _today() -> dt.date:
    return dt.date.today()


def as_of_option(function: F) -> F:
    return click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Judge support status on this date (YYYY-MM-DD) instead of today, "
        "so that a verdict can be reproduced later.",
    )(function)


def _as_of(value: dt.datetime | None) -> dt.date:
    return value.date() if value else _today()


def _progress(message: str) -> None:
    click.echo(f"  {message}", err=True)


def _write_outputs(assessment: Assessment, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "scan.json", out / "report.html"
    write_scan_json(assessment, json_path)  # first: the data survives a failing renderer
    write_html(assessment, html_path)
    return json_path, html_path


def _summary(assessment: Assessment) -> str:
    legacy = sum(1 for d in assessment.devices if d.is_legacy)
    return (
        f"{len(assessment.devices)} device(s), {legacy} legacy, "
        f"{len(assessment.topology.exposures)} legacy->clinical pair(s) in shared segments"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="legacyscan")
def cli() -> None:
    """legacyscan finds the obsolete systems in a hospital network and shows what they put
    at risk.

    \b
    Typical use:
      legacyscan scan 10.20.0.0/24 --out scans/ward-b     scan, identify, report
      legacyscan identify --snmpwalk switch.walk           identify from a client's files
      legacyscan demo                                      try it on the simulated hospital

    Only scan networks you are authorised to scan.  The default scan is gentle: light
    version detection, no intrusive scripts, printer ports never probed.
    """


@cli.command("scan")
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for scan.json, report.html and the raw nmap XML (created if needed).",
)
@click.option(
    "--snmp-port",
    type=click.IntRange(1, 65535),
    default=161,
    show_default=True,
    help="UDP port of the SNMP agents.",
)
@click.option(
    "--community",
    default="public",
    show_default=True,
    help="SNMP v2c community used to read the system group.",
)
@click.option(
    "--allow-public",
    is_flag=True,
    help="Allow globally routable addresses in the targets (refused by default).",
)
@as_of_option
def scan_command(
    targets: tuple[str, ...],
    out: Path,
    snmp_port: int,
    community: str,
    allow_public: bool,
    as_of: dt.datetime | None,
) -> None:
    """Scan TARGETS (addresses, CIDR blocks or ranges such as 10.1.2.10-10.1.2.40).

    Runs nmap service detection, reads the SNMP system group of every host found,
    identifies operating systems and firmware, looks up their end of support, finds
    which legacy systems share a segment with clinical devices, scores the risk and
    writes OUT/scan.json and OUT/report.html (the raw nmap XML is kept as OUT/nmap.xml).
    """
    scope = build_scope(targets, allow_public=allow_public)
    out.mkdir(parents=True, exist_ok=True)
    click.echo(f"legacyscan {__version__}: scanning {scope.address_count} address(es)", err=True)
    assessment = scan(scope, out, _as_of(as_of), snmp_port, community, _progress)
    json_path, html_path = _write_outputs(assessment, out)
    click.echo(_summary(assessment), err=True)
    click.echo(f"report: {html_path}")
    click.echo(f"data:   {json_path}")


@cli.command("identify")
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
def identify_command(
    walks: tuple[Path, ...], xmls: tuple[Path, ...], fmt: str, as_of: dt.datetime | None
) -> None:
    """Identify devices offline, from files a client handed over; nothing is sent on the network.

    Prints each device's class, identities (vendor, product, version) and their lifecycle
    verdict with its source.  A file that cannot be read is reported and the others are
    still identified.
    """
    if not walks and not xmls:
        raise click.UsageError("give at least one --snmpwalk FILE or --nmap-xml FILE")
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
        as_of=_as_of(as_of),
        started=now(),
        finished=now(),
        targets=(),
        command_lines=tuple(c for c in commands if c),
        legacyscan_version=__version__,
    )
    assessment = assess(hosts, meta)
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


@cli.command("report")
@click.argument("scan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML file to write (default: report.html beside SCAN_JSON).",
)
@as_of_option
def report_command(scan_json: Path, output: Path | None, as_of: dt.datetime | None) -> None:
    """Render the HTML report of a stored scan (its scan.json) again.

    The stored observations are identified again with the installed knowledge, so a
    report made after an update of the fingerprints shows the newer verdicts.  The
    as-of date stays the scan's own unless --as-of gives another.
    """
    meta, hosts = load_scan_json(scan_json)
    if as_of:
        meta = replace(meta, as_of=as_of.date())
    assessment = assess(hosts, meta)
    output = output or scan_json.with_name("report.html")
    write_html(assessment, output)
    click.echo(f"report: {output}")


@cli.group("lab")
def lab_group() -> None:
    """The simulated hospital: devices with real SNMP agents (snmpsim) and TCP services on
    loopback addresses 127.42.x.y, for the demo, the tests and training."""


@lab_group.command("up")
def lab_up() -> None:
    """Start the simulated devices (and say so if they are already running)."""
    from legacyscan.lab import runner

    state = runner.up(progress=_progress)
    click.echo(f"lab up: {len(state.devices)} devices; SNMP on UDP port {state.snmp_port}")
    click.echo(
        f"scan it with: legacyscan scan {' '.join(state.targets)} "
        f"--snmp-port {state.snmp_port} --out DIR"
    )


@lab_group.command("down")
def lab_down() -> None:
    """Stop everything the lab started and remove its files."""
    from legacyscan.lab import runner

    stopped = runner.down()
    click.echo(f"lab down: {stopped} process(es) stopped")


@lab_group.command("status")
def lab_status() -> None:
    """List the simulated devices and whether their processes run."""
    from legacyscan.lab import runner

    report = runner.status()
    click.echo(report)


@cli.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the demo's scan.json, report.html and nmap.xml.",
)
@as_of_option
def demo_command(out: Path, as_of: dt.datetime | None) -> None:
    """Start the simulated hospital, scan it, write the report, stop the lab."""
    from legacyscan.lab import runner

    click.echo("demo: starting the simulated hospital", err=True)
    state = runner.up(progress=_progress)
    try:
        scope = build_scope(state.targets)
        out.mkdir(parents=True, exist_ok=True)
        click.echo(f"demo: scanning {len(state.devices)} simulated devices", err=True)
        assessment = scan(scope, out, _as_of(as_of), state.snmp_port, "public", _progress)
        json_path, html_path = _write_outputs(assessment, out)
    finally:
        runner.down()
        click.echo("demo: lab stopped", err=True)
    click.echo(_summary(assessment), err=True)
    click.echo(f"report: {html_path.resolve()}")
    click.echo(f"data:   {json_path.resolve()}")


def main() -> None:
    """Entry point: user errors in one line, never a traceback (LEGACYSCAN_DEBUG=1 shows it)."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "legacyscan"
        click.echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except USER_ERRORS as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was written for the unfinished step", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, no traceback
        if os.environ.get("LEGACYSCAN_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} (set LEGACYSCAN_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(1)
