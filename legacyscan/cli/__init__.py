"""The command line: parse options, call the pipeline stages, print.  Nothing else lives here.

Each area has its own module (``scan``, ``offline``, ``lab``...) whose commands are
registered on the top-level group below; a new command touches only its module and one
line here.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import traceback

import click

from legacyscan import __version__
from legacyscan.cli.terminal import echo
from legacyscan.errors import UserError

#: command name -> (module of legacyscan.cli, attribute); a new command adds one line here
COMMANDS = {
    "scan": ("scan", "scan_command"),
    "demo": ("scan", "demo_command"),
    "profiles": ("nmapscan", "profiles_command"),
    "identify": ("offline", "identify_command"),
    "report": ("offline", "report_command"),
    "snmp": ("snmp", "snmp_command"),
    "import": ("imports", "import_command"),
    "lab": ("lab", "lab_group"),
    "history": ("inventory", "history_command"),
    "diff": ("inventory", "diff_command"),
    "devices": ("inventory", "devices_command"),
    "db": ("inventory", "db_group"),
    "dispatch": ("jobs", "dispatch_command"),
    "worker": ("jobs", "worker_command"),
    "jobs": ("jobs", "jobs_command"),
    "fingerprints": ("fingerprints", "fingerprints_group"),
    "eol": ("eol", "eol_group"),
    "graph": ("graph", "graph_group"),
    "plan": ("planning", "plan_command"),
    "whatif": ("planning", "whatif_command"),
    "ai-usage": ("aiusage", "ai_usage_command"),
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (or ``--help`` lists them
    all): ``legacyscan eol show`` need not load jinja2, networkx, openpyxl and pysnmp."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})  # as click lists them: by name

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        module, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"legacyscan.cli.{module}"), attribute)
        if not isinstance(command, click.Command) or command.name != cmd_name:
            raise RuntimeError(f"legacyscan.cli.{module}.{attribute} is not '{cmd_name}'")
        self.commands[cmd_name] = command
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
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


#: Allocations between two collections of the youngest generation (CPython's default is
#: 700).  A command builds records that live to its end -- 20,000 hosts are millions of
#: objects, with no cycle to collect early -- and at the default the collector walks the
#: survivors again and again: a quarter of a 20,000-host import (issue 20).
GC_YOUNG = 50_000


def main() -> None:
    """Entry point: user errors in one line, never a traceback (LEGACYSCAN_DEBUG=1 shows it)."""
    young, older, oldest = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG, young), older, oldest)
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
