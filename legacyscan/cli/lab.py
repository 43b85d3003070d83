"""``legacyscan lab up|down|status|truth``: the simulated hospital."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from legacyscan.cli.common import format_option, progress
from legacyscan.cli.terminal import echo

_SCENARIO_HELP = (
    "Built-in scenario name (hospital: ~80 devices in 9 segments; minimal: 7 devices) "
    "or the path of your own scenario file (format in docs/lab.md)."
)


@click.group("lab")
def lab_group() -> None:
    """The simulated hospital: devices with real SNMP agents (snmpsim) and TCP services on
    loopback addresses 127.42.x.y, for the demo, the tests and training.

    \b
    legacyscan lab up                   start the default hospital (~80 devices)
    legacyscan lab up --scale 5000      a 5,000-device hospital with the same mix
    legacyscan lab truth                what each simulated device really is
    legacyscan lab down                 stop everything, remove the lab's files
    """


@lab_group.command("up")
@click.option("--scenario", default="hospital", show_default=True, help=_SCENARIO_HELP)
@click.option(
    "--scale",
    type=click.IntRange(1, 20000),
    default=None,
    help="Generate N devices with the scenario's mix of devices and segments.",
)
@click.option(
    "--snmp-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="UDP port of every SNMP agent (default: the scenario's, 16100; 161 needs root).",
)
def lab_up(scenario: str, scale: int | None, snmp_port: int | None) -> None:
    """Start the simulated devices (and say so if they are already running)."""
    from legacyscan.lab import runner

    state = runner.up(scenario, progress=progress, scale=scale, snmp_port=snmp_port)
    targets = state.targets
    shown = " ".join(targets) if len(targets) <= 12 else "127.42.0.0/16 (and the lab's blocks)"
    echo(
        f"lab up: {len(state.devices)} devices ({len(targets)} visible to a scan); "
        f"SNMP on UDP port {state.snmp_port}"
    )
    echo(f"scan it with: legacyscan scan {shown} --snmp-port {state.snmp_port} --out DIR")
    echo("ground truth: legacyscan lab truth")


@lab_group.command("down")
def lab_down() -> None:
    """Stop everything the lab started and remove its files."""
    from legacyscan.lab import runner

    stopped = runner.down()
    echo(f"lab down: {stopped} process(es) stopped")


@lab_group.command("status")
def lab_status() -> None:
    """List the simulated devices, whether their processes run, and the printer trap's count."""
    from legacyscan.lab import runner

    echo(runner.status())


@lab_group.command("truth")
@format_option
@click.option("--scenario", default=None, help="Default: the running lab, else hospital.")
@click.option("--scale", type=click.IntRange(1, 20000), default=None, help="As for 'lab up'.")
def lab_truth(fmt: str, scenario: str | None, scale: int | None) -> None:
    """Print what every simulated device really is: address, segment, MAC, class, type,
    OS/firmware vendor, product and version, and the lifecycle verdict expected."""
    from legacyscan.lab import runner

    running = runner.current() if scenario is None and scale is None else None
    devices = running.devices if running else runner.build(scenario or "hospital", scale).devices
    rows = runner.truth_rows(devices)
    if fmt == "json":
        echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        echo(
            f"{row['address']:<15} {row['segment']:<14} {row['mac']:<17} {row['class']:<11} "
            f"{row['type'] or '-':<20} {row['vendor']} {row['product']} {row['version']}".rstrip()
            + f"  [{row['lifecycle']}]"
        )
    segments = {row["segment"] for row in rows}
    echo(f"{len(rows)} devices in {len(segments)} segments")


def _month(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not re.match(r"^(20\d\d)-(0[1-9]|1[0-2])$", value):
        raise click.BadParameter("give a month as YYYY-MM, e.g. 2026-11", ctx, param)
    return value


@lab_group.command("logs")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the logs, segments.yaml, policy.yaml and truth.json (created).",
)
@click.option("--month", default="2026-11", show_default=True, callback=_month,
              help="The month the logs cover, YYYY-MM.")  # fmt: skip
@click.option("--seed", type=int, default=19, show_default=True, help="Same seed, same logs.")
@click.option("--scenario", default="hospital", show_default=True, help=_SCENARIO_HELP)
def lab_logs(out: Path, month: str, seed: int, scenario: str) -> None:
    """Write a month of synthetic web-proxy, DNS and Zeek logs from the lab's devices,
    for `legacyscan ai-usage`: Squid native (gzip), a CSV proxy export, BIND and dnsmasq
    query logs, Zeek dns.log (TSV) and ssl.log (JSON), with the segment mapping, the lab
    hospital's policy of approved AI services and truth.json (the exact connections per
    service and department in each kind of evidence).  Nothing is sent anywhere.

    \b
    Try:
      legacyscan lab logs --out lab-logs
      cd lab-logs && legacyscan ai-usage squid-access.log.gz proxy-wifi.csv \\
        bind-query.log dnsmasq.log zeek-dns.log zeek-ssl.json --no-db \\
        --segments segments.yaml --policy policy.yaml --csv-columns host=cs-url \\
        --year 2026 -o ai-usage.json
    """
    from legacyscan.lab.logs import write_month
    from legacyscan.lab.scenario import load

    truth = write_month(load(scenario), out, month, seed)
    total = sum(sum(d.values()) for d in truth["counts"]["proxy"].values())
    echo(f"lab logs: {month}, {total:,} AI connection(s) in {len(truth['lines'])} log file(s)")
    echo(f"truth:    {out / 'truth.json'}")
