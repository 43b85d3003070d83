"""``legacyscan scan`` and ``legacyscan demo``: collect from the network, then report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from legacyscan import __version__
from legacyscan.cli.common import as_of_date, as_of_option, progress, summary_line, write_outputs
from legacyscan.cli.snmp import TABLES_HELP, build_options, parse_groups
from legacyscan.pipeline import scan
from legacyscan.scope import build_scope


@click.command("scan")
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
    community: str | None,
    snmp_credentials: Path | None,
    snmp_sweep: bool,
    snmp_tables: str,
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
    snmp_options = build_options(
        snmp_credentials, community, snmp_port, groups=parse_groups(snmp_tables)
    )
    out.mkdir(parents=True, exist_ok=True)
    click.echo(f"legacyscan {__version__}: scanning {scope.address_count} address(es)", err=True)
    assessment = scan(
        scope,
        out,
        as_of_date(as_of),
        progress=progress,
        snmp_options=snmp_options,
        snmp_sweep=snmp_sweep,
    )
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
    help="Folder for the demo's scan.json, report.html and nmap.xml.",
)
@as_of_option
def demo_command(out: Path, as_of: dt.datetime | None) -> None:
    """Start the simulated hospital, scan it, write the report, stop the lab."""
    from legacyscan.lab import runner

    click.echo("demo: starting the simulated hospital", err=True)
    state = runner.up(progress=progress)
    try:
        scope = build_scope(state.targets)
        out.mkdir(parents=True, exist_ok=True)
        click.echo(f"demo: scanning {len(state.devices)} simulated devices", err=True)
        assessment = scan(scope, out, as_of_date(as_of), state.snmp_port, "public", progress)
        json_path, html_path = write_outputs(assessment, out)
    finally:
        runner.down()
        click.echo("demo: lab stopped", err=True)
    click.echo(summary_line(assessment), err=True)
    click.echo(f"report: {html_path.resolve()}")
    click.echo(f"data:   {json_path.resolve()}")
