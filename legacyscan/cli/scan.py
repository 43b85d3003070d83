"""``legacyscan scan`` and ``legacyscan demo``: collect from the network, then report."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import click

from legacyscan import __version__
from legacyscan.cli.common import (
    as_of_date,
    as_of_option,
    progress,
    segments_context,
    segments_option,
    summary_line,
    write_outputs,
)
from legacyscan.cli.nmapscan import (
    NmapCliOptions,
    ProgressLine,
    nmap_scan_options,
    print_plan,
    resume_hint,
)
from legacyscan.cli.snmp import TABLES_HELP, build_options, parse_groups
from legacyscan.collect.nmap import plan_scan
from legacyscan.collect.nmap_runner import ScanInterrupted
from legacyscan.pipeline import nmap_store, scan
from legacyscan.scope import build_scope


@click.command("scan")
@click.argument("targets", nargs=-1)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for scan.json, report.html and the raw nmap XML (created if needed); "
    "required unless --dry-run.",
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
    default=None,
    help="SNMP v2c community to try (default: public); see --snmp-credentials for more.",
)
@click.option(
    "--snmp-credentials",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML file of SNMP communities and v3 users tried in order (see docs/snmp.md).",
)
@click.option(
    "--snmp-sweep",
    is_flag=True,
    help="Ask SNMP of every address in the targets, not only of the hosts nmap found.",
)
@click.option("--snmp-tables", default="all", show_default=True, help=TABLES_HELP)
@nmap_scan_options
@as_of_option
@segments_option
def scan_command(
    targets: tuple[str, ...],
    out: Path | None,
    snmp_port: int,
    community: str | None,
    snmp_credentials: Path | None,
    snmp_sweep: bool,
    snmp_tables: str,
    as_of: dt.datetime | None,
    segments_file: Path | None,
    nmap_options: NmapCliOptions,
) -> None:
    """Scan TARGETS (addresses, CIDR blocks or ranges such as 10.1.2.10-10.1.2.40).

    Runs nmap service detection with a scan profile (default clinical-safe: gentle,
    printer ports never probed), reads the SNMP system group of every host found,
    identifies operating systems and firmware, looks up their end of support, finds
    which legacy systems share a segment with clinical devices, scores the risk and
    writes OUT/scan.json and OUT/report.html.  Every nmap XML output is kept compressed
    in OUT/nmap/, chunk by chunk as it finishes: an interrupted scan continues with
    'legacyscan scan --resume --out OUT'.  Try --dry-run first to see every nmap command.
    """
    if not targets and nmap_options.targets_file is None and not nmap_options.resume:
        raise click.UsageError("give TARGETS, --targets-file FILE, or --resume with --out")
    if out is None and not nmap_options.dry_run:
        raise click.UsageError("--out DIR is required (except with --dry-run)")
    plan = nmap_options.plan(targets, out)
    if nmap_options.dry_run:
        print_plan(plan)
        return
    assert out is not None
    snmp_options = build_options(
        snmp_credentials, community, snmp_port, groups=parse_groups(snmp_tables)
    )
    context = segments_context(segments_file)  # a bad mapping file fails before the scan
    out.mkdir(parents=True, exist_ok=True)
    click.echo(
        f"legacyscan {__version__}: scanning {plan.address_count} address(es) "
        f"with profile {plan.profile}",
        err=True,
    )
    for note in plan.notes:
        progress(f"note: {note}")
    try:
        assessment = scan(
            plan,
            out,
            as_of_date(as_of),
            progress=progress,
            on_scan_progress=ProgressLine(),
            resume=nmap_options.resume,
            snmp_options=snmp_options,
            snmp_sweep=snmp_sweep,
            context=context,
        )
    except ScanInterrupted as stop:
        click.echo(f"\n{stop}; resume with: {resume_hint(out)}", err=True)
        sys.exit(130)
    json_path, html_path = write_outputs(assessment, out)
    click.echo(summary_line(assessment), err=True)
    click.echo(f"report: {html_path}")
    click.echo(f"data:   {json_path}")


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the demo's scan.json, report.html and nmap/ evidence.",
)
@as_of_option
def demo_command(out: Path, as_of: dt.datetime | None) -> None:
    """Start the simulated hospital, scan it, write the report, stop the lab.

    A previous demo's nmap evidence in OUT/nmap is replaced."""
    from legacyscan.lab import runner

    click.echo("demo: starting the simulated hospital", err=True)
    state = runner.up(progress=progress)
    try:
        plan = plan_scan(build_scope(state.targets))
        out.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(nmap_store(out).folder, ignore_errors=True)  # a fresh demo each time
        click.echo(f"demo: scanning {len(state.devices)} simulated devices", err=True)
        assessment = scan(
            plan, out, as_of_date(as_of), state.snmp_port, "public", progress,
            on_scan_progress=ProgressLine(),
        )  # fmt: skip
        json_path, html_path = write_outputs(assessment, out)
    finally:
        runner.down()
        click.echo("demo: lab stopped", err=True)
    click.echo(summary_line(assessment), err=True)
    click.echo(f"report: {html_path.resolve()}")
    click.echo(f"data:   {json_path.resolve()}")
