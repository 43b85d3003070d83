"""``legacyscan scan`` and ``legacyscan demo``: collect from the network, then report."""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
import sys
from pathlib import Path

import click

from legacyscan import __version__
from legacyscan.cli.common import (
    as_of_date,
    as_of_option,
    identifier_for,
    progress,
    recog_option,
    segments_context,
    segments_option,
    summary_line,
    write_outputs,
)
from legacyscan.cli.inventory import inventory_options, open_recorder, print_trend
from legacyscan.cli.nmapscan import (
    NmapCliOptions,
    ProgressLine,
    nmap_scan_options,
    print_plan,
    resume_hint,
)
from legacyscan.cli.snmp import TABLES_HELP, build_options, parse_groups
from legacyscan.cli.terminal import echo
from legacyscan.collect.nmap.plan import Authorisation, ScanRequest, plan_request
from legacyscan.collect.nmap.runner import ScanInterrupted
from legacyscan.collect.snmp.sweep import SnmpOptions
from legacyscan.model import Assessment
from legacyscan.pipeline import nmap_store, refuse_unfinished, scan, scan_meta_at_start


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
@inventory_options
@recog_option
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
    db: str | None,
    no_db: bool,
    site: str,
    vantage: str,
    recog_dirs: tuple[Path, ...],
) -> None:
    """Scan TARGETS (addresses, CIDR blocks or ranges such as 10.1.2.10-10.1.2.40 or 10.1.2.10-40).

    Runs nmap service detection with a scan profile (default clinical-safe: gentle,
    printer ports never probed), reads the SNMP system group of every host found,
    lists the devices only the switches' ARP and forwarding tables show (never probed),
    classes every host, then -- the second pass -- sends the read-only scripts that name
    an OS (SMB, RDP NTLM info, SSH host key, HTTP header and title, TLS certificate) only
    to the hosts whose class allows them (never medical, printer, IoT, power or unknown
    ones unless named with --second-pass-host), names self-hosted AI services (Ollama,
    vLLM, Open WebUI...) with read-only HTTP GETs on the ports found open, never to
    medical, IoT, power or printer devices (--no-ai-probes: none), identifies operating
    systems and firmware, looks up their end of support, finds
    which legacy systems share a segment with clinical devices, scores the risk and
    writes OUT/scan.json and OUT/report.html.  Every nmap XML output is kept compressed
    in OUT/nmap/, chunk by chunk as it finishes: an interrupted scan continues with
    'legacyscan scan --resume --out OUT'.  Try --dry-run first to see every nmap command.

    Every scan is also recorded in the inventory (see --db), each nmap chunk and each
    SNMP answer committed as it completes, so that `legacyscan history` and
    `legacyscan diff` can compare it with the others and a killed scan loses nothing.
    """
    if not targets and nmap_options.targets_file is None and not nmap_options.resume:
        raise click.UsageError("give TARGETS, --targets-file FILE, or --resume with --out")
    if out is None and not nmap_options.dry_run:
        raise click.UsageError("--out DIR is required (except with --dry-run)")
    plan = nmap_options.plan(targets, out)
    second_pass = nmap_options.second_pass_options(plan)
    # A bad credentials or mapping file fails before the scan, and in a dry run too.
    snmp_options = build_options(
        snmp_credentials, community, snmp_port, groups=parse_groups(snmp_tables)
    )
    context = segments_context(segments_file)
    if nmap_options.dry_run:
        checked = f"snmp: {len(snmp_options.credentials)} credential(s) on UDP port {snmp_port}"
        if segments_file is not None:
            checked += f"; segments from {segments_file}"
        print_plan(plan, (checked,), second_pass)
        return
    assert out is not None
    refuse_unfinished(nmap_store(out), out, nmap_options.resume, plan)
    out.mkdir(parents=True, exist_ok=True)
    echo(
        f"legacyscan {__version__}: scanning {plan.address_count} address(es) "
        f"with profile {plan.profile}",
        err=True,
    )
    for note in plan.notes:
        progress(f"note: {note}")
    as_of_day = as_of_date(as_of)
    begun = scan_meta_at_start(plan, as_of_day, site, vantage)
    with open_recorder(db, no_db, begun, out, nmap_options.resume) as recorder:
        try:
            assessment = scan(
                plan,
                out,
                as_of_day,
                progress=progress,
                on_scan_progress=ProgressLine(),
                resume=nmap_options.resume,
                snmp_options=snmp_options,
                snmp_sweep=snmp_sweep,
                context=context,
                recorder=recorder,
                site=site,
                vantage=vantage,
                second_pass=second_pass,
                identifier=identifier_for(recog_dirs),
            )
        except ScanInterrupted as stop:
            hint = resume_hint(out, plan) + (f" --db {shlex.quote(db)}" if db else "")
            echo(f"\n{stop}; resume with: {hint}", err=True)
            sys.exit(130)
        json_path, html_path = write_outputs(assessment, out)
        echo(summary_line(assessment), err=True)
        if recorder is not None:
            print_trend(assessment.trend)
    echo(f"report: {html_path}")
    echo(f"data:   {json_path}")


def demo_ai_usage(assessment: Assessment, out: Path, as_of: dt.date, html_path: Path) -> None:
    """The demo's last step: the lab's logs of the month before, counted against the
    demo's inventory, and the report written again with its section on outside AI."""
    from legacyscan.aiusage import measure
    from legacyscan.aiusage.catalogue import Policy, load_catalogue
    from legacyscan.aiusage.usagefile import write_usage
    from legacyscan.collect.logs import CsvColumns, reader_for
    from legacyscan.inventory import Inventory
    from legacyscan.lab.logs import LOG_FILES, write_month
    from legacyscan.lab.scenario import load
    from legacyscan.report.formats import write_report
    from legacyscan.topology.mapping import SegmentMap

    month = (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    logs = out / "logs"
    echo(f"demo: writing a month of proxy, DNS and Zeek logs ({month}) in {logs}", err=True)
    write_month(load("hospital"), logs, month)
    columns = CsvColumns.parse("host=cs-url")
    year = int(month[:4])
    readers = [(logs / name, reader_for(logs / name, "auto", columns, year)) for name in LOG_FILES]
    policy = Policy.load(logs / "policy.yaml")
    with Inventory.open(out / "inventory.sqlite", create=False) as inventory:
        data = measure(
            readers, load_catalogue(policy=policy), inventory,
            segments=SegmentMap.load(logs / "segments.yaml"), segments_name="segments.yaml",
            policy_name=policy.source, progress=progress,
        )  # fmt: skip
    write_usage(data, out / "ai-usage.json")
    write_report(assessment, "html", html_path, ai_usage=data)
    total = sum(r.connections for r in data.rows if r.evidence == "proxy")
    echo(f"demo: {total:,} connection(s) to outside AI services (report: Shadow AI)", err=True)


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

    A previous demo's nmap evidence in OUT/nmap is replaced.  Each demo scan is recorded
    in OUT/inventory.sqlite (not in your own inventory), so a second demo shows the trend:
    try `legacyscan history --db OUT/inventory.sqlite`."""
    from legacyscan.lab import runner

    echo("demo: starting the simulated hospital", err=True)
    state = runner.up(progress=progress)
    try:
        plan = plan_request(ScanRequest(targets=state.targets), Authorisation())
        out.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(nmap_store(out).folder, ignore_errors=True)  # a fresh demo each time
        echo(f"demo: scanning {len(state.devices)} simulated devices", err=True)
        begun = scan_meta_at_start(plan, as_of_date(as_of), "demo-hospital", "lab")
        with open_recorder(str(out / "inventory.sqlite"), False, begun, out, False) as recorder:
            # Every community and the v3 user of the lab, as an engineer's file would list them.
            snmp_options = SnmpOptions(port=state.snmp_port, credentials=state.credentials())
            assessment = scan(
                plan, out, as_of_date(as_of), progress=progress,
                on_scan_progress=ProgressLine(), snmp_options=snmp_options,
                recorder=recorder, site=begun.site, vantage=begun.vantage,
            )  # fmt: skip
            json_path, html_path = write_outputs(assessment, out)
            print_trend(assessment.trend)
    finally:
        runner.down()
        echo("demo: lab stopped", err=True)
    demo_ai_usage(assessment, out, as_of_date(as_of), html_path)
    echo(summary_line(assessment), err=True)
    echo(f"report: {html_path.resolve()}")
    echo(f"data:   {json_path.resolve()}")
