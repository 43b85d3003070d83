"""The command line: parse options, call the pipeline stages, print.  Nothing else lives here.

Each area has its own module (``scan``, ``offline``, ``lab``...) whose commands are
registered on the top-level group below; a new command touches only its module and one
line here.
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from legacyscan import __version__
from legacyscan.cli import (
    aiusage,
    eol,
    fingerprints,
    graph,
    imports,
    inventory,
    jobs,
    lab,
    nmapscan,
    offline,
    planning,
)
from legacyscan.cli import scan as scan_commands
from legacyscan.cli import snmp as snmp_commands
from legacyscan.cli.terminal import echo
from legacyscan.errors import UserError


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


for command in (
    scan_commands.scan_command,
    scan_commands.demo_command,
    nmapscan.profiles_command,
    offline.identify_command,
    offline.report_command,
    snmp_commands.snmp_command,
    imports.import_command,
    lab.lab_group,
    inventory.history_command,
    inventory.diff_command,
    inventory.devices_command,
    inventory.db_group,
    jobs.dispatch_command,
    jobs.worker_command,
    jobs.jobs_command,
    fingerprints.fingerprints_group,
    eol.eol_group,
    graph.graph_group,
    planning.plan_command,
    planning.whatif_command,
    aiusage.ai_usage_command,
):
    cli.add_command(command)


def main() -> None:
    """Entry point: user errors in one line, never a traceback (LEGACYSCAN_DEBUG=1 shows it)."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        echo("interrupted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "legacyscan"
        echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except UserError as exc:
        echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        echo("interrupted: nothing was written for the unfinished step", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, no traceback
        if os.environ.get("LEGACYSCAN_DEBUG"):
            traceback.print_exc()
        echo(
            f"internal error: {type(exc).__name__}: {exc} (set LEGACYSCAN_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(1)
