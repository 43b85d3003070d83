"""``legacyscan lab up|down|status``: the simulated hospital."""

from __future__ import annotations

import click

from legacyscan.cli.common import progress


@click.group("lab")
def lab_group() -> None:
    """The simulated hospital: devices with real SNMP agents (snmpsim) and TCP services on
    loopback addresses 127.42.x.y, for the demo, the tests and training."""


@lab_group.command("up")
def lab_up() -> None:
    """Start the simulated devices (and say so if they are already running)."""
    from legacyscan.lab import runner

    state = runner.up(progress=progress)
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
